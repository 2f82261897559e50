// Training-session bookkeeping for WorkerDataChannel (the original's LiveTrainingRunner#record_tick! and
// training_status): session status with a heartbeat, and tick progress (completed ticks, cumulative metrics, the
// timeline, completion) written with optimistic concurrency, then published as training events.

import type { Db } from '../../src/db/prisma';
import { iso, isoNow } from '../application-channel';
import type { AppServices } from '../support/services';
import { RpcError } from './worker-rpc-channel';
import { jsonArray, jsonObject } from './extension-payloads';
import { progressPct, publishTrainingCompleted, publishTrainingTickUpdate } from './trading-training-events';

/** Statuses after which a session takes no more ticks. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
/** How many timeline entries a session keeps (oldest dropped first). */
export const TIMELINE_LIMIT = 500;

type Session = NonNullable<Awaited<ReturnType<Db['tradingTrainingSession']['findFirst']>>>;

/** The session `id` within `scope` (`{accountId}` or `{}` for a system worker), or RpcError "Training session not found". */
export async function findSession(db: Db, scope: { accountId?: string }, id: string): Promise<Session> {
  const session = await db.tradingTrainingSession.findFirst({ where: { id, ...scope } });
  if (!session) throw new RpcError('Training session not found');
  return session;
}

function intervalValue(value: string | null): number | string | null {
  return value !== null && /^\d+$/.test(value) ? Number(value) : value;
}

/** `training_status` (with the fork's fields); running and pending sessions get a heartbeat. */
export async function trainingStatus(db: Db, session: Session): Promise<Record<string, unknown>> {
  if (session.status === 'running' || session.status === 'pending') {
    await db.tradingTrainingSession.update({ where: { id: session.id }, data: { lastHeartbeatAt: new Date() } });
  }
  const [activeStrategies, portfolio] = await Promise.all([
    db.tradingStrategy.count({ where: { trainingSessionId: session.id, status: 'active' } }),
    session.tradingPortfolioId ? db.tradingPortfolio.findFirst({ where: { id: session.tradingPortfolioId }, select: { tradingVenueId: true } }) : null,
  ]);
  return {
    id: session.id, status: session.status, cancelled: session.status === 'cancelled', completion_requested: session.completionRequested,
    completed_ticks: session.completedTicks, total_ticks: session.totalTicks, config: jsonObject(session.config),
    strategy_types: jsonArray(session.strategyTypes), market_count: session.marketCount, tick_count: session.tickCount,
    tick_interval: intervalValue(session.tickInterval), include_classic: session.includeClassic, portfolio_id: session.tradingPortfolioId,
    venue_id: session.tradingVenueId ?? portfolio?.tradingVenueId ?? null, mode: session.mode, ends_at: iso(session.endsAt),
    active_strategy_count: activeStrategies,
  };
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
}

/** One tick's totals from the worker's per-strategy tick results. */
function tickTotals(results: readonly unknown[]): { signals: number; orders: number; costUsd: number; errors: number; strategies: number } {
  const rows = results.map((r) => jsonObject(r));
  const sum = (key: string) => rows.reduce((acc, r) => acc + num(r[key]), 0);
  const errors = rows.filter((r) => r.success === false || (typeof r.error === 'string' && r.error !== '') || r.timeout === true).length;
  return { signals: sum('signals_generated'), orders: sum('orders_submitted'), costUsd: Math.round(sum('tick_cost_usd') * 1e6) / 1e6, errors, strategies: rows.length };
}

function nextState(s: Session, tickNum: number, results: readonly unknown[], now: Date) {
  const t = tickTotals(results);
  const prev = jsonObject(s.metrics);
  const metrics = {
    ...prev,
    ticks_recorded: num(prev.ticks_recorded) + 1,
    total_signals: num(prev.total_signals) + t.signals,
    total_orders: num(prev.total_orders) + t.orders,
    total_cost_usd: Math.round((num(prev.total_cost_usd) + t.costUsd) * 1e6) / 1e6,
    error_count: num(prev.error_count) + t.errors,
    last_tick: tickNum,
    last_tick_at: isoNow(now),
  };
  const entry = { tick: tickNum, timestamp: isoNow(now), signals: t.signals, orders: t.orders, cost_usd: t.costUsd, strategies: t.strategies, errors: t.errors };
  const timeline = [...jsonArray(s.timeline), entry].slice(-TIMELINE_LIMIT);
  const completedTicks = Math.max(s.completedTicks, tickNum);
  const done = s.totalTicks > 0 && completedTicks >= s.totalTicks;
  return { metrics, timeline, completedTicks, done };
}

/** Record tick `tickNum` of a non-terminal session; publishes tick_update (and completed at the last tick). */
export async function recordTick(db: Db, services: AppServices, session: Session, tickNum: number, results: readonly unknown[]): Promise<Record<string, unknown>> {
  let current = session;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const now = new Date();
    const next = nextState(current, tickNum, results, now);
    const status = next.done ? 'completed' : current.status === 'pending' ? 'running' : current.status;
    const data = {
      metrics: next.metrics, timeline: next.timeline as never, completedTicks: next.completedTicks, status, lastHeartbeatAt: now,
      ...(current.startedAt ? {} : { startedAt: now }),
      ...(next.done ? { completedAt: now, results: { ...next.metrics, completed_ticks: next.completedTicks } } : {}),
    };
    const updated = await db.tradingTrainingSession.updateMany({ where: { id: current.id, updatedAt: current.updatedAt }, data });
    const fresh = await db.tradingTrainingSession.findFirstOrThrow({ where: { id: current.id } });
    if (updated.count === 1) return published(services, fresh, tickNum, next.done);
    if (TERMINAL_STATUSES.has(fresh.status)) return { cancelled: fresh.status === 'cancelled', status: fresh.status };
    current = fresh; // another writer got there first: recompute from its row
  }
  throw new RpcError('Training session is busy, retry the tick');
}

async function published(services: AppServices, s: Session, tickNum: number, done: boolean): Promise<Record<string, unknown>> {
  await publishTrainingTickUpdate(services.broadcaster, s);
  if (done) await publishTrainingCompleted(services.broadcaster, s);
  return {
    session_id: s.id, tick_num: tickNum, status: s.status, completed_ticks: s.completedTicks, total_ticks: s.totalTicks,
    progress_pct: progressPct(s), metrics: jsonObject(s.metrics),
  };
}
