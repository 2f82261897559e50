// MissionChannel: account-scoped subscriptions, exact stream names, silence on subscribe, and every publisher
// reaching the mission and account subscribers; end to end through @rails/actioncable against startServer.

import { MissionChannel } from '../../../channels/devops/mission-channel';
import {
  MissionAccountStream,
  MissionApprovalRequired,
  MissionApprovalResolved,
  MissionDeployed,
  MissionError,
  MissionOtherEvent,
  MissionPhaseChanged,
  MissionPrCreated,
  MissionStatusChanged,
  MissionStream,
  missionStream,
  MissionTaskStatusChanged,
} from '../../../channels/devops/mission-events';
import type { Broadcaster } from '../../../channels/support/services';
import { broadcaster, type EventSpec } from '../../../src/channel/index';
import type { AiMission } from '../../../src/db/prisma';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { railsSubscribe } from '../../support/clients';
import { e2eSuite } from '../../support/e2e-server';
import { openDevopsDb, seedAccountRows } from './fixtures';

const d = channelSuite(openDevopsDb, [MissionChannel]);

/** What Rails does for a mission event: the mission's stream, then its account's (schema-only events, derived publishers). */
async function toMission<I>(b: Broadcaster, event: EventSpec<I>, m: Pick<AiMission, 'id' | 'accountId'>, input: I): Promise<void> {
  await broadcaster(event, MissionStream)(b, { mission_id: m.id }, input);
  await broadcaster(event, MissionAccountStream)(b, { account_id: m.accountId }, input);
}

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

  describe('events (derived publishers)', () => {
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
      ['status_changed', () => toMission(d.broadcaster, MissionStatusChanged, mission, { payload: { mission_id: mission.id, status: mission.status, current_phase: mission.currentPhase } }), { mission_id: '<id>', status: 'active', current_phase: 'planning' }],
      ['phase_changed', () => toMission(d.broadcaster, MissionPhaseChanged, mission, { payload: { mission_id: mission.id, status: mission.status, current_phase: mission.currentPhase, phase_progress: { done: 2 } } }), { mission_id: '<id>', status: 'active', current_phase: 'planning', phase_progress: { done: 2 } }],
      [
        'task_status_changed',
        () => toMission(d.broadcaster, MissionTaskStatusChanged, mission, { payload: { task_id: 't1', task_key: 'auth', status: 'passed', previous_status: 'in_progress', execution_type: 'agent', phase: 'executing' } }),
        { task_id: 't1', task_key: 'auth', status: 'passed', previous_status: 'in_progress', execution_type: 'agent', phase: 'executing' },
      ],
      ['deployed', () => toMission(d.broadcaster, MissionDeployed, mission, { payload: { mission_id: mission.id, url: 'http://preview:6001', port: 6001, container_id: 'c-1' } }), { mission_id: '<id>', url: 'http://preview:6001', port: 6001, container_id: 'c-1' }],
      ['pr_created', () => toMission(d.broadcaster, MissionPrCreated, mission, { payload: { mission_id: mission.id, pr_number: 12, pr_url: 'https://git/pr/12' } }), { mission_id: '<id>', pr_number: 12, pr_url: 'https://git/pr/12' }],
      ['approval_required', () => toMission(d.broadcaster, MissionApprovalRequired, mission, { payload: { mission_id: mission.id, gate: 'prd_review', status: mission.status, current_phase: mission.currentPhase } }), { mission_id: '<id>', gate: 'prd_review', status: 'active', current_phase: 'planning' }],
      [
        'approval_resolved',
        () => toMission(d.broadcaster, MissionApprovalResolved, mission, { payload: { mission_id: mission.id, approval_id: 'a1', gate: 'prd_review', decision: 'approved', comment: 'ok', status: mission.status, current_phase: mission.currentPhase } }),
        { mission_id: '<id>', approval_id: 'a1', gate: 'prd_review', decision: 'approved', comment: 'ok', status: 'active', current_phase: 'planning' },
      ],
      ['error', () => toMission(d.broadcaster, MissionError, mission, { payload: { mission_id: mission.id, error: 'planner crashed', current_phase: mission.currentPhase } }), { mission_id: '<id>', error: 'planner crashed', current_phase: 'planning' }],
    ];

    it.each(cases)('%s reaches the mission and the account subscribers', async (event, publish, payload) => {
      const { last } = await subscribeBoth();
      await publish();
      const expected = { event, payload: JSON.parse(JSON.stringify(payload).replaceAll('<id>', mission.id)), timestamp: expect.stringMatching(TIMESTAMP) };
      expect(last()).toEqual({ mission: expected, account: expected });
    });

    it('any other event reaches both streams', async () => {
      const { last } = await subscribeBoth();
      await toMission(d.broadcaster, MissionOtherEvent, mission, { event: 'custom', payload: { a: 1 } });
      expect(last().mission).toMatchObject({ event: 'custom', payload: { a: 1 } });
      expect(last().account).toMatchObject({ event: 'custom', payload: { a: 1 } });
    });

    it('an account event (broadcast_to_account) reaches only the account stream and keeps a given timestamp', async () => {
      const { client, last } = await subscribeBoth();
      await broadcaster(MissionOtherEvent, MissionAccountStream)(d.broadcaster, { account_id: mission.accountId }, { event: 'mission_created', payload: { mission_id: mission.id }, timestamp: '2026-01-01T00:00:00Z' });
      expect(last().account).toEqual({ event: 'mission_created', payload: { mission_id: mission.id }, timestamp: '2026-01-01T00:00:00Z' });
      expect(client.received(missionParams(mission.id))).toEqual([]);
    });

    it('does not deliver a foreign mission event to the own account', async () => {
      const { client } = await subscribeBoth();
      await toMission(d.broadcaster, MissionStatusChanged, { id: d.foreign.missionId, accountId: d.foreign.accountId }, { payload: { mission_id: d.foreign.missionId, status: 'failed', current_phase: null } });
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
      await toMission(e2e.running.services.broadcaster, MissionStatusChanged, mission, { payload: { mission_id: mission.id, status: 'paused', current_phase: mission.currentPhase } });
      expect(await own.next()).toEqual({ event: 'status_changed', payload: { mission_id: mission.id, status: 'paused', current_phase: 'planning' }, timestamp: expect.stringMatching(TIMESTAMP) });
    });
  });
});
