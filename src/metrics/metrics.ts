// CableMetrics: the figures operators of AnyCable watch, exported in Prometheus text through prom-client (with its
// default process metrics: event-loop lag, heap, GC, CPU). The hot paths only bump plain numbers and maps here;
// prom-client reads them when /metrics is scraped, so fan-out costs the same with metrics on. The only module that
// imports prom-client.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Bytes read from and written to client sockets, shared by every transport of a server. */
export interface IoCounters {
  bytesIn: number;
  bytesOut: number;
}

/** Where a broadcast came from: `POST /_broadcast`, the pub/sub backend (other nodes, Rails), or server code. */
export type BroadcastSource = 'http' | 'pubsub' | 'channel';

/** Figures read at scrape time from the parts of the server that own them. */
export interface MetricSources {
  /** Open sockets by kind (`pending` = not authenticated yet). */
  connections(): { user: number; worker: number; pending: number };
  /** Distinct users and workers connected. */
  identities(): number;
  streams(): number;
  deliveries(): number;
  pubsubHealthy(): boolean;
  /** Broadcasts waiting in the hub's delivery queue. */
  pendingBroadcasts(): number;
}

/** A refused subscribe, for the operator dashboard (`who` is `user:<id>` or `worker:<id>` when known). */
export interface RejectedSubscription {
  at: string;
  channel: string;
  who?: string;
}

/** One point of the dashboard's chart: rates over one sampling interval, fan-out p95 of the broadcasts in it. */
export interface SeriesPoint {
  /** End of the interval (ms since the epoch). */
  t: number;
  deliveriesPerSecond: number;
  /** Broadcasts that reached this node's hub, per second. */
  broadcastsPerSecond: number;
  /** p95 of the broadcast fan-out times in the interval (ms); null when no broadcast arrived. */
  fanoutP95Ms: number | null;
}

/** Every figure of the server at one moment, read from the same counters `/metrics` exports (the operator dashboard). */
export interface MetricsSnapshot {
  at: string;
  connections: { user: number; worker: number; pending: number };
  identities: number;
  streams: number;
  deliveries: number;
  pendingBroadcasts: number;
  pubsubHealthy: boolean;
  broadcasts: Record<BroadcastSource, number>;
  subscriptions: Record<string, number>;
  disconnects: Record<string, number>;
  authFailures: Record<string, number>;
  rejectedSubscriptions: Record<string, number>;
  /** The latest refused subscribes, newest first. */
  recentRejections: RejectedSubscription[];
  /** Rates over the last minutes, oldest first (empty until sampling started). */
  series: SeriesPoint[];
}

/** Refused subscribes remembered for the dashboard. */
const RECENT_REJECTIONS = 20;
/** Fan-out times kept per sampling interval for its p95 (reservoir-sampled beyond). */
const FANOUT_WINDOW = 2048;

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every metric of the server; one instance per server. */
export class CableMetrics {
  readonly registry = new Registry();
  readonly io: IoCounters = { bytesIn: 0, bytesOut: 0 };
  private readonly commands = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly faults = new Map<string, number>();
  private readonly authFailures = new Map<string, number>();
  private readonly disconnects = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly subscriptions = new Map<string, number>();
  private readonly broadcasts: Record<BroadcastSource, number> = { http: 0, pubsub: 0, channel: 0 };
  private readonly fanoutHistogram: Histogram;
  private readonly subscribeHistogram: Histogram;
  private readonly authHistogram: Histogram;
  private readonly recentRejections: RejectedSubscription[] = [];
  /** Fan-out times (s) of the current sampling interval, and how many broadcasts it had in all. */
  private window: number[] = [];
  private windowCount = 0;
  private readonly series: SeriesPoint[] = [];
  private sampler: { timer: NodeJS.Timeout; keep: number; at: number; deliveries: number; broadcasts: number } | undefined;

  constructor(private readonly sources: MetricSources, opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.fanoutHistogram = this.histogram('cable_broadcast_fanout_seconds', 'Time from a broadcast reaching this node until its last socket write');
    this.subscribeHistogram = this.histogram('cable_subscribe_seconds', 'Time to handle a subscribe command (authorization, streams live, confirmation)');
    this.authHistogram = this.histogram('cable_auth_seconds', 'Time to authenticate a connection');
    this.gauges();
    this.counters();
  }

  /** Prometheus text of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  command(type: string): void {
    bump(this.commands, type);
  }

  /** A warn line (a client-caused failure) or an error line (a server fault), by code. */
  problem(level: 'warn' | 'error', code: string): void {
    if (code === 'CABLE_LOG_SUPPRESSED') return;
    bump(level === 'warn' ? this.failures : this.faults, code);
  }

  authFailed(reason: string): void {
    bump(this.authFailures, reason);
  }

  authTime(seconds: number): void {
    this.authHistogram.observe(seconds);
  }

  disconnected(reason: string): void {
    bump(this.disconnects, reason);
  }

  subscribed(channel: string, seconds: number): void {
    bump(this.subscriptions, channel);
    this.subscribeHistogram.observe(seconds);
  }

  unsubscribed(channel: string): void {
    bump(this.subscriptions, channel, -1);
  }

  subscriptionRejected(channel: string, seconds: number, who?: string): void {
    bump(this.rejected, channel);
    this.subscribeHistogram.observe(seconds);
    this.recentRejections.unshift({ at: new Date().toISOString(), channel, ...(who ? { who } : {}) });
    if (this.recentRejections.length > RECENT_REJECTIONS) this.recentRejections.pop();
  }

  broadcast(source: BroadcastSource): void {
    this.broadcasts[source] += 1;
  }

  fanout(seconds: number): void {
    this.fanoutHistogram.observe(seconds);
    if (!this.sampler) return;
    this.windowCount += 1;
    if (this.window.length < FANOUT_WINDOW) this.window.push(seconds);
    else {
      const slot = Math.floor(Math.random() * this.windowCount);
      if (slot < FANOUT_WINDOW) this.window[slot] = seconds;
    }
  }

  /** Record a chart point every `intervalMs`, keeping the last `keep` (the dashboard's chart); idempotent. */
  startSampling(intervalMs = 2000, keep = 150): void {
    if (this.sampler) return;
    const timer = setInterval(() => this.sample(), intervalMs);
    timer.unref();
    this.sampler = { timer, keep, at: Date.now(), deliveries: this.sources.deliveries(), broadcasts: this.totalBroadcasts() };
  }

  stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler.timer);
    this.sampler = undefined;
  }

  /** Close the current sampling interval as one chart point (called by the sampling timer; tests call it directly). */
  sample(now = Date.now()): void {
    const s = this.sampler;
    if (!s) return;
    const seconds = Math.max(0.001, (now - s.at) / 1000);
    const deliveries = this.sources.deliveries();
    const broadcasts = this.totalBroadcasts();
    this.series.push({
      t: now,
      deliveriesPerSecond: round((deliveries - s.deliveries) / seconds),
      broadcastsPerSecond: round((broadcasts - s.broadcasts) / seconds),
      fanoutP95Ms: this.window.length > 0 ? round(percentile(this.window, 0.95) * 1000, 3) : null,
    });
    if (this.series.length > s.keep) this.series.splice(0, this.series.length - s.keep);
    Object.assign(s, { at: now, deliveries, broadcasts });
    this.window = [];
    this.windowCount = 0;
  }

  /** Every figure now, from the counters and sources `/metrics` reads (plain JSON). */
  snapshot(): MetricsSnapshot {
    const s = this.sources;
    return {
      at: new Date().toISOString(),
      connections: (({ user, worker, pending }) => ({ user, worker, pending }))(s.connections()),
      identities: s.identities(),
      streams: s.streams(),
      deliveries: s.deliveries(),
      pendingBroadcasts: s.pendingBroadcasts(),
      pubsubHealthy: s.pubsubHealthy(),
      broadcasts: { ...this.broadcasts },
      subscriptions: Object.fromEntries([...this.subscriptions].filter(([, n]) => n > 0)),
      disconnects: Object.fromEntries(this.disconnects),
      authFailures: Object.fromEntries(this.authFailures),
      rejectedSubscriptions: Object.fromEntries(this.rejected),
      recentRejections: this.recentRejections.map((r) => ({ ...r })),
      series: this.series.map((p) => ({ ...p })),
    };
  }

  /** Broadcasts that reached this node's hub (every source arrives through pub/sub). */
  private totalBroadcasts(): number {
    return this.broadcasts.pubsub;
  }

  private histogram(name: string, help: string): Histogram {
    return new Histogram({ name, help, buckets: SECONDS_BUCKETS, registers: [this.registry] });
  }

  private gauges(): void {
    const s = this.sources;
    const r = [this.registry];
    gauge(r, 'cable_connections', 'Open sockets by kind (pending = not authenticated yet)', ['kind'], (set) => {
      const c = s.connections();
      set({ kind: 'user' }, c.user);
      set({ kind: 'worker' }, c.worker);
      set({ kind: 'pending' }, c.pending);
    });
    gauge(r, 'cable_identities', 'Distinct users and workers connected', [], (set) => set({}, s.identities()));
    gauge(r, 'cable_streams', 'Streams with local subscribers', [], (set) => set({}, s.streams()));
    gauge(r, 'cable_pubsub_healthy', '1 when the pub/sub backend is reachable', [], (set) => set({}, s.pubsubHealthy() ? 1 : 0));
    gauge(r, 'cable_broadcasts_pending', 'Broadcasts waiting in the delivery queue', [], (set) => set({}, s.pendingBroadcasts()));
    gauge(r, 'cable_subscriptions', 'Live subscriptions by channel', ['channel'], (set) => this.subscriptions.forEach((n, channel) => set({ channel }, n)));
  }

  private counters(): void {
    const r = [this.registry];
    counter(r, 'cable_deliveries_total', 'Broadcast frames written to sockets', [], (add) => add({}, this.sources.deliveries()));
    counter(r, 'cable_broadcasts_total', 'Broadcasts by source (http = POST /_broadcast, pubsub = from the backend, channel = server code)', ['source'], (add) => {
      for (const source of Object.keys(this.broadcasts) as BroadcastSource[]) add({ source }, this.broadcasts[source]);
    });
    counter(r, 'cable_client_commands_total', 'Client commands by type (invalid = not understood)', ['command'], (add) => this.commands.forEach((n, command) => add({ command }, n)));
    counter(r, 'cable_command_failures_total', 'Client-caused failures by error code (logged at warn)', ['code'], (add) => this.failures.forEach((n, code) => add({ code }, n)));
    counter(r, 'cable_server_errors_total', 'Server faults by error code (logged at error)', ['code'], (add) => this.faults.forEach((n, code) => add({ code }, n)));
    counter(r, 'cable_auth_failures_total', 'Refused connections by reason', ['reason'], (add) => this.authFailures.forEach((n, reason) => add({ reason }, n)));
    counter(r, 'cable_disconnects_total', 'Server-initiated disconnects by reason', ['reason'], (add) => this.disconnects.forEach((n, reason) => add({ reason }, n)));
    counter(r, 'cable_slow_consumer_drops_total', 'Sockets closed because their send buffer passed CABLE_MAX_BUFFERED_BYTES', [], (add) => add({}, this.disconnects.get('too_slow') ?? 0));
    counter(r, 'cable_rejected_subscriptions_total', 'reject_subscription answers by channel', ['channel'], (add) => this.rejected.forEach((n, channel) => add({ channel }, n)));
    counter(r, 'cable_bytes_received_total', 'Bytes of client frames received (payloads)', [], (add) => add({}, this.io.bytesIn));
    counter(r, 'cable_bytes_sent_total', 'Bytes written to client sockets (framed)', [], (add) => add({}, this.io.bytesOut));
  }
}

type Labels = Record<string, string>;

/** A gauge whose values are set from `read` at every scrape. */
function gauge(registers: Registry[], name: string, help: string, labelNames: string[], read: (set: (labels: Labels, value: number) => void) => void): void {
  new Gauge({
    name, help, labelNames, registers,
    collect() {
      this.reset();
      read((labels, value) => this.set(labels, value));
    },
  });
}

/** A counter whose totals are copied from `read` at every scrape (the hot path never touches prom-client). */
function counter(registers: Registry[], name: string, help: string, labelNames: string[], read: (add: (labels: Labels, value: number) => void) => void): void {
  new Counter({
    name, help, labelNames, registers,
    collect() {
      this.reset();
      read((labels, value) => {
        if (value > 0 || Object.keys(labels).length === 0) this.inc(labels, value);
      });
    },
  });
}

/** The `q` quantile of `values` (nearest rank). */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
