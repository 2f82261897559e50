// Supply-chain events, part 2 (docs/channels.md): vendor, report, scan-execution, signing-key, license and
// questionnaire publishers, all to `supply_chain_<account_id>` with the `{type, …payload, timestamp}` envelope.

import type { Broadcaster } from '../support/services';
import { decimalString, timeJson, type DecimalLike } from './extension-payloads';
import { publishSupplyChainEvent } from './supply-chain-events';

/** A vendor as the vendor events name it. */
export interface VendorRef {
  id: string;
  accountId: string;
  name: string;
}

/** `vendor_assessment_completed {assessment_id, vendor_id, vendor_name, scores:{security, compliance, operational}}`. */
export function publishVendorAssessmentCompleted(
  b: Broadcaster,
  vendor: VendorRef,
  assessment: { id: string; securityScore: DecimalLike | null; complianceScore: DecimalLike | null; operationalScore: DecimalLike | null },
): Promise<void> {
  return publishSupplyChainEvent(b, vendor.accountId, 'vendor_assessment_completed', {
    assessment_id: assessment.id, vendor_id: vendor.id, vendor_name: vendor.name,
    scores: { security: decimalString(assessment.securityScore), compliance: decimalString(assessment.complianceScore), operational: decimalString(assessment.operationalScore) },
  });
}

/** `vendor_monitoring_event {event_id, vendor_id, vendor_name, event_type, severity, title}`. */
export function publishVendorMonitoringEvent(b: Broadcaster, vendor: VendorRef, event: { id: string; eventType: string; severity: string; title: string }): Promise<void> {
  return publishSupplyChainEvent(b, vendor.accountId, 'vendor_monitoring_event', {
    event_id: event.id, vendor_id: vendor.id, vendor_name: vendor.name, event_type: event.eventType, severity: event.severity, title: event.title,
  });
}

/** The report columns the `report_generation_*` events carry. */
export interface ReportRecord {
  id: string;
  accountId: string;
  reportType: string;
  name: string;
  status: string;
  fileSize: number | bigint | null;
}

function reportBase(r: ReportRecord): Record<string, unknown> {
  return { report_id: r.id, report_type: r.reportType, name: r.name };
}

/** `report_generation_started {report_id, report_type, name}`. */
export function publishReportGenerationStarted(b: Broadcaster, report: ReportRecord): Promise<void> {
  return publishSupplyChainEvent(b, report.accountId, 'report_generation_started', reportBase(report));
}

/** `report_generation_completed {report_id, report_type, name, status, file_size}`. */
export function publishReportGenerationCompleted(b: Broadcaster, report: ReportRecord): Promise<void> {
  const fileSize = report.fileSize === null ? null : Number(report.fileSize);
  return publishSupplyChainEvent(b, report.accountId, 'report_generation_completed', { ...reportBase(report), status: report.status, file_size: fileSize });
}

/** `report_generation_failed {report_id, report_type, name, error_message}`. */
export function publishReportGenerationFailed(b: Broadcaster, report: ReportRecord, errorMessage: string): Promise<void> {
  return publishSupplyChainEvent(b, report.accountId, 'report_generation_failed', { ...reportBase(report), error_message: errorMessage });
}

/** The scan-execution columns the `scan_execution_*` events carry. */
export interface ScanExecutionRecord {
  id: string;
  accountId: string;
  scanInstanceId: string;
  status: string;
  outputData?: unknown;
  durationMs?: number | null;
}

function executionBase(e: ScanExecutionRecord): Record<string, unknown> {
  return { execution_id: e.id, scan_instance_id: e.scanInstanceId, status: e.status };
}

/** `scan_execution_started {execution_id, scan_instance_id, status}`. */
export function publishScanExecutionStarted(b: Broadcaster, execution: ScanExecutionRecord): Promise<void> {
  return publishSupplyChainEvent(b, execution.accountId, 'scan_execution_started', executionBase(execution));
}

/** `scan_execution_completed {execution_id, scan_instance_id, status, output_data, duration_ms}`. */
export function publishScanExecutionCompleted(b: Broadcaster, execution: ScanExecutionRecord): Promise<void> {
  return publishSupplyChainEvent(b, execution.accountId, 'scan_execution_completed', {
    ...executionBase(execution), output_data: execution.outputData ?? null, duration_ms: execution.durationMs ?? null,
  });
}

/** `scan_execution_failed {execution_id, scan_instance_id, status, error_message}`. */
export function publishScanExecutionFailed(b: Broadcaster, execution: ScanExecutionRecord, errorMessage: string): Promise<void> {
  return publishSupplyChainEvent(b, execution.accountId, 'scan_execution_failed', { ...executionBase(execution), error_message: errorMessage });
}

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
export function signingKeyPayload(k: SigningKeyRecord): Record<string, unknown> {
  return { id: k.id, key_id: k.keyId, name: k.name, key_type: k.keyType, status: k.status, fingerprint: k.fingerprint, created_at: timeJson(k.createdAt) };
}

/** `signing_key_created {signing_key}`. */
export function publishSigningKeyCreated(b: Broadcaster, key: SigningKeyRecord): Promise<void> {
  return publishSupplyChainEvent(b, key.accountId, 'signing_key_created', { signing_key: signingKeyPayload(key) });
}

/** `signing_key_rotated {old_key_id, new_key_id, new_key}` (to the old key's account). */
export function publishSigningKeyRotated(b: Broadcaster, oldKey: { id: string; accountId: string }, newKey: SigningKeyRecord): Promise<void> {
  return publishSupplyChainEvent(b, oldKey.accountId, 'signing_key_rotated', { old_key_id: oldKey.id, new_key_id: newKey.id, new_key: signingKeyPayload(newKey) });
}

/** `signing_key_revoked {signing_key_id, key_id}`. */
export function publishSigningKeyRevoked(b: Broadcaster, key: Pick<SigningKeyRecord, 'id' | 'accountId' | 'keyId'>): Promise<void> {
  return publishSupplyChainEvent(b, key.accountId, 'signing_key_revoked', { signing_key_id: key.id, key_id: key.keyId });
}

/** `license_violation_detected {violation_id, violation_type, severity, component_name, license_id}`. */
export function publishLicenseViolationDetected(
  b: Broadcaster,
  violation: { id: string; accountId: string; violationType: string; severity: string; licenseId: string | null },
  componentName: string | null,
): Promise<void> {
  return publishSupplyChainEvent(b, violation.accountId, 'license_violation_detected', {
    violation_id: violation.id, violation_type: violation.violationType, severity: violation.severity, component_name: componentName, license_id: violation.licenseId,
  });
}

/** `questionnaire_submitted {response_id, vendor_id, vendor_name, template_name, overall_score}` (to the vendor's account). */
export function publishQuestionnaireSubmitted(
  b: Broadcaster,
  vendor: VendorRef,
  response: { id: string; overallScore: DecimalLike | null },
  templateName: string | null,
): Promise<void> {
  return publishSupplyChainEvent(b, vendor.accountId, 'questionnaire_submitted', {
    response_id: response.id, vendor_id: vendor.id, vendor_name: vendor.name, template_name: templateName, overall_score: decimalString(response.overallScore),
  });
}
