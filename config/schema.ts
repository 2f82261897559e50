// The zod schema of every environment variable the server reads. Leaf module: imports only zod and node built-ins.

import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
/** An IP address or CIDR range (`10.0.0.0/8`, `fd00::/8`). */
const isAddressOrRange = (entry: string): boolean => {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
};

/** A key that signs or verifies stream names (HMAC-SHA256): long enough not to be guessed. */
const streamsSecret = z.string().min(16, 'must be at least 16 characters (a long random value, e.g. `openssl rand -hex 32`)');

/**
 * Signed and public streams (`$pubsub`, `Turbo::StreamsChannel`), AnyCable's `streams_secret`, `public_streams`,
 * `streams_whisper`, presence and `turbo_streams_secret`; also validated alone by `npm run sign-stream`.
 */
export const StreamsEnvSchema = z.object({
  CABLE_STREAMS_SECRET: streamsSecret.optional(),
  CABLE_PUBLIC_STREAMS: bool.default(false),
  CABLE_STREAMS_WHISPER: bool.default(false),
  CABLE_STREAMS_PRESENCE: bool.default(false),
  CABLE_TURBO_STREAMS_SECRET: streamsSecret.optional(),
});

/** Raw environment variables, validated and defaulted. Names are the public settings documented in README. */
export const EnvSchema = z
  .object({
    ...StreamsEnvSchema.shape,
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).optional(),
    CABLE_PATH: z.string().regex(/^\/[\w\-/]*$/, 'must be a path like /cable').default('/cable'),
    CABLE_SSE: bool.default(false),
    CABLE_SSE_PATH: z.string().regex(/^\/[\w\-/]*$/, 'must be a path like /events').default('/events'),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: or postgres://')
      .default('file:./data/cable.db'),
    DATABASE_AUTO_MIGRATE: bool.optional(),
    DATABASE_SEED: bool.optional(),
    JWT_ALGORITHM: z.enum(['HS256', 'RS256']).default('HS256'),
    JWT_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    JWT_PUBLIC_KEY: z.string().includes('BEGIN', { message: 'must be a PEM public key' }).optional(),
    JWT_PRIVATE_KEY: z.string().includes('BEGIN', { message: 'must be a PEM private key' }).optional(),
    JWT_ISSUER: z.string().min(1).default('powernode-platform'),
    JWT_AUDIENCE: z.string().min(1).default('powernode-api'),
    ALLOWED_ORIGINS: csv.optional(),
    BROADCAST_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
    GLOBALID_APP: z.string().regex(/^[a-z0-9-]+$/, 'must be a dasherized app name').default('server'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    CABLE_BENCHMARK_CHANNEL: bool.default(false),
    CABLE_PING_INTERVAL_MS: int(100, 60_000).default(3000),
    CABLE_MAX_FRAME_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    CABLE_MAX_BUFFERED_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
    CABLE_SHUTDOWN_TIMEOUT_MS: int(0, 120_000).default(5000),
    CABLE_AUTH_RECHECK_MS: int(500, 3_600_000).default(5000),
    CABLE_MAX_SUBSCRIPTIONS: int(1, 100_000).default(256),
    CABLE_MAX_IDENTIFIER_BYTES: int(64, 1024 * 1024).default(4096),
    CABLE_MAX_PENDING_COMMANDS: int(1, 100_000).default(256),
    CABLE_MAX_STREAMS: int(1, 1_000_000).default(256),
    CABLE_MAX_JSON_DEPTH: int(2, 10_000).default(64),
    CABLE_COMMAND_RATE: int(0, 1_000_000).default(50),
    CABLE_COMMAND_BURST: int(1, 1_000_000).default(100),
    CABLE_MAX_PREAUTH_FRAME_BYTES: int(256, 1024 * 1024).default(4096),
    CABLE_FRAME_TIMEOUT_MS: int(100, 600_000).default(10_000),
    CABLE_HANDSHAKE_TIMEOUT_MS: int(100, 600_000).default(10_000),
    CABLE_AUTH_TIMEOUT_MS: int(100, 600_000).default(10_000),
    CABLE_MAX_CONNECTIONS_PER_IP: int(0, 10_000_000).default(1000),
    CABLE_UPGRADE_RATE_PER_IP: int(0, 1_000_000).default(20),
    CABLE_UPGRADE_BURST_PER_IP: int(1, 1_000_000).default(100),
    CABLE_MAX_CONNECTIONS_PER_USER: int(0, 1_000_000).default(64),
    CABLE_TRUSTED_PROXIES: csv.pipe(z.array(z.string().refine(isAddressOrRange, 'must be IP addresses or CIDR ranges, comma-separated'))).optional(),
    JWT_IAT_LEEWAY_SECONDS: int(0, 86_400).default(30),
    METRICS_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
    CABLE_DASHBOARD: z.enum(['admins', 'key', 'off']).default('admins'),
    CABLE_OPERATOR_KEY: z.string().min(16, 'must be at least 16 characters (a long random value, e.g. `openssl rand -hex 32`)').optional(),
    DATABASE_SCHEMA_CHECK: z.enum(['all', 'core', 'off']).default('all'),
    CABLE_TOKEN_EXPIRY: z.enum(['refresh', 'close', 'never']).default('refresh'),
    RAILS_API_URL: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s):// URL').optional(),
    RAILS_API_TIMEOUT_MS: int(100, 120_000).default(20_000),
    PUBSUB_ADAPTER: z.enum(['memory', 'redis', 'solid_cable']).default('memory'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
    CABLE_CHANNEL_PREFIX: z.string().default(''),
    SOLID_CABLE_DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: or postgres://').optional(),
    SOLID_CABLE_POLL_MS: int(10, 60_000).default(100),
    CABLE_HISTORY_LIMIT: int(0, 100_000).default(100),
    CABLE_HISTORY_TTL_SECONDS: int(1, 86_400 * 7).default(300),
    CABLE_SESSION_TTL_SECONDS: int(1, 86_400).default(300),
    CABLE_PRESENCE_TTL_SECONDS: int(1, 3600).default(15),
  })
  .superRefine((env, ctx) => {
    if (env.JWT_ALGORITHM === 'RS256' && !env.JWT_PUBLIC_KEY) {
      ctx.addIssue({ code: 'custom', path: ['JWT_PUBLIC_KEY'], message: 'is required when JWT_ALGORITHM=RS256' });
    }
    if (env.NODE_ENV === 'production' && env.JWT_ALGORITHM === 'HS256' && !env.JWT_SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET_KEY'], message: 'is required in production with HS256' });
    }
    if (env.NODE_ENV === 'production' && !env.BROADCAST_KEY) {
      ctx.addIssue({ code: 'custom', path: ['BROADCAST_KEY'], message: 'is required in production (it guards /_broadcast and /_disconnect)' });
    }
    if (env.CABLE_SSE && env.CABLE_SSE_PATH === env.CABLE_PATH) {
      ctx.addIssue({ code: 'custom', path: ['CABLE_SSE_PATH'], message: 'must differ from CABLE_PATH' });
    }
    if (env.CABLE_DASHBOARD === 'key' && !env.CABLE_OPERATOR_KEY) {
      ctx.addIssue({ code: 'custom', path: ['CABLE_OPERATOR_KEY'], message: 'is required when CABLE_DASHBOARD=key' });
    }
    if (env.PUBSUB_ADAPTER === 'redis' && !env.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required when PUBSUB_ADAPTER=redis' });
    }
  });

/** The validated environment. */
export type Env = z.infer<typeof EnvSchema>;
