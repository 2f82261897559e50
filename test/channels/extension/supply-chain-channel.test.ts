// SupplyChainChannel through the harness: authorization, the stream, the subscribe frame and every event.

import * as events from '../../../channels/extension/supply-chain-events';
import * as ops from '../../../channels/extension/supply-chain-ops-events';
import { broadcaster, type EventSpec } from '../../../src/channel/index';
import { channelSuite, published, TIMESTAMP } from '../../support/channel-suite';
import type { Broadcaster } from '../../../channels/support/services';
import { extensionChannels } from '../../../channels/extension/index';
import { openExtensionDb, userIdentity, workerIdentity } from './fixtures';

const world = channelSuite(openExtensionDb, extensionChannels);

const params = (accountId: unknown) => ({ channel: 'SupplyChainChannel', account_id: accountId });

describe('SupplyChainChannel', () => {
  describe('subscribe', () => {
    it('accepts the own account, streams supply_chain_<account> and transmits the subscribed frame', async () => {
      const c = await world.subscribed(userIdentity(world.own), params(world.own.accountId));
      expect(c.streams(params(world.own.accountId))).toEqual([`supply_chain_${world.own.accountId}`]);
      const [frame] = c.received(params(world.own.accountId)) as Array<Record<string, unknown>>;
      expect(frame).toEqual({ type: 'subscribed', message: 'Connected to Supply Chain updates', account_id: world.own.accountId, timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('needs no permission (the original checks only the account)', async () => {
      await world.subscribed(userIdentity(world.own, []), params(world.own.accountId));
    });

    it.each([
      ['a foreign account', () => params(world.foreign.accountId)],
      ['a malformed id', () => params('not-a-uuid')],
      ['an upper-cased own id (exact equality)', () => params(world.own.accountId.toUpperCase())],
      ['a numeric id', () => params(42)],
      ['missing params', () => ({ channel: 'SupplyChainChannel' })],
    ])('rejects %s', async (_label, p) => {
      await world.refuses(userIdentity(world.own), p());
    });

    it('rejects a worker identity', async () => {
      await world.refuses(workerIdentity(world.own), params(world.own.accountId));
    });
  });

  describe('events (derived publishers)', () => {
    const b = (): Broadcaster => world.services.broadcaster;
    const acct = () => world.own.accountId;
    /** A producer's derived publisher (the events are schema-only): `broadcaster(Event)` to the own account. */
    const send = <I>(event: EventSpec<I>, input: I) => broadcaster(event)(b(), { account_id: acct() }, input);
    const sbom = () => ({ id: 's1', accountId: acct(), sbomId: 'SBOM-1', name: 'api', version: '1.0', format: 'cyclonedx_1_5', componentCount: 3, vulnerabilityCount: 1, riskScore: '7.25', ntiaMinimumCompliant: true, status: 'completed' });
    const attestation = () => ({ id: 'a1', accountId: acct(), attestationId: 'ATT-1', attestationType: 'slsa_provenance', slsaLevel: 2, subjectName: 'img', signature: 'sig', signingKeyId: 'k1', verificationStatus: 'verified' });
    const vendor = () => ({ id: 'v1', accountId: acct(), name: 'Vendor' });
    const report = () => ({ id: 'r1', accountId: acct(), reportType: 'sbom', name: 'Q1', status: 'completed', fileSize: 2048 });
    const execution = () => ({ id: 'e1', accountId: acct(), scanInstanceId: 'si1', status: 'running', outputData: { ok: true }, durationMs: 12 });
    const reportBase = () => ({ report_id: report().id, report_type: report().reportType, name: report().name });
    const executionBase = () => ({ execution_id: execution().id, scan_instance_id: execution().scanInstanceId, status: execution().status });
    const key = () => ({ id: 'k1', accountId: acct(), keyId: 'KEY-1', name: 'main', keyType: 'cosign', status: 'active', fingerprint: 'ff', createdAt: new Date('2026-03-15T09:29:28.123Z') });

    const cases: Array<[string, () => Promise<void>, Record<string, unknown>]> = [
      ['sbom_created', () => send(events.SbomCreated, { sbom: events.sbomPayload(sbom()) }), { sbom: { id: 's1', sbom_id: 'SBOM-1', name: 'api', version: '1.0', format: 'cyclonedx_1_5', component_count: 3, vulnerability_count: 1, risk_score: '7.25', ntia_minimum_compliant: true, status: 'completed' } }],
      ['sbom_updated', () => send(events.SbomUpdated, { sbom: events.sbomPayload({ ...sbom(), riskScore: 7 }) }), { sbom: expect.objectContaining({ risk_score: '7.0' }) }],
      ['vulnerability_correlation_completed', () => send(events.VulnerabilityCorrelationCompleted, { sbom_id: 's1', vulnerability_count: 4 }), { sbom_id: 's1', vulnerability_count: 4 }],
      ['attestation_created', () => send(events.AttestationCreated, { attestation: events.attestationPayload(attestation()) }), { attestation: { id: 'a1', attestation_id: 'ATT-1', attestation_type: 'slsa_provenance', slsa_level: 2, subject_name: 'img', signed: true, verified: true } }],
      ['attestation_signed', () => send(events.AttestationSigned, { attestation_id: attestation().id, signing_key_id: attestation().signingKeyId }), { attestation_id: 'a1', signing_key_id: 'k1' }],
      ['attestation_verified', () => send(events.AttestationVerified, { attestation_id: attestation().id, verified: false }), { attestation_id: 'a1', verified: false }],
      ['container_scan_started', () => send(events.ContainerScanStarted, { container_image_id: 'i1', image_reference: 'ghcr.io/acme/api:1' }), { container_image_id: 'i1', image_reference: 'ghcr.io/acme/api:1' }],
      ['container_scan_completed', () => send(events.ContainerScanCompleted, { scan_id: 'sc1', container_image_id: 'i1', vulnerability_counts: { critical: 1, high: 2, medium: 3, low: 4, total: 10 } }), { scan_id: 'sc1', container_image_id: 'i1', vulnerability_counts: { critical: 1, high: 2, medium: 3, low: 4, total: 10 } }],
      ['policy_violation', () => send(events.PolicyViolation, { violation: { rule: 'no-root' } }), { violation: { rule: 'no-root' } }],
      ['policy_evaluation_completed', () => send(events.PolicyEvaluationCompleted, { passed: false, policy_count: 2 }), { passed: false, policy_count: 2 }],
      ['cve_alert', () => send(events.CveAlert, { cve: { id: 'CVE-1', severity: 'critical' } }), { cve: { id: 'CVE-1', severity: 'critical' } }],
      ['critical_vulnerability_found', () => send(events.CriticalVulnerabilityFound, { vulnerability: { id: 'CVE-2', severity: 'critical', cvss_score: '9.8', component_name: 'openssl', component_version: '3.0' }, sbom_id: 's1' }), { vulnerability: { id: 'CVE-2', severity: 'critical', cvss_score: '9.8', component_name: 'openssl', component_version: '3.0' }, sbom_id: 's1' }],
      ['vendor_assessment_completed', () => send(ops.VendorAssessmentCompleted, { assessment_id: 'as1', vendor_id: vendor().id, vendor_name: vendor().name, scores: { security: '80.5', compliance: '70.0', operational: null } }), { assessment_id: 'as1', vendor_id: 'v1', vendor_name: 'Vendor', scores: { security: '80.5', compliance: '70.0', operational: null } }],
      ['vendor_monitoring_event', () => send(ops.VendorMonitoringEvent, { event_id: 'ev1', vendor_id: vendor().id, vendor_name: vendor().name, event_type: 'breach', severity: 'high', title: 'Breach' }), { event_id: 'ev1', vendor_id: 'v1', vendor_name: 'Vendor', event_type: 'breach', severity: 'high', title: 'Breach' }],
      ['report_generation_started', () => send(ops.ReportGenerationStarted, reportBase()), { report_id: 'r1', report_type: 'sbom', name: 'Q1' }],
      ['report_generation_completed', () => send(ops.ReportGenerationCompleted, { ...reportBase(), status: report().status, file_size: report().fileSize }), { report_id: 'r1', report_type: 'sbom', name: 'Q1', status: 'completed', file_size: 2048 }],
      ['report_generation_failed', () => send(ops.ReportGenerationFailed, { ...reportBase(), error_message: 'disk full' }), { report_id: 'r1', report_type: 'sbom', name: 'Q1', error_message: 'disk full' }],
      ['scan_execution_started', () => send(ops.ScanExecutionStarted, executionBase()), { execution_id: 'e1', scan_instance_id: 'si1', status: 'running' }],
      ['scan_execution_completed', () => send(ops.ScanExecutionCompleted, { ...executionBase(), output_data: execution().outputData, duration_ms: execution().durationMs }), { execution_id: 'e1', scan_instance_id: 'si1', status: 'running', output_data: { ok: true }, duration_ms: 12 }],
      ['scan_execution_failed', () => send(ops.ScanExecutionFailed, { ...executionBase(), error_message: 'boom' }), { execution_id: 'e1', scan_instance_id: 'si1', status: 'running', error_message: 'boom' }],
      ['signing_key_created', () => send(ops.SigningKeyCreated, { signing_key: ops.signingKeyPayload(key()) }), { signing_key: { id: 'k1', key_id: 'KEY-1', name: 'main', key_type: 'cosign', status: 'active', fingerprint: 'ff', created_at: '2026-03-15T09:29:28.123Z' } }],
      ['signing_key_rotated', () => send(ops.SigningKeyRotated, { old_key_id: 'k0', new_key_id: key().id, new_key: ops.signingKeyPayload(key()) }), { old_key_id: 'k0', new_key_id: 'k1', new_key: expect.objectContaining({ key_id: 'KEY-1' }) }],
      ['signing_key_revoked', () => send(ops.SigningKeyRevoked, { signing_key_id: key().id, key_id: key().keyId }), { signing_key_id: 'k1', key_id: 'KEY-1' }],
      ['license_violation_detected', () => send(ops.LicenseViolationDetected, { violation_id: 'l1', violation_type: 'copyleft', severity: 'high', component_name: 'libfoo', license_id: 'GPL-3.0' }), { violation_id: 'l1', violation_type: 'copyleft', severity: 'high', component_name: 'libfoo', license_id: 'GPL-3.0' }],
      ['questionnaire_submitted', () => send(ops.QuestionnaireSubmitted, { response_id: 'q1', vendor_id: vendor().id, vendor_name: vendor().name, template_name: 'SIG Lite', overall_score: '88.25' }), { response_id: 'q1', vendor_id: 'v1', vendor_name: 'Vendor', template_name: 'SIG Lite', overall_score: '88.25' }],
    ];

    it.each(cases)('%s reaches a subscriber of the account', async (type, publish, payload) => {
      const p = params(world.own.accountId);
      const got = await published(await world.subscribed(userIdentity(world.own), p), p, type, publish);
      expect(got).toEqual([{ type, ...payload, timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('does not reach a subscriber of another account', async () => {
      const c = await world.connect(userIdentity(world.foreign));
      const p = params(world.foreign.accountId);
      await c.subscribe(p);
      await send(events.CveAlert, { cve: { id: 'CVE-9' } });
      await c.idle();
      expect((c.received(p) as Array<Record<string, unknown>>).map((m) => m.type)).toEqual(['subscribed']);
    });
  });
});
