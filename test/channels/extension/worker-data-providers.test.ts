// WorkerDataChannel's trading batches on both databases: ids that are not UUIDs (a uuid column on PostgreSQL) are
// answered per id — skipped contexts, failed outcomes — while the valid ids of the same batch are served.

import { extensionChannels } from '../../../channels/extension/index';
import { channelSuite } from '../../support/channel-suite';
import { describeProvider } from '../../support/db';
import { openExtensionDb, rpc, workerIdentity } from './fixtures';

const P = { channel: 'WorkerDataChannel' };
const BAD_IDS = ['strategy-1', '42', "x' OR '1'='1"];

describeProvider('WorkerDataChannel trading batches with malformed ids', (provider) => {
  const world = channelSuite(() => openExtensionDb(provider), extensionChannels);

  it('batch_strategy_contexts skips each malformed id and still returns the valid ones', async () => {
    const c = await world.subscribed(workerIdentity(world.own), P);
    const reply = await rpc(c, P, 'batch_strategy_contexts', { strategy_ids: [world.own.strategyId, ...BAD_IDS] });
    expect(reply.success).toBe(true);
    expect(reply.data.contexts[world.own.strategyId].strategy.id).toBe(world.own.strategyId);
    for (const id of BAD_IDS) expect(reply.data.contexts[id.toLowerCase()]).toEqual({ error: 'Strategy not found', skipped: true });
  });

  it('batch_record_results fails each malformed id alone and records the valid ones', async () => {
    const c = await world.subscribed(workerIdentity(world.own), P);
    const results = [{ strategy_id: world.own.idleStrategyId, tick_cost_usd: 0.01 }, ...BAD_IDS.map((id) => ({ strategy_id: id, signals: [{ signal_type: 'buy' }] }))];
    const reply = await rpc(c, P, 'batch_record_results', { results, session_id: 'not-a-session', tick_num: 1 });
    expect(reply).toMatchObject({ success: true });
    expect(reply.data.outcomes[world.own.idleStrategyId]).toMatchObject({ success: true, signals_generated: 0 });
    for (const id of BAD_IDS) expect(reply.data.outcomes[id]).toEqual({ success: false, error: 'Strategy not found' });
    expect(reply.data.tick_metrics).toBeNull();
    expect(await world.db.tradingTickResult.count({ where: { tradingStrategyId: world.own.idleStrategyId } })).toBe(1);
  });
});
