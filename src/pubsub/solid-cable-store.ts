// Storage seam of the solid_cable adapter: the row shapes of Rails' `solid_cable_messages` table, the store
// interface each database implements (solid-cable-pg.ts, solid-cable-sqlite.ts), the channel hash and the
// timestamp format. Owns no polling or delivery logic and opens nothing (that is solid-cable.ts).

import { createHash } from 'node:crypto';

/** The table solid_cable writes and polls (SC:lib/generators/solid_cable/install/templates/db/cable_schema.rb). */
export const SOLID_CABLE_TABLE = 'solid_cable_messages';

/** A row as the poller reads it; Rails may have stored channel/payload as binary or as text. */
export interface CableRow {
  id: bigint;
  channel: Buffer | string;
  payload: Buffer | string;
}

/** A row to insert, with every column solid_cable's `Message.broadcast` sets. */
export interface NewCableRow {
  channel: Buffer;
  payload: Buffer;
  channelHash: bigint;
  /** UTC, `YYYY-MM-DD HH:MM:SS.ffffff` (see railsTimestamp). */
  createdAt: string;
}

/** The SQL a backend runs for the adapter; one implementation per database. */
export interface CableStore {
  readonly kind: 'postgresql' | 'sqlite';
  insert(row: NewCableRow): Promise<void>;
  /** MAX(id), or 0 for an empty table: the start cursor of a new subscription. */
  maxId(): Promise<bigint>;
  /** Rows whose channel_hash is in `hashes` and id > `afterId`, in id order, at most `limit`. */
  fetchAfter(hashes: readonly bigint[], afterId: bigint, limit: number): Promise<CableRow[]>;
  /** Delete up to `limit` rows created before `createdAt`; resolves to the number deleted. */
  trimBefore(createdAt: string, limit: number): Promise<number>;
  /** Create the table and its indexes when missing (solid_cable's shape). */
  createTable(): Promise<void>;
  close(): Promise<void>;
}

/** solid_cable's `channel_hash`: the first 8 bytes of SHA-256(channel) as a signed big-endian int64 (`unpack1("q>")`). */
export function channelHash(channel: string): bigint {
  return createHash('sha256').update(channel, 'utf8').digest().readBigInt64BE(0);
}

/** A UTC timestamp in the text form Rails writes to datetime(6) columns: `2024-06-01 12:34:56.789000`. */
export function railsTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/** Whether `url` names a SQLite file (`file:`) rather than PostgreSQL (`postgres://`, `postgresql://`). */
export function isSqliteUrl(url: string): boolean {
  return url.startsWith('file:');
}
