// Trading events (docs/channels.md): `{type, timestamp, …payload}` on `trading_account_<account_id>`.
// The original's producers live in the private trading extension, so the event names below are ours (documented in
// docs/channels.md); `publishTradingEvent` is the original's generic `broadcast_to_account(account_id, type, payload)`.

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `trading_account_<account_id>`: the one stream of TradingChannel. */
export function tradingAccountStream(accountId: string): string {
  return `trading_account_${accountId}`;
}

/** The original's `TradingChannel.broadcast_to_account`: `{type, timestamp, …payload}`. */
export async function publishTradingEvent(b: Broadcaster, accountId: string, type: string, payload: Record<string, unknown> = {}): Promise<void> {
  await b.broadcast(tradingAccountStream(accountId), { type, timestamp: isoNow(), ...payload });
}

/** A strategy as trading events show it (decimals as strings). */
export interface StrategySummary {
  id: string;
  name: string;
  strategy_type: string;
  pair: string | null;
  status: string;
  lifecycle_phase: string;
  portfolio_id: string;
  venue_id: string;
  current_pnl_usd: string | null;
  current_pnl_pct: string | null;
  last_tick_at: string | null;
}

/** A recorded trading signal (decimals as strings). */
export interface SignalSummary {
  id: string;
  strategy_id: string;
  pair: string;
  signal_type: string;
  direction: string | null;
  confidence: string | null;
  strength: string | null;
  price: string | null;
  status: string;
  reasoning: string | null;
  created_at: string | null;
}

/** An order as the execution engine reports it (extra engine fields pass through). */
export interface OrderSummary {
  id: string;
  strategy_id: string;
  pair: string;
  side: string;
  status: string;
  [key: string]: unknown;
}

/** A position as the execution engine reports it (extra engine fields pass through). */
export interface PositionSummary {
  id: string;
  strategy_id: string;
  pair: string;
  status: string;
  [key: string]: unknown;
}

/** A risk alert raised by the risk engine or a stop-loss check. */
export interface RiskAlert {
  alert_type: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  strategy_id?: string | null;
  portfolio_id?: string | null;
  [key: string]: unknown;
}

/** Strategy lifecycle: `strategy_status_changed {strategy, previous_status}`. */
export function publishStrategyStatusChanged(b: Broadcaster, accountId: string, strategy: StrategySummary, previousStatus: string | null): Promise<void> {
  return publishTradingEvent(b, accountId, 'strategy_status_changed', { strategy, previous_status: previousStatus });
}

/** The original's `broadcast_tick_outcome!`: `tick_outcome {strategy_id, strategy_name, signals_generated, orders_submitted}`. */
export function publishTickOutcome(
  b: Broadcaster,
  accountId: string,
  outcome: { strategy_id: string; strategy_name: string; signals_generated: number; orders_submitted: number },
): Promise<void> {
  return publishTradingEvent(b, accountId, 'tick_outcome', outcome);
}

/** Signals: `signal_generated {signal}`. */
export function publishSignalGenerated(b: Broadcaster, accountId: string, signal: SignalSummary): Promise<void> {
  return publishTradingEvent(b, accountId, 'signal_generated', { signal });
}

/** Orders: `order_updated {order}` (submitted, filled, cancelled, …: the engine's status). */
export function publishOrderUpdated(b: Broadcaster, accountId: string, order: OrderSummary): Promise<void> {
  return publishTradingEvent(b, accountId, 'order_updated', { order });
}

/** Position updates: `position_updated {position}`. */
export function publishPositionUpdated(b: Broadcaster, accountId: string, position: PositionSummary): Promise<void> {
  return publishTradingEvent(b, accountId, 'position_updated', { position });
}

/** Risk alerts: `risk_alert {alert}`. */
export function publishRiskAlert(b: Broadcaster, accountId: string, alert: RiskAlert): Promise<void> {
  return publishTradingEvent(b, accountId, 'risk_alert', { alert });
}
