// TradingChannel events (docs/channels.md): `{type, timestamp, …payload}` on `trading_account_<account_id>`, and the
// `subscribed` frame. The original's producers live in the private trading extension, so the event names below are
// ours. WorkerDataChannel's `report_results` publishes `signal_generated` and `tick_outcome` (derived publishers
// below); the rest are schema-only (a producer uses `broadcaster(OrderUpdated)` etc.).

import { z } from 'zod';
import { broadcaster, defineEvent, stream } from '../../src/channel/index';

/** `trading_account_{account_id}`: the one stream of TradingChannel. */
export const TradingAccountStream = stream('trading_account_{account_id}', { description: 'Trading updates of one account.' });

/** `trading_account_<account_id>`. */
export function tradingAccountStream(accountId: string): string {
  return TradingAccountStream.name({ account_id: accountId });
}

const Decimal = z.string().nullable();
const Strategy = z.object({
  id: z.string(), name: z.string(), strategy_type: z.string(), pair: z.string().nullable(), status: z.string(), lifecycle_phase: z.string(),
  portfolio_id: z.string(), venue_id: z.string(), current_pnl_usd: Decimal, current_pnl_pct: Decimal, last_tick_at: z.string().nullable(),
});
const Signal = z.object({
  id: z.string(), strategy_id: z.string(), pair: z.string(), signal_type: z.string(), direction: z.string().nullable(), confidence: Decimal,
  strength: Decimal, price: Decimal, status: z.string(), reasoning: z.string().nullable(), created_at: z.string().nullable(),
});
/** Extra engine fields pass through. */
const Order = z.looseObject({ id: z.string(), strategy_id: z.string(), pair: z.string(), side: z.string(), status: z.string() });
const Position = z.looseObject({ id: z.string(), strategy_id: z.string(), pair: z.string(), status: z.string() });
const Alert = z.looseObject({
  alert_type: z.string(), severity: z.enum(['info', 'warning', 'critical']), message: z.string(),
  strategy_id: z.string().nullish(), portfolio_id: z.string().nullish(),
});

/** A strategy as trading events show it (decimals as strings). */
export type StrategySummary = z.input<typeof Strategy>;
/** A recorded trading signal (decimals as strings). */
export type SignalSummary = z.input<typeof Signal>;
/** An order as the execution engine reports it (extra engine fields pass through). */
export type OrderSummary = z.input<typeof Order>;
/** A position as the execution engine reports it (extra engine fields pass through). */
export type PositionSummary = z.input<typeof Position>;
/** A risk alert raised by the risk engine or a stop-loss check. */
export type RiskAlert = z.input<typeof Alert>;

// `timestamp` comes second on the wire (`{type, timestamp, …payload}`), so it is placed in the fields.
const At = z.string();
const ON = [TradingAccountStream] as const;

/** Strategy lifecycle: `strategy_status_changed {strategy, previous_status}`. */
export const StrategyStatusChanged = defineEvent({
  name: 'strategy_status_changed', delivery: ['broadcast'], streams: ON, stamp: true, summary: 'Strategy lifecycle.',
  fields: { timestamp: At, strategy: Strategy, previous_status: z.string().nullable() },
});
/** The original's `broadcast_tick_outcome!`: `tick_outcome {strategy_id, strategy_name, signals_generated, orders_submitted}`. */
export const TickOutcome = defineEvent({
  name: 'tick_outcome', delivery: ['broadcast'], streams: ON, stamp: true, summary: 'The outcome of a strategy tick (WorkerDataChannel report_results).',
  fields: { timestamp: At, strategy_id: z.string(), strategy_name: z.string(), signals_generated: z.number(), orders_submitted: z.number() },
});
/** Signals: `signal_generated {signal}`. */
export const SignalGenerated = defineEvent({
  name: 'signal_generated', delivery: ['broadcast'], streams: ON, stamp: true, summary: 'A recorded signal (WorkerDataChannel report_results).',
  fields: { timestamp: At, signal: Signal },
});
/** Orders: `order_updated {order}` (submitted, filled, cancelled, …: the engine's status). */
export const OrderUpdated = defineEvent({ name: 'order_updated', delivery: ['broadcast'], streams: ON, stamp: true, summary: "An order changed (the engine's status).", fields: { timestamp: At, order: Order } });
/** Position updates: `position_updated {position}`. */
export const PositionUpdated = defineEvent({ name: 'position_updated', delivery: ['broadcast'], streams: ON, stamp: true, fields: { timestamp: At, position: Position } });
/** Risk alerts: `risk_alert {alert}`. */
export const RiskAlertRaised = defineEvent({ name: 'risk_alert', delivery: ['broadcast'], streams: ON, stamp: true, summary: 'Raised by the risk engine or a stop-loss check.', fields: { timestamp: At, alert: Alert } });
/** The original's generic `TradingChannel.broadcast_to_account(account_id, type, payload)`: `{type, timestamp, …payload}`. */
export const TradingOtherEvent = defineEvent({
  name: 'other trading events', key: null, delivery: ['broadcast'], streams: ON, stamp: true, loose: true,
  summary: "The original's generic broadcast_to_account(account_id, type, payload): {type, timestamp, …payload}.",
  fields: { type: z.string(), timestamp: At },
});
/** On subscribe: `{type:"subscribed", message, timestamp}`. */
export const TradingSubscribed = defineEvent({
  name: 'subscribed', delivery: ['transmit'], stamp: true, fields: { message: z.literal('Connected to trading updates') },
});

/** `signal_generated` to the account (WorkerDataChannel's report_results). */
export const publishSignalGenerated = broadcaster(SignalGenerated);
/** `tick_outcome` to the account (WorkerDataChannel's report_results). */
export const publishTickOutcome = broadcaster(TickOutcome);

/** Every TradingChannel event (its `static events`). */
export const TRADING_EVENTS = [StrategyStatusChanged, TickOutcome, SignalGenerated, OrderUpdated, PositionUpdated, RiskAlertRaised, TradingOtherEvent, TradingSubscribed] as const;
