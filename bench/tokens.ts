// Access tokens for the `bench` server's clients: one signed JWT per synthetic bench user, the way Powernode's
// JwtService signs them, with the secret the bench's servers are started with.

import { loadConfig } from '../config';
import { signToken } from '../src/auth/jwt';
import { benchAccountOf, benchUserId } from './bench-store';
import { BENCH_JWT_SECRET, type BenchToken } from './messages';

/** `users` access tokens for bench-user-0 … bench-user-(users−1), valid for an hour. */
export function benchTokens(users: number): BenchToken[] {
  const { jwt } = loadConfig({ JWT_SECRET_KEY: BENCH_JWT_SECRET });
  return Array.from({ length: users }, (_, n) => ({ token: signToken(jwt, { type: 'access', sub: benchUserId(n), expiresInSeconds: 3600 }), account: benchAccountOf(n) }));
}
