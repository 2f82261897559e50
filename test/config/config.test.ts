import { ConfigError, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('defaults to port 3000, /cable, the embedded SQLite database and HS256', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.cable.path).toBe('/cable');
    expect(c.database.url).toBe('file:./data/cable.db');
    expect(c.database.autoMigrate).toBe(true);
    expect(c.jwt).toMatchObject({ algorithm: 'HS256', issuer: 'powernode-platform', audience: 'powernode-api' });
    expect(c.cable.globalIdApp).toBe('server');
    expect(c.pubsub.adapter).toBe('memory');
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'abc', PUBSUB_ADAPTER: 'redis', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      throw new Error('expected ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const vars = (err as ConfigError).issues.map((i) => i.variable);
      expect(vars).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'LOG_LEVEL']));
      expect((err as ConfigError).message).toContain('PORT');
    }
  });

  it('requires JWT_PUBLIC_KEY for RS256, REDIS_URL for the redis adapter and a secret in production', () => {
    expect(() => loadConfig({ JWT_ALGORITHM: 'RS256' })).toThrow(/JWT_PUBLIC_KEY/);
    expect(() => loadConfig({ PUBSUB_ADAPTER: 'redis' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET_KEY/);
  });

  it('does not auto-migrate or seed a PostgreSQL database unless asked', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(c.database).toMatchObject({ autoMigrate: false, seed: false });
  });

  it('migrates and seeds a file: database by default, but does not seed it when NODE_ENV=production (README table)', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET_KEY: 'a-production-secret-123', BROADCAST_KEY: 'a-broadcast-key-123' };
    expect(loadConfig({ DATABASE_URL: 'file:./x.db' }).database).toMatchObject({ autoMigrate: true, seed: true });
    expect(loadConfig({ ...prod, DATABASE_URL: 'file:./x.db' }).database).toMatchObject({ autoMigrate: true, seed: false });
    expect(loadConfig({ ...prod, DATABASE_URL: 'file:./x.db', DATABASE_SEED: '1' }).database.seed).toBe(true);
  });
});
