// seedDemo on both providers: every model gets rows, a second run changes nothing, and the demo cast and
// resources are linked consistently within their accounts.

import { Prisma } from '../../src/db/generated/sqlite/client';
import { CHANNEL_PERMISSIONS, permissionNamesFor } from '../../src/db/permissions';
import type { Db } from '../../src/db/prisma';
import { seedDemo } from '../../src/db/seed';
import { MEMBER_PERMISSIONS } from '../../src/db/demo/catalog';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

type CountingDelegate = { findMany(args?: object): Promise<unknown[]> };

/** The client property of every model the schema declares. */
const MODEL_KEYS = Object.values(Prisma.ModelName).map((m) => m.charAt(0).toLowerCase() + m.slice(1));

async function tableContents(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of MODEL_KEYS) {
    const rows = await (db as unknown as Record<string, CountingDelegate>)[key]!.findMany();
    out[key] = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return out;
}

describeProvider('seedDemo', (provider) => {
  let t: TestDatabase;
  let firstCreated: number;
  let secondCreated: number;
  let before: Record<string, string>;
  let after: Record<string, string>;

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    firstCreated = await seedDemo(t.db);
    before = await tableContents(t.db);
    secondCreated = await seedDemo(t.db);
    after = await tableContents(t.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates at least one row of every model', () => {
    const empty = MODEL_KEYS.filter((k) => before[k] === '[]');
    expect(empty).toEqual([]);
    expect(firstCreated).toBeGreaterThan(MODEL_KEYS.length);
  });

  it('changes nothing when run again', () => {
    expect(secondCreated).toBe(0);
    expect(after).toEqual(before);
  });

  it('creates the active accounts Acme and Globex and a suspended one', async () => {
    const accounts = await t.db.account.findMany({ orderBy: { name: 'asc' }, select: { name: true, status: true } });
    expect(accounts).toEqual([
      { name: 'Acme', status: 'active' },
      { name: 'Globex', status: 'active' },
      { name: 'Initech', status: 'suspended' },
    ]);
  });

  it('seeds a permission row for every permission the channels check', async () => {
    const names = (await t.db.permission.findMany({ select: { name: true } })).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining([...CHANNEL_PERMISSIONS]));
  });

  it('gives each active account an owner, a member, a member without permissions and an inactive user', async () => {
    const users = await t.db.user.findMany({ where: { account: { name: 'Acme' } } });
    const byEmail = new Map(users.map((u) => [u.email, u]));
    const perms = async (email: string) => permissionNamesFor(t.db, { userId: byEmail.get(email)!.id });
    expect(await perms('owner@acme.example')).toEqual(new Set(['system.admin']));
    expect(await perms('member@acme.example')).toEqual(new Set(MEMBER_PERMISSIONS));
    expect(await perms('viewer@acme.example')).toEqual(new Set());
    expect(byEmail.get('inactive@acme.example')!.status).toBe('inactive');
  });

  it('gives each active account an active and a revoked worker with worker roles', async () => {
    const workers = await t.db.worker.findMany({ where: { account: { name: 'Globex' } }, orderBy: { status: 'asc' } });
    expect(workers.map((w) => w.status)).toEqual(['active', 'revoked']);
    expect(await permissionNamesFor(t.db, { workerId: workers[0]!.id })).toEqual(new Set(['ai.agents.read', 'ai.providers.read']));
  });

  it('links a git job through its pipeline and repository to a credential of the same account', async () => {
    const job = await t.db.gitPipelineJob.findFirstOrThrow({ include: { pipeline: { include: { repository: { include: { credential: true } } } } } });
    const credential = job.pipeline.repository.credential!;
    expect([job.pipeline.accountId, job.pipeline.repository.accountId, credential.accountId]).toEqual([job.accountId, job.accountId, job.accountId]);
  });

  it('links each conversation to its owner, its agent and its messages in one account', async () => {
    const c = await t.db.aiConversation.findFirstOrThrow({ include: { agent: true, user: true, messages: { orderBy: { sequenceNumber: 'asc' } } } });
    expect(c.agent!.accountId).toBe(c.accountId);
    expect(c.user.accountId).toBe(c.accountId);
    expect(c.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(c.websocketChannel).toBe(`ai_conversation_${c.conversationId}`);
  });

  it('links a team to its channel, roles and execution, and a training session to its portfolio and strategy', async () => {
    const team = await t.db.aiAgentTeam.findFirstOrThrow({ include: { channels: { include: { messages: true } }, roles: true, executions: true } });
    expect([team.channels.length, team.roles.length, team.executions.length]).toEqual([1, 2, 1]);
    expect(team.channels[0]!.messages[0]!.teamExecutionId).toBe(team.executions[0]!.id);
    const session = await t.db.tradingTrainingSession.findFirstOrThrow({ include: { portfolio: { include: { strategies: true } } } });
    expect(session.portfolio!.accountId).toBe(session.accountId);
    expect(session.portfolio!.strategies.length).toBeGreaterThan(0);
  });

  it('keeps lookup keys stable and unique per account', async () => {
    const runs = await t.db.aiWorkflowRun.findMany({ select: { runId: true }, orderBy: { runId: 'asc' } });
    expect(runs.map((r) => r.runId)).toEqual(['run-acme-0001', 'run-globex-0001']);
    expect(await t.db.aiAgentExecution.count({ where: { executionId: 'exec-acme-0001' } })).toBe(1);
  });
});
