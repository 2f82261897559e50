// TeamExecutionChannel: team scoping, the UI's pause/resume/cancel/redirect commands (which need ai.teams.execute),
// and the catalog's execution events broadcast through broadcaster(Event).

import {
  ExecutionCompleted, ExecutionFailed, ExecutionProgress, ExecutionStarted, ExecutionTimeout, MemberCompleted, PlanAwaitingApproval,
} from '../../../channels/platform/team-execution-events';
import { broadcaster } from '../../../src/channel/index';
import { seedId } from '../../../src/db/seed';
import { expectSubscribed, ofType, replyTo } from '../../support/channel-suite';
import { acme, globex, grantPermissions, platformSuite } from './support';

const teamId = seedId('acme:team');
const executionId = seedId('acme:team-execution');
const params = { channel: 'TeamExecutionChannel', team_id: teamId };

const env = platformSuite();
beforeAll(async () => {
  // The member runs the commands: like Powernode's team-execution controllers, they need ai.teams.execute.
  await grantPermissions(env.db, acme.member, ['ai.teams.execute']);
});

const execution = () => env.db.aiTeamExecution.findUniqueOrThrow({ where: { id: executionId } });

describe('TeamExecutionChannel', () => {
  describe('subscribe', () => {
    it('accepts a team of the own account and streams team_execution:<team_id>', async () => {
      await expectSubscribed(await env.connectUser(acme.viewer), params, [`team_execution:${teamId}`], [{ type: 'subscription.confirmed', channel: 'team_execution', team_id: teamId, timestamp: expect.any(String) }]);
    });

    it('rejects another account\'s team, a malformed id, missing params and a worker', async () => {
      await env.refusesUser(acme.owner, { ...params, team_id: seedId('globex:team') }, { ...params, team_id: '1' }, { channel: 'TeamExecutionChannel' });
      await env.refusesWorker(params);
    });
  });

  describe('control commands', () => {
    it('pause sets the control signal, acknowledges and broadcasts execution_paused', async () => {
      const c = await env.subscribedUser(acme.member, params);
      await c.perform(params, 'pause', { execution_id: executionId });
      expect((await execution()).controlSignal).toBe('pause');
      const msgs = c.received(params).slice(-2);
      expect(msgs).toContainEqual({ type: 'command_acknowledged', command: 'pause', execution_id: executionId, timestamp: expect.any(String) });
      expect(msgs).toContainEqual({ type: 'execution_paused', team_id: teamId, execution_id: executionId, status: 'running', control_signal: 'pause', timestamp: expect.any(String) });
    });

    it('resume clears a pause', async () => {
      const c = await env.subscribedUser(acme.member, params);
      await c.perform(params, 'resume', { execution_id: executionId });
      expect((await execution()).controlSignal).toBeNull();
      expect(ofType(c, params, 'execution_resumed')).toHaveLength(1);
      expect(ofType(c, params, 'command_acknowledged')).toHaveLength(1);
    });

    it('redirect stores the instructions', async () => {
      const c = await env.subscribedUser(acme.member, params);
      await c.perform(params, 'redirect', { execution_id: executionId, instructions: { focus: 'tests' } });
      const row = await execution();
      expect(row.controlSignal).toBe('redirect');
      expect(JSON.parse(row.redirectInstructions ?? 'null')).toEqual({ focus: 'tests' });
      expect(ofType(c, params, 'execution_redirected')[0]).toMatchObject({ instructions: { focus: 'tests' }, control_signal: 'redirect' });
    });

    it('redirect also takes instructions as text (stored as a JSON string)', async () => {
      const c = await env.subscribedUser(acme.member, params);
      await c.perform(params, 'redirect', { execution_id: executionId, instructions: 'Focus on the failing tests' });
      const row = await execution();
      expect(row.controlSignal).toBe('redirect');
      expect(JSON.parse(row.redirectInstructions ?? 'null')).toBe('Focus on the failing tests');
      expect(c.last(params)).toMatchObject({ type: 'execution_redirected', instructions: 'Focus on the failing tests' });
      expect(ofType(c, params, 'command_acknowledged')).toHaveLength(1);
      expect(ofType(c, params, 'command_error')).toHaveLength(0);
    });

    it('cancel sets the cancel signal', async () => {
      const c = await env.subscribedUser(acme.member, params);
      await c.perform(params, 'cancel', { execution_id: executionId });
      expect((await execution()).controlSignal).toBe('cancel');
      expect(ofType(c, params, 'execution_cancelled')).toHaveLength(1);
    });

    it('answers command_error for another team\'s or account\'s execution, malformed ids and missing ids', async () => {
      const c = await env.subscribedUser(acme.member, params);
      const otherTeam = await env.db.aiAgentTeam.create({ data: { accountId: acme.account, name: 'Other' } });
      const elsewhere = await env.db.aiTeamExecution.create({ data: { accountId: acme.account, agentTeamId: otherTeam.id, status: 'running' } });
      for (const id of [seedId('globex:team-execution'), elsewhere.id, 'junk']) {
        expect(await replyTo(c, params, 'pause', { execution_id: id })).toEqual({ type: 'command_error', error: 'Execution not found', timestamp: expect.any(String) });
      }
      expect(await replyTo(c, params, 'pause', {})).toEqual({ type: 'command_error', error: 'Invalid parameters: execution_id', timestamp: expect.any(String) });
      expect((await env.db.aiTeamExecution.findUniqueOrThrow({ where: { id: seedId('globex:team-execution') } })).controlSignal).toBeNull();
    });

    it('refuses every command of a user without ai.teams.execute, changing and broadcasting nothing', async () => {
      const c = await env.subscribedUser(acme.viewer, params);
      const before = await execution();
      for (const command of ['pause', 'resume', 'cancel', 'redirect']) {
        const frames = c.received(params).length;
        await c.perform(params, command, { execution_id: executionId, instructions: { focus: 'x' } });
        expect(c.received(params).slice(frames)).toEqual([{ type: 'command_error', error: 'Permission denied: ai.teams.execute', timestamp: expect.any(String) }]);
      }
      expect(await execution()).toEqual(before);
    });

    it('refuses an execution that is no longer active', async () => {
      const done = await env.db.aiTeamExecution.create({ data: { accountId: acme.account, agentTeamId: teamId, status: 'completed' } });
      const c = await env.subscribedUser(acme.member, params);
      expect(await replyTo(c, params, 'pause', { execution_id: done.id })).toEqual({ type: 'command_error', error: 'Execution is not active', timestamp: expect.any(String) });
      expect((await env.db.aiTeamExecution.findUniqueOrThrow({ where: { id: done.id } })).controlSignal).toBeNull();
    });
  });

  it('every documented execution event reaches the team stream', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    const gp = { channel: 'TeamExecutionChannel', team_id: seedId('globex:team') };
    const g = await env.subscribedUser(globex.viewer, gp);
    const to = { team_id: teamId };
    const ref = { team_id: teamId, execution_id: executionId };
    await broadcaster(ExecutionStarted)(env.broadcaster, to, { ...ref, status: 'running', tasks_total: 3 });
    await broadcaster(ExecutionProgress)(env.broadcaster, to, { ...ref, progress: 50, current_member: 'lead', tasks_total: 3, tasks_completed: 1 });
    await broadcaster(MemberCompleted)(env.broadcaster, to, { ...ref, member_name: 'lead', member_success: true, member_duration_ms: 12 });
    await broadcaster(ExecutionCompleted)(env.broadcaster, to, { ...ref, result: { ok: true }, duration_ms: 99 });
    await broadcaster(ExecutionFailed)(env.broadcaster, to, { ...ref, error: 'boom' });
    await broadcaster(ExecutionTimeout)(env.broadcaster, to, ref);
    await broadcaster(PlanAwaitingApproval)(env.broadcaster, to, { ...ref, conversation_id: 'conv', message_id: 'msg' });
    await Promise.all([c.idle(), g.idle()]);
    const got = c.received(params).slice(-7) as Array<Record<string, unknown>>;
    expect(got.map((m) => m.type)).toEqual([
      'execution_started', 'execution_progress', 'member_completed', 'execution_completed', 'execution_failed', 'execution_timeout', 'plan_awaiting_approval',
    ]);
    expect(got[3]).toEqual({ type: 'execution_completed', team_id: teamId, status: 'completed', execution_id: executionId, result: { ok: true }, duration_ms: 99, timestamp: expect.any(String) });
    expect(got[6]).toEqual({ type: 'plan_awaiting_approval', team_id: teamId, execution_id: executionId, conversation_id: 'conv', message_id: 'msg', timestamp: expect.any(String) });
    expect(g.received(gp)).toHaveLength(1);
  });
});
