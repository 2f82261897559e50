// CodeFactoryChannel publishers: stream names `code_factory:<type>:<id>`, the Rails helpers (run, contract and
// account events) and the orchestrator's `code_factory.<event_type>` account events, each as a typed function.

import type { Broadcaster } from '../support/services';
import { eventEnvelope, type EventEnvelope } from './event-envelope';

/** The resource types a CodeFactoryChannel subscription names (`run` and `review_state` are both review states). */
export type CodeFactoryStreamType = 'run' | 'contract' | 'account' | 'review_state';

/** `code_factory:<type>:<id>` (Rails `CodeFactoryChannel.stream_key`). */
export function codeFactoryStream(type: CodeFactoryStreamType, id: string): string {
  return `code_factory:${type}:${id}`;
}

async function toReviewState(b: Broadcaster, reviewStateId: string, message: EventEnvelope<unknown>): Promise<void> {
  // A "run" is a review state: its events reach both subscription types that name it.
  await b.broadcast(codeFactoryStream('run', reviewStateId), message);
  await b.broadcast(codeFactoryStream('review_state', reviewStateId), message);
}

/** Rails `broadcast_run_event`: `{event, payload, timestamp}` for one review run (run and review_state streams). */
export function publishCodeFactoryRunEvent(b: Broadcaster, reviewStateId: string, event: string, payload: Record<string, unknown> = {}): Promise<void> {
  return toReviewState(b, reviewStateId, eventEnvelope(event, payload));
}

/** Rails `broadcast_contract_event`: `{event, payload, timestamp}` on `code_factory:contract:<id>`. */
export function publishCodeFactoryContractEvent(b: Broadcaster, contractId: string, event: string, payload: Record<string, unknown> = {}): Promise<void> {
  return b.broadcast(codeFactoryStream('contract', contractId), eventEnvelope(event, payload));
}

/** Rails `broadcast_to_account`: `{event, payload, timestamp}` on `code_factory:account:<id>` (timestamp optional). */
export function publishCodeFactoryAccountEvent(b: Broadcaster, accountId: string, event: string, payload: Record<string, unknown>, timestamp?: string): Promise<void> {
  return b.broadcast(codeFactoryStream('account', accountId), eventEnvelope(event, payload, timestamp));
}

/** The orchestrator's account event `code_factory.<eventType>`, also sent to the review state it concerns. */
async function publishOrchestratorEvent(b: Broadcaster, accountId: string, eventType: string, payload: Record<string, unknown>, reviewStateId?: string | null): Promise<void> {
  const message = eventEnvelope(`code_factory.${eventType}`, payload);
  await b.broadcast(codeFactoryStream('account', accountId), message);
  if (reviewStateId) await toReviewState(b, reviewStateId, message);
}

/** Preflight gate outcome for a push (OrchestratorService#on_push_event). */
export interface PreflightOutcome {
  prNumber: number;
  headSha: string;
  passed: boolean;
  riskTier: string | null;
  /** The review state the preflight created or evaluated, when there is one. */
  reviewStateId?: string | null;
  /** The risk contract evaluated; the event is then also sent to `code_factory:contract:<id>`. */
  contractId?: string | null;
}

/** `code_factory.preflight_complete {pr_number, head_sha, passed, risk_tier}`. */
export async function publishCodeFactoryPreflightComplete(b: Broadcaster, accountId: string, o: PreflightOutcome): Promise<void> {
  const payload = { pr_number: o.prNumber, head_sha: o.headSha, passed: o.passed, risk_tier: o.riskTier };
  await publishOrchestratorEvent(b, accountId, 'preflight_complete', payload, o.reviewStateId);
  if (o.contractId) await b.broadcast(codeFactoryStream('contract', o.contractId), eventEnvelope('code_factory.preflight_complete', payload));
}

/** `code_factory.review_clean {pr_number, review_state_id}`. */
export function publishCodeFactoryReviewClean(b: Broadcaster, accountId: string, r: { prNumber: number; reviewStateId: string }): Promise<void> {
  return publishOrchestratorEvent(b, accountId, 'review_clean', { pr_number: r.prNumber, review_state_id: r.reviewStateId }, r.reviewStateId);
}

/** `code_factory.review_dirty {pr_number, findings_count, review_state_id}`. */
export function publishCodeFactoryReviewDirty(b: Broadcaster, accountId: string, r: { prNumber: number; findingsCount: number; reviewStateId: string }): Promise<void> {
  const payload = { pr_number: r.prNumber, findings_count: r.findingsCount, review_state_id: r.reviewStateId };
  return publishOrchestratorEvent(b, accountId, 'review_dirty', payload, r.reviewStateId);
}

/** `code_factory.evidence_validated {pr_number, passed, manifest_id}` (also to the review state's streams). */
export function publishCodeFactoryEvidenceValidated(b: Broadcaster, accountId: string, r: { prNumber: number; passed: boolean; manifestId: string; reviewStateId: string }): Promise<void> {
  const payload = { pr_number: r.prNumber, passed: r.passed, manifest_id: r.manifestId };
  return publishOrchestratorEvent(b, accountId, 'evidence_validated', payload, r.reviewStateId);
}
