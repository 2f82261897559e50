// SupplyChainChannel through the harness: authorization, the stream, the subscribe frame and every publisher.

import * as events from '../../../channels/extension/supply-chain-events';
import * as ops from '../../../channels/extension/supply-chain-ops-events';
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

  describe('publishers', () => {
    const b = (): Broadcaster => world.services.broadcaster;
    const acct = () => world.own.accountId;
    const sbom = () => ({ id: 's1', accountId: acct(), sbomId: 'SBOM-1', name: 'api', version: '1.0', format: 'cyclonedx_1_5', componentCount: 3, vulnerabilityCount: 1, riskScore: '7.25', ntiaMinimumCompliant: true, status: 'completed' });
    const attestation = () => ({ id: 'a1', accountId: acct(), attestationId: 'ATT-1', attestationType: 'slsa_provenance', slsaLevel: 2, subjectName: 'img', signature: 'sig', signingKeyId: 'k1', verificationStatus: 'verified' });
    const vendor = () => ({ id: 'v1', accountId: acct(), name: 'Vendor' });
    const report = () => ({ id: 'r1', accountId: acct(), reportType: 'sbom', name: 'Q1', status: 'completed', fileSize: 2048 });
    const execution = () => ({ id: 'e1', accountId: acct(), scanInstanceId: 'si1', status: 'running', outputData: { ok: true }, durationMs: 12 });
    const key = () => ({ id: 'k1', accountId: acct(), keyId: 'KEY-1', name: 'main', keyType: 'cosign', status: 'active', fingerprint: 'ff', createdAt: new Date('2026-03-15T09:29:28.123Z') });

    const cases: Array<[string, () => Promise<void>, Record<string, unknown>]> = [
      ['sbom_created', () => events.publishSbomCreated(b(), sbom()), { sbom: { id: 's1', sbom_id: 'SBOM-1', name: 'api', version: '1.0', format: 'cyclonedx_1_5', component_count: 3, vulnerability_count: 1, risk_score: '7.25', ntia_minimum_compliant: true, status: 'completed' } }],
      ['sbom_updated', () => events.publishSbomUpdated(b(), { ...sbom(), riskScore: 7 }), { sbom: expect.objectContaining({ risk_score: '7.0' }) }],
      ['vulnerability_correlation_completed', () => events.publishVulnerabilityCorrelationCompleted(b(), sbom(), 4), { sbom_id: 's1', vulnerability_count: 4 }],
      ['attestation_created', () => events.publishAttestationCreated(b(), attestation()), { attestation: { id: 'a1', attestation_id: 'ATT-1', attestation_type: 'slsa_provenance', slsa_level: 2, subject_name: 'img', signed: true, verified: true } }],
      ['attestation_signed', () => events.publishAttestationSigned(b(), attestation()), { attestation_id: 'a1', signing_key_id: 'k1' }],
      ['attestation_verified', () => events.publishAttestationVerified(b(), attestation(), false), { attestation_id: 'a1', verified: false }],
      ['container_scan_started', () => events.publishContainerScanStarted(b(), { id: 'i1', accountId: acct() }, 'ghcr.io/acme/api:1'), { container_image_id: 'i1', image_reference: 'ghcr.io/acme/api:1' }],
      ['container_scan_completed', () => events.publishContainerScanCompleted(b(), { id: 'sc1', accountId: acct(), containerImageId: 'i1' }, { critical: 1, high: 2, medium: 3, low: 4, total: 10 }), { scan_id: 'sc1', container_image_id: 'i1', vulnerability_counts: { critical: 1, high: 2, medium: 3, low: 4, total: 10 } }],
      ['policy_violation', () => events.publishPolicyViolation(b(), acct(), { rule: 'no-root' }), { violation: { rule: 'no-root' } }],
      ['policy_evaluation_completed', () => events.publishPolicyEvaluationCompleted(b(), acct(), { passed: false, policyResults: [1, 2] }), { passed: false, policy_count: 2 }],
      ['cve_alert', () => events.publishCveAlert(b(), acct(), { id: 'CVE-1', severity: 'critical' }), { cve: { id: 'CVE-1', severity: 'critical' } }],
      ['critical_vulnerability_found', () => events.publishCriticalVulnerabilityFound(b(), sbom(), { vulnerabilityId: 'CVE-2', severity: 'critical', cvssScore: '9.8', componentName: 'openssl', componentVersion: '3.0' }), { vulnerability: { id: 'CVE-2', severity: 'critical', cvss_score: '9.8', component_name: 'openssl', component_version: '3.0' }, sbom_id: 's1' }],
      ['vendor_assessment_completed', () => ops.publishVendorAssessmentCompleted(b(), vendor(), { id: 'as1', securityScore: '80.5', complianceScore: 70, operationalScore: null }), { assessment_id: 'as1', vendor_id: 'v1', vendor_name: 'Vendor', scores: { security: '80.5', compliance: '70.0', operational: null } }],
      ['vendor_monitoring_event', () => ops.publishVendorMonitoringEvent(b(), vendor(), { id: 'ev1', eventType: 'breach', severity: 'high', title: 'Breach' }), { event_id: 'ev1', vendor_id: 'v1', vendor_name: 'Vendor', event_type: 'breach', severity: 'high', title: 'Breach' }],
      ['report_generation_started', () => ops.publishReportGenerationStarted(b(), report()), { report_id: 'r1', report_type: 'sbom', name: 'Q1' }],
      ['report_generation_completed', () => ops.publishReportGenerationCompleted(b(), report()), { report_id: 'r1', report_type: 'sbom', name: 'Q1', status: 'completed', file_size: 2048 }],
      ['report_generation_failed', () => ops.publishReportGenerationFailed(b(), report(), 'disk full'), { report_id: 'r1', report_type: 'sbom', name: 'Q1', error_message: 'disk full' }],
      ['scan_execution_started', () => ops.publishScanExecutionStarted(b(), execution()), { execution_id: 'e1', scan_instance_id: 'si1', status: 'running' }],
      ['scan_execution_completed', () => ops.publishScanExecutionCompleted(b(), execution()), { execution_id: 'e1', scan_instance_id: 'si1', status: 'running', output_data: { ok: true }, duration_ms: 12 }],
      ['scan_execution_failed', () => ops.publishScanExecutionFailed(b(), execution(), 'boom'), { execution_id: 'e1', scan_instance_id: 'si1', status: 'running', error_message: 'boom' }],
      ['signing_key_created', () => ops.publishSigningKeyCreated(b(), key()), { signing_key: { id: 'k1', key_id: 'KEY-1', name: 'main', key_type: 'cosign', status: 'active', fingerprint: 'ff', created_at: '2026-03-15T09:29:28.123Z' } }],
      ['signing_key_rotated', () => ops.publishSigningKeyRotated(b(), { id: 'k0', accountId: acct() }, key()), { old_key_id: 'k0', new_key_id: 'k1', new_key: expect.objectContaining({ key_id: 'KEY-1' }) }],
      ['signing_key_revoked', () => ops.publishSigningKeyRevoked(b(), key()), { signing_key_id: 'k1', key_id: 'KEY-1' }],
      ['license_violation_detected', () => ops.publishLicenseViolationDetected(b(), { id: 'l1', accountId: acct(), violationType: 'copyleft', severity: 'high', licenseId: 'GPL-3.0' }, 'libfoo'), { violation_id: 'l1', violation_type: 'copyleft', severity: 'high', component_name: 'libfoo', license_id: 'GPL-3.0' }],
      ['questionnaire_submitted', () => ops.publishQuestionnaireSubmitted(b(), vendor(), { id: 'q1', overallScore: '88.25' }, 'SIG Lite'), { response_id: 'q1', vendor_id: 'v1', vendor_name: 'Vendor', template_name: 'SIG Lite', overall_score: '88.25' }],
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
      await events.publishCveAlert(world.services.broadcaster, world.own.accountId, { id: 'CVE-9' });
      await c.idle();
      expect((c.received(p) as Array<Record<string, unknown>>).map((m) => m.type)).toEqual(['subscribed']);
    });
  });
});
