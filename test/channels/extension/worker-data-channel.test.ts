// WorkerDataChannel through the harness: worker-only subscribe with the job streams, every data action with its
// reply and error path, account scoping (system workers: any account), the events it publishes and the job feed.

import { extensionChannels } from '../../../channels/extension/index';
import type { Identity } from '../../../src/auth/identity';
import { channelSuite } from '../../support/channel-suite';
import { openExtensionDb, rpc, systemIdentity, userIdentity, workerIdentity } from './fixtures';

const world = channelSuite(openExtensionDb, extensionChannels);

const P = { channel: 'WorkerDataChannel' };
const MISSING = '00000000-0000-4000-8000-000000000000';

const worker = (identity: Identity = workerIdentity(world.own)) => world.subscribed(identity, P);

describe('WorkerDataChannel', () => {
  describe('subscribe', () => {
    it('streams worker_data:<worker> and the account job stream, transmitting nothing', async () => {
      const c = await worker();
      expect(c.streams(P)).toEqual([`worker_data:${world.own.workerId}`, `worker_jobs:account_${world.own.accountId}`]);
      expect(c.received(P)).toEqual([]);
    });

    it('gives a system worker the system job stream and every active account job stream', async () => {
      const c = await worker(systemIdentity(world));
      const streams = c.streams(P);
      expect(streams).toEqual(expect.arrayContaining(['worker_jobs:system', `worker_jobs:account_${world.own.accountId}`, `worker_jobs:account_${world.foreign.accountId}`, `worker_data:${world.systemWorkerId}`]));
    });

    it('rejects a user identity', async () => {
      await world.refuses(userIdentity(world.own, ['system.admin']), P);
    });
  });

  describe('#batch_strategy_contexts', () => {
    it('builds contexts for own strategies and skips foreign and unknown ids', async () => {
      const c = await worker();
      const reply = await rpc(c, P, 'batch_strategy_contexts', { strategy_ids: [world.own.strategyId, world.foreign.strategyId, MISSING] });
      expect(reply.success).toBe(true);
      const ctx = reply.data.contexts[world.own.strategyId];
      expect(ctx.strategy).toMatchObject({ id: world.own.strategyId, type: 'momentum', pair: 'BTC/USD', account_id: world.own.accountId, venue_id: world.own.venueId, tick_interval_seconds: 30, current_pnl_usd: '12.5', open_positions: 1 });
      expect(ctx.market_data).toMatchObject({ last_price: 65000.5, bid: 64999, ask: 65001, volume_24h: 12 });
      expect(ctx.portfolio).toMatchObject({ id: world.own.portfolioId, initial_capital: '1000.5', current_value: '1000.0' });
      expect(Object.keys(ctx.pair_registry).sort()).toEqual(['BTC/USD', 'ETH/USD']);
      expect(reply.data.contexts[world.foreign.strategyId]).toEqual({ error: 'Strategy not found', skipped: true });
      expect(reply.data.contexts[MISSING]).toEqual({ error: 'Strategy not found', skipped: true });
    });

    it('refuses an empty list with "strategy_ids required"', async () => {
      const c = await worker();
      expect(await rpc(c, P, 'batch_strategy_contexts', { strategy_ids: [] })).toMatchObject({ success: false, error: 'strategy_ids required' });
      expect(await rpc(c, P, 'batch_strategy_contexts', {})).toMatchObject({ success: false, error: 'strategy_ids required' });
    });

    it('lets a system worker read any account', async () => {
      const c = await worker(systemIdentity(world));
      const reply = await rpc(c, P, 'batch_strategy_contexts', { strategy_ids: [world.foreign.strategyId] });
      expect(reply.data.contexts[world.foreign.strategyId].strategy.account_id).toBe(world.foreign.accountId);
    });
  });

  describe('#batch_fetch_tickers', () => {
    it('returns cached tickers, null for unknown pairs, deduplicated', async () => {
      const c = await worker();
      const reply = await rpc(c, P, 'batch_fetch_tickers', { venue_id: world.own.venueId, pairs: ['BTC/USD', 'BTC/USD', 'DOGE/USD'] });
      expect(reply).toMatchObject({ success: true, data: { tickers: { 'BTC/USD': { last_price: 65000.5, bid: 64999, ask: 65001 }, 'DOGE/USD': null } } });
      expect(Object.keys(reply.data.tickers)).toHaveLength(2);
    });

    it('caps the batch at 100 pairs', async () => {
      const c = await worker();
      const pairs = Array.from({ length: 150 }, (_, i) => `P${i}/USD`);
      const reply = await rpc(c, P, 'batch_fetch_tickers', { venue_id: world.own.venueId, pairs });
      expect(Object.keys(reply.data.tickers)).toHaveLength(100);
    });

    it('answers "Venue not found" and "pairs required"', async () => {
      const c = await worker();
      expect(await rpc(c, P, 'batch_fetch_tickers', { venue_id: MISSING, pairs: ['BTC/USD'] })).toMatchObject({ success: false, error: 'Venue not found' });
      expect(await rpc(c, P, 'batch_fetch_tickers', { venue_id: 'x', pairs: ['BTC/USD'] })).toMatchObject({ success: false, error: 'Venue not found' });
      expect(await rpc(c, P, 'batch_fetch_tickers', { venue_id: world.own.venueId, pairs: [] })).toMatchObject({ success: false, error: 'pairs required' });
    });
  });

  describe('#batch_record_results', () => {
    it('records signals, the tick result and costs, queues execution, publishes trading events and records the tick', async () => {
      const c = await worker();
      const viewer = await world.connect(userIdentity(world.own));
      const tradingP = { channel: 'TradingChannel', account_id: world.own.accountId };
      const trainingP = { channel: 'TradingTrainingChannel', account_id: world.own.accountId, session_id: world.own.sessionId };
      await viewer.subscribe(tradingP);
      await viewer.subscribe(trainingP);
      const results = [
        { strategy_id: world.own.strategyId, signals: [{ signal_type: 'buy', confidence: 0.8, reasoning: 'breakout' }, { type: 'hold' }], tick_cost_usd: 0.0125, market_data: { price: 66000, bid: 65990, ask: 66010, volume_24h: 5 } },
        { strategy_id: world.foreign.strategyId, signals: [{ signal_type: 'sell' }] },
      ];
      const reply = await rpc(c, P, 'batch_record_results', { results, session_id: world.own.sessionId, tick_num: 1 });
      expect(reply.success).toBe(true);
      expect(reply.data.outcomes[world.own.strategyId]).toEqual({
        success: true, signals_generated: 2, orders_submitted: 0, orders_queued: 1, execution_job_id: expect.any(String), open_positions: 1, current_pnl_usd: '12.5', tick_cost_usd: 0.0125,
      });
      expect(reply.data.outcomes[world.foreign.strategyId]).toEqual({ success: false, error: 'Strategy not found' });
      expect(reply.data.tick_metrics).toMatchObject({ session_id: world.own.sessionId, tick_num: 1, completed_ticks: 1, total_ticks: 3, progress_pct: 33.3, metrics: { total_signals: 2, total_cost_usd: 0.0125 } });

      expect(await world.db.tradingSignal.count({ where: { tradingStrategyId: world.own.strategyId, trainingSessionId: world.own.sessionId, tickNum: 1 } })).toBe(2);
      expect(await world.db.tradingSignal.count({ where: { tradingStrategyId: world.foreign.strategyId } })).toBe(0);
      expect(await world.db.tradingTickResult.count({ where: { tradingStrategyId: world.own.strategyId, tickNum: 1 } })).toBe(1);
      const strategy = await world.db.tradingStrategy.findUniqueOrThrow({ where: { id: world.own.strategyId } });
      expect(strategy.config).toMatchObject({ tick_interval_seconds: 30, total_llm_cost_usd: 0.0125, llm_tick_count: 1, last_tick_cost_usd: 0.0125 });
      expect(strategy.lastTickAt).toBeInstanceOf(Date);
      const job = await world.db.jobOutbox.findUniqueOrThrow({ where: { id: reply.data.outcomes[world.own.strategyId].execution_job_id } });
      expect(job).toMatchObject({ jobClass: 'Trading::ProcessSignalsJob', accountId: world.own.accountId, queue: 'trading' });
      const ticker = await world.db.tradingVenueTicker.findFirstOrThrow({ where: { tradingVenueId: world.own.venueId, pair: 'BTC/USD' } });
      expect(String(ticker.lastPrice)).toBe('65000.5'); // an account worker's price never reaches the shared cache

      const trading = viewer.received(tradingP) as Array<Record<string, unknown>>;
      expect(trading.filter((m) => m.type === 'signal_generated')).toHaveLength(2);
      expect(trading).toContainEqual(expect.objectContaining({ type: 'tick_outcome', strategy_id: world.own.strategyId, signals_generated: 2 }));
      expect(viewer.received(trainingP)).toContainEqual(expect.objectContaining({ type: 'tick_update', session_id: world.own.sessionId, completed_ticks: 1 }));
    });

    it('refreshes the shared ticker cache only from a system worker', async () => {
      const c = await worker(systemIdentity(world));
      const results = [{ strategy_id: world.foreign.idleStrategyId, market_data: { last_price: 3100.25, bid: 3100, ask: 3100.5 } }];
      expect((await rpc(c, P, 'batch_record_results', { results })).data.outcomes[world.foreign.idleStrategyId]).toMatchObject({ success: true, signals_generated: 0, orders_queued: 0 });
      const ticker = await world.db.tradingVenueTicker.findFirstOrThrow({ where: { tradingVenueId: world.foreign.venueId, pair: 'ETH/USD' } });
      expect([String(ticker.lastPrice), String(ticker.bid), String(ticker.ask)]).toEqual(['3100.25', '3100', '3100.5']);
    });

    it('answers "results required"', async () => {
      const c = await worker();
      expect(await rpc(c, P, 'batch_record_results', { results: [] })).toMatchObject({ success: false, error: 'results required' });
    });

    it('records no tick for a foreign session', async () => {
      const c = await worker();
      const reply = await rpc(c, P, 'batch_record_results', { results: [{ strategy_id: world.own.idleStrategyId }], session_id: world.foreign.sessionId, tick_num: 1 });
      expect(reply.data.tick_metrics).toBeNull();
      expect((await world.db.tradingTrainingSession.findUniqueOrThrow({ where: { id: world.foreign.sessionId } })).completedTicks).toBe(0);
    });
  });

  describe('#training_status', () => {
    it('returns the session with the fork fields and records a heartbeat', async () => {
      const c = await worker();
      const reply = await rpc(c, P, 'training_status', { session_id: world.own.sessionId });
      expect(reply.data).toMatchObject({
        id: world.own.sessionId, status: expect.any(String), cancelled: false, completion_requested: false, total_ticks: 3, config: { initial_balance: 1000 },
        strategy_types: ['momentum'], market_count: 2, tick_count: 3, tick_interval: 10, include_classic: false, portfolio_id: world.own.portfolioId,
        venue_id: world.own.venueId, mode: 'backtest', ends_at: '2026-01-01T00:00:00Z', active_strategy_count: 1,
      });
      const row = await world.db.tradingTrainingSession.findUniqueOrThrow({ where: { id: world.own.sessionId } });
      expect(row.lastHeartbeatAt).toBeInstanceOf(Date);
    });

    it.each([
      ['a foreign session', () => world.foreign.sessionId],
      ['an unknown session', () => MISSING],
      ['a malformed id', () => '12'],
    ])('answers "Training session not found" for %s', async (_label, id) => {
      const c = await worker();
      expect(await rpc(c, P, 'training_status', { session_id: id() })).toMatchObject({ success: false, error: 'Training session not found' });
    });

    it('lets a system worker read a session of any account', async () => {
      const c = await worker(systemIdentity(world));
      expect(await rpc(c, P, 'training_status', { session_id: world.foreign.sessionId })).toMatchObject({ success: true, data: { id: world.foreign.sessionId } });
    });
  });

  describe('#training_tick_complete', () => {
    it('records ticks, completes the session at the last tick and then answers {cancelled, status}', async () => {
      const session = await world.db.tradingTrainingSession.create({ data: { accountId: world.own.accountId, name: 'short', status: 'pending', totalTicks: 2 } });
      const c = await worker();
      const viewer = await world.connect(userIdentity(world.own));
      const acctP = { channel: 'TradingTrainingChannel', account_id: world.own.accountId };
      await viewer.subscribe(acctP);
      const first = await rpc(c, P, 'training_tick_complete', { session_id: session.id, tick_num: 1, tick_results: [{ signals_generated: 2, tick_cost_usd: 0.5 }, { error: 'timeout', timeout: true }] });
      expect(first.data).toMatchObject({ status: 'running', completed_ticks: 1, progress_pct: 50, metrics: { total_signals: 2, total_cost_usd: 0.5, error_count: 1, ticks_recorded: 1 } });
      const second = await rpc(c, P, 'training_tick_complete', { session_id: session.id, tick_num: 2, tick_results: [] });
      expect(second.data).toMatchObject({ status: 'completed', completed_ticks: 2, progress_pct: 100 });
      const third = await rpc(c, P, 'training_tick_complete', { session_id: session.id, tick_num: 3, tick_results: [] });
      expect(third).toMatchObject({ success: true, data: { cancelled: false, status: 'completed' } });
      const row = await world.db.tradingTrainingSession.findUniqueOrThrow({ where: { id: session.id } });
      expect(row.timeline).toHaveLength(2);
      expect(row.completedAt).toBeInstanceOf(Date);
      const types = (viewer.received(acctP) as Array<Record<string, unknown>>).map((m) => m.type);
      expect(types).toEqual(['subscribed', 'tick_update', 'tick_update', 'completed']);
    });

    it('answers {cancelled:true} for a cancelled session and errors for foreign or missing ones', async () => {
      const cancelled = await world.db.tradingTrainingSession.create({ data: { accountId: world.own.accountId, status: 'cancelled' } });
      const c = await worker();
      expect(await rpc(c, P, 'training_tick_complete', { session_id: cancelled.id, tick_num: 1 })).toMatchObject({ success: true, data: { cancelled: true, status: 'cancelled' } });
      expect(await rpc(c, P, 'training_tick_complete', { session_id: world.foreign.sessionId, tick_num: 1 })).toMatchObject({ success: false, error: 'Training session not found' });
      expect(await rpc(c, P, 'training_tick_complete', { tick_num: 1 })).toMatchObject({ success: false, error: 'session_id required' });
    });
  });

  describe('job feed', () => {
    it('delivers enqueued jobs on the account job stream and lists, claims and completes them', async () => {
      const c = await worker();
      const job = await world.services.jobs.enqueue({ accountId: world.own.accountId, jobClass: 'AiConversationResponseJob', args: ['x'], queue: 'ai' });
      const foreignJob = await world.services.jobs.enqueue({ accountId: world.foreign.accountId, jobClass: 'AiConversationResponseJob', args: ['y'], queue: 'ai' });
      await c.idle();
      expect(c.received(P)).toContainEqual({ type: 'job', job: { id: job.id, job_class: 'AiConversationResponseJob', args: ['x'], queue: 'ai', account_id: world.own.accountId } });
      expect(c.received(P)).not.toContainEqual(expect.objectContaining({ job: expect.objectContaining({ id: foreignJob.id }) }));
      const pending = await rpc(c, P, 'pending_jobs', { limit: 100 });
      const ids = pending.data.jobs.map((j: { id: string }) => j.id);
      expect(ids).toContain(job.id);
      expect(ids).not.toContain(foreignJob.id);
      expect(await rpc(c, P, 'claim_job', { job_id: foreignJob.id })).toMatchObject({ success: false, error: 'Job not found' });
      expect(await rpc(c, P, 'claim_job', { job_id: job.id })).toMatchObject({ success: true, data: { job: { id: job.id, status: 'dispatched' } } });
      expect(await rpc(c, P, 'claim_job', { job_id: job.id })).toMatchObject({ success: false, error: 'Job already dispatched' });
      const other = await world.subscribed(systemIdentity(world), P);
      expect(await rpc(other, P, 'complete_job', { job_id: job.id })).toMatchObject({ success: false, error: 'Job not found or not dispatched to this worker' });
      expect(await rpc(c, P, 'complete_job', { job_id: job.id, success: false, error: 'LLM quota' })).toMatchObject({ success: true, data: { job: { status: 'failed' } } });
      expect(await world.db.jobOutbox.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'failed', error: 'LLM quota' });
    });

    it('lets a system worker claim a job of any account', async () => {
      const job = await world.services.jobs.enqueue({ accountId: world.foreign.accountId, jobClass: 'X', args: [], queue: 'default' });
      const c = await worker(systemIdentity(world));
      expect(await rpc(c, P, 'claim_job', { job_id: job.id })).toMatchObject({ success: true, data: { job: { status: 'dispatched', worker_id: world.systemWorkerId } } });
    });
  });
});
