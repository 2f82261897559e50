// The platform channels end to end against a server from startServer (migrated, seeded SQLite): a raw
// WebSocket client as Powernode's UI speaks it (no subprotocol, `{account_id}` identifiers) and @rails/actioncable.

import { ComponentStatusChanged, PlatformStatusSharedStream, componentStatusJson } from '../../../channels/platform/platform-status-channel';
import { NewNotification, NotificationUserStream, notificationJson } from '../../../channels/platform/notification-events';
import { ToolsListChanged } from '../../../channels/platform/mcp-events';
import { TEAM_MESSAGE_INCLUDE, TeamMessageCreated, teamMessageJson } from '../../../channels/platform/team-channel-channel';
import { broadcaster, broadcastingFor, gidOf } from '../../../src/channel/index';
import { signToken } from '../../../src/auth/jwt';
import { seedId } from '../../../src/db/seed';
import { railsCable, railsSubscribe } from '../../support/clients';
import { startE2EServer, type E2EServer, type RunningServer } from '../../support/e2e-server';
import { openRaw, type RawClient } from '../../support/ws-client';
import { acme, globex, grantPermissions } from './support';

type Frame = Record<string, unknown>;
const AC = railsCable();
const BROADCAST_KEY = 'platform-e2e-key';

let server: E2EServer;
let running: RunningServer;
const open: RawClient[] = [];

beforeAll(async () => {
  server = await startE2EServer('platform', { DATABASE_SEED: '1', BROADCAST_KEY });
  running = server.running;
  // Team-execution commands need ai.teams.execute (docs/channels.md, Who may write); granted before any connection.
  await grantPermissions(running.db, acme.member, ['ai.teams.execute']);
});
afterAll(async () => {
  for (const c of open) c.close();
  await server.stop();
});

const tokenFor = (userId: string) => signToken(running.config.jwt, { type: 'access', sub: userId, expiresInSeconds: 900 });
const consumerFor = (userId: string) => AC.createConsumer(`${running.url}?token=${encodeURIComponent(tokenFor(userId))}`);
const isType = (t: string) => (m: unknown) => (m as { type?: string }).type === t;

/** A raw client like the UI's WebSocketManager: `?token=`, no subprotocol, subscribe + message frames. */
async function uiClient(userId: string) {
  const ws = await openRaw(`${running.url}?token=${encodeURIComponent(tokenFor(userId))}`);
  open.push(ws);
  await ws.next((f) => f.type === 'welcome');
  return {
    ws,
    async subscribe(params: Frame): Promise<string> {
      const identifier = JSON.stringify(params);
      ws.send({ command: 'subscribe', identifier });
      const f = await ws.next((x) => x.identifier === identifier && typeof x.type === 'string');
      return f.type as string;
    },
    perform(params: Frame, action: string, data: Frame = {}) {
      ws.send({ command: 'message', identifier: JSON.stringify(params), data: JSON.stringify({ action, ...data }) });
    },
    async message(params: Frame, pred: (m: Frame) => boolean): Promise<Frame> {
      const identifier = JSON.stringify(params);
      const f = await ws.next((x) => x.identifier === identifier && typeof x.message === 'object' && x.message !== null && pred(x.message as Frame));
      return f.message as Frame;
    },
  };
}

async function outsideBroadcast(stream: string, data: unknown): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${running.port}/_broadcast`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BROADCAST_KEY}` },
    body: JSON.stringify({ stream, data: JSON.stringify(data) }),
  });
  return res.status;
}

describe('platform channels end to end', () => {
  it('NotificationChannel: the UI subscribes with {account_id}, pings, marks read and receives new notifications', async () => {
    const ui = await uiClient(acme.owner);
    const p = { channel: 'NotificationChannel', account_id: acme.account };
    expect(await ui.subscribe(p)).toBe('confirm_subscription');
    ui.perform(p, 'ping');
    expect(await ui.message(p, (m) => m.type === 'pong')).toEqual({ type: 'pong', server_timestamp: expect.any(String) });
    const unread = seedId('acme:notification:unread');
    ui.perform(p, 'mark_as_read', { notification_id: unread });
    expect(await ui.message(p, (m) => m.type === 'notification_read')).toEqual({ type: 'notification_read', notification_id: unread });
    const n = await running.db.notification.create({ data: { accountId: acme.account, userId: acme.owner, notificationType: 'system_alert', title: 'Deploy', message: 'Done' } });
    await broadcaster(NewNotification, NotificationUserStream)(running.services.broadcaster, { user_id: acme.owner }, { notification: notificationJson(n) });
    expect(await ui.message(p, (m) => m.type === 'new_notification')).toMatchObject({ notification: { id: n.id, 'read?': false } });
    const railsName = broadcastingFor(running.config.cable.globalIdApp, 'notification', gidOf('Account', acme.account));
    expect(await outsideBroadcast(railsName, { type: 'new_notification', notification: { id: 'from-rails' } })).toBeLessThan(300);
    expect(await ui.message(p, (m) => m.type === 'new_notification' && (m.notification as Frame).id === 'from-rails')).toBeTruthy();
    expect(await ui.subscribe({ channel: 'NotificationChannel', account_id: globex.account })).toBe('reject_subscription');
  });

  it('AnalyticsChannel: request_analytics without params answers for the subscribed account', async () => {
    const ui = await uiClient(acme.member);
    const p = { channel: 'AnalyticsChannel', account_id: acme.account };
    expect(await ui.subscribe(p)).toBe('confirm_subscription');
    ui.perform(p, 'request_analytics');
    expect(await ui.message(p, (m) => m.type === 'analytics_update')).toMatchObject({ data: { current_metrics: { mrr: 49, arr: 588, active_customers: 1, churn_rate: 0 }, account_id: acme.account } });
    expect(await ui.subscribe({ channel: 'AnalyticsChannel' })).toBe('reject_subscription');
  });

  it('CustomerChannel: an owner searches and loads the own account\'s customers', async () => {
    const ui = await uiClient(acme.owner);
    const p = { channel: 'CustomerChannel', account_id: acme.account };
    expect(await ui.subscribe(p)).toBe('confirm_subscription');
    ui.perform(p, 'search', { query: 'viewer', filters: {} });
    const found = await ui.message(p, (m) => m.type === 'search_results');
    expect((found.results as Frame[]).map((r) => r.id)).toEqual([acme.viewer]);
    ui.perform(p, 'load_customers', { page: 1, per_page: 2 });
    expect(await ui.message(p, (m) => m.type === 'search_results' && m.total !== undefined)).toMatchObject({ total: 4, page: 1, per_page: 2 });
    const member = await uiClient(acme.member);
    expect(await member.subscribe(p)).toBe('reject_subscription');
  });

  it('the UI\'s parameterless frames (identifier {"channel":X} only, as WebSocketManager.sendMessage builds them) reach the only subscription of X', async () => {
    const ui = await uiClient(acme.owner);
    const bare = (channel: string, action: string, data: Frame = {}) =>
      ui.ws.send({ command: 'message', identifier: JSON.stringify({ channel }), data: JSON.stringify({ action, ...data }) });
    const analytics = { channel: 'AnalyticsChannel', account_id: acme.account };
    const customers = { channel: 'CustomerChannel', account_id: acme.account };
    const notifications = { channel: 'NotificationChannel', account_id: acme.account };
    for (const p of [analytics, customers, notifications]) expect(await ui.subscribe(p)).toBe('confirm_subscription');

    bare('AnalyticsChannel', 'request_analytics'); // useAnalyticsWebSocket.requestAnalyticsUpdate
    expect(await ui.message(analytics, (m) => m.type === 'analytics_update')).toMatchObject({ data: { account_id: acme.account, current_metrics: { mrr: 49 } } });
    bare('CustomerChannel', 'search', { query: 'viewer', filters: {} }); // useCustomerWebSocket.searchCustomers
    expect(((await ui.message(customers, (m) => m.type === 'search_results')).results as Frame[]).map((r) => r.id)).toEqual([acme.viewer]);
    bare('CustomerChannel', 'load_customers'); // loadCustomers() with its default filters {}
    expect(await ui.message(customers, (m) => m.type === 'search_results')).toMatchObject({ total: 4, page: 1, per_page: 25 });
    bare('CustomerChannel', 'update_customer_status', { customer_id: acme.viewer, status: 'inactive' });
    expect(await ui.message(customers, (m) => m.type === 'customer_status_changed')).toMatchObject({ customer_id: acme.viewer, previous_status: 'active', status: 'inactive' });
    bare('CustomerChannel', 'update_customer_status', { customer_id: acme.viewer, status: 'active' });
    expect(await ui.message(customers, (m) => m.type === 'customer_status_changed')).toMatchObject({ previous_status: 'inactive', status: 'active' });
    bare('CustomerChannel', 'ping');
    expect(await ui.message(customers, (m) => m.type === 'pong')).toMatchObject({ customer_count: 4 });
    bare('NotificationChannel', 'ping', {}); // useNotificationWebSocket.ping / useSettingsWebSocket.ping
    expect(await ui.message(notifications, (m) => m.type === 'pong')).toEqual({ type: 'pong', server_timestamp: expect.any(String) });
    bare('NotificationChannel', 'sync_settings'); // useSettingsWebSocket.requestSettingsSync
    expect(await ui.message(notifications, (m) => m.type === 'settings_updated')).toMatchObject({ user_id: acme.owner, data: { account: { id: acme.account } } });

    // Without a subscription of that channel on the connection, a bare frame reaches nothing.
    const other = await uiClient(acme.owner);
    other.ws.send({ command: 'message', identifier: JSON.stringify({ channel: 'AnalyticsChannel' }), data: JSON.stringify({ action: 'request_analytics' }) });
    await other.ws.none((f) => f.message !== undefined && f.type === undefined, 300);
  });

  it('TeamExecutionChannel: the UI\'s pause command with {team_id} is persisted, acknowledged and broadcast', async () => {
    const ui = await uiClient(acme.member);
    const teamId = seedId('acme:team');
    const executionId = seedId('acme:team-execution');
    const p = { channel: 'TeamExecutionChannel', team_id: teamId };
    expect(await ui.subscribe(p)).toBe('confirm_subscription');
    ui.perform(p, 'pause', { execution_id: executionId });
    expect(await ui.message(p, (m) => m.type === 'command_acknowledged')).toMatchObject({ command: 'pause', execution_id: executionId });
    expect(await ui.message(p, (m) => m.type === 'execution_paused')).toMatchObject({ team_id: teamId, control_signal: 'pause' });
    expect((await running.db.aiTeamExecution.findUniqueOrThrow({ where: { id: executionId } })).controlSignal).toBe('pause');
    ui.perform(p, 'resume', { execution_id: executionId });
    expect(await ui.message(p, (m) => m.type === 'execution_resumed')).toMatchObject({ control_signal: null });
  });

  it('SubscriptionChannel through @rails/actioncable: status on subscribe and refresh_subscriptions', async () => {
    const consumer = consumerFor(acme.viewer);
    const sub = railsSubscribe(consumer, { channel: 'SubscriptionChannel', account_id: acme.account });
    expect(await sub.next(isType('subscription_status'))).toMatchObject({ subscription: { status: 'active', plan: { name: 'Pro', price: 4900 } }, account_id: acme.account });
    expect(await sub.state).toBe('connected');
    sub.perform('refresh_subscriptions');
    expect(await sub.next(isType('subscription_updated'))).toMatchObject({ subscription: { status: 'active' } });
    consumer.disconnect();
  });

  // useSubscriptionWebSocket (rett/powernode-platform d9cbd4f6, extensions/enterprise/frontend/src/shared/hooks/):
  //   subscribe({ channel: 'SubscriptionChannel', params: { account_id: user.account.id }, onMessage: handleMessage, … })
  //   await sendMessage('SubscriptionChannel', 'request_update', { subscription_id: subscription_id });
  //   await sendMessage('SubscriptionChannel', 'monitor', { subscription_id: subscription_id });
  // WebSocketManager#sendMessage sends `identifier: JSON.stringify({ channel, ...params })` with no params: the bare
  // identifier, which the connection routes to the only SubscriptionChannel subscription.
  it('SubscriptionChannel as useSubscriptionWebSocket sends it: request_update and monitor with the bare identifier', async () => {
    const ui = await uiClient(acme.viewer);
    const p = { channel: 'SubscriptionChannel', account_id: acme.account };
    expect(await ui.subscribe(p)).toBe('confirm_subscription');
    const bare = { channel: 'SubscriptionChannel' };
    ui.perform(bare, 'request_update', { subscription_id: undefined });
    expect(await ui.message(p, isType('subscription_updated'))).toMatchObject({ subscription: { id: seedId('acme:subscription'), status: 'active' }, account_id: acme.account });
    ui.perform(bare, 'monitor', { subscription_id: seedId('globex:subscription') });
    expect(await ui.message(p, isType('error'))).toEqual({ type: 'error', message: 'Subscription not found', action: 'monitor' });
    ui.perform(bare, 'monitor', { subscription_id: seedId('acme:subscription') });
    expect(await ui.message(p, isType('subscription_updated'))).toMatchObject({ subscription: { id: seedId('acme:subscription') } });
  });

  it('McpChannel through @rails/actioncable: initialized, json_rpc_request and tools/list_changed', async () => {
    const consumer = consumerFor(acme.member);
    const sub = railsSubscribe(consumer, { channel: 'McpChannel' });
    expect(await sub.next((m) => (m as Frame).method === 'initialized')).toMatchObject({ params: { account_id: acme.account, available_tools: 1 } });
    expect(await sub.state).toBe('connected');
    sub.perform('json_rpc_request', { jsonrpc: '2.0', id: 'mcp_1', method: 'tools/list' });
    expect(await sub.next(isType('json_rpc_response'))).toMatchObject({ data: { jsonrpc: '2.0', id: 'mcp_1', result: { tools: [{ name: 'search_docs' }] } } });
    await broadcaster(ToolsListChanged)(running.services.broadcaster, { account_id: acme.account }, { tools: [{ name: 'search_docs' }] });
    expect(await sub.next(isType('json_rpc_notification'))).toMatchObject({ data: { method: 'tools/list_changed', params: { tools: [{ name: 'search_docs' }] } } });
    const viewer = consumerFor(acme.viewer);
    expect(await railsSubscribe(viewer, { channel: 'McpChannel' }).state).toBe('rejected');
    viewer.disconnect();
    consumer.disconnect();
  });

  it('McpChannel: a tool call, a workflow run and an agent run report running → completed/failed once a worker claims and completes their jobs', async () => {
    const ui = await uiClient(acme.owner);
    const p = { channel: 'McpChannel' };
    expect(await ui.subscribe(p)).toBe('confirm_subscription');
    const worker = await openRaw(`${running.url}?token=${signToken(running.config.jwt, { type: 'worker', sub: acme.worker, expiresInSeconds: 300 })}`);
    open.push(worker);
    await worker.next((f) => f.type === 'welcome');
    const wid = JSON.stringify({ channel: 'WorkerDataChannel' });
    worker.send({ command: 'subscribe', identifier: wid });
    await worker.next((f) => f.type === 'confirm_subscription');
    let n = 0;
    const workerRpc = async (action: string, data: Frame): Promise<Frame> => {
      const requestId = `req-${++n}`;
      worker.send({ command: 'message', identifier: wid, data: JSON.stringify({ action, request_id: requestId, ...data }) });
      return (await worker.next((f) => (f.message as Frame | undefined)?.request_id === requestId)).message as Frame;
    };
    const nextJob = async (jobClass: string) => ((await worker.next((f) => (f.message as Frame | undefined)?.type === 'job' && ((f.message as Frame).job as Frame).job_class === jobClass)).message as Frame).job as Frame;
    const rpcCall = async (id: string, method: string, params: Frame) => {
      ui.perform(p, 'json_rpc_request', { jsonrpc: '2.0', id, method, params });
      return ((await ui.message(p, (m) => m.type === 'json_rpc_response' && (m.data as Frame).id === id)).data as Frame).result as Frame;
    };
    const notification = async (method: string, status: string) =>
      ((await ui.message(p, (m) => m.type === 'json_rpc_notification' && (m.data as Frame).method === method && ((m.data as Frame).params as Frame).status === status)).data as Frame).params as Frame;

    const call = await rpcCall('t1', 'tools/call', { name: 'search_docs', arguments: { query: 'billing' } });
    expect(call).toMatchObject({ status: 'pending', tool_name: 'search_docs' });
    const toolJob = await nextJob('Mcp::ToolExecutionJob');
    expect(await workerRpc('claim_job', { job_id: toolJob.id })).toMatchObject({ success: true });
    expect(await notification('tool_execution/status_changed', 'running')).toMatchObject({ execution_id: call.execution_id, tool_name: 'search_docs', job_id: toolJob.id });
    expect(await workerRpc('complete_job', { job_id: toolJob.id, result: { hits: 2 } })).toMatchObject({ success: true });
    expect(await notification('tool_execution/status_changed', 'completed')).toEqual({
      execution_id: call.execution_id, tool_id: call.tool_id, tool_name: 'search_docs', status: 'completed', job_id: toolJob.id, result: { hits: 2 },
      duration_ms: expect.any(Number), timestamp: expect.any(String),
    });

    const run = await rpcCall('w1', 'workflow/execute', { workflow_id: seedId('acme:workflow'), variables: { ticket: 7 } });
    const runJob = await nextJob('AiWorkflowExecutionJob');
    expect(runJob.args).toEqual([run.run_id, { realtime: true, channel_id: `ai_workflow_execution_${run.run_id}` }]);
    await workerRpc('claim_job', { job_id: runJob.id });
    expect(await notification('workflow/status_changed', 'running')).toMatchObject({ workflow_id: seedId('acme:workflow'), run_id: run.run_id });
    await workerRpc('complete_job', { job_id: runJob.id, result: { routed_to: 'billing' } });
    expect(await notification('workflow/status_changed', 'completed')).toMatchObject({ run_id: run.run_id, workflow_run_id: run.workflow_run_id });
    expect(await running.db.aiWorkflowRun.findUniqueOrThrow({ where: { id: run.workflow_run_id as string } })).toMatchObject({ status: 'completed', outputVariables: { routed_to: 'billing' } });

    const exec = await rpcCall('a1', 'agent/execute', { agent_id: seedId('acme:agent'), parameters: { q: 'hi' } });
    const agentJob = await nextJob('AiAgentExecutionJob');
    await workerRpc('claim_job', { job_id: agentJob.id });
    expect(await notification('agent/status_changed', 'running')).toMatchObject({ agent_id: seedId('acme:agent'), execution_id: exec.execution_id });
    await workerRpc('complete_job', { job_id: agentJob.id, success: false, error: 'provider quota exceeded' });
    expect(await notification('agent/status_changed', 'failed')).toMatchObject({ execution_id: exec.execution_id });
    expect(await running.db.aiAgentExecution.findUniqueOrThrow({ where: { id: exec.id as string } })).toMatchObject({ status: 'failed', errorDetails: { message: 'provider quota exceeded' } });
  });

  it('TeamChannelChannel through @rails/actioncable: message_created arrives', async () => {
    const consumer = consumerFor(acme.viewer);
    const channelId = seedId('acme:team-channel');
    const sub = railsSubscribe(consumer, { channel: 'TeamChannelChannel', channel_id: channelId });
    expect(await sub.state).toBe('connected');
    const m = await running.db.aiTeamMessage.findFirstOrThrow({ where: { channelId }, include: TEAM_MESSAGE_INCLUDE });
    await broadcaster(TeamMessageCreated)(running.services.broadcaster, { channel_id: channelId }, { message: teamMessageJson(m), channel_id: channelId });
    expect(await sub.next(isType('message_created'))).toMatchObject({ channel_id: channelId, message: { id: m.id, from_role: { role_name: 'lead' } } });
    expect(await railsSubscribe(consumer, { channel: 'TeamChannelChannel', channel_id: seedId('globex:team-channel') }).state).toBe('rejected');
    consumer.disconnect();
  });

  it('PlatformStatusChannel through @rails/actioncable: shared transitions reach every scope', async () => {
    const consumer = consumerFor(globex.viewer);
    const sub = railsSubscribe(consumer, { channel: 'PlatformStatusChannel', account_id: globex.account });
    expect(await sub.next(isType('connection_established'))).toMatchObject({ scope: 'account' });
    expect(await sub.state).toBe('connected');
    const transition = { accountId: null, componentKind: 'core', componentRef: 'db', from: 'up', to: 'down', eventIds: [], occurredAt: new Date() };
    await broadcaster(ComponentStatusChanged, PlatformStatusSharedStream)(running.services.broadcaster, {}, componentStatusJson(transition));
    expect(await sub.next(isType('component_status_changed'))).toMatchObject({ shared: true, to_verdict: 'down' });
    consumer.disconnect();
  });

  it('SystemChannel through @rails/actioncable: refresh_stats counts the account\'s operations', async () => {
    const consumer = consumerFor(acme.owner);
    const sub = railsSubscribe(consumer, { channel: 'SystemChannel', account_id: acme.account });
    expect(await sub.state).toBe('connected');
    sub.perform('refresh_stats');
    expect(await sub.next(isType('system_stats'))).toMatchObject({ stats: { operations: { total: 1, completed: 1 } } });
    sub.perform('get_operation', { operation_id: seedId('acme:system-operation') });
    expect(await sub.next(isType('operation_status'))).toMatchObject({ operation: { command: 'cache_clear' } });
    consumer.disconnect();
  });
});
