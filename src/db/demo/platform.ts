// Demo platform rows: global plans and a service circuit breaker, and per account supply-chain rows,
// notifications (one read, one unread), a subscription, an analytics alert, an MCP tool, a system operation and a
// finished outbox job.

import { seedId, seedTime } from './ids';
import type { DemoAccount, DemoRowsPart } from './types';

/** The demo plan's id (plans are global). */
export const DEMO_PLAN_ID = seedId('plan:pro');

/** Global platform rows. */
export function platformGlobalRows(): DemoRowsPart {
  return {
    plan: [{ id: DEMO_PLAN_ID, name: 'Pro', priceCents: 4900, billingCycle: 'monthly', features: ['ai', 'devops'], createdAt: seedTime(0) }],
    circuitBreaker: [{ id: seedId('circuit-breaker:openai'), service: 'openai', name: 'openai-chat', state: 'closed', createdAt: seedTime(0) }],
  };
}

/** The platform rows of `a`. */
export function platformRows(a: DemoAccount): DemoRowsPart {
  return { ...supplyChainRows(a), ...notificationRows(a), ...billingRows(a), ...operationRows(a) };
}

function supplyChainRows(a: DemoAccount): DemoRowsPart {
  return {
    supplyChainSbom: [
      { id: a.ids('sbom'), accountId: a.id, sbomId: `sbom-${a.key}-0001`, name: 'app', version: '1.4.0', componentCount: 312, vulnerabilityCount: 3, riskScore: '4.2', ntiaMinimumCompliant: true, status: 'completed', createdAt: seedTime(115) },
    ],
    supplyChainAttestation: [
      { id: a.ids('attestation'), accountId: a.id, attestationId: `att-${a.key}-0001`, attestationType: 'slsa_provenance', slsaLevel: 2, subjectName: `${a.key}/app:1.4.0`, signed: true, createdAt: seedTime(116) },
    ],
  };
}

function notificationRows(a: DemoAccount): DemoRowsPart {
  const base = { accountId: a.id, userId: a.ownerId, severity: 'info', category: 'system', icon: 'bell' };
  return {
    notification: [
      { ...base, id: a.ids('notification:unread'), notificationType: 'workflow_completed', title: 'Workflow finished', message: 'Triage inbox completed', actionUrl: '/ai/workflows', actionLabel: 'Open', metadata: { run_id: `run-${a.key}-0001` }, createdAt: seedTime(117) },
      { ...base, id: a.ids('notification:read'), notificationType: 'welcome', title: 'Welcome', message: `Welcome to ${a.name}`, readAt: seedTime(119), createdAt: seedTime(118) },
    ],
  };
}

function billingRows(a: DemoAccount): DemoRowsPart {
  return {
    subscription: [{ id: a.ids('subscription'), accountId: a.id, planId: DEMO_PLAN_ID, status: 'active', currentPeriodStart: seedTime(0), currentPeriodEnd: seedTime(30 * 24 * 60), createdAt: seedTime(0) }],
    analyticsAlert: [
      { id: a.ids('analytics-alert'), accountId: a.id, name: 'High churn', alertType: 'threshold', metricName: 'churn_rate', condition: 'greater_than', thresholdValue: '5.0', currentValue: '2.5', status: 'active', createdAt: seedTime(120) },
    ],
  };
}

function operationRows(a: DemoAccount): DemoRowsPart {
  return {
    mcpTool: [{ id: a.ids('mcp-tool'), accountId: a.id, name: 'search_docs', description: 'Search the knowledge base', inputSchema: { type: 'object', properties: { query: { type: 'string' } } }, createdAt: seedTime(120) }],
    systemOperation: [
      { id: a.ids('system-operation'), accountId: a.id, userId: a.ownerId, operationType: 'cache_clear', status: 'completed', progress: 100, message: 'Cache cleared', startedAt: seedTime(121), completedAt: seedTime(122), createdAt: seedTime(121) },
    ],
    jobOutbox: [
      {
        id: a.ids('job'),
        accountId: a.id,
        workerId: a.ids('worker:worker'),
        jobClass: 'AiConversationResponseJob',
        args: [a.ids('conversation'), a.ids('message:1'), a.ownerId],
        queue: 'ai_conversations',
        status: 'done',
        createdAt: seedTime(32),
        dispatchedAt: seedTime(32),
      },
    ],
  };
}
