// AiOrchestrationChannel for usePageWebSocket (issue 16 item 7): the hook subscribes `{account_id}` and drops every
// message without a `type` key, so account subscriptions get `"type": <event>` appended to `event`-only envelopes at
// delivery — whether a Rails process published them raw through the pub/sub (memory here, Redis end to end below) or
// this server broadcast them through the catalog (`broadcaster(Event, Stream)`) — while every other subscription type, and messages that already carry `type`, are
// delivered unchanged (useAiOrchestrationWebSocket and useWorkflowExecution read `message.event || message.type`).

import Redis from 'ioredis';
import { AiOrchestrationChannel } from '../../../channels/ai/ai-orchestration-channel';
import {
  LegacyMetricsStream, OrchestrationAccountStream, OrchestrationRunStream, OrchestrationWorkflowStream, SystemMetricsUpdate, withEventType,
} from '../../../channels/ai/ai-orchestration-envelope';
import { serializeWorkflowRun } from '../../../channels/ai/ai-orchestration-payloads';
import { WorkflowEvent, WorkflowRunStatusChanged } from '../../../channels/ai/ai-orchestration-workflow-events';
import { isoNow } from '../../../channels/application-channel';
import { broadcaster } from '../../../src/channel/index';
import { signToken } from '../../../src/auth/jwt';
import { testUser, type HarnessClient } from '../../../src/testing/index';
import { channelSuite } from '../../support/channel-suite';
import { startE2EServer, type E2EServer } from '../../support/e2e-server';
import { isReachable, TEST_REDIS_URL, uniqueName } from '../../support/services';
import { openRaw, type RawClient } from '../../support/ws-client';
import { openAiDb, seedAiRows } from './fixtures';

type Msg = Record<string, unknown>;

/**
 * A port of usePageWebSocket's handler for the `aiOrchestration` channel (rett/powernode-platform b129ab28,
 * frontend/src/shared/hooks/usePageWebSocket.ts):
 *   const isWebSocketMessage = (data: unknown): data is { type: string; [key: string]: unknown } => {
 *     return typeof data === 'object' && data !== null && 'type' in data;
 *   };
 *   …
 *   return (data: unknown) => {
 *     if (!isWebSocketMessage(data)) return;
 *     …
 *       case 'aiOrchestration':
 *         onAiOrchestrationUpdateRef.current?.(data);
 */
function pageHookHandler(onAiOrchestrationUpdate: (data: Msg) => void): (data: unknown) => void {
  const isWebSocketMessage = (data: unknown): data is Msg & { type: string } => typeof data === 'object' && data !== null && 'type' in data;
  return (data) => {
    if (!isWebSocketMessage(data)) return;
    onAiOrchestrationUpdate(data);
  };
}

/**
 * useWorkflowExecution (frontend/src/shared/hooks/useWorkflowExecution.ts): `const eventType = message.event || message.type;`
 * — and useAiOrchestrationWebSocket's `if (data.event) { const frontendEventType = mapBackendEventType(data.event); …`.
 */
const eventTypeOf = (message: Msg) => (message.event as string | undefined) || (message.type as string | undefined);

/** A Rails envelope as ActiveSupport::JSON encodes it (key order, `1.0` and the escaped `<`). */
const railsEnvelope = (event: string, id: string) =>
  `{"event":"${event}","resource_type":"workflow_run","resource_id":"${id}","payload":{"cost":1.0,"note":"\\u003cb\\u003e"},"timestamp":"2026-03-15T09:29:28Z"}`;

describe('withEventType', () => {
  it('appends type = event as the last key and keeps the order of the others', () => {
    const out = withEventType({ event: 'workflow.updated', resource_type: 'workflow', resource_id: 'w', payload: { b: 1, a: 2 }, timestamp: 't' }) as Msg;
    expect(Object.keys(out)).toEqual(['event', 'resource_type', 'resource_id', 'payload', 'timestamp', 'type']);
    expect(out.type).toBe('workflow.updated');
    expect(Object.keys(out.payload as Msg)).toEqual(['b', 'a']);
  });

  it('leaves messages that have a type, no string event, or are not objects unchanged (the same value)', () => {
    for (const m of [{ type: 'system_metrics_update', metrics: {} }, { event: 'x', type: 'workflow_run' }, { event: 'x', type: null }, { event: 3 }, { payload: 1 }, ['event'], 'event', 7, null]) {
      expect(withEventType(m)).toBe(m);
    }
  });
});

describe('AiOrchestrationChannel account subscriptions (harness, memory pub/sub)', () => {
  const d = channelSuite(openAiDb, [AiOrchestrationChannel], { sharedClients: true });
  let client: HarnessClient;
  let page: Msg;
  let typed: Msg;
  let workflow: Msg;
  let monitoring: Msg;

  beforeAll(async () => {
    client = await d.connect(testUser(d.own.accountId));
    // usePageWebSocket: subscribe({ channel: channelName, params: { account_id: accountId }, onMessage: createMessageHandler(channel), … })
    page = { channel: 'AiOrchestrationChannel', account_id: d.own.accountId };
    typed = { channel: 'AiOrchestrationChannel', type: 'account', id: d.own.accountId };
    // useWorkflowExecution: params: { type: 'workflow_run', id: workflowRunId }
    workflow = { channel: 'AiOrchestrationChannel', type: 'workflow', id: d.own.workflowId };
    monitoring = { channel: 'AiOrchestrationChannel', type: 'monitoring', id: d.own.accountId };
    for (const p of [page, typed, workflow, monitoring]) expect(await client.subscribe(p)).toBe('confirm_subscription');
  });

  /** What `params` receives while `publish` runs. */
  async function during(params: Msg, publish: () => Promise<unknown>): Promise<Msg[]> {
    const before = client.received(params).length;
    await publish();
    await client.idle();
    return client.received(params).slice(before) as Msg[];
  }

  it('a Rails-style raw publish on ai_orchestration:account:<acct> reaches the page hook with type appended', async () => {
    const raw = railsEnvelope('workflow.run.status.changed', d.own.runId);
    const stream = `ai_orchestration:account:${d.own.accountId}`;
    const got = await during(page, () => d.server.pubsub.broadcast(stream, raw));
    expect(got).toEqual([{ event: 'workflow.run.status.changed', resource_type: 'workflow_run', resource_id: d.own.runId, payload: { cost: 1, note: '<b>' }, timestamp: '2026-03-15T09:29:28Z', type: 'workflow.run.status.changed' }]);
    expect(Object.keys(got[0] as Msg)).toEqual(['event', 'resource_type', 'resource_id', 'payload', 'timestamp', 'type']);
    const seen: Msg[] = [];
    got.forEach(pageHookHandler((m) => seen.push(m)));
    expect(seen).toHaveLength(1);
    expect(eventTypeOf(got[0] as Msg)).toBe('workflow.run.status.changed');
  });

  it('the frame keeps the ActiveSupport escaping of the original payload', async () => {
    const before = client.transport.frames.length;
    await d.server.pubsub.broadcast(`ai_orchestration:account:${d.own.accountId}`, railsEnvelope('workflow.updated', 'x'));
    await client.idle();
    const frames = client.transport.frames.slice(before).map(String).filter((f) => f.includes('workflow.updated'));
    expect(frames).toHaveLength(2); // {account_id} and {type:"account"}
    for (const f of frames) expect(f).toContain('"note":"\\u003cb\\u003e"');
  });

  it('a catalog broadcast reaches the account subscribers with type and the workflow subscriber in the Rails shape', async () => {
    const subs = [page, typed, workflow, monitoring];
    const before = subs.map((p) => client.received(p).length);
    // The generic rule of workflow.updated: the workflow stream, then the account's.
    const message = { event: 'workflow.updated', resource_id: d.own.workflowId, payload: { name: 'x' }, timestamp: isoNow() };
    await broadcaster(WorkflowEvent, OrchestrationWorkflowStream)(d.broadcaster, { workflow_id: d.own.workflowId }, message);
    await broadcaster(WorkflowEvent, OrchestrationAccountStream)(d.broadcaster, { account_id: d.own.accountId }, message);
    await client.idle();
    const [pageGot, typedGot, workflowGot, monitoringGot] = subs.map((p, i) => client.received(p).slice(before[i]) as Msg[]) as [Msg[], Msg[], Msg[], Msg[]];
    const rails = { event: 'workflow.updated', resource_type: 'workflow', resource_id: d.own.workflowId, payload: { name: 'x' }, timestamp: expect.any(String) };
    expect(pageGot).toEqual([{ ...rails, type: 'workflow.updated' }]);
    expect(typedGot).toEqual([{ ...rails, type: 'workflow.updated' }]);
    expect(workflowGot).toEqual([rails]);
    expect('type' in (workflowGot[0] as Msg)).toBe(false);
    expect(monitoringGot).toEqual([]);
  });

  it('a run event reaches the page hook; a raw publish on a workflow stream stays in the Rails shape', async () => {
    const run = await d.db.aiWorkflowRun.findUniqueOrThrow({ where: { id: d.own.runPk } });
    const seen: Msg[] = [];
    const statusChanged = async () => {
      const message = { resource_id: run.runId, payload: { workflow_run: serializeWorkflowRun(run) }, timestamp: isoNow() };
      await broadcaster(WorkflowRunStatusChanged, OrchestrationRunStream)(d.broadcaster, { run_id: run.runId }, message);
      await broadcaster(WorkflowRunStatusChanged, OrchestrationWorkflowStream)(d.broadcaster, { workflow_id: run.aiWorkflowId }, message);
      await broadcaster(WorkflowRunStatusChanged, OrchestrationAccountStream)(d.broadcaster, { account_id: run.accountId }, message);
    };
    (await during(page, statusChanged)).forEach(pageHookHandler((m) => seen.push(m)));
    expect(seen.map((m) => m.type)).toEqual(['workflow.run.status.changed']);
    const raw = railsEnvelope('workflow.updated', d.own.workflowId);
    const got = await during(workflow, () => d.server.pubsub.broadcast(`ai_orchestration:workflow:${d.own.workflowId}`, raw));
    expect(got).toEqual([JSON.parse(raw)]);
  });

  it('messages that already carry type pass unchanged: system_metrics_update on ai_orchestration_<acct>, and on the account stream', async () => {
    const metrics = await during(page, () => broadcaster(SystemMetricsUpdate, LegacyMetricsStream)(d.broadcaster, { account_id: d.own.accountId }, { metrics: { cpu: 0.5 } }));
    expect(metrics).toEqual([{ type: 'system_metrics_update', metrics: { cpu: 0.5 }, timestamp: expect.any(String) }]);
    const both = await during(page, () => d.server.pubsub.broadcast(`ai_orchestration:account:${d.own.accountId}`, '{"event":"a.b","type":"custom","x":1}'));
    expect(both).toEqual([{ event: 'a.b', type: 'custom', x: 1 }]);
    expect(Object.keys(both[0] as Msg)).toEqual(['event', 'type', 'x']);
  });

  it('an event-only message on the legacy metrics stream gets type for the account subscription, not for monitoring', async () => {
    const stream = `ai_orchestration_${d.own.accountId}`;
    const before = client.received(monitoring).length;
    const got = await during(page, () => d.server.pubsub.broadcast(stream, '{"event":"monitoring.alert.triggered","payload":{}}'));
    expect(got).toEqual([{ event: 'monitoring.alert.triggered', payload: {}, type: 'monitoring.alert.triggered' }]);
    expect(client.received(monitoring).slice(before)).toEqual([{ event: 'monitoring.alert.triggered', payload: {} }]);
  });

  it('stops delivering after unsubscribe', async () => {
    const other = await d.subscribed(testUser(d.own.accountId), page);
    await other.send({ command: 'unsubscribe', identifier: JSON.stringify(page) });
    const before = other.received(page).length;
    await d.server.pubsub.broadcast(`ai_orchestration:account:${d.own.accountId}`, railsEnvelope('workflow.updated', 'y'));
    await other.idle();
    expect(other.received(page)).toHaveLength(before);
  });
});

// A Rails process publishing through Redis (`ActionCable.server.broadcast` → `PUBLISH <channel_prefix>:<stream> <json>`)
// and the real hook's frames over a socket: runs when Redis is reachable, and always in CI.
const REDIS = isReachable(TEST_REDIS_URL);
(REDIS || process.env.CI === 'true' ? describe : describe.skip)('AiOrchestrationChannel account subscriptions (server on Redis)', () => {
  let server: E2EServer | undefined;
  let redis: Redis;
  let ui: RawClient;
  const prefix = uniqueName('pagehook');

  beforeAll(async () => {
    server = await startE2EServer('ai-pagehook', { PUBSUB_ADAPTER: 'redis', REDIS_URL: TEST_REDIS_URL, CABLE_CHANNEL_PREFIX: prefix });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    ui?.close();
    redis?.disconnect();
    await server?.stop();
  });

  it('a Rails envelope published through Redis reaches usePageWebSocket with type; the workflow subscription gets the Rails shape', async () => {
    const { running } = server as E2EServer;
    const rows = await seedAiRows(running.db, 'Redis own');
    const token = signToken(running.config.jwt, { type: 'access', sub: rows.ownerId, expiresInSeconds: 900 });
    ui = await openRaw(`${running.url}?token=${encodeURIComponent(token)}`);
    await ui.next((f) => f.type === 'welcome');
    const page = JSON.stringify({ channel: 'AiOrchestrationChannel', account_id: rows.accountId });
    const workflow = JSON.stringify({ channel: 'AiOrchestrationChannel', type: 'workflow', id: rows.workflowId });
    for (const identifier of [page, workflow]) {
      ui.send({ command: 'subscribe', identifier });
      expect((await ui.next((f) => f.identifier === identifier && typeof f.type === 'string')).type).toBe('confirm_subscription');
    }
    const seen: Msg[] = [];
    const handler = pageHookHandler((m) => seen.push(m));
    await redis.publish(`${prefix}:ai_orchestration:account:${rows.accountId}`, railsEnvelope('workflow.execution.completed', 'run-r'));
    const frame = await ui.next((f) => f.identifier === page && (f.message as Msg | undefined)?.event === 'workflow.execution.completed');
    handler(frame.message);
    expect(seen).toEqual([{ event: 'workflow.execution.completed', resource_type: 'workflow_run', resource_id: 'run-r', payload: { cost: 1, note: '<b>' }, timestamp: '2026-03-15T09:29:28Z', type: 'workflow.execution.completed' }]);
    const raw = railsEnvelope('workflow.updated', rows.workflowId);
    await redis.publish(`${prefix}:ai_orchestration:workflow:${rows.workflowId}`, raw);
    const wf = await ui.next((f) => f.identifier === workflow && (f.message as Msg | undefined)?.event === 'workflow.updated');
    expect(wf.message).toEqual(JSON.parse(raw));
  });
});
