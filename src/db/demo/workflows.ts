// Demo workflow rows of one account: a workflow with two nodes and an edge, a run of it, and a batch run.

import { seedTime } from './ids';
import type { DemoAccount, DemoRowsPart } from './types';

/** The workflow, its graph, a run and a batch run of `a`. */
export function workflowRows(a: DemoAccount): DemoRowsPart {
  const workflow = a.ids('workflow');
  return {
    aiWorkflow: [
      { id: workflow, accountId: a.id, name: 'Triage inbox', slug: 'triage-inbox', description: 'Classifies and routes new tickets', status: 'active', configuration: { timeout_seconds: 600 }, createdById: a.ownerId, createdAt: seedTime(70) },
    ],
    aiWorkflowNode: [
      { id: a.ids('workflow-node:start'), aiWorkflowId: workflow, nodeId: 'start', nodeType: 'trigger', name: 'Start', positionX: 0, positionY: 0, createdAt: seedTime(70) },
      { id: a.ids('workflow-node:classify'), aiWorkflowId: workflow, nodeId: 'classify', nodeType: 'ai_agent', name: 'Classify', positionX: 240, positionY: 0, configuration: { agent_id: a.ids('agent') }, createdAt: seedTime(70) },
    ],
    aiWorkflowEdge: [{ id: a.ids('workflow-edge'), aiWorkflowId: workflow, edgeId: 'start-classify', sourceNodeId: 'start', targetNodeId: 'classify', createdAt: seedTime(70) }],
    ...runRows(a),
  };
}

function runRows(a: DemoAccount): DemoRowsPart {
  return {
    aiWorkflowRun: [
      {
        id: a.ids('workflow-run'),
        accountId: a.id,
        aiWorkflowId: a.ids('workflow'),
        runId: `run-${a.key}-0001`,
        status: 'running',
        triggerType: 'manual',
        triggeredByUserId: a.ownerId,
        totalNodes: 2,
        completedNodes: 1,
        costUsd: '0.004200',
        inputVariables: { ticket_id: 1001 },
        startedAt: seedTime(75),
        createdAt: seedTime(75),
      },
    ],
    batchWorkflowRun: [
      {
        id: a.ids('batch-run'),
        accountId: a.id,
        batchId: `batch-${a.key}-0001`,
        status: 'running',
        totalWorkflows: 3,
        completedWorkflows: 1,
        successfulWorkflows: 1,
        runningWorkflows: 1,
        pendingWorkflows: 1,
        workflows: [{ workflow_id: a.ids('workflow'), status: 'running' }],
        configuration: { concurrency: 2 },
        startedAt: seedTime(80),
        createdAt: seedTime(80),
      },
    ],
  };
}
