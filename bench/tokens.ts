// Access tokens for the bench's clients: one signed JWT per bench user, the way Powernode's JwtService signs them,
// with the secret the bench's server is started with.

import { loadConfig } from '../config';
import { signToken } from '../src/auth/jwt';
import { benchUserId } from './bench-store';
import { BENCH_JWT_SECRET } from './target';

/** `users` access tokens for bench-user-0 … bench-user-(users−1), valid for an hour. */
export function benchTokens(users: number): string[] {
  const { jwt } = loadConfig({ JWT_SECRET_KEY: BENCH_JWT_SECRET });
  return Array.from({ length: users }, (_, n) => signToken(jwt, { type: 'access', sub: benchUserId(n), expiresInSeconds: 3600 }));
}
