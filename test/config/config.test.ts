import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { DEVELOPMENT_JWT_SECRET } from '../../config/cable';
import { legacyTokenFor } from '../../src/db/demo/catalog';

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

describe('safe defaults', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cable-config-'));

  it('binds 127.0.0.1 outside production unless HOST is set, and 0.0.0.0 in production', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET_KEY: 'a-production-secret-123', BROADCAST_KEY: 'a-broadcast-key-123' };
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig(prod).host).toBe('0.0.0.0');
  });

  it('generates the development secret beside the database on first use, keeps it, and never uses the built-in one', () => {
    const dir = tmp();
    const env = { DATABASE_URL: `file:${path.join(dir, 'db', 'cable.db')}` };
    const config = loadConfig(env);
    expect(config.jwt.secretSource).toBe('generated');
    expect(fs.existsSync(path.join(dir, 'db', 'jwt-secret'))).toBe(false); // reading settings writes nothing
    const secret = config.jwt.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(DEVELOPMENT_JWT_SECRET);
    expect(fs.statSync(path.join(dir, 'db', 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig(env).jwt.secret).toBe(secret);
    expect(loadConfig({ DATABASE_URL: `file:${path.join(tmp(), 'cable.db')}` }).jwt.secret).not.toBe(secret);
  });

  it('uses JWT_SECRET_KEY when set and the built-in secret only in tests', () => {
    expect(loadConfig({ JWT_SECRET_KEY: 'an-explicit-secret-123' }).jwt).toMatchObject({ secret: 'an-explicit-secret-123', secretSource: 'env' });
    expect(loadConfig({ NODE_ENV: 'test' }).jwt).toMatchObject({ secret: DEVELOPMENT_JWT_SECRET, secretSource: 'builtin' });
  });

  it('derives the demo legacy tokens from the secret, so each installation has its own', () => {
    const a = legacyTokenFor('acme', loadConfig({ DATABASE_URL: `file:${path.join(tmp(), 'a.db')}` }).jwt.secret);
    const b = legacyTokenFor('acme', loadConfig({ DATABASE_URL: `file:${path.join(tmp(), 'b.db')}` }).jwt.secret);
    expect(a).toMatch(/^demo-legacy-acme-[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
