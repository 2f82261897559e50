// The development JWT secret: random, created on first start and kept beside the embedded database (or in ./data),
// so tokens minted for the demo (`npm start`'s hint, `npm run demo:manifest`) are signed with a secret nobody else
// knows. Production never comes here (JWT_SECRET_KEY is required there). Leaf module: node built-ins only.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Name of the file holding the generated secret. */
export const SECRET_FILE = 'jwt-secret';

/** The directory generated files live in: the SQLite file's directory, else ./data under `cwd`. */
export function dataDirFor(databaseUrl: string, cwd: string = process.cwd()): string {
  if (!databaseUrl.startsWith('file:')) return path.resolve(cwd, 'data');
  const raw = decodeURIComponent(databaseUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '').split('?')[0] ?? '');
  return path.dirname(path.resolve(cwd, raw || 'data/cable.db'));
}

/** Read the secret of `dir`, creating it (0600) on first use. */
export function generatedSecret(dir: string): string {
  const file = path.join(dir, SECRET_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  fs.mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  // `wx`: if another process (a demo:manifest beside the server) created it first, use theirs.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return fs.readFileSync(file, 'utf8').trim();
  }
}
