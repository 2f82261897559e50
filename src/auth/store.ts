// IdentityStore: the narrow data interface authentication needs (the consumer defines it; src/db implements
// it with Prisma). Keeps auth free of ORM details and testable with a hand-written fake.

/** A user row with what connect needs. */
export interface UserRecord {
  id: string;
  accountId: string;
  email: string;
  name: string;
  status: string;
  accountStatus: string;
  roles: string[];
  permissions: string[];
}

/** A worker row with what connect needs. */
export interface WorkerRecord {
  id: string;
  accountId: string;
  name: string;
  isSystem: boolean;
  status: string;
  accountStatus: string;
  permissions: string[];
}

/** A legacy opaque user token row. */
export interface LegacyTokenRecord {
  userId: string;
  tokenType: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Revocation facts for a set of credentials, read in one batch by the open-socket recheck. */
export interface RevocationState {
  revokedJtis: Set<string>;
  /** userId → time of the user-wide revocation. */
  userRevokedAt: Map<string, Date>;
  /** userId → still active (user and account both active). */
  activeUsers: Set<string>;
  /** workerId → still active. */
  activeWorkers: Set<string>;
  /** Digests of the asked legacy user tokens that are still live (not revoked, not expired, not refresh). */
  liveLegacyTokens: Set<string>;
}

/** What the open-socket recheck asks about. */
export interface RevocationQuery {
  jtis: string[];
  userIds: string[];
  workerIds: string[];
  /** Legacy token digests of the open sockets (none when omitted). */
  legacyDigests?: string[];
}

/** Data access for authentication. */
export interface IdentityStore {
  findUser(id: string): Promise<UserRecord | null>;
  findWorker(id: string): Promise<WorkerRecord | null>;
  findLegacyToken(digest: string): Promise<LegacyTokenRecord | null>;
  touchLegacyToken(digest: string, ip: string | undefined, userAgent: string | undefined): Promise<void>;
  isJtiRevoked(jti: string): Promise<boolean>;
  userRevokedAt(userId: string): Promise<Date | null>;
  revocationState(q: RevocationQuery): Promise<RevocationState>;
}
