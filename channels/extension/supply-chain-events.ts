// Supply-chain events, part 1 (docs/channels.md): the stream, the `{type, …payload, timestamp}` events of SBOMs,
// attestations, container scans, policies, CVEs and vulnerabilities, and the `subscribed` frame. Rails publishes
// them (nothing here does), so they are schema-only: a producer uses `broadcaster(SbomCreated)` with the original's
// serializers below (`sbomPayload`, `attestationPayload`), which take row shapes (camelCase, as Prisma returns them).

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';
import { decimalString, type DecimalLike } from './extension-payloads';

/** `supply_chain_{account_id}`: the one stream of SupplyChainChannel. */
export const SupplyChainStream = stream('supply_chain_{account_id}', { description: 'Supply-chain updates of one account.' });

/** `supply_chain_<account_id>`. */
export function supplyChainStream(accountId: string): string {
  return SupplyChainStream.name({ account_id: accountId });
}

/** A `{type, …fields, timestamp}` event on the account's supply-chain stream (the original's broadcast_to_account). */
export function supplyChainEvent<N extends string, F extends z.ZodRawShape>(name: N, fields: F, summary?: string) {
  return defineEvent({ name, delivery: ['broadcast'], streams: [SupplyChainStream], stamp: true, ...(summary ? { summary } : {}), fields });
}

const Decimal = z.string().nullable();
const Sbom = z.object({
  id: z.string(), sbom_id: z.string(), name: z.string().nullable(), version: z.string().nullable(), format: z.string(), component_count: z.number(),
  vulnerability_count: z.number(), risk_score: Decimal, ntia_minimum_compliant: z.boolean(), status: z.string(),
});
const Attestation = z.object({
  id: z.string(), attestation_id: z.string(), attestation_type: z.string(), slsa_level: z.number().nullable(), subject_name: z.string(),
  signed: z.boolean(), verified: z.boolean(),
});
const Counts = z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number(), total: z.number() });

/** `sbom_created {sbom}`. */
export const SbomCreated = supplyChainEvent('sbom_created', { sbom: Sbom });
/** `sbom_updated {sbom}`. */
export const SbomUpdated = supplyChainEvent('sbom_updated', { sbom: Sbom });
/** `vulnerability_correlation_completed {sbom_id, vulnerability_count}`. */
export const VulnerabilityCorrelationCompleted = supplyChainEvent('vulnerability_correlation_completed', { sbom_id: z.string(), vulnerability_count: z.number() });
/** `attestation_created {attestation}`. */
export const AttestationCreated = supplyChainEvent('attestation_created', { attestation: Attestation });
/** `attestation_signed {attestation_id, signing_key_id}` (attestation_id is the row id, as in the original). */
export const AttestationSigned = supplyChainEvent('attestation_signed', { attestation_id: z.string(), signing_key_id: z.string().nullable() }, 'attestation_id is the row id, as in the original.');
/** `attestation_verified {attestation_id, verified}`. */
export const AttestationVerified = supplyChainEvent('attestation_verified', { attestation_id: z.string(), verified: z.boolean() });
/** `container_scan_started {container_image_id, image_reference}`. */
export const ContainerScanStarted = supplyChainEvent('container_scan_started', { container_image_id: z.string(), image_reference: z.string() });
/** `container_scan_completed {scan_id, container_image_id, vulnerability_counts}`. */
export const ContainerScanCompleted = supplyChainEvent('container_scan_completed', { scan_id: z.string(), container_image_id: z.string(), vulnerability_counts: Counts });
/** `policy_violation {violation}` (free-form violation details). */
export const PolicyViolation = supplyChainEvent('policy_violation', { violation: z.record(z.string(), z.unknown()) });
/** `policy_evaluation_completed {passed, policy_count}`. */
export const PolicyEvaluationCompleted = supplyChainEvent('policy_evaluation_completed', { passed: z.boolean(), policy_count: z.number() });
/** `cve_alert {cve}` (free-form CVE details). */
export const CveAlert = supplyChainEvent('cve_alert', { cve: z.record(z.string(), z.unknown()) });
/** `critical_vulnerability_found {vulnerability:{id, severity, cvss_score, component_name, component_version}, sbom_id}`. */
export const CriticalVulnerabilityFound = supplyChainEvent('critical_vulnerability_found', {
  vulnerability: z.object({ id: z.string(), severity: z.string(), cvss_score: Decimal, component_name: z.string().nullable(), component_version: z.string().nullable() }),
  sbom_id: z.string(),
}, 'vulnerability.id is the advisory id, e.g. CVE-2026-0001.');
/** On subscribe: `{type:"subscribed", message, account_id, timestamp}`. */
export const SupplyChainSubscribed = defineEvent({
  name: 'subscribed', delivery: ['transmit'], stamp: true, fields: { message: z.literal('Connected to Supply Chain updates'), account_id: z.string() },
});

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
export function sbomPayload(s: SbomRecord): z.input<typeof Sbom> {
  return {
    id: s.id, sbom_id: s.sbomId, name: s.name, version: s.version, format: s.format, component_count: s.componentCount,
    vulnerability_count: s.vulnerabilityCount, risk_score: decimalString(s.riskScore), ntia_minimum_compliant: s.ntiaMinimumCompliant, status: s.status,
  };
}

/** The original's `serialize_attestation`. */
export function attestationPayload(a: AttestationRecord): z.input<typeof Attestation> {
  return {
    id: a.id, attestation_id: a.attestationId, attestation_type: a.attestationType, slsa_level: a.slsaLevel, subject_name: a.subjectName,
    signed: !!a.signature, verified: a.verificationStatus === 'verified',
  };
}


/** Part 1's events (SupplyChainChannel's `static events` adds part 2's). */
export const SUPPLY_CHAIN_EVENTS_1 = [
  SbomCreated, SbomUpdated, VulnerabilityCorrelationCompleted, AttestationCreated, AttestationSigned, AttestationVerified,
  ContainerScanStarted, ContainerScanCompleted, PolicyViolation, PolicyEvaluationCompleted, CveAlert, CriticalVulnerabilityFound, SupplyChainSubscribed,
] as const;
