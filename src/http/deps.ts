// HttpDeps: everything the HTTP side needs from the rest of the server, injected by main.ts.

import type { Logger } from '../log/logger';
import type { AdapterStatus } from '../pubsub/adapter';

/** Server figures reported by /health and /metrics. */
export interface ServerStats {
  connections: number;
  streams: number;
  deliveries: number;
  adapter: AdapterStatus & { name: string };
  uptimeSeconds: number;
}

/** What the HTTP side needs from the rest of the server. */
export interface HttpDeps {
  logger: Logger;
  /** The cable path: a plain GET there is Rails' `404 Page not found`. */
  cablePath: string;
  broadcastKey?: string;
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted in request bodies and in `/_broadcast` data (CABLE_MAX_JSON_DEPTH). */
  maxJsonDepth: number;
  /** Broadcast an encoded JSON payload to a stream. */
  broadcast(stream: string, payload: string): Promise<void>;
  /**
   * Sign a stream name for `$pubsub` (`pubsub`, CABLE_STREAMS_SECRET) or `Turbo::StreamsChannel` (`turbo`, the Turbo
   * secret); null when that secret is not configured (POST /_sign_stream).
   */
  signStream?(stream: string, kind: 'pubsub' | 'turbo'): string | null;
  /** The internal `action_cable/<id>` stream of a user or worker. */
  internalStreamFor(kind: 'user' | 'worker', id: string): string;
  stats(): ServerStats;
  /** Prometheus text and its content type (GET /metrics). */
  metrics(): Promise<{ text: string; contentType: string }>;
  /** Bearer key of GET /metrics (METRICS_KEY); open when unset. */
  metricsKey?: string;
  /** Whether the server should receive traffic: database reachable, pub/sub healthy, not draining (GET /ready). */
  readiness(): Promise<Readiness>;
  /** The operator dashboard (GET/POST /dashboard); absent: 404. */
  dashboard?: {
    /** Check a credential: the operator key or a `system.admin` user's token; the page connects with `cableToken`. */
    authorize(credential: string): Promise<DashboardAccess>;
  };
}

/** The answer to a dashboard credential (src/auth/operator.ts). */
export type DashboardAccess = { status: 200; cableToken: string; who: string } | { status: 401 | 403 | 503; message: string };

/** The answer of GET /ready. */
export interface Readiness {
  ready: boolean;
  checks: { database: boolean; pubsub: boolean; draining: boolean };
}
