// `batch_record_results` for WorkerDataChannel: records each strategy's evaluation (signals, a tick result row, LLM
// cost counters, a system worker's reported price in the ticker cache), publishes the trading events, and hands order
// execution (orders, budgets, PnL, compounding, stop-loss) to the trading engine through the job outbox.

import { z } from 'zod';
import type { Db } from '../../src/db/prisma';
import { iso } from '../application-channel';
import { boundedJsonObject } from '../support/bounded-json';
import type { AppServices } from '../support/services';
import { decimalNumber, decimalString, jsonObject } from './extension-payloads';
import { publishSignalGenerated, publishTickOutcome } from './trading-events';
import { scopedStrategies } from './worker-trading-data';

/** Job class the trading engine executes actionable signals with. */
export const PROCESS_SIGNALS_JOB = 'Trading::ProcessSignalsJob';
/** Signal types that are not orders. */
const PASSIVE_SIGNALS = new Set(['hold', 'none', 'skip']);

const MarketData = z.looseObject({ price: z.unknown().optional(), last_price: z.unknown().optional(), bid: z.unknown().optional(), ask: z.unknown().optional(), volume_24h: z.unknown().optional() });
/** One entry of `results`. */
export const StrategyResult = z.looseObject({
  strategy_id: z.string().max(64),
  // Each signal is stored whole as the signal row's metadata: at most 16 levels and 16 KiB.
  signals: z.array(boundedJsonObject({ maxDepth: 16, maxBytes: 16 * 1024 })).max(100).optional(),
  tick_cost_usd: z.union([z.number(), z.string().max(50)]).optional(),
  market_data: MarketData.optional(),
});
type Result = z.infer<typeof StrategyResult>;
type Strategy = Awaited<ReturnType<typeof scopedStrategies>>[number];
/** The training tick a batch belongs to (signals link to the session only within its account), and whether the
 * reporting worker may refresh the shared ticker cache (system workers only: tickers are global data). */
export interface TickRef {
  sessionId: string | null;
  sessionAccountId: string | null;
  tickNum: number | null;
  cacheTickers: boolean;
}

const toNumber = (v: unknown): number => decimalNumber(typeof v === 'number' || typeof v === 'string' ? v : null);

function marketOf(r: Result) {
  const m = r.market_data ?? {};
  return { last_price: toNumber(m.price ?? m.last_price), bid: toNumber(m.bid), ask: toNumber(m.ask), volume_24h: toNumber(m.volume_24h) };
}

function signalType(s: Record<string, unknown>): string {
  const t = s.signal_type ?? s.type ?? s.action ?? s.direction;
  return typeof t === 'string' && t !== '' ? t.toLowerCase().slice(0, 32) : 'hold';
}

/** The per-strategy bookkeeping; returns the original's outcome shape. */
async function recordOne(db: Db, services: AppServices, s: Strategy, r: Result, tick: TickRef) {
  const accountId = s.portfolio.accountId;
  const sessionId = tick.sessionAccountId === accountId ? tick.sessionId : null;
  const market = marketOf(r);
  const cost = Math.max(0, toNumber(r.tick_cost_usd));
  const signals = await Promise.all((r.signals ?? []).map((raw) => db.tradingSignal.create({
    data: {
      accountId, tradingStrategyId: s.id, trainingSessionId: sessionId, tickNum: tick.tickNum, signalType: signalType(raw),
      pair: typeof raw.pair === 'string' && raw.pair.length <= 50 ? raw.pair : s.pair, price: toNumber(raw.price) || market.last_price || null,
      confidence: raw.confidence === undefined ? null : toNumber(raw.confidence), metadata: raw as never,
    },
  })));
  const actionable = signals.filter((g) => !PASSIVE_SIGNALS.has(g.signalType));
  const config = jsonObject(s.config);
  const ticks = toNumber(config.llm_tick_count) + (cost > 0 ? 1 : 0);
  const total = toNumber(config.total_llm_cost_usd) + cost;
  const costConfig = cost > 0
    ? { total_llm_cost_usd: Math.round(total * 1e4) / 1e4, llm_tick_count: ticks, avg_tick_cost_usd: Math.round((total / ticks) * 1e6) / 1e6, last_tick_cost_usd: Math.round(cost * 1e4) / 1e4 }
    : {};
  const updated = await db.tradingStrategy.update({
    where: { id: s.id },
    data: { lastTickAt: new Date(), config: { ...config, ...costConfig } as never, totalCostUsd: decimalNumber(s.totalCostUsd) + cost },
  });
  if (tick.cacheTickers && market.last_price > 0 && s.portfolio.tradingVenueId && s.pair) await cacheTicker(db, s.portfolio.tradingVenueId, s.pair, market);
  const job = actionable.length > 0 ? await services.jobs.enqueue({
    accountId, jobClass: PROCESS_SIGNALS_JOB, queue: 'trading',
    args: [{ strategy_id: s.id, signal_ids: actionable.map((g) => g.id), market_data: market, training_session_id: sessionId, tick_num: tick.tickNum }],
  }) : null;
  await db.tradingTickResult.create({
    data: {
      accountId, tradingStrategyId: s.id, trainingSessionId: sessionId, tickNum: tick.tickNum, signalsGenerated: signals.length,
      ordersSubmitted: 0, openPositions: updated.openPositions, currentPnlUsd: updated.currentPnlUsd, tickCostUsd: cost, marketData: market,
    },
  });
  for (const g of signals) {
    await publishSignalGenerated(services.broadcaster, { account_id: accountId }, {
      signal: { id: g.id, strategy_id: s.id, pair: g.pair ?? '', signal_type: g.signalType, direction: null, confidence: decimalString(g.confidence), strength: null,
      price: decimalString(g.price), status: 'generated', reasoning: typeof jsonObject(g.metadata).reasoning === 'string' ? (jsonObject(g.metadata).reasoning as string) : null, created_at: iso(g.createdAt) },
    });
  }
  if (signals.length > 0) await publishTickOutcome(services.broadcaster, { account_id: accountId }, { strategy_id: s.id, strategy_name: s.name, signals_generated: signals.length, orders_submitted: 0 });
  return {
    success: true, signals_generated: signals.length, orders_submitted: 0, orders_queued: actionable.length, execution_job_id: job?.id ?? null,
    open_positions: updated.openPositions, current_pnl_usd: decimalString(updated.currentPnlUsd), tick_cost_usd: cost,
  };
}

async function cacheTicker(db: Db, venueId: string, pair: string, m: ReturnType<typeof marketOf>): Promise<void> {
  const data = { lastPrice: m.last_price, bid: m.bid || null, ask: m.ask || null, volume24h: m.volume_24h || null, fetchedAt: new Date() };
  await db.tradingVenueTicker.upsert({ where: { tradingVenueId_pair: { tradingVenueId: venueId, pair } }, create: { tradingVenueId: venueId, pair, ...data }, update: data });
}

/** Record every result within `scope`; a missing or foreign strategy gets `{success:false, error}`. */
export async function recordResults(
  db: Db,
  services: AppServices,
  scope: { accountId?: string },
  results: readonly Result[],
  tick: TickRef,
  onError: (err: unknown) => void,
): Promise<Record<string, Record<string, unknown>>> {
  const ids = results.map((r) => r.strategy_id.toLowerCase());
  const strategies = new Map((await scopedStrategies(db, scope, ids)).map((s) => [s.id, s]));
  const outcomes: Record<string, Record<string, unknown>> = {};
  for (const r of results) {
    const s = strategies.get(r.strategy_id.toLowerCase());
    if (!s) {
      outcomes[r.strategy_id] = { success: false, error: 'Strategy not found' };
      continue;
    }
    outcomes[r.strategy_id] = await recordOne(db, services, s, r, tick).catch((err: unknown) => {
      onError(err);
      return { success: false, error: 'Recording the result failed' };
    });
  }
  return outcomes;
}
