// Supply-chain events, part 1 (docs/channels.md): the stream name, the envelope `{type, …payload,
// timestamp}` and the SBOM, attestation, container-scan, policy, CVE and vulnerability publishers. Inputs are
// structural row shapes (camelCase, as Prisma returns them), so producers pass their rows directly.

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';
import { decimalString, type DecimalLike } from './extension-payloads';

/** `supply_chain_<account_id>`: the one stream of SupplyChainChannel. */
export function supplyChainStream(accountId: string): string {
  return `supply_chain_${accountId}`;
}

/** Publish `{type, …payload, timestamp}` to the account's supply-chain stream (the original's broadcast_to_account). */
export async function publishSupplyChainEvent(b: Broadcaster, accountId: string, type: string, payload: Record<string, unknown> = {}): Promise<void> {
  await b.broadcast(supplyChainStream(accountId), { type, ...payload, timestamp: isoNow() });
}

/** The SBOM columns the `sbom_*` events carry. */
export interface SbomRecord {
  id: string;
  accountId: string;
  sbomId: string;
  name: string | null;
  version: string | null;
  format: string;
  componentCount: number;
  vulnerabilityCount: number;
  riskScore: DecimalLike | null;
  ntiaMinimumCompliant: boolean;
  status: string;
}

/** The attestation columns the `attestation_*` events carry (`signed` = has a signature, `verified` = status verified). */
export interface AttestationRecord {
  id: string;
  accountId: string;
  attestationId: string;
  attestationType: string;
  slsaLevel: number | null;
  subjectName: string;
  signature: string | null;
  signingKeyId: string | null;
  verificationStatus: string;
}

/** The original's `serialize_sbom`. */
export function sbomPayload(s: SbomRecord): Record<string, unknown> {
  return {
    id: s.id, sbom_id: s.sbomId, name: s.name, version: s.version, format: s.format, component_count: s.componentCount,
    vulnerability_count: s.vulnerabilityCount, risk_score: decimalString(s.riskScore), ntia_minimum_compliant: s.ntiaMinimumCompliant, status: s.status,
  };
}

/** The original's `serialize_attestation`. */
export function attestationPayload(a: AttestationRecord): Record<string, unknown> {
  return {
    id: a.id, attestation_id: a.attestationId, attestation_type: a.attestationType, slsa_level: a.slsaLevel, subject_name: a.subjectName,
    signed: !!a.signature, verified: a.verificationStatus === 'verified',
  };
}

/** `sbom_created {sbom}`. */
export function publishSbomCreated(b: Broadcaster, sbom: SbomRecord): Promise<void> {
  return publishSupplyChainEvent(b, sbom.accountId, 'sbom_created', { sbom: sbomPayload(sbom) });
}

/** `sbom_updated {sbom}`. */
export function publishSbomUpdated(b: Broadcaster, sbom: SbomRecord): Promise<void> {
  return publishSupplyChainEvent(b, sbom.accountId, 'sbom_updated', { sbom: sbomPayload(sbom) });
}

/** `vulnerability_correlation_completed {sbom_id, vulnerability_count}`. */
export function publishVulnerabilityCorrelationCompleted(b: Broadcaster, sbom: { id: string; accountId: string }, vulnerabilityCount: number): Promise<void> {
  return publishSupplyChainEvent(b, sbom.accountId, 'vulnerability_correlation_completed', { sbom_id: sbom.id, vulnerability_count: vulnerabilityCount });
}

/** `attestation_created {attestation}`. */
export function publishAttestationCreated(b: Broadcaster, attestation: AttestationRecord): Promise<void> {
  return publishSupplyChainEvent(b, attestation.accountId, 'attestation_created', { attestation: attestationPayload(attestation) });
}

/** `attestation_signed {attestation_id, signing_key_id}` (attestation_id is the row id, as in the original). */
export function publishAttestationSigned(b: Broadcaster, attestation: Pick<AttestationRecord, 'id' | 'accountId' | 'signingKeyId'>): Promise<void> {
  return publishSupplyChainEvent(b, attestation.accountId, 'attestation_signed', { attestation_id: attestation.id, signing_key_id: attestation.signingKeyId });
}

/** `attestation_verified {attestation_id, verified}`. */
export function publishAttestationVerified(b: Broadcaster, attestation: { id: string; accountId: string }, verified: boolean): Promise<void> {
  return publishSupplyChainEvent(b, attestation.accountId, 'attestation_verified', { attestation_id: attestation.id, verified });
}

/** `container_scan_started {container_image_id, image_reference}`. */
export function publishContainerScanStarted(b: Broadcaster, image: { id: string; accountId: string }, imageReference: string): Promise<void> {
  return publishSupplyChainEvent(b, image.accountId, 'container_scan_started', { container_image_id: image.id, image_reference: imageReference });
}

/** Severity counts of a finished container scan. */
export interface VulnerabilityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  total: number;
}

/** `container_scan_completed {scan_id, container_image_id, vulnerability_counts}`. */
export function publishContainerScanCompleted(b: Broadcaster, scan: { id: string; accountId: string; containerImageId: string }, counts: VulnerabilityCounts): Promise<void> {
  const { critical, high, medium, low, total } = counts;
  return publishSupplyChainEvent(b, scan.accountId, 'container_scan_completed', {
    scan_id: scan.id, container_image_id: scan.containerImageId, vulnerability_counts: { critical, high, medium, low, total },
  });
}

/** `policy_violation {violation}` (free-form violation details). */
export function publishPolicyViolation(b: Broadcaster, accountId: string, violation: Record<string, unknown>): Promise<void> {
  return publishSupplyChainEvent(b, accountId, 'policy_violation', { violation });
}

/** `policy_evaluation_completed {passed, policy_count}`. */
export function publishPolicyEvaluationCompleted(b: Broadcaster, accountId: string, result: { passed: boolean; policyResults?: readonly unknown[] }): Promise<void> {
  return publishSupplyChainEvent(b, accountId, 'policy_evaluation_completed', { passed: result.passed, policy_count: result.policyResults?.length ?? 0 });
}

/** `cve_alert {cve}` (free-form CVE details). */
export function publishCveAlert(b: Broadcaster, accountId: string, cve: Record<string, unknown>): Promise<void> {
  return publishSupplyChainEvent(b, accountId, 'cve_alert', { cve });
}

/** A critical vulnerability found in an SBOM (`id` is the advisory id, e.g. CVE-2026-0001). */
export interface CriticalVulnerability {
  vulnerabilityId: string;
  severity: string;
  cvssScore: DecimalLike | null;
  componentName: string | null;
  componentVersion: string | null;
}

/** `critical_vulnerability_found {vulnerability:{id, severity, cvss_score, component_name, component_version}, sbom_id}`. */
export function publishCriticalVulnerabilityFound(b: Broadcaster, sbom: { id: string; accountId: string }, v: CriticalVulnerability): Promise<void> {
  return publishSupplyChainEvent(b, sbom.accountId, 'critical_vulnerability_found', {
    vulnerability: { id: v.vulnerabilityId, severity: v.severity, cvss_score: decimalString(v.cvssScore), component_name: v.componentName, component_version: v.componentVersion },
    sbom_id: sbom.id,
  });
}
