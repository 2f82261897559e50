// The PostgreSQL store of the solid_cable adapter (pg, loaded on demand): bytea channel/payload, bigint hash,
// timestamp(6) created_at, exactly the columns Rails' schema creates. Only SQL lives here.

import type { Pool } from 'pg';
import type { CableRow, CableStore, NewCableRow } from './solid-cable-store';
import { SOLID_CABLE_TABLE as T } from './solid-cable-store';
import type { Logger } from '../log/logger';

/** DDL equivalent to solid_cable's `cable_schema.rb` on PostgreSQL. */
export const PG_SOLID_CABLE_DDL = [
  `CREATE TABLE IF NOT EXISTS ${T} (
    id bigserial PRIMARY KEY,
    channel bytea NOT NULL,
    payload bytea NOT NULL,
    created_at timestamp(6) without time zone NOT NULL,
    channel_hash bigint NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS index_${T}_on_channel ON ${T} (channel)`,
  `CREATE INDEX IF NOT EXISTS index_${T}_on_channel_hash ON ${T} (channel_hash)`,
  `CREATE INDEX IF NOT EXISTS index_${T}_on_created_at ON ${T} (created_at)`,
];

/** solid_cable rows in PostgreSQL through a small pg pool. */
export class PgCableStore implements CableStore {
  readonly kind = 'postgresql';
  constructor(private readonly pool: Pool) {}

  async insert(row: NewCableRow): Promise<void> {
    await this.pool.query(`INSERT INTO ${T} (created_at, channel, payload, channel_hash) VALUES ($1::timestamp, $2, $3, $4)`, [
      row.createdAt, row.channel, row.payload, row.channelHash.toString(),
    ]);
  }

  async maxId(): Promise<bigint> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT COALESCE(MAX(id), 0)::text AS id FROM ${T}`);
    return BigInt(rows[0]?.id ?? '0');
  }

  async fetchAfter(hashes: readonly bigint[], afterId: bigint, limit: number): Promise<CableRow[]> {
    // pg returns int8 as a decimal string, so ids stay exact; ORDER BY must see the bigint column, not text.
    const { rows } = await this.pool.query<{ id: string; channel: Buffer | string; payload: Buffer | string }>(
      `SELECT id, channel, payload FROM ${T} WHERE channel_hash = ANY($1::bigint[]) AND id > $2 ORDER BY id LIMIT $3`,
      [hashes.map(String), afterId.toString(), limit],
    );
    return rows.map((r) => ({ id: BigInt(r.id), channel: r.channel, payload: r.payload }));
  }

  async trimBefore(createdAt: string, limit: number): Promise<number> {
    // SKIP LOCKED like solid_cable's TrimJob, so two nodes trimming at once do not wait on each other.
    const result = await this.pool.query(
      `DELETE FROM ${T} WHERE id IN (SELECT id FROM ${T} WHERE created_at < $1::timestamp ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [createdAt, limit],
    );
    return result.rowCount ?? 0;
  }

  async createTable(): Promise<void> {
    for (const sql of PG_SOLID_CABLE_DDL) await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connection settings for `url`; a Prisma-style `?schema=` becomes the search_path, as the database layer does. */
export function pgPoolConfig(url: string): { connectionString: string; options?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { connectionString: url };
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error('solid_cable database URL ?schema= must be a plain identifier');
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), options: `-c search_path=${schema}` };
}

/** Open a pg pool for `url`; idle-connection errors are logged, and every query fails rather than hangs. */
export async function openPgStore(url: string, logger: Logger): Promise<PgCableStore> {
  const { Pool: PgPool } = await import('pg');
  const pool = new PgPool({
    ...pgPoolConfig(url),
    max: 3,
    connectionTimeoutMillis: 5000,
    query_timeout: 10_000,
    application_name: `ActionCable-PID-${process.pid}`,
  });
  pool.on('error', (err) => logger.debug('solid_cable idle connection error', { err: err.message }));
  return new PgCableStore(pool);
}
