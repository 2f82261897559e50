// CodeFactoryChannel events: `{event, payload, timestamp}` on `code_factory:<type>:<id>` — the Rails helpers' run,
// contract and account events and the orchestrator's `code_factory.<event_type>` account events (which also reach
// the review state and contract they concern). Rails publishes them (nothing here does), so they are schema-only: a
// TypeScript producer derives a publisher per stream with `broadcaster(ReviewClean, CodeFactoryAccountStream)` etc.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';

/** The resource types a CodeFactoryChannel subscription names (`run` and `review_state` are both review states). */
export type CodeFactoryStreamType = 'run' | 'contract' | 'account' | 'review_state';

/** `code_factory:run:{review_state_id}`: one review run (a run is a review state). */
export const CodeFactoryRunStream = stream('code_factory:run:{review_state_id}', { description: 'One review run (a review state).' });
/** `code_factory:review_state:{review_state_id}`: the same review state, subscribed as `review_state`. */
export const CodeFactoryReviewStateStream = stream('code_factory:review_state:{review_state_id}', { description: 'One review state.' });
/** `code_factory:contract:{contract_id}`: one risk contract. */
export const CodeFactoryContractStream = stream('code_factory:contract:{contract_id}', { description: 'One risk contract.' });
/** `code_factory:account:{account_id}`: the account's Code Factory events. */
export const CodeFactoryAccountStream = stream('code_factory:account:{account_id}', { description: 'Code Factory events of one account.' });

/** `code_factory:<type>:<id>` (Rails `CodeFactoryChannel.stream_key`). */
export function codeFactoryStream(type: CodeFactoryStreamType, id: string): string {
  return `code_factory:${type}:${id}`;
}

/** The review state's streams: a run event reaches both subscription types that name it. */
const REVIEW_STATE = [CodeFactoryRunStream, CodeFactoryReviewStateStream] as const;

function orchestratorEvent<N extends string, P extends z.ZodRawShape>(name: N, summary: string, streams: readonly (typeof CodeFactoryAccountStream | (typeof REVIEW_STATE)[number] | typeof CodeFactoryContractStream)[], payload: P) {
  return defineEvent({ name, key: 'event', delivery: ['broadcast'], streams, stamp: true, summary, fields: { payload: z.object(payload) } });
}

/** `code_factory.preflight_complete {pr_number, head_sha, passed, risk_tier}` (OrchestratorService#on_push_event). */
export const CodeFactoryPreflightComplete = orchestratorEvent(
  'code_factory.preflight_complete',
  "Preflight gate outcome for a push: the account stream, plus the review state's streams and the risk contract's stream when there are ones.",
  [CodeFactoryAccountStream, ...REVIEW_STATE, CodeFactoryContractStream],
  { pr_number: z.number(), head_sha: z.string(), passed: z.boolean(), risk_tier: z.string().nullable() },
);
/** `code_factory.review_clean {pr_number, review_state_id}`. */
export const CodeFactoryReviewClean = orchestratorEvent('code_factory.review_clean', "A clean review: the account stream and the review state's streams.", [CodeFactoryAccountStream, ...REVIEW_STATE], {
  pr_number: z.number(), review_state_id: z.string(),
});
/** `code_factory.review_dirty {pr_number, findings_count, review_state_id}`. */
export const CodeFactoryReviewDirty = orchestratorEvent('code_factory.review_dirty', "A review with findings: the account stream and the review state's streams.", [CodeFactoryAccountStream, ...REVIEW_STATE], {
  pr_number: z.number(), findings_count: z.number(), review_state_id: z.string(),
});
/** `code_factory.evidence_validated {pr_number, passed, manifest_id}`. */
export const CodeFactoryEvidenceValidated = orchestratorEvent(
  'code_factory.evidence_validated', "Evidence manifest validated: the account stream and the review state's streams.", [CodeFactoryAccountStream, ...REVIEW_STATE],
  { pr_number: z.number(), passed: z.boolean(), manifest_id: z.string() },
);
/**
 * Any other `{event, payload, timestamp}`: Rails `broadcast_run_event` (the review state's streams),
 * `broadcast_contract_event` (the contract's stream) and `broadcast_to_account` (the account's stream, timestamp may be given).
 */
export const CodeFactoryOtherEvent = defineEvent({
  name: 'other Code Factory events', key: null, delivery: ['broadcast'], stamp: true,
  streams: [...REVIEW_STATE, CodeFactoryContractStream, CodeFactoryAccountStream],
  summary: "Rails broadcast_run_event (the review state's streams), broadcast_contract_event (the contract's stream), broadcast_to_account (the account's stream): any event name, the caller's payload.",
  fields: { event: z.string(), payload: z.record(z.string(), z.unknown()) },
});

/** Every CodeFactoryChannel event (its `static events`). */
export const CODE_FACTORY_EVENTS = [CodeFactoryPreflightComplete, CodeFactoryReviewClean, CodeFactoryReviewDirty, CodeFactoryEvidenceValidated, CodeFactoryOtherEvent] as const;
/** Every CodeFactoryChannel stream (its `static streams`, in subscription-type order). */
export const CODE_FACTORY_STREAMS = [CodeFactoryRunStream, CodeFactoryContractStream, CodeFactoryAccountStream, CodeFactoryReviewStateStream] as const;
