// buildManifest: accounts with users and workers whose fresh tokens verify, and the ids and lookup keys of every
// resource model, grouped per account.

import { loadConfig } from '../../config';
import { verifyToken } from '../../src/auth/jwt';
import { Prisma } from '../../src/db/generated/sqlite/client';
import { buildManifest, permissionVersion, type Manifest } from '../../src/db/manifest';
import { RESOURCE_LISTERS } from '../../src/db/manifest-resources';
import { legacyTokenFor, MEMBER_PERMISSIONS } from '../../src/db/demo/catalog';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

const jwt = loadConfig({ NODE_ENV: 'test' }).jwt;
const TEST_JWT = jwt;
const IDENTITY_MODELS = ['account', 'user', 'role', 'permission', 'rolePermission', 'userRole', 'workerRole', 'worker', 'userToken', 'jwtBlacklist'];

describe('RESOURCE_LISTERS', () => {
  it('covers every model that is not an identity table', () => {
    const models = Object.values(Prisma.ModelName).map((m) => m.charAt(0).toLowerCase() + m.slice(1));
    const listed = RESOURCE_LISTERS.map((l) => l.model as string);
    expect(models.filter((m) => !IDENTITY_MODELS.includes(m) && !listed.includes(m))).toEqual([]);
  });
});

describeProvider('buildManifest', (provider) => {
  let t: TestDatabase;
  let manifest: Manifest;

  beforeAll(async () => {
    t = await createTestDatabase(provider, { seed: true });
    manifest = JSON.parse(JSON.stringify(await buildManifest(t.db, jwt))) as Manifest;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const account = (name: string) => manifest.accounts.find((a) => a.name === name)!;

  it('lists every account with its id and status', () => {
    expect(manifest.accounts.map((a) => [a.name, a.status])).toEqual([
      ['Acme', 'active'],
      ['Globex', 'active'],
      ['Initech', 'suspended'],
    ]);
  });

  it('signs a 24 h access token per user that verifies with the account and email claims', () => {
    for (const u of account('Acme').users) {
      const claims = verifyToken(u.access_token as string, jwt);
      expect(claims).toMatchObject({ type: 'access', sub: u.id, account_id: account('Acme').id, email: u.email, permission_version: permissionVersion(u.permissions as string[]) });
      expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(23 * 3600);
    }
  });

  it('lists users with their status and permission names', () => {
    const users = account('Acme').users.map((u) => [u.email, u.status, (u.permissions as string[]).length]);
    expect(users).toEqual([
      ['owner@acme.example', 'active', 1],
      ['member@acme.example', 'active', MEMBER_PERMISSIONS.length],
      ['viewer@acme.example', 'active', 0],
      ['inactive@acme.example', 'inactive', MEMBER_PERMISSIONS.length],
    ]);
    expect(account('Acme').users[0]!.legacy_token).toBe(legacyTokenFor('acme', TEST_JWT.secret));
    expect(account('Acme').users[0]!.legacy_token).toMatch(/^demo-legacy-acme-[0-9a-f]{32}$/);
  });

  it('signs a worker token per worker that verifies as a worker token', () => {
    const workers = account('Globex').workers;
    expect(workers.map((w) => w.status)).toEqual(['active', 'revoked']);
    for (const w of workers) expect(verifyToken(w.worker_token as string, jwt)).toMatchObject({ type: 'worker', sub: w.id, account_id: account('Globex').id });
  });

  it('lists the ids and lookup keys of every resource table per account', () => {
    const r = account('Acme').resources;
    expect(Object.keys(r).sort()).toEqual(RESOURCE_LISTERS.filter((l) => !l.global).map((l) => l.table).sort());
    expect(r.ai_agent_executions![0]).toMatchObject({ execution_id: 'exec-acme-0001' });
    expect(r.ai_workflow_runs![0]).toMatchObject({ run_id: 'run-acme-0001' });
    expect(r.batch_workflow_runs![0]).toMatchObject({ batch_id: 'batch-acme-0001' });
    expect(r.ai_conversations![0]).toMatchObject({ conversation_id: 'conv-acme-0001', websocket_channel: 'ai_conversation_conv-acme-0001' });
    expect(Object.entries(r).filter(([, rows]) => rows.length === 0).map(([table]) => table)).toEqual([]);
  });

  it('keeps each account to its own rows and lists global tables apart', () => {
    const acmeIds = new Set(Object.values(account('Acme').resources).flat().map((row) => row.id));
    const globexIds = Object.values(account('Globex').resources).flat().map((row) => row.id);
    expect(globexIds.filter((id) => acmeIds.has(id))).toEqual([]);
    expect(Object.keys(manifest.global).sort()).toEqual(['circuit_breakers', 'plans', 'trading_venue_tickers', 'trading_venues']);
  });
});
