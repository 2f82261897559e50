// JWT verification and signing (the only module that imports the JWT library). Powernode rules: HS256 or RS256,
// iss/aud/exp verified, `type` claim must be `access` or `worker` on the socket.

import { createHash, createPublicKey, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtConfig } from '../../config';
import { UnauthorizedError } from '../errors';

/** Why a token was refused; also the `reason` of the UnauthorizedError. */
export type TokenFailure = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'wrong_issuer' | 'wrong_audience' | 'wrong_type' | 'no_subject' | 'revoked' | 'inactive' | 'not_found' | 'issued_in_future';

/** Token refused for a specific, loggable reason. */
export class TokenError extends UnauthorizedError {
  constructor(readonly failure: TokenFailure) {
    super(failure);
    this.name = 'TokenError';
  }
}

/** The claims the cable reads. */
export interface CableClaims {
  type: 'access' | 'worker';
  sub: string;
  exp: number;
  iat?: number;
  jti?: string;
  account_id?: string;
  [key: string]: unknown;
}

const SOCKET_TYPES = new Set(['access', 'worker']);

// The verification key as a KeyObject, built once per config. Given a string, jsonwebtoken first tries to parse it
// as a PEM public key (and fails, throwing, for every HS256 secret) on every verify: a third of a connection storm's
// CPU went there.
const keyObjects = new WeakMap<JwtConfig, KeyObject | string>();

function verificationKey(cfg: JwtConfig): KeyObject | string {
  let key = keyObjects.get(cfg);
  if (key === undefined) {
    key = buildKey(cfg);
    keyObjects.set(cfg, key);
  }
  return key;
}

function buildKey(cfg: JwtConfig): KeyObject | string {
  if (cfg.algorithm !== 'RS256') return createSecretKey(Buffer.from(cfg.secret, 'utf8'));
  try {
    return createPublicKey(cfg.publicKey ?? '');
  } catch {
    return cfg.publicKey ?? ''; // unparsable: let jsonwebtoken refuse every token as it would have
  }
}

/** Verify signature, exp, iss, aud and the socket token type; throws TokenError. */
export function verifyToken(token: string, cfg: JwtConfig): CableClaims {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, verificationKey(cfg), { algorithms: [cfg.algorithm], issuer: cfg.issuer, audience: cfg.audience });
  } catch (err) {
    throw new TokenError(classify(err));
  }
  if (typeof decoded !== 'object' || decoded === null) throw new TokenError('malformed');
  const claims = decoded as Record<string, unknown>;
  if (typeof claims.type !== 'string' || !SOCKET_TYPES.has(claims.type)) throw new TokenError('wrong_type');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new TokenError('no_subject');
  if (typeof claims.exp !== 'number') throw new TokenError('malformed');
  if (claims.iat !== undefined && typeof claims.iat !== 'number') throw new TokenError('malformed');
  // A token "issued" beyond the clock-skew leeway was minted with a wrong clock or forged lifetimes: refuse it.
  if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000 + (cfg.iatLeewaySeconds ?? 0)) throw new TokenError('issued_in_future');
  return claims as CableClaims;
}

function classify(err: unknown): TokenFailure {
  if (err instanceof jwt.TokenExpiredError) return 'expired';
  if (err instanceof jwt.JsonWebTokenError) {
    if (err.message.includes('issuer')) return 'wrong_issuer';
    if (err.message.includes('audience')) return 'wrong_audience';
    if (err.message.includes('signature') || err.message.includes('algorithm')) return 'bad_signature';
  }
  return 'malformed';
}

/** Options for minting a token (demo manifest, tests, benchmarks). */
export interface SignOptions {
  type: 'access' | 'worker' | 'refresh' | 'impersonation' | 'api_key' | '2fa';
  sub: string;
  expiresInSeconds: number;
  extra?: Record<string, unknown>;
  jti?: string | null;
}

/** Sign a token the way Powernode's JwtService does (type, sub, iat, exp, jti, version, iss, aud). */
export function signToken(cfg: JwtConfig, opts: SignOptions): string {
  const key = cfg.algorithm === 'RS256' ? cfg.privateKey : cfg.secret;
  if (!key) throw new Error('JWT_PRIVATE_KEY is required to sign RS256 tokens');
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { type: opts.type, sub: opts.sub, iat: now, exp: now + opts.expiresInSeconds, version: 2, ...opts.extra };
  if (opts.jti !== null) payload.jti = opts.jti ?? randomBytes(16).toString('hex');
  return jwt.sign(payload, key, { algorithm: cfg.algorithm, issuer: cfg.issuer, audience: cfg.audience });
}

/** Lifetime of a worker token (Powernode's WorkerJwt::TOKEN_LIFETIME). */
export const WORKER_TOKEN_SECONDS = 300;

/**
 * A worker JWT as Powernode's WorkerJwt mints it (`type:"worker"`, `sub`, 300 s, no `jti`; iss/aud from `cfg`), for
 * calls made on the worker's behalf; null when `cfg` cannot sign (RS256 without JWT_PRIVATE_KEY).
 */
export function mintWorkerToken(cfg: JwtConfig, workerId: string): string | null {
  if (cfg.algorithm === 'RS256' && !cfg.privateKey) return null;
  return signToken(cfg, { type: 'worker', sub: workerId, expiresInSeconds: WORKER_TOKEN_SECONDS, jti: null });
}

/** SHA-256 hex digest used by legacy opaque user tokens (user_tokens.token_digest). */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
