// Column types through both adapters: Json (jsonb on PostgreSQL, JSON text on SQLite), Decimal (returned as
// Decimal, encoded as strings in payloads), DateTime with milliseconds, and UUID guards on uuid columns.

import { permissionNamesFor } from '../../src/db/permissions';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

const JSON_VALUES = [
  { nested: { list: [1, 'two', true, null, { deep: 3.5 }] }, unicode: 'Grüße ✓ 日本', empty: {} },
  ['a', 1, false, null],
  'plain string',
  42,
  true,
];

describeProvider('column round-trips', (provider) => {
  let t: TestDatabase;
  let accountId: string;
  let agentId: string;

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    accountId = (await t.db.account.create({ data: { name: 'Round trip' } })).id;
    agentId = (await t.db.aiAgent.create({ data: { accountId, name: 'Agent' } })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it.each(JSON_VALUES.map((v) => [JSON.stringify(v).slice(0, 30), v]))('round-trips Json %s', async (_label, value) => {
    const row = await t.db.aiAgent.update({ where: { id: agentId }, data: { configuration: value as never } });
    const read = await t.db.aiAgent.findUniqueOrThrow({ where: { id: row.id } });
    expect(read.configuration).toEqual(value);
  });

  it('filters on Json equality', async () => {
    await t.db.jobOutbox.create({ data: { accountId, jobClass: 'FilterJob', args: ['x', 1], queue: 'q' } });
    expect(await t.db.jobOutbox.count({ where: { args: { equals: ['x', 1] } } })).toBe(1);
  });

  it.each(['0.012345', '12345.678901', '-0.5', '0'])('round-trips Decimal %s and encodes it as that string', async (value) => {
    const created = await t.db.aiAgentExecution.create({ data: { accountId, aiAgentId: agentId, executionId: `exec-${provider}-${value}`, costUsd: value } });
    const read = await t.db.aiAgentExecution.findUniqueOrThrow({ where: { id: created.id } });
    expect(read.costUsd!.toString()).toBe(value);
    expect(JSON.parse(JSON.stringify({ cost: read.costUsd }))).toEqual({ cost: value });
  });

  it('round-trips DateTime with milliseconds', async () => {
    const at = new Date('2026-03-15T09:29:28.123Z');
    const row = await t.db.aiAgentExecution.create({ data: { accountId, aiAgentId: agentId, executionId: `exec-${provider}-time`, startedAt: at } });
    expect((await t.db.aiAgentExecution.findUniqueOrThrow({ where: { id: row.id } })).startedAt).toEqual(at);
  });

  it('answers an empty permission set for ids that are not UUIDs', async () => {
    expect(await permissionNamesFor(t.db, { userId: 'not-a-uuid' })).toEqual(new Set());
    expect(await permissionNamesFor(t.db, { workerId: '00000000-0000-4000-8000-000000000000' })).toEqual(new Set());
  });
});
