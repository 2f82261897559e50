// Supply-chain events, part 2 (docs/channels.md): vendor, report, scan-execution, signing-key, license and
// questionnaire events, all `{type, …payload, timestamp}` on `supply_chain_<account_id>`; schema-only like part 1
// (`broadcaster(ReportGenerationStarted)`; `signingKeyPayload` is the original's key serializer).

import { z } from 'zod';
import { timeJson } from './extension-payloads';
import { SUPPLY_CHAIN_EVENTS_1, supplyChainEvent } from './supply-chain-events';

const Decimal = z.string().nullable();
const Report = { report_id: z.string(), report_type: z.string(), name: z.string() };
const Execution = { execution_id: z.string(), scan_instance_id: z.string(), status: z.string() };
const SigningKey = z.object({
  id: z.string(), key_id: z.string(), name: z.string(), key_type: z.string(), status: z.string(), fingerprint: z.string().nullable(), created_at: z.string().nullable(),
});

/** `vendor_assessment_completed {assessment_id, vendor_id, vendor_name, scores:{security, compliance, operational}}`. */
export const VendorAssessmentCompleted = supplyChainEvent('vendor_assessment_completed', {
  assessment_id: z.string(), vendor_id: z.string(), vendor_name: z.string(), scores: z.object({ security: Decimal, compliance: Decimal, operational: Decimal }),
});
/** `vendor_monitoring_event {event_id, vendor_id, vendor_name, event_type, severity, title}`. */
export const VendorMonitoringEvent = supplyChainEvent('vendor_monitoring_event', {
  event_id: z.string(), vendor_id: z.string(), vendor_name: z.string(), event_type: z.string(), severity: z.string(), title: z.string(),
});
/** `report_generation_started {report_id, report_type, name}`. */
export const ReportGenerationStarted = supplyChainEvent('report_generation_started', Report);
/** `report_generation_completed {report_id, report_type, name, status, file_size}`. */
export const ReportGenerationCompleted = supplyChainEvent('report_generation_completed', { ...Report, status: z.string(), file_size: z.number().nullable() });
/** `report_generation_failed {report_id, report_type, name, error_message}`. */
export const ReportGenerationFailed = supplyChainEvent('report_generation_failed', { ...Report, error_message: z.string() });
/** `scan_execution_started {execution_id, scan_instance_id, status}`. */
export const ScanExecutionStarted = supplyChainEvent('scan_execution_started', Execution);
/** `scan_execution_completed {execution_id, scan_instance_id, status, output_data, duration_ms}`. */
export const ScanExecutionCompleted = supplyChainEvent('scan_execution_completed', { ...Execution, output_data: z.unknown(), duration_ms: z.number().nullable() });
/** `scan_execution_failed {execution_id, scan_instance_id, status, error_message}`. */
export const ScanExecutionFailed = supplyChainEvent('scan_execution_failed', { ...Execution, error_message: z.string() });
/** `signing_key_created {signing_key}`. */
export const SigningKeyCreated = supplyChainEvent('signing_key_created', { signing_key: SigningKey });
/** `signing_key_rotated {old_key_id, new_key_id, new_key}` (to the old key's account). */
export const SigningKeyRotated = supplyChainEvent('signing_key_rotated', { old_key_id: z.string(), new_key_id: z.string(), new_key: SigningKey }, "To the old key's account.");
/** `signing_key_revoked {signing_key_id, key_id}`. */
export const SigningKeyRevoked = supplyChainEvent('signing_key_revoked', { signing_key_id: z.string(), key_id: z.string() });
/** `license_violation_detected {violation_id, violation_type, severity, component_name, license_id}`. */
export const LicenseViolationDetected = supplyChainEvent('license_violation_detected', {
  violation_id: z.string(), violation_type: z.string(), severity: z.string(), component_name: z.string().nullable(), license_id: z.string().nullable(),
});
/** `questionnaire_submitted {response_id, vendor_id, vendor_name, template_name, overall_score}` (to the vendor's account). */
export const QuestionnaireSubmitted = supplyChainEvent('questionnaire_submitted', {
  response_id: z.string(), vendor_id: z.string(), vendor_name: z.string(), template_name: z.string().nullable(), overall_score: Decimal,
}, "To the vendor's account.");

/** The signing-key columns the `signing_key_*` events carry. */
export interface SigningKeyRecord {
  id: string;
  accountId: string;
  keyId: string;
  name: string;
  keyType: string;
  status: string;
  fingerprint: string | null;
  createdAt: Date;
}

/** The original's `serialize_signing_key` (created_at is a raw Time: milliseconds). */
export function signingKeyPayload(k: SigningKeyRecord): z.input<typeof SigningKey> {
  return { id: k.id, key_id: k.keyId, name: k.name, key_type: k.keyType, status: k.status, fingerprint: k.fingerprint, created_at: timeJson(k.createdAt) };
}


/** Every SupplyChainChannel event (its `static events`). */
export const SUPPLY_CHAIN_EVENTS = [
  ...SUPPLY_CHAIN_EVENTS_1, VendorAssessmentCompleted, VendorMonitoringEvent, ReportGenerationStarted, ReportGenerationCompleted, ReportGenerationFailed,
  ScanExecutionStarted, ScanExecutionCompleted, ScanExecutionFailed, SigningKeyCreated, SigningKeyRotated, SigningKeyRevoked, LicenseViolationDetected,
  QuestionnaireSubmitted,
] as const;
