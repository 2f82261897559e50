// The worker channels end to end, driven the way Powernode's Ruby worker drives them
// (worker/app/services/action_cable_client.rb, powernode-channels.md §6.4): raw ws, no subprotocol, the token
// unencoded in ?token=, wait for welcome, subscribe, concurrent requests matched by request_id; worker-minted tokens.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { signToken } from '../../../src/auth/jwt';
import { startE2EServer, type E2EServer, type RunningServer } from '../../support/e2e-server';
import { waitFor } from '../../support/wait';
import { seedRows, type AccountRows } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A port of the Ruby ActionCableClient: one channel per connection, replies matched by request_id. */
class RubyWorkerClient {
  private ws!: WebSocket;
  private readonly pending = new Map<string, (m: Json) => void>();
  readonly pushes: Json[] = [];
  private readonly identifier: string;
  /** `extra` identifier params are not the Ruby client's (it sends `{ channel: channel }.to_json`): a tool executor's. */
  constructor(private readonly url: string, private readonly token: string, channel = 'WorkerToolDispatchChannel', extra: Json = {}) {
    this.identifier = JSON.stringify({ channel, ...extra });
  }

  /** Connect, wait for welcome (5 s), subscribe, wait for the confirmation (5 s); a reject throws. */
  async connect(): Promise<this> {
    this.ws = new WebSocket(`${this.url}?token=${this.token}`);
    const frames = this.frames();
    const welcome = await frames.next(5000);
    if (welcome.type !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
    this.ws.send(JSON.stringify({ command: 'subscribe', identifier: this.identifier }));
    const outcome = await frames.next(5000);
    if (outcome.type !== 'confirm_subscription') throw new Error('WebSocket subscription rejected or timed out');
    frames.stop();
    this.ws.on('message', (raw) => this.handle(JSON.parse(String(raw)) as Json));
    return this;
  }

  /** Send `action` with `params` and wait for the reply carrying its request_id (30 s). */
  sendRequest(action: string, params: Json = {}): Promise<Json> {
    const requestId = randomUUID();
    const data = JSON.stringify({ action, request_id: requestId, ...params });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`WebSocket request timeout (${action})`)), 30_000);
      this.pending.set(requestId, (m) => (clearTimeout(timer), resolve(m)));
      this.ws.send(JSON.stringify({ command: 'message', identifier: this.identifier, data }));
    });
  }

  disconnect(): void {
    this.ws.close();
  }

  /** Resolves when the server closes the socket. */
  closed(): Promise<void> {
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  private handle(frame: Json): void {
    if (frame.type) return; // welcome, ping, confirm, disconnect: not replies
    const message = frame.message as Json | undefined;
    if (message && message.request_id) this.pending.get(message.request_id)?.(message);
    else if (message) this.pushes.push(message);
  }

  private frames() {
    const queue: Json[] = [];
    let wake: (() => void) | null = null;
    const onMessage = (raw: WebSocket.RawData) => {
      const f = JSON.parse(String(raw)) as Json;
      if (f.type === 'ping') return;
      queue.push(f);
      wake?.();
    };
    this.ws.on('message', onMessage);
    this.ws.on('close', () => wake?.());
    return {
      next: async (ms: number): Promise<Json> => {
        const deadline = Date.now() + ms;
        while (queue.length === 0 && Date.now() < deadline && this.ws.readyState <= WebSocket.OPEN) {
          await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
        }
        return queue.shift() ?? { type: 'closed' };
      },
      stop: () => this.ws.off('message', onMessage),
    };
  }
}

let server: E2EServer;
let running: RunningServer;
let own: AccountRows;
let foreign: AccountRows;
let revokedWorkerId: string;
const SECRET = 'worker-e2e-secret-0123456789abcdef';

beforeAll(async () => {
  server = await startE2EServer('ext-worker', { JWT_SECRET_KEY: SECRET, CABLE_AUTH_RECHECK_MS: '500' });
  running = server.running;
  ({ own, foreign } = await seedRows(running.db));
  revokedWorkerId = (await running.db.worker.create({ data: { accountId: own.accountId, name: 'revoked', status: 'revoked' } })).id;
});
afterAll(() => server.stop());

/** The token the Ruby worker mints itself (WorkerJwt): HS256, type=worker, sub, iat, exp=iat+300, iss, aud, no jti. */
function workerMintedToken(workerId: string): string {
  const iat = Math.floor(Date.now() / 1000);
  return jwt.sign({ type: 'worker', sub: workerId, iat, exp: iat + 300, iss: 'powernode-platform', aud: 'powernode-api' }, SECRET, { algorithm: 'HS256' });
}

const serverToken = (workerId: string) => signToken(running.config.jwt, { type: 'worker', sub: workerId, expiresInSeconds: 3600 });

describe('Ruby-style worker client', () => {
  it('authenticates with a worker-minted token (no jti) and answers concurrent tool requests by request_id', async () => {
    const token = workerMintedToken(own.workerId);
    expect(jwt.decode(token)).not.toHaveProperty('jti');
    const client = await new RubyWorkerClient(running.url, token).connect();
    const [defs, pong, unknown] = await Promise.all([
      client.sendRequest('tool_definitions', { agent_id: own.agentId }),
      client.sendRequest('ping'),
      client.sendRequest('no_such_action'),
    ]);
    expect(defs).toMatchObject({ success: true, data: { tools_enabled: true, tools: [{ name: 'get_weather' }, { name: 'search_knowledge' }] } });
    expect(pong).toMatchObject({ success: true, data: { pong: true } });
    expect(unknown).toMatchObject({ success: false, error: 'Unknown action: no_such_action' });
    expect(await client.sendRequest('tool_definitions', { agent_id: foreign.agentId })).toMatchObject({ success: false, error: 'Agent not found' });
    client.disconnect();
  });

  it('answers dispatch_tool at once with "No tool executor available" when no RAILS_API_URL and no executor (LlmProxyClient falls back to HTTP)', async () => {
    // llm_proxy_client.rb#call_server: `raise "LLM server error (#{action}): #{response['error']}"` unless
    // response["success"], rescued with `warn "[LlmProxy] WebSocket failed (#{e.message}), falling back to HTTP"`.
    const llm = await new RubyWorkerClient(running.url, workerMintedToken(own.workerId)).connect();
    const started = Date.now();
    const reply = await llm.sendRequest('dispatch_tool', { agent_id: own.agentId, tool_call: { name: 'get_weather', id: 'call_0', arguments: '{}' } });
    expect(reply).toEqual({ request_id: expect.any(String), success: false, error: 'No tool executor available' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await running.db.jobOutbox.count({ where: { jobClass: 'Ai::AgentToolDispatchJob' } })).toBe(0);
    llm.disconnect();
  });

  it('answers dispatch_tool with the tool output once another worker runs the job, as LlmProxyClient reads it', async () => {
    const llm = await new RubyWorkerClient(running.url, workerMintedToken(own.workerId)).connect();
    const executor = await new RubyWorkerClient(running.url, serverToken(own.workerId), 'WorkerDataChannel', { tool_executor: true }).connect();
    const dispatched = llm.sendRequest('dispatch_tool', { agent_id: own.agentId, tool_call: { name: 'get_weather', id: 'call_9', arguments: '{"city":"Oslo"}' } });
    const pong = await llm.sendRequest('ping'); // the pending tool call does not hold up the connection
    expect(pong).toMatchObject({ success: true, data: { pong: true } });
    await waitFor(() => executor.pushes.some((p) => p.type === 'job' && p.job.job_class === 'Ai::AgentToolDispatchJob'), 3000, 'the tool job');
    const job = executor.pushes.find((p) => p.type === 'job' && p.job.job_class === 'Ai::AgentToolDispatchJob')?.job as Json;
    expect(job.args).toEqual([expect.objectContaining({ tool_call: { name: 'get_weather', id: 'call_9', arguments: { city: 'Oslo' } } })]);
    expect(await executor.sendRequest('claim_job', { job_id: job.id })).toMatchObject({ success: true });
    expect(await executor.sendRequest('complete_job', { job_id: job.id, result: { temperature_c: 4 } })).toMatchObject({ success: true });
    const reply = await dispatched;
    expect(reply).toEqual({ request_id: expect.any(String), success: true, data: { result: { temperature_c: 4 } } });
    // LlmProxyClient#execute_tool_loop: tool_output = (result["result"] || result).to_json
    expect(JSON.stringify(reply.data.result ?? reply.data)).toBe('{"temperature_c":4}');
    llm.disconnect();
    executor.disconnect();
  });

  it('runs the training data calls concurrently on WorkerDataChannel and receives outbox jobs', async () => {
    const client = await new RubyWorkerClient(running.url, serverToken(own.workerId), 'WorkerDataChannel').connect();
    const [status, tickers, contexts, foreignStatus] = await Promise.all([
      client.sendRequest('training_status', { session_id: own.sessionId }),
      client.sendRequest('batch_fetch_tickers', { venue_id: own.venueId, pairs: ['BTC/USD', 'XRP/USD'] }),
      client.sendRequest('batch_strategy_contexts', { strategy_ids: [own.strategyId, foreign.strategyId] }),
      client.sendRequest('training_status', { session_id: foreign.sessionId }),
    ]);
    expect(status).toMatchObject({ success: true, data: { id: own.sessionId, cancelled: false, tick_count: 3, active_strategy_count: 1 } });
    expect(tickers).toMatchObject({ success: true, data: { tickers: { 'BTC/USD': { last_price: 65000.5 }, 'XRP/USD': null } } });
    expect(contexts.data.contexts[own.strategyId].strategy.id).toBe(own.strategyId);
    expect(contexts.data.contexts[foreign.strategyId]).toEqual({ error: 'Strategy not found', skipped: true });
    expect(foreignStatus).toMatchObject({ success: false, error: 'Training session not found' });
    const job = await running.services.jobs.enqueue({ accountId: own.accountId, jobClass: 'TradingLearningExtractionJob', args: [[own.strategyId]], queue: 'trading' });
    const claimed = await client.sendRequest('claim_job', { job_id: job.id });
    expect(claimed).toMatchObject({ success: true, data: { job: { id: job.id, status: 'dispatched' } } });
    expect(client.pushes).toContainEqual({ type: 'job', job: expect.objectContaining({ id: job.id, job_class: 'TradingLearningExtractionJob' }) });
    client.disconnect();
  });

  it.each(['WorkerToolDispatchChannel', 'WorkerDataChannel'])('rejects a user token on %s', async (channel) => {
    const userToken = signToken(running.config.jwt, { type: 'access', sub: own.userId, expiresInSeconds: 900 });
    await expect(new RubyWorkerClient(running.url, userToken, channel).connect()).rejects.toThrow('rejected');
  });

  it('refuses a revoked worker at connect with the unauthorized disconnect', async () => {
    const ws = new WebSocket(`${running.url}?token=${workerMintedToken(revokedWorkerId)}`);
    const frame = await new Promise<Json>((resolve) => ws.once('message', (raw) => resolve(JSON.parse(String(raw)) as Json)));
    expect(frame).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
    await new Promise((r) => ws.once('close', r));
  });

  it('disconnects an open worker socket once the worker is revoked', async () => {
    const worker = await running.db.worker.create({ data: { accountId: own.accountId, name: 'soon revoked' } });
    const client = await new RubyWorkerClient(running.url, workerMintedToken(worker.id), 'WorkerDataChannel').connect();
    expect(await client.sendRequest('ping')).toMatchObject({ success: true });
    const closed = client.closed();
    await running.db.worker.update({ where: { id: worker.id }, data: { status: 'revoked' } });
    await closed;
  });
});

// RAILS_API_URL set: `dispatch_tool` is forwarded to the Rails API (server/app/controllers/api/v1/internal/
// ai/llm_proxy_controller.rb), here a stand-in that authenticates as InternalBaseController does —
//   token = request.headers["Authorization"]&.split(" ")&.last; payload = Security::JwtService.decode(token)
//   if payload[:type] == "worker" … @current_worker = Worker.find_by(id: payload[:sub]) … active?
// — and answers like LlmProxyController#dispatch_tool (`render_success(result: JSON.parse(result_json))`).
describe('Ruby-style worker client with RAILS_API_URL (startServer wiring)', () => {
  let forwardServer: E2EServer;
  let forwarding: RunningServer;
  let rails: http.Server;
  let slow = false;
  const calls: Json[] = [];
  let rows: AccountRows;

  beforeAll(async () => {
    rails = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (slow) return; // never answers: the server's RAILS_API_TIMEOUT_MS ends the wait
        const token = String(req.headers.authorization ?? '').split(' ').pop() ?? '';
        let claims: Json;
        try {
          claims = jwt.verify(token, SECRET, { algorithms: ['HS256'], issuer: 'powernode-platform', audience: 'powernode-api' }) as Json;
        } catch {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, error: 'Invalid worker token' }));
          return;
        }
        calls.push({ path: req.url, claims, body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, data: { result: { temperature_c: 4, by: claims.sub } } }));
      });
    });
    await new Promise<void>((r) => rails.listen(0, '127.0.0.1', r));
    forwardServer = await startE2EServer('ext-worker-forward', { JWT_SECRET_KEY: SECRET, RAILS_API_URL: `http://127.0.0.1:${(rails.address() as AddressInfo).port}/`, RAILS_API_TIMEOUT_MS: '400' });
    forwarding = forwardServer.running;
    ({ own: rows } = await seedRows(forwarding.db));
  });
  afterAll(async () => {
    await forwardServer.stop();
    rails.closeAllConnections();
    await new Promise((r) => rails.close(r));
  });

  it('forwards dispatch_tool with a worker token Rails accepts and returns Rails\' answer as LlmProxyClient reads it', async () => {
    const llm = await new RubyWorkerClient(forwarding.url, workerMintedToken(rows.workerId)).connect();
    const reply = await llm.sendRequest('dispatch_tool', { agent_id: rows.agentId, tool_call: { name: 'get_weather', id: 'call_9', arguments: '{"city":"Oslo"}' } });
    expect(reply).toEqual({ request_id: expect.any(String), success: true, data: { result: { temperature_c: 4, by: rows.workerId } } });
    expect(calls).toEqual([{ path: '/api/v1/internal/ai/llm/dispatch_tool', claims: expect.objectContaining({ type: 'worker', sub: rows.workerId }), body: { agent_id: rows.agentId, tool_call: { name: 'get_weather', id: 'call_9', arguments: '{"city":"Oslo"}' } } }]);
    expect(await forwarding.db.jobOutbox.count({ where: { jobClass: 'Ai::AgentToolDispatchJob' } })).toBe(0);
    llm.disconnect();
  });

  it('answers a Rails API that does not answer with "Rails API timed out" after RAILS_API_TIMEOUT_MS instead of 25 s', async () => {
    slow = true;
    try {
      const llm = await new RubyWorkerClient(forwarding.url, workerMintedToken(rows.workerId)).connect();
      const started = Date.now();
      const reply = await llm.sendRequest('dispatch_tool', { agent_id: rows.agentId, tool_call: { name: 'get_weather' } });
      expect(reply).toMatchObject({ success: false, error: 'Rails API timed out' });
      expect(Date.now() - started).toBeLessThan(2000);
      llm.disconnect();
    } finally {
      slow = false;
    }
  });
});
