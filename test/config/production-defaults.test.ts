// Review findings: secure-by-default gaps outside the socket path.
//
// 1. DATABASE_SEED defaults to "file: database" regardless of NODE_ENV (config/index.ts). With NODE_ENV=production
//    on SQLite the demo data is seeded, including the legacy opaque token `demo-legacy-token-acme-owner`
//    (src/db/demo/catalog.ts legacyTokenFor) of the Acme owner (system.admin): anyone who read the source can
//    connect (reproduced: `?token=demo-legacy-token-acme-owner` → welcome, NotificationChannel confirmed). main.ts
//    also prints a 24 h owner JWT to stdout on every start (README: "Tokens never appear in logs").
// 2. Without BROADCAST_KEY, /_broadcast and /_disconnect trust any loopback peer (src/http/auth.ts). Behind a
//    reverse proxy on the same host every external request is loopback, so anyone can publish to any stream or
//    disconnect any user. A forwarded request (X-Forwarded-For / Forwarded present) should not count as loopback,
//    and production should require the key.
// Fixed: no demo seed in production, BROADCAST_KEY required there, proxied requests are not loopback. The operator
// endpoints' loopback rule (2) is tested with every relay header in test/http/loopback-trust.test.ts.

import { loadConfig } from '../../config';

describe('production defaults', () => {
  it('does not seed demo data (with its fixed legacy token) in production on SQLite', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'a-production-secret-of-32-chars!', BROADCAST_KEY: 'production-broadcast-key', DATABASE_URL: 'file:/tmp/prod.db' });
    expect(config.database.seed).toBe(false);
  });

  it('control: development on SQLite still seeds', () => {
    expect(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'file:/tmp/dev.db' }).database.seed).toBe(true);
  });
});
