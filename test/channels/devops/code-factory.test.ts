// CodeFactoryChannel: run / review_state / contract looked up in the caller's account, own account only, exact
// stream names, nothing on subscribe, and every publisher reaching its subscribers; end to end over raw ws.

import { CodeFactoryChannel } from '../../../channels/devops/code-factory-channel';
import {
  CodeFactoryAccountStream,
  CodeFactoryContractStream,
  CodeFactoryEvidenceValidated,
  CodeFactoryOtherEvent,
  CodeFactoryPreflightComplete,
  CodeFactoryReviewClean,
  CodeFactoryReviewDirty,
  CodeFactoryReviewStateStream,
  CodeFactoryRunStream,
  codeFactoryStream,
} from '../../../channels/devops/code-factory-events';
import type { Broadcaster } from '../../../channels/support/services';
import { broadcaster, type EventSpec } from '../../../src/channel/index';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, expectSubscribed, TIMESTAMP } from '../../support/channel-suite';
import { e2eSuite } from '../../support/e2e-server';
import { openDevopsDb, seedAccountRows, type AccountRows } from './fixtures';

/** What the orchestrator does: the account stream, then the review state's streams (schema-only events, derived publishers). */
async function toAccountAndReviewState<I>(b: Broadcaster, event: EventSpec<I>, accountId: string, reviewStateId: string | null, input: I): Promise<void> {
  await broadcaster(event, CodeFactoryAccountStream)(b, { account_id: accountId }, input);
  if (!reviewStateId) return;
  await broadcaster(event, CodeFactoryRunStream)(b, { review_state_id: reviewStateId }, input);
  await broadcaster(event, CodeFactoryReviewStateStream)(b, { review_state_id: reviewStateId }, input);
}

const d = channelSuite(openDevopsDb, [CodeFactoryChannel]);

const p = (type: string, id: string) => ({ channel: 'CodeFactoryChannel', type, id });
/** Each type and the row of an account it names. */
const TYPES: Array<[string, (rows: AccountRows) => string]> = [
  ['run', (r) => r.reviewStateId],
  ['review_state', (r) => r.reviewStateId],
  ['contract', (r) => r.contractId],
  ['account', (r) => r.accountId],
];

describe('CodeFactoryChannel', () => {
  describe('subscribe', () => {
    it.each(TYPES)('accepts a %s of the own account and streams code_factory:<type>:<id>', async (type, idOf) => {
      const id = idOf(d.own);
      await expectSubscribed(await d.connect(testUser(d.own.accountId)), p(type, id), [`code_factory:${type}:${id}`], []);
    });

    it.each(TYPES)('rejects a %s of a foreign account', async (type, idOf) => {
      await d.refuses(testUser(d.own.accountId), p(type, idOf(d.foreign)));
    });

    it('rejects a run id that names a contract and a contract id that names a review state', async () => {
      await d.refuses(testUser(d.own.accountId), p('run', d.own.contractId), p('contract', d.own.reviewStateId));
    });

    it('rejects a malformed id', async () => {
      await d.refuses(testUser(d.own.accountId), p('run', 'not-a-uuid'), p('contract', ''));
    });

    it('rejects missing params and an unknown type', async () => {
      await d.refuses(testUser(d.own.accountId), { channel: 'CodeFactoryChannel' }, { channel: 'CodeFactoryChannel', type: 'run' }, p('pipeline', d.own.reviewStateId));
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), p('account', d.own.accountId));
    });

    it('accepts a user without permissions (the original requires none)', async () => {
      await d.subscribed(testUser(d.own.accountId), p('run', d.own.reviewStateId));
    });
  });

  describe('events (derived publishers)', () => {
    async function subscribeAll() {
      const client = await d.connect(testUser(d.own.accountId));
      const subs = { run: p('run', d.own.reviewStateId), review_state: p('review_state', d.own.reviewStateId), contract: p('contract', d.own.contractId), account: p('account', d.own.accountId) };
      for (const s of Object.values(subs)) await client.subscribe(s);
      const got = (k: keyof typeof subs) => client.received(subs[k]);
      return { got };
    }
    const env = (event: string, payload: Record<string, unknown>) => ({ event, payload, timestamp: expect.stringMatching(TIMESTAMP) });

    it('a run event reaches the run and review_state subscribers of that review state', async () => {
      const { got } = await subscribeAll();
      const input = { event: 'remediation_started', payload: { attempt: 1 } };
      await broadcaster(CodeFactoryOtherEvent, CodeFactoryRunStream)(d.broadcaster, { review_state_id: d.own.reviewStateId }, input);
      await broadcaster(CodeFactoryOtherEvent, CodeFactoryReviewStateStream)(d.broadcaster, { review_state_id: d.own.reviewStateId }, input);
      expect(got('run')).toEqual([env('remediation_started', { attempt: 1 })]);
      expect(got('review_state')).toEqual([env('remediation_started', { attempt: 1 })]);
      expect(got('contract')).toEqual([]);
      expect(got('account')).toEqual([]);
    });

    it('a contract event reaches the contract subscriber only', async () => {
      const { got } = await subscribeAll();
      await broadcaster(CodeFactoryOtherEvent, CodeFactoryContractStream)(d.broadcaster, { contract_id: d.own.contractId }, { event: 'contract_updated', payload: { version: 2 } });
      expect(got('contract')).toEqual([env('contract_updated', { version: 2 })]);
      expect(got('run')).toEqual([]);
    });

    it('an account event keeps the given event name and timestamp', async () => {
      const { got } = await subscribeAll();
      await broadcaster(CodeFactoryOtherEvent, CodeFactoryAccountStream)(d.broadcaster, { account_id: d.own.accountId }, { event: 'code_factory.custom', payload: { x: 1 }, timestamp: '2026-03-15T09:29:28Z' });
      expect(got('account')).toEqual([{ event: 'code_factory.custom', payload: { x: 1 }, timestamp: '2026-03-15T09:29:28Z' }]);
    });

    it('preflight_complete reaches the account, review-state and contract subscribers', async () => {
      const { got } = await subscribeAll();
      const input = { payload: { pr_number: 42, head_sha: 'abc1234', passed: true, risk_tier: 'low' } };
      await toAccountAndReviewState(d.broadcaster, CodeFactoryPreflightComplete, d.own.accountId, d.own.reviewStateId, input);
      await broadcaster(CodeFactoryPreflightComplete, CodeFactoryContractStream)(d.broadcaster, { contract_id: d.own.contractId }, input);
      const expected = env('code_factory.preflight_complete', { pr_number: 42, head_sha: 'abc1234', passed: true, risk_tier: 'low' });
      expect(got('account')).toEqual([expected]);
      expect(got('run')).toEqual([expected]);
      expect(got('review_state')).toEqual([expected]);
      expect(got('contract')).toEqual([expected]);
    });

    it('preflight_complete without a review state or contract reaches the account only', async () => {
      const { got } = await subscribeAll();
      await toAccountAndReviewState(d.broadcaster, CodeFactoryPreflightComplete, d.own.accountId, null, { payload: { pr_number: 1, head_sha: 'f00', passed: false, risk_tier: null } });
      expect(got('account')).toHaveLength(1);
      expect([...got('run'), ...got('contract')]).toEqual([]);
    });

    it('review_clean reaches the account and review-state subscribers', async () => {
      const { got } = await subscribeAll();
      await toAccountAndReviewState(d.broadcaster, CodeFactoryReviewClean, d.own.accountId, d.own.reviewStateId, { payload: { pr_number: 42, review_state_id: d.own.reviewStateId } });
      const expected = env('code_factory.review_clean', { pr_number: 42, review_state_id: d.own.reviewStateId });
      expect(got('account')).toEqual([expected]);
      expect(got('review_state')).toEqual([expected]);
    });

    it('review_dirty carries findings_count', async () => {
      const { got } = await subscribeAll();
      await toAccountAndReviewState(d.broadcaster, CodeFactoryReviewDirty, d.own.accountId, d.own.reviewStateId, { payload: { pr_number: 42, findings_count: 3, review_state_id: d.own.reviewStateId } });
      expect(got('account')).toEqual([env('code_factory.review_dirty', { pr_number: 42, findings_count: 3, review_state_id: d.own.reviewStateId })]);
      expect(got('run')).toHaveLength(1);
    });

    it('evidence_validated carries the original payload', async () => {
      const { got } = await subscribeAll();
      await toAccountAndReviewState(d.broadcaster, CodeFactoryEvidenceValidated, d.own.accountId, d.own.reviewStateId, { payload: { pr_number: 42, passed: true, manifest_id: 'm-1' } });
      expect(got('account')).toEqual([env('code_factory.evidence_validated', { pr_number: 42, passed: true, manifest_id: 'm-1' })]);
      expect(got('review_state')).toHaveLength(1);
    });

    it('builds the stream names of every type', () => {
      expect(['run', 'contract', 'account', 'review_state'].map((t) => codeFactoryStream(t as 'run', 'X'))).toEqual([
        'code_factory:run:X',
        'code_factory:contract:X',
        'code_factory:account:X',
        'code_factory:review_state:X',
      ]);
    });
  });

  describe('end to end (raw ws against startServer)', () => {
    const e2e = e2eSuite('devops', seedAccountRows);

    it('confirms the own review state, rejects a foreign contract and delivers an orchestrator event', async () => {
      const ws = await e2e.raw(await e2e.newUserToken(e2e.own.accountId));
      const own = JSON.stringify({ channel: 'CodeFactoryChannel', type: 'review_state', id: e2e.own.reviewStateId });
      const foreign = JSON.stringify({ channel: 'CodeFactoryChannel', type: 'contract', id: e2e.foreign.contractId });
      ws.send({ command: 'subscribe', identifier: own });
      ws.send({ command: 'subscribe', identifier: foreign });
      expect(await ws.next((f) => f.identifier === own)).toEqual({ identifier: own, type: 'confirm_subscription' });
      expect(await ws.next((f) => f.identifier === foreign)).toEqual({ identifier: foreign, type: 'reject_subscription' });
      await toAccountAndReviewState(e2e.running.services.broadcaster, CodeFactoryReviewClean, e2e.own.accountId, e2e.own.reviewStateId, { payload: { pr_number: 7, review_state_id: e2e.own.reviewStateId } });
      const frame = await ws.next((f) => f.identifier === own && 'message' in f);
      expect(frame.message).toEqual({ event: 'code_factory.review_clean', payload: { pr_number: 7, review_state_id: e2e.own.reviewStateId }, timestamp: expect.stringMatching(TIMESTAMP) });
    });
  });
});
