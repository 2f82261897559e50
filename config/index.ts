// loadConfig(env): the only way settings enter the process. Validates with zod and fails naming each bad variable.

import { EnvSchema, StreamsEnvSchema, type Env } from './schema';
import { dataDirFor, generatedSecret } from './secret';
import { DEFAULT_ALLOWED_ORIGINS, DEVELOPMENT_JWT_SECRET } from './cable';

/** Raised at boot when environment variables are invalid; `issues` names each variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: ReadonlyArray<{ variable: string; message: string }>) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** JWT verification settings. */
export interface JwtConfig {
  algorithm: 'HS256' | 'RS256';
  secret: string;
  publicKey?: string;
  privateKey?: string;
  issuer: string;
  audience: string;
  /** How far in the future an `iat` may lie (clock skew) before the token is refused. */
  iatLeewaySeconds?: number;
  /** Where the HS256 secret came from: JWT_SECRET_KEY, a file generated under the data directory, or the built-in test secret. */
  secretSource?: 'env' | 'generated' | 'builtin';
}

/** Limits enforced at the transport edge, before any parsing (defaults in README's settings table). */
export interface EdgeLimits {
  /** Largest frame accepted before the welcome (authentication pending). */
  preauthFrameBytes: number;
  /** A frame that has started must be complete within this time. */
  frameTimeoutMs: number;
  /** From TCP accept until the request headers (upgrade) are complete. */
  handshakeTimeoutMs: number;
  /** From upgrade until authentication has finished. */
  authTimeoutMs: number;
  /** Concurrent sockets per client address (0 = unlimited). */
  maxConnectionsPerIp: number;
  /** Upgrade attempts per second per client address, token bucket (0 = unlimited). */
  upgradeRatePerIp: number;
  upgradeBurstPerIp: number;
  /** Concurrent sockets per user or worker on this node (0 = unlimited). */
  maxConnectionsPerIdentity: number;
  /** Peers whose `X-Forwarded-For` names the client (addresses or CIDR ranges). */
  trustedProxies: readonly string[];
}

/** The whole, immutable server configuration. */
export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  database: { url: string; autoMigrate: boolean; seed: boolean; schemaCheck: 'all' | 'core' | 'off' };
  /** Bearer key of GET /metrics (open without it). */
  metricsKey?: string;
  /** Opens GET /dashboard besides a `system.admin` user's token (CABLE_OPERATOR_KEY); unset: admins only. */
  operatorKey?: string;
  /** Who may open the dashboard: `admins` (system.admin users and the operator key), `key` (the key only), `off`. */
  dashboard: 'admins' | 'key' | 'off';
  jwt: JwtConfig;
  cable: {
    path: string;
    /** Server-sent events (AnyCable's SSE transport): off unless CABLE_SSE is set. */
    sse: { enabled: boolean; path: string };
    allowedOrigins: ReadonlyArray<string | RegExp>;
    pingIntervalMs: number;
    maxFrameBytes: number;
    maxBufferedBytes: number;
    shutdownTimeoutMs: number;
    authRecheckMs: number;
    maxSubscriptions: number;
    maxIdentifierBytes: number;
    maxPendingCommands: number;
    /** Streams one connection may hold across its subscriptions. */
    maxStreams: number;
    /** Deepest JSON nesting accepted in frames, identifiers, action data and /_broadcast bodies. */
    maxJsonDepth: number;
    /** Client commands per second per connection (token bucket; 0 = unlimited) and the bucket size. */
    commandRate: number;
    commandBurst: number;
    edge: EdgeLimits;
    benchmarkChannel: boolean;
    globalIdApp: string;
  };
  broadcastKey?: string;
  /**
   * What an open socket gets when its token expires: `refresh` (per client kind, so each real client renews its
   * token by itself), `close` (token_expired to everyone) or `never` (Rails: rely on the revocation re-check).
   */
  tokenExpiry: 'refresh' | 'close' | 'never';
  /** The Rails API that worker tool calls are forwarded to (`POST <url>/api/v1/internal/ai/llm/dispatch_tool`). */
  railsApi?: { url: string; timeoutMs: number };
  pubsub: {
    adapter: 'memory' | 'redis' | 'solid_cable';
    redisUrl?: string;
    channelPrefix: string;
    solidCableUrl?: string;
    solidCablePollMs: number;
  };
  history: { limit: number; ttlSeconds: number; sessionTtlSeconds: number };
  /** Signed and public streams (`$pubsub`, `Turbo::StreamsChannel`). */
  streams: StreamsConfig;
  /** Presence sets: how long a vanished session stays present. */
  presence: { ttlSeconds: number };
}

/** Signed and public streams: `$pubsub` and `Turbo::StreamsChannel` (README "Signed streams and Turbo Streams"). */
export interface StreamsConfig {
  /** CABLE_STREAMS_SECRET: verifies `$pubsub` `signed_stream_name`s; unset: signed streams are refused. */
  secret?: string;
  /** CABLE_PUBLIC_STREAMS: `$pubsub` `stream_name` (no signature) is allowed. */
  public: boolean;
  /** CABLE_STREAMS_WHISPER: signed streams allow whispers (public streams always do). */
  whisper: boolean;
  /** CABLE_STREAMS_PRESENCE: signed streams allow presence (public streams always do). */
  presence: boolean;
  /** The Turbo verifier key: CABLE_TURBO_STREAMS_SECRET, else CABLE_STREAMS_SECRET (AnyCable's GetTurboSecret); unset: Turbo is refused. */
  turboSecret?: string;
}

/** Only the streams settings of `env` (`npm run sign-stream` needs nothing else); throws ConfigError naming each bad one. */
export function loadStreamsConfig(env: NodeJS.ProcessEnv = process.env): Readonly<StreamsConfig> {
  const parsed = StreamsEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: i.message })));
  }
  return streamsConfigOf(parsed.data);
}

function streamsConfigOf(e: Pick<Env, keyof typeof StreamsEnvSchema.shape>): Readonly<StreamsConfig> {
  return Object.freeze({
    secret: e.CABLE_STREAMS_SECRET,
    public: e.CABLE_PUBLIC_STREAMS,
    whisper: e.CABLE_STREAMS_WHISPER,
    presence: e.CABLE_STREAMS_PRESENCE,
    turboSecret: e.CABLE_TURBO_STREAMS_SECRET ?? e.CABLE_STREAMS_SECRET,
  });
}

/** Parse `env` into a Config; throws ConfigError naming every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: i.message })));
  }
  const e = parsed.data;
  const isFileDb = e.DATABASE_URL.startsWith('file:');
  const secret = jwtSecret(e);
  const jwt: JwtConfig = {
    algorithm: e.JWT_ALGORITHM,
    secret: '',
    secretSource: secret.source,
    publicKey: e.JWT_PUBLIC_KEY,
    privateKey: e.JWT_PRIVATE_KEY,
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    iatLeewaySeconds: e.JWT_IAT_LEEWAY_SECONDS,
  };
  // Resolved on first use: reading the settings must not create files (a generated secret is written on first start).
  Object.defineProperty(jwt, 'secret', { enumerable: true, get: secret.read });
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    // Outside production only this machine can connect unless HOST says otherwise (demo data, generated secret).
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, autoMigrate: e.DATABASE_AUTO_MIGRATE ?? isFileDb, seed: e.DATABASE_SEED ?? (isFileDb && e.NODE_ENV !== 'production'), schemaCheck: e.DATABASE_SCHEMA_CHECK },
    metricsKey: e.METRICS_KEY,
    operatorKey: e.CABLE_OPERATOR_KEY,
    dashboard: e.CABLE_DASHBOARD,
    jwt,
    cable: {
      path: e.CABLE_PATH,
      sse: { enabled: e.CABLE_SSE, path: e.CABLE_SSE_PATH },
      allowedOrigins: e.ALLOWED_ORIGINS ?? DEFAULT_ALLOWED_ORIGINS,
      pingIntervalMs: e.CABLE_PING_INTERVAL_MS,
      maxFrameBytes: e.CABLE_MAX_FRAME_BYTES,
      maxBufferedBytes: e.CABLE_MAX_BUFFERED_BYTES,
      shutdownTimeoutMs: e.CABLE_SHUTDOWN_TIMEOUT_MS,
      authRecheckMs: e.CABLE_AUTH_RECHECK_MS,
      maxSubscriptions: e.CABLE_MAX_SUBSCRIPTIONS,
      maxIdentifierBytes: e.CABLE_MAX_IDENTIFIER_BYTES,
      maxPendingCommands: e.CABLE_MAX_PENDING_COMMANDS,
      maxStreams: e.CABLE_MAX_STREAMS,
      maxJsonDepth: e.CABLE_MAX_JSON_DEPTH,
      commandRate: e.CABLE_COMMAND_RATE,
      commandBurst: e.CABLE_COMMAND_BURST,
      edge: {
        preauthFrameBytes: Math.min(e.CABLE_MAX_PREAUTH_FRAME_BYTES, e.CABLE_MAX_FRAME_BYTES),
        frameTimeoutMs: e.CABLE_FRAME_TIMEOUT_MS,
        handshakeTimeoutMs: e.CABLE_HANDSHAKE_TIMEOUT_MS,
        authTimeoutMs: e.CABLE_AUTH_TIMEOUT_MS,
        maxConnectionsPerIp: e.CABLE_MAX_CONNECTIONS_PER_IP,
        upgradeRatePerIp: e.CABLE_UPGRADE_RATE_PER_IP,
        upgradeBurstPerIp: e.CABLE_UPGRADE_BURST_PER_IP,
        maxConnectionsPerIdentity: e.CABLE_MAX_CONNECTIONS_PER_USER,
        trustedProxies: e.CABLE_TRUSTED_PROXIES ?? [],
      },
      benchmarkChannel: e.CABLE_BENCHMARK_CHANNEL,
      globalIdApp: e.GLOBALID_APP,
    },
    broadcastKey: e.BROADCAST_KEY,
    tokenExpiry: e.CABLE_TOKEN_EXPIRY,
    railsApi: e.RAILS_API_URL ? { url: e.RAILS_API_URL.replace(/\/+$/, ''), timeoutMs: e.RAILS_API_TIMEOUT_MS } : undefined,
    pubsub: {
      adapter: e.PUBSUB_ADAPTER,
      redisUrl: e.REDIS_URL,
      channelPrefix: e.CABLE_CHANNEL_PREFIX,
      solidCableUrl: e.SOLID_CABLE_DATABASE_URL ?? (e.PUBSUB_ADAPTER === 'solid_cable' ? e.DATABASE_URL : undefined),
      solidCablePollMs: e.SOLID_CABLE_POLL_MS,
    },
    history: { limit: e.CABLE_HISTORY_LIMIT, ttlSeconds: e.CABLE_HISTORY_TTL_SECONDS, sessionTtlSeconds: e.CABLE_SESSION_TTL_SECONDS },
    streams: streamsConfigOf(e),
    presence: { ttlSeconds: e.CABLE_PRESENCE_TTL_SECONDS },
  });
}

/**
 * The HS256 secret: JWT_SECRET_KEY when set; in development a random one generated on first start beside the
 * database (so nobody can mint tokens with a secret that is public in the repository); in tests the built-in one.
 */
function jwtSecret(e: Env): { read: () => string; source: 'env' | 'generated' | 'builtin' } {
  const key = e.JWT_SECRET_KEY;
  if (key) return { read: () => key, source: 'env' };
  if (e.NODE_ENV === 'development' && e.JWT_ALGORITHM === 'HS256') {
    let value: string | undefined;
    return { read: () => (value ??= generatedSecret(dataDirFor(e.DATABASE_URL))), source: 'generated' };
  }
  return { read: () => DEVELOPMENT_JWT_SECRET, source: 'builtin' };
}
