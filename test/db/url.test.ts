// DATABASE_URL parsing and deterministic demo ids.

import path from 'node:path';
import { seedId } from '../../src/db/demo/ids';
import { pgTarget, providerOf, sqliteFilePath } from '../../src/db/url';

describe('providerOf', () => {
  it('maps file: to sqlite and postgres:// or postgresql:// to postgresql', () => {
    expect(providerOf('file:./data/cable.db')).toBe('sqlite');
    expect(providerOf('postgres://u@h/db')).toBe('postgresql');
    expect(providerOf('postgresql://u@h/db')).toBe('postgresql');
  });

  it('throws for any other scheme', () => {
    expect(() => providerOf('mysql://h/db')).toThrow(/file: or postgres/);
  });
});

describe('sqliteFilePath', () => {
  it('resolves relative paths against the working directory', () => {
    expect(sqliteFilePath('file:./data/cable.db', '/srv/app')).toBe(path.resolve('/srv/app/data/cable.db'));
  });

  it('keeps absolute paths and drops query parameters', () => {
    expect(sqliteFilePath('file:/tmp/x.db?connection_limit=1', '/srv')).toBe('/tmp/x.db');
  });
});

describe('pgTarget', () => {
  it('splits ?schema= off the connection string', () => {
    expect(pgTarget('postgres://postgres@127.0.0.1:5432/test?schema=t_abc&sslmode=disable')).toEqual({
      connectionString: 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable',
      schema: 't_abc',
    });
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => pgTarget('postgres://h/db?schema=a;drop')).toThrow(/identifier/);
  });
});

describe('seedId', () => {
  it('derives the same version-5 layout UUID from the same key', () => {
    expect(seedId('acme:account')).toBe(seedId('acme:account'));
    expect(seedId('acme:account')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seedId('acme:account')).not.toBe(seedId('globex:account'));
  });
});
