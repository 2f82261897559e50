// MissionChannel: account-scoped subscriptions, exact stream names, silence on subscribe, and every publisher
// reaching the mission and account subscribers; end to end through @rails/actioncable against startServer.

import { MissionChannel } from '../../../channels/devops/mission-channel';
import {
  missionStream,
  publishMissionAccountEvent,
  publishMissionApprovalRequired,
  publishMissionApprovalResolved,
  publishMissionDeployed,
  publishMissionError,
  publishMissionEvent,
  publishMissionPhaseChanged,
  publishMissionPrCreated,
  publishMissionStatusChanged,
  publishTaskStatusChanged,
} from '../../../channels/devops/mission-events';
import type { AiMission } from '../../../src/db/prisma';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { railsSubscribe } from '../../support/clients';
import { e2eSuite } from '../../support/e2e-server';
import { openDevopsDb, seedAccountRows } from './fixtures';

const d = channelSuite(openDevopsDb, [MissionChannel]);

const missionParams = (id: string) => ({ channel: 'MissionChannel', type: 'mission', id });
const accountParams = (id: string) => ({ channel: 'MissionChannel', type: 'account', id });

describe('MissionChannel', () => {
  describe('subscribe', () => {
    it('accepts a mission of the own account and streams mission:mission:<id>', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = missionParams(d.own.missionId);
      expect(await client.subscribe(params)).toBe('confirm_subscription');
      expect(client.streams(params)).toEqual([`mission:mission:${d.own.missionId}`]);
    });

    it('accepts the own account and streams mission:account:<id>', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = accountParams(d.own.accountId);
      expect(await client.subscribe(params)).toBe('confirm_subscription');
      expect(client.streams(params)).toEqual([`mission:account:${d.own.accountId}`]);
    });

    it('transmits nothing on subscribe', async () => {
      const client = await d.subscribed(testUser(d.own.accountId), missionParams(d.own.missionId));
      expect(client.received(missionParams(d.own.missionId))).toEqual([]);
    });

    it('accepts a user without permissions (the original requires none)', async () => {
      await d.subscribed(testUser(d.own.accountId), accountParams(d.own.accountId));
    });

    it('rejects a mission of a foreign account', async () => {
      await d.refuses(testUser(d.own.accountId), missionParams(d.foreign.missionId));
    });

    it('rejects a foreign account', async () => {
      await d.refuses(testUser(d.own.accountId), accountParams(d.foreign.accountId));
    });

    it('rejects a malformed mission id and an unknown mission', async () => {
      await d.refuses(testUser(d.own.accountId), missionParams('42; DROP TABLE'), missionParams('00000000-0000-4000-8000-000000000000'));
    });

    it('rejects missing params and an unknown type', async () => {
      await d.refuses(testUser(d.own.accountId), { channel: 'MissionChannel' }, { channel: 'MissionChannel', type: 'mission' }, { channel: 'MissionChannel', id: d.own.missionId }, { channel: 'MissionChannel', type: 'ralph_loop', id: d.own.missionId });
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), accountParams(d.own.accountId));
    });
  });

  describe('publishers', () => {
    let mission: AiMission;
    beforeAll(async () => {
      mission = await d.db.aiMission.findUniqueOrThrow({ where: { id: d.own.missionId } });
    });

    async function subscribeBoth() {
      const client = await d.subscribed(testUser(d.own.accountId), missionParams(mission.id));
      await client.subscribe(accountParams(mission.accountId));
      const last = () => ({ mission: client.received(missionParams(mission.id)).at(-1), account: client.received(accountParams(mission.accountId)).at(-1) });
      return { client, last };
    }

    const cases: Array<[string, () => Promise<void>, Record<string, unknown>]> = [
      ['status_changed', () => publishMissionStatusChanged(d.broadcaster, mission), { mission_id: '<id>', status: 'active', current_phase: 'planning' }],
      ['phase_changed', () => publishMissionPhaseChanged(d.broadcaster, { ...mission, phaseProgress: { done: 2 } }), { mission_id: '<id>', status: 'active', current_phase: 'planning', phase_progress: { done: 2 } }],
      [
        'task_status_changed',
        () => publishTaskStatusChanged(d.broadcaster, mission, { taskId: 't1', taskKey: 'auth', status: 'passed', previousStatus: 'in_progress', executionType: 'agent', phase: 'executing' }),
        { task_id: 't1', task_key: 'auth', status: 'passed', previous_status: 'in_progress', execution_type: 'agent', phase: 'executing' },
      ],
      ['deployed', () => publishMissionDeployed(d.broadcaster, mission, { url: 'http://preview:6001', port: 6001, containerId: 'c-1' }), { mission_id: '<id>', url: 'http://preview:6001', port: 6001, container_id: 'c-1' }],
      ['pr_created', () => publishMissionPrCreated(d.broadcaster, mission, { number: 12, url: 'https://git/pr/12' }), { mission_id: '<id>', pr_number: 12, pr_url: 'https://git/pr/12' }],
      ['approval_required', () => publishMissionApprovalRequired(d.broadcaster, mission, 'prd_review'), { mission_id: '<id>', gate: 'prd_review', status: 'active', current_phase: 'planning' }],
      [
        'approval_resolved',
        () => publishMissionApprovalResolved(d.broadcaster, mission, { id: 'a1', gate: 'prd_review', decision: 'approved', comment: 'ok' }),
        { mission_id: '<id>', approval_id: 'a1', gate: 'prd_review', decision: 'approved', comment: 'ok', status: 'active', current_phase: 'planning' },
      ],
      ['error', () => publishMissionError(d.broadcaster, mission, 'planner crashed'), { mission_id: '<id>', error: 'planner crashed', current_phase: 'planning' }],
    ];

    it.each(cases)('%s reaches the mission and the account subscribers', async (event, publish, payload) => {
      const { last } = await subscribeBoth();
      await publish();
      const expected = { event, payload: JSON.parse(JSON.stringify(payload).replaceAll('<id>', mission.id)), timestamp: expect.stringMatching(TIMESTAMP) };
      expect(last()).toEqual({ mission: expected, account: expected });
    });

    it('publishMissionEvent sends any event to both streams', async () => {
      const { last } = await subscribeBoth();
      await publishMissionEvent(d.broadcaster, mission, 'custom', { a: 1 });
      expect(last().mission).toMatchObject({ event: 'custom', payload: { a: 1 } });
      expect(last().account).toMatchObject({ event: 'custom', payload: { a: 1 } });
    });

    it('publishMissionAccountEvent reaches only the account stream and keeps a given timestamp', async () => {
      const { client, last } = await subscribeBoth();
      await publishMissionAccountEvent(d.broadcaster, mission.accountId, 'mission_created', { mission_id: mission.id }, '2026-01-01T00:00:00Z');
      expect(last().account).toEqual({ event: 'mission_created', payload: { mission_id: mission.id }, timestamp: '2026-01-01T00:00:00Z' });
      expect(client.received(missionParams(mission.id))).toEqual([]);
    });

    it('does not deliver a foreign mission event to the own account', async () => {
      const { client } = await subscribeBoth();
      await publishMissionStatusChanged(d.broadcaster, { id: d.foreign.missionId, accountId: d.foreign.accountId, status: 'failed', currentPhase: null });
      expect(client.received(accountParams(mission.accountId))).toEqual([]);
      expect(missionStream('account', d.foreign.accountId)).toBe(`mission:account:${d.foreign.accountId}`);
    });
  });

  describe('end to end (@rails/actioncable against startServer)', () => {
    const e2e = e2eSuite('devops', seedAccountRows);

    it('confirms the own mission, rejects a foreign one and delivers status_changed', async () => {
      const consumer = e2e.consumer(await e2e.newUserToken(e2e.own.accountId));
      const own = railsSubscribe(consumer, { channel: 'MissionChannel', type: 'mission', id: e2e.own.missionId });
      const foreign = railsSubscribe(consumer, { channel: 'MissionChannel', type: 'mission', id: e2e.foreign.missionId });
      expect(await own.state).toBe('connected');
      expect(await foreign.state).toBe('rejected');
      const mission = await e2e.running.db.aiMission.findUniqueOrThrow({ where: { id: e2e.own.missionId } });
      await publishMissionStatusChanged(e2e.running.services.broadcaster, { ...mission, status: 'paused' });
      expect(await own.next()).toEqual({ event: 'status_changed', payload: { mission_id: mission.id, status: 'paused', current_phase: 'planning' }, timestamp: expect.stringMatching(TIMESTAMP) });
    });
  });
});
