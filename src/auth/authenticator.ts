// Connect-time authentication (secure by default): token from `?token=` or
// `Authorization: Bearer`; JWT `access` → active user in an active account, `worker` → active worker; revoked
// jti or user-wide revocation → rejected (fails closed); legacy opaque tokens only when live and account active.

import type { JwtConfig } from '../../config';
import { AuthUnavailableError, UnauthorizedError, errorText } from '../errors';
import { connectionIdentifierFor, type Identity } from './identity';
import { TokenError, tokenDigest, verifyToken, type CableClaims } from './jwt';
import { OPERATOR_TICKET_PREFIX, operatorIdentity, verifyOperatorTicket } from './operator';
import type { IdentityStore } from './store';

/** Request facts used for authentication. */
export interface ConnectRequest {
  token: string | undefined;
  ip?: string;
  userAgent?: string;
}

/** Authenticates connect requests against the store. */
export class Authenticator {
  /** One permission set per distinct list and one connection identifier per user or worker, shared by their sockets. */
  private readonly shared = new SharedIdentityParts();

  /** `operatorKey` (CABLE_OPERATOR_KEY) lets the dashboard's operator tickets connect. */
  constructor(private readonly store: IdentityStore, private readonly jwt: JwtConfig, private readonly gidApp: string, private readonly operatorKey?: string) {}

  /** Resolve the identity for a request; throws UnauthorizedError (TokenError) with the failure reason. */
  async authenticate(req: ConnectRequest): Promise<Identity> {
    const token = req.token?.trim();
    if (!token) throw new TokenError('missing');
    if (token.startsWith(OPERATOR_TICKET_PREFIX)) {
      if (!this.operatorKey) throw new TokenError('malformed');
      return operatorIdentity(this.gidApp, verifyOperatorTicket(token, this.operatorKey));
    }
    if (!token.includes('.')) return this.legacy(token, req);
    const claims = verifyToken(token, this.jwt);
    // The revocation facts and the identity are read together (one round of batched look-ups in a storm, not two);
    // a revocation, or a blacklist that cannot be read, still decides before the identity does.
    const identity = claims.type === 'access' ? this.user(claims) : this.worker(claims);
    identity.catch(() => undefined);
    await this.checkRevoked(claims);
    return identity;
  }

  private async checkRevoked(claims: CableClaims): Promise<void> {
    try {
      const [jtiRevoked, revokedAt] = await Promise.all([
        claims.jti ? this.store.isJtiRevoked(claims.jti) : false,
        claims.type === 'access' ? this.store.userRevokedAt(claims.sub) : null,
      ]);
      if (jtiRevoked) throw new TokenError('revoked');
      if (revokedAt && (claims.iat ?? 0) * 1000 <= revokedAt.getTime()) throw new TokenError('revoked');
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      // The blacklist could not be read: fail closed (unlike the original), but let the client retry.
      throw new AuthUnavailableError(errorText(err));
    }
  }

  private async user(claims: CableClaims, legacy = false): Promise<Identity> {
    const user = await readStore(() => this.store.findUser(claims.sub));
    if (!user) throw new TokenError('not_found');
    if (user.status !== 'active' || user.accountStatus !== 'active') throw new TokenError('inactive');
    return {
      kind: 'user',
      userId: user.id,
      accountId: user.accountId,
      email: user.email,
      name: user.name,
      roles: user.roles,
      permissions: this.shared.permissions(user.permissions),
      connectionIdentifier: this.shared.connectionIdentifier(this.gidApp, 'user', user.id),
      tokenExp: legacy ? undefined : claims.exp,
      tokenIat: claims.iat,
      jti: claims.jti,
    };
  }

  private async worker(claims: CableClaims): Promise<Identity> {
    const worker = await readStore(() => this.store.findWorker(claims.sub));
    if (!worker) throw new TokenError('not_found');
    if (worker.status !== 'active') throw new TokenError('inactive');
    if (!worker.isSystem && worker.accountStatus !== 'active') throw new TokenError('inactive');
    return {
      kind: 'worker',
      workerId: worker.id,
      accountId: worker.accountId,
      name: worker.name,
      isSystem: worker.isSystem,
      permissions: this.shared.permissions(worker.permissions),
      connectionIdentifier: this.shared.connectionIdentifier(this.gidApp, 'worker', worker.id),
      tokenExp: claims.exp,
      tokenIat: claims.iat,
      jti: claims.jti,
    };
  }

  private async legacy(token: string, req: ConnectRequest): Promise<Identity> {
    const digest = tokenDigest(token);
    const row = await readStore(() => this.store.findLegacyToken(digest));
    if (!row) throw new TokenError('not_found');
    if (row.revokedAt) throw new TokenError('revoked');
    if (!row.expiresAt || row.expiresAt.getTime() <= Date.now()) throw new TokenError('expired');
    if (row.tokenType === 'refresh') throw new TokenError('wrong_type');
    const identity = await this.user({ type: 'access', sub: row.userId, exp: Math.floor(row.expiresAt.getTime() / 1000) }, true);
    await this.store.touchLegacyToken(digest, req.ip, req.userAgent?.slice(0, 500)).catch(() => undefined);
    return { ...identity, tokenExp: Math.floor(row.expiresAt.getTime() / 1000), legacyTokenDigest: digest };
  }
}

/** A store read whose failure means "cannot tell now" (AuthUnavailableError), never "unauthorized". */
async function readStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new AuthUnavailableError(errorText(err));
  }
}

/** Entries either table may hold before it starts over (ids and permission lists come from the store, not clients). */
const MAX_SHARED = 10_000;

/**
 * Parts of identities that are equal for many sockets, kept once: the permission set of each distinct permission list
 * (read-only, so sharing is safe) and the connection identifier of each user or worker.
 */
class SharedIdentityParts {
  private readonly sets = new Map<string, ReadonlySet<string>>();
  private readonly identifiers = new Map<string, string>();

  permissions(names: readonly string[]): ReadonlySet<string> {
    const key = names.join('\n');
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= MAX_SHARED) this.sets.clear();
      this.sets.set(key, (set = new Set(names)));
    }
    return set;
  }

  connectionIdentifier(app: string, kind: 'user' | 'worker', id: string): string {
    const key = `${kind}\n${app}\n${id}`;
    let identifier = this.identifiers.get(key);
    if (identifier === undefined) {
      if (this.identifiers.size >= MAX_SHARED) this.identifiers.clear();
      this.identifiers.set(key, (identifier = connectionIdentifierFor(app, kind, id)));
    }
    return identifier;
  }
}
