// WorkerToolDispatchChannel#dispatch_tool without the 25 s stall (issue 16 item 4): forwarded to the Rails API when
// RAILS_API_URL is configured (a real http.createServer on port 0 stands in for LlmProxyController#dispatch_tool),
// answered at once when there is neither a Rails API nor a registered tool executor, and still through the job
// outbox when a worker registered as an executor (WorkerDataChannel `tool_executor: true`).
//
// The client this mirrors (rett/powernode-platform b129ab28):
//   worker/app/services/action_cable_client.rb   DEFAULT_TIMEOUT = 30 … raise "WebSocket request timeout (#{action})"
//   worker/app/services/llm_proxy_client.rb      response = @ws_client.send_request(action_str, payload)
//                                                if response["success"] then return response["data"]
//                                                else raise "LLM server error (#{action}): #{response['error']}"
//                                                … rescue → warn "[LlmProxy] WebSocket failed (…), falling back to HTTP"
//                                                response = @api_post.call("#{SERVER_TOOL_PATH}/#{action}", payload)
//   and the endpoint it falls back to (server/app/controllers/api/v1/internal/…):
//     internal_base_controller.rb  token = request.headers["Authorization"]&.split(" ")&.last … payload[:type] == "worker"
//                                  … render_error("Invalid worker token", status: :unauthorized)
//     ai/llm_proxy_controller.rb   render_success(result: JSON.parse(result_json))
//                                  render_error("Agent not found", status: :not_found)
//                                  render_error("Tool dispatch failed: #{e.message}", status: :unprocessable_entity)

import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { JwtConfig } from '../../../config';
import { extensionChannels } from '../../../channels/extension/index';
import { DISPATCH_TOOL_PATH, outcomeOf } from '../../../channels/extension/rails-tool-dispatch';
import type { HarnessClient } from '../../../src/testing/index';
import { channelSuite } from '../../support/channel-suite';
import type { RailsApi } from '../../../channels/support/services';
import { ToolExecutorRegistry } from '../../../channels/support/tool-executors';
import type { Identity } from '../../../src/auth/identity';
import { mintWorkerToken, verifyToken } from '../../../src/auth/jwt';
import { capturingLogger } from '../../support/logger';
import { freePort } from '../../support/services';
import { waitFor } from '../../support/wait';
import { openExtensionDb, systemIdentity, workerIdentity, type RpcReply } from './fixtures';

const JWT: JwtConfig = { algorithm: 'HS256', secret: 'forward-test-secret-0123456789abcdef', issuer: 'powernode-platform', audience: 'powernode-api' };
const TOOLS = { channel: 'WorkerToolDispatchChannel' };
const EXECUTOR = { channel: 'WorkerDataChannel', tool_executor: true };
const CALL = { name: 'get_weather', id: 'call_1', arguments: '{"city":"Oslo"}' };

/** One request the stand-in Rails endpoint received. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the stand-in answers: status, body and content type, or `hang` (never answers). */
type Answer = { status: number; body: string; type?: string } | 'hang';

let rails: http.Server;
let railsUrl: string;
let answer: Answer;
const seen: Seen[] = [];
const log = capturingLogger();
// The harness server records its log lines.
const world = channelSuite(openExtensionDb, extensionChannels, { logger: log.logger });

beforeAll(async () => {
  rails = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => rails.listen(0, '127.0.0.1', resolve));
  railsUrl = `http://127.0.0.1:${(rails.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen.length = 0;
  log.lines.length = 0;
  answer = { status: 200, body: JSON.stringify({ success: true, data: { result: { temperature_c: 4 } } }) };
  world.services.railsApi = railsApi();
});
afterEach(() => {
  world.services.railsApi = null;
});
afterAll(async () => {
  rails.closeAllConnections();
  await new Promise((r) => rails.close(r));
});

/** The Rails API as main.ts wires it (worker tokens minted with the server's JWT settings). */
function railsApi(overrides: Partial<RailsApi> = {}): RailsApi {
  return { url: railsUrl, timeoutMs: 5000, workerToken: (workerId) => mintWorkerToken(JWT, workerId), ...overrides };
}

const connect = (identity = workerIdentity(world.own)): Promise<HarnessClient> => world.connect(identity);

/** Send `action` as the Ruby client does (`{action, request_id, …}`) and wait (up to `ms`) for its reply. */
async function request(c: HarnessClient, params: Record<string, unknown>, action: string, data: Record<string, unknown>, ms = 3000): Promise<RpcReply> {
  const requestId = randomUUID();
  await c.send({ command: 'message', identifier: JSON.stringify(params), data: JSON.stringify({ action, request_id: requestId, ...data }) });
  const reply = () => (c.received(params) as RpcReply[]).find((m) => m.request_id === requestId);
  await waitFor(() => reply() !== undefined, ms, `the ${action} reply`);
  return reply() as RpcReply;
}

const toolClient = (identity: Identity = workerIdentity(world.own)): Promise<HarnessClient> => world.subscribed(identity, TOOLS);

const dispatch = (c: HarnessClient, agentId = world.own.agentId, call: Record<string, unknown> = CALL, ms?: number) =>
  request(c, TOOLS, 'dispatch_tool', { agent_id: agentId, tool_call: call }, ms);
const toolJobs = () => world.db.jobOutbox.count({ where: { jobClass: 'Ai::AgentToolDispatchJob' } });

describe('WorkerToolDispatchChannel#dispatch_tool forwarded to RAILS_API_URL', () => {
  it('POSTs {agent_id, tool_call} to /api/v1/internal/ai/llm/dispatch_tool with a fresh worker JWT and answers with data:{result}', async () => {
    const c = await toolClient();
    const reply = await dispatch(c);
    expect(reply).toEqual({ request_id: expect.any(String), success: true, data: { result: { temperature_c: 4 } } });
    expect(seen).toHaveLength(1);
    const req = seen[0] as Seen;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(DISPATCH_TOOL_PATH);
    expect(req.url).toBe('/api/v1/internal/ai/llm/dispatch_tool');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.accept).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ agent_id: world.own.agentId, tool_call: CALL });
    // InternalBaseController: `request.headers["Authorization"]&.split(" ")&.last`, then JwtService.decode → type worker.
    const [scheme, token] = String(req.headers.authorization).split(' ');
    expect(scheme).toBe('Bearer');
    const claims = verifyToken(token as string, JWT);
    expect(claims).toMatchObject({ type: 'worker', sub: world.own.workerId, iss: 'powernode-platform', aud: 'powernode-api' });
    expect(claims.exp - (claims.iat as number)).toBe(300);
    expect(claims).not.toHaveProperty('jti');
    expect(await toolJobs()).toBe(0);
  });

  it('mints a new token for every call', async () => {
    const c = await toolClient();
    await dispatch(c);
    await new Promise((r) => setTimeout(r, 1100)); // iat has whole-second precision
    await dispatch(c);
    expect(seen.map((s) => s.headers.authorization)).toHaveLength(2);
    expect(seen[0]?.headers.authorization).not.toBe(seen[1]?.headers.authorization);
  });

  it.each([
    [401, { success: false, error: 'Invalid worker token' }, 'Invalid worker token'],
    [404, { success: false, error: 'Agent not found' }, 'Agent not found'],
    [422, { success: false, error: 'Tool dispatch failed: undefined method `call` for nil' }, 'Tool dispatch failed: undefined method `call` for nil'],
    [503, { success: false }, 'Rails API answered 503'],
  ])('answers a %i from Rails with {success:false, error:<its error>}', async (status, body, error) => {
    answer = { status, body: JSON.stringify(body) };
    const c = await toolClient();
    expect(await dispatch(c)).toEqual({ request_id: expect.any(String), success: false, error });
  });

  it('answers a 500 with an HTML page, and a 200 that is not JSON, with "Rails API answered <status>"', async () => {
    const c = await toolClient();
    answer = { status: 500, body: '<!DOCTYPE html><html><body>We\'re sorry, but something went wrong.</body></html>', type: 'text/html' };
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'Rails API answered 500' });
    answer = { status: 200, body: 'OK', type: 'text/plain' };
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'Rails API answered 200' });
  });

  it('passes a plain-text tool result through as Rails rendered it (render_success(result: result_json) after a JSON::ParserError)', async () => {
    answer = { status: 200, body: JSON.stringify({ success: true, data: { result: 'sunny' } }) };
    const c = await toolClient();
    expect(await dispatch(c)).toMatchObject({ success: true, data: { result: 'sunny' } });
  });

  it('answers "Rails API timed out" after RAILS_API_TIMEOUT_MS, far below the Ruby client\'s 30 s, without holding up other requests', async () => {
    world.services.railsApi = railsApi({ timeoutMs: 300 });
    answer = 'hang';
    const c = await toolClient();
    const started = Date.now();
    const pending = dispatch(c, world.own.agentId, CALL, 5000);
    // A slow forward does not block the connection: ping (sent after) is answered first.
    const pong = await request(c, TOOLS, 'ping', {});
    expect(pong).toMatchObject({ success: true, data: { pong: true } });
    const reply = await pending;
    const elapsed = Date.now() - started;
    expect(reply).toMatchObject({ success: false, error: 'Rails API timed out' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });

  it('answers "Rails API unreachable" in under a second when nothing listens', async () => {
    world.services.railsApi = railsApi({ url: `http://127.0.0.1:${await freePort()}` });
    const c = await toolClient();
    const started = Date.now();
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'Rails API unreachable' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers at once when the server cannot sign worker tokens (RS256 without JWT_PRIVATE_KEY), sending nothing', async () => {
    const rs256: JwtConfig = { ...JWT, algorithm: 'RS256', publicKey: 'unused' };
    world.services.railsApi = railsApi({ workerToken: (id) => mintWorkerToken(rs256, id) });
    const c = await toolClient();
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'cannot forward: no signing key for worker tokens' });
    expect(seen).toHaveLength(0);
  });

  it('checks agent ownership first: a foreign, unknown or malformed agent never reaches Rails', async () => {
    const c = await toolClient();
    for (const id of [world.foreign.agentId, '00000000-0000-4000-8000-000000000000', 'agent-1']) {
      expect(await dispatch(c, id)).toMatchObject({ success: false, error: 'Agent not found' });
    }
    expect(seen).toHaveLength(0);
  });

  it('lets a system worker forward a call for an agent of any account, as itself', async () => {
    const c = await toolClient(systemIdentity(world));
    expect(await dispatch(c, world.foreign.agentId)).toMatchObject({ success: true });
    expect(JSON.parse((seen[0] as Seen).body)).toMatchObject({ agent_id: world.foreign.agentId });
    expect(verifyToken(String(seen[0]?.headers.authorization).split(' ')[1] as string, JWT).sub).toBe(world.systemWorkerId);
  });

  it('never logs the worker token', async () => {
    const c = await toolClient();
    answer = { status: 401, body: JSON.stringify({ success: false, error: 'Invalid worker token' }) };
    await dispatch(c);
    const token = String(seen[0]?.headers.authorization).split(' ')[1] as string;
    expect(log.lines.some((l) => l.msg === 'tool call forward failed')).toBe(true);
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain('Bearer');
  });
});

describe('WorkerToolDispatchChannel#dispatch_tool without RAILS_API_URL', () => {
  beforeEach(() => {
    world.services.railsApi = null;
  });

  it('answers {request_id, success:false, error:"No tool executor available"} at once when no executor is registered', async () => {
    const c = await toolClient();
    const started = Date.now();
    const reply = await dispatch(c);
    expect(reply).toEqual({ request_id: expect.any(String), success: false, error: 'No tool executor available' });
    expect(Date.now() - started).toBeLessThan(500);
    expect(await toolJobs()).toBe(0);
    expect(seen).toHaveLength(0);
  });

  it('uses the job outbox while an executor of the account is subscribed, and stops when it unsubscribes', async () => {
    const executor = await connect();
    expect(await executor.subscribe(EXECUTOR)).toBe('confirm_subscription');
    expect(executor.streams(EXECUTOR)).toContain(`worker_data:${world.own.workerId}`);
    const c = await toolClient();
    const requestId = randomUUID();
    await c.send({ command: 'message', identifier: JSON.stringify(TOOLS), data: JSON.stringify({ action: 'dispatch_tool', request_id: requestId, agent_id: world.own.agentId, tool_call: CALL }) });
    const job = await world.db.jobOutbox.findFirstOrThrow({ where: { jobClass: 'Ai::AgentToolDispatchJob', status: 'pending' }, orderBy: { createdAt: 'desc' } });
    expect(job.accountId).toBe(world.own.accountId);
    expect((c.received(TOOLS) as RpcReply[]).filter((m) => m.request_id === requestId)).toEqual([]);
    expect(await request(executor, EXECUTOR, 'claim_job', { job_id: job.id })).toMatchObject({ success: true });
    expect(await request(executor, EXECUTOR, 'complete_job', { job_id: job.id, result: { temperature_c: 4 } })).toMatchObject({ success: true });
    await waitFor(() => (c.received(TOOLS) as RpcReply[]).some((m) => m.request_id === requestId), 2000, 'the dispatch reply');
    expect((c.received(TOOLS) as RpcReply[]).find((m) => m.request_id === requestId)).toEqual({ request_id: requestId, success: true, data: { result: { temperature_c: 4 } } });
    await executor.send({ command: 'unsubscribe', identifier: JSON.stringify(EXECUTOR) });
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'No tool executor available' });
  });

  it('scopes executors like the jobs: another account\'s worker does not count, a system worker counts for every account', async () => {
    const foreignExecutor = await connect(workerIdentity(world.foreign));
    expect(await foreignExecutor.subscribe(EXECUTOR)).toBe('confirm_subscription');
    const c = await toolClient();
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'No tool executor available' });
    const system = await connect(systemIdentity(world));
    expect(await system.subscribe(EXECUTOR)).toBe('confirm_subscription');
    const before = await toolJobs();
    await c.perform(TOOLS, 'dispatch_tool', { request_id: randomUUID(), agent_id: world.own.agentId, tool_call: CALL });
    expect(await toolJobs()).toBe(before + 1);
    await system.close();
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'No tool executor available' });
  });

  it('does not register a WorkerDataChannel subscription without tool_executor:true, and rejects a non-boolean', async () => {
    const plain = await connect();
    expect(await plain.subscribe({ channel: 'WorkerDataChannel' })).toBe('confirm_subscription');
    expect(await plain.subscribe({ channel: 'WorkerDataChannel', tool_executor: false })).toBe('confirm_subscription');
    expect(await plain.subscribe({ channel: 'WorkerDataChannel', tool_executor: 'yes' })).toBe('reject_subscription');
    const c = await toolClient();
    expect(await dispatch(c)).toMatchObject({ success: false, error: 'No tool executor available' });
  });
});

describe('ToolExecutorRegistry', () => {
  it('counts each registration once and removes exactly it', () => {
    const r = new ToolExecutorRegistry();
    const a = r.register({ workerId: 'w', accountId: 'A', isSystem: false });
    const b = r.register({ workerId: 'w', accountId: 'A', isSystem: false });
    expect(r.size).toBe(2);
    a();
    a();
    expect(r.servesAccount('A')).toBe(true);
    b();
    expect(r.servesAccount('A')).toBe(false);
    r.register({ workerId: 's', accountId: 'A', isSystem: true });
    expect(r.servesAccount('B')).toBe(true);
  });
});

describe('mintWorkerToken', () => {
  it('mints an RS256 worker token when a private key is configured, and none without one', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const rs256: JwtConfig = { ...JWT, algorithm: 'RS256', publicKey, privateKey };
    const token = mintWorkerToken(rs256, 'worker-1') as string;
    expect(verifyToken(token, rs256)).toMatchObject({ type: 'worker', sub: 'worker-1' });
    expect(mintWorkerToken({ ...rs256, privateKey: undefined }, 'worker-1')).toBeNull();
  });
});

describe('outcomeOf', () => {
  it('maps Rails ApiResponse bodies', () => {
    expect(outcomeOf(200, '{"success":true,"data":{"result":[1,2]}}')).toEqual({ ok: true, data: { result: [1, 2] } });
    expect(outcomeOf(200, '{"success":true,"data":{"result":null}}')).toEqual({ ok: true, data: { result: null } });
    expect(outcomeOf(200, '{"success":false,"error":"nope"}')).toEqual({ ok: false, error: 'nope' });
    expect(outcomeOf(502, '[]')).toEqual({ ok: false, error: 'Rails API answered 502' });
    expect(outcomeOf(500, '{"success":false,"error":""}')).toEqual({ ok: false, error: 'Rails API answered 500' });
  });
});
