// The writes of AiWorkflowOrchestrationChannel (docs/channels.md): create a workflow with nodes and edges, update it through
// an attribute allowlist, and execute it (a run row plus an AiWorkflowExecutionJob in the job outbox).

import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ClientError } from '../../src/channel/index';
import type { AiWorkflow, AiWorkflowRun, Db, Prisma } from '../../src/db/prisma';
import { isUuid } from '../application-channel';
import { boundedJsonObject } from '../support/bounded-json';
import type { JobQueue } from '../support/services';

/** A refusal whose message is sent to the client as the error frame's `error`. */
export class WorkflowError extends ClientError {}

/** Free-form hashes (configurations, input variables): at most 32 levels and 256 KiB each. */
const Json = boundedJsonObject({ maxDepth: 32, maxBytes: 256 * 1024 });
/** The workflow attributes a client may set (everything else is dropped). */
const Attributes = z.object({
  name: z.string().trim().min(1).max(255),
  slug: z.string().trim().min(1).max(150).regex(/^[a-z0-9_-]+$/).optional(),
  description: z.string().max(10_000).nullable().optional(),
  status: z.enum(['draft', 'active', 'paused', 'inactive', 'archived']).optional(),
  visibility: z.enum(['private', 'account', 'public']).optional(),
  workflow_type: z.string().min(1).max(20).optional(),
  configuration: Json.optional(),
  version: z.string().min(1).max(50).optional(),
  is_active: z.boolean().optional(),
});
const Node = z.object({
  node_id: z.string().min(1).max(100),
  node_type: z.string().min(1).max(50),
  name: z.string().min(1).max(255),
  position_x: z.number().optional(),
  position_y: z.number().optional(),
  configuration: Json.optional(),
});
const Edge = z.object({ edge_id: z.string().min(1).max(100), source_node_id: z.string().max(100), target_node_id: z.string().max(100), edge_type: z.string().min(1).max(50).optional() });
const Nodes = z.array(Node).max(500);
const Edges = z.array(Edge).max(2000);
type Attrs = z.infer<typeof Attributes>;

/** The statuses a workflow can be executed in (`can_execute?` also needs at least one node). */
const EXECUTABLE = ['active', 'paused'];
/** A run of the same workflow this recent is returned instead of starting a duplicate. */
const DUPLICATE_WINDOW_MS = 3000;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new WorkflowError(`Validation failed: ${result.error.issues.map(fullMessage).join(', ')}`);
}

/** A zod issue as a Rails full message: `Name can't be blank`, `Nodes 0 node type is too long`, … */
function fullMessage(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join(' ').replace(/_/g, ' ') || 'Value';
  const label = field.charAt(0).toUpperCase() + field.slice(1);
  if (issue.code === 'too_small' || (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))) return `${label} can't be blank`;
  if (issue.code === 'too_big') return `${label} is too long`;
  if (issue.code === 'invalid_value') return `${label} is not included in the list`;
  if (issue.code === 'custom') return `${label} ${issue.message}`;
  return `${label} is invalid`;
}

/** Rails' slug rule: lowercase, runs of other characters become `-`, no leading/trailing `-`. */
export function slugFrom(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9\-_]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return slug || `workflow-${randomBytes(4).toString('hex')}`;
}

function columns(a: Partial<Attrs>): Prisma.AiWorkflowUncheckedUpdateInput {
  const map: Record<string, unknown> = {
    name: a.name, slug: a.slug, description: a.description, status: a.status, visibility: a.visibility,
    workflowType: a.workflow_type, configuration: a.configuration, version: a.version, isActive: a.is_active,
  };
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined)) as Prisma.AiWorkflowUncheckedUpdateInput;
}

/** Create a workflow, its nodes and its edges in the caller's account (one transaction). */
export async function createWorkflow(db: Db, accountId: string, userId: string, data: unknown): Promise<AiWorkflow> {
  const input = (typeof data === 'object' && data !== null ? data : {}) as { workflow?: unknown; nodes?: unknown; edges?: unknown };
  if (!input.workflow) throw new WorkflowError('Missing workflow data');
  const graph = { workflow: parse(Attributes, input.workflow), nodes: parse(Nodes, input.nodes ?? []), edges: parse(Edges, input.edges ?? []) };
  const nodeIds = new Set(graph.nodes.map((n) => n.node_id));
  for (const e of graph.edges) {
    if (!nodeIds.has(e.source_node_id)) throw new WorkflowError('Validation failed: Source node must exist');
    if (!nodeIds.has(e.target_node_id)) throw new WorkflowError('Validation failed: Target node must exist');
  }
  const w = graph.workflow;
  const slug = w.slug ?? slugFrom(w.name);
  if (await db.aiWorkflow.findFirst({ where: { accountId, slug }, select: { id: true } })) throw new WorkflowError('Validation failed: Slug has already been taken');
  return db.$transaction(async (tx) => {
    const workflow = await tx.aiWorkflow.create({
      data: {
        accountId, createdById: userId, name: w.name, slug, description: w.description ?? null, status: w.status ?? 'draft',
        visibility: w.visibility ?? 'private', workflowType: w.workflow_type ?? 'ai', configuration: (w.configuration && Object.keys(w.configuration).length > 0 ? w.configuration : { version: 1 }) as Prisma.InputJsonValue,
        version: w.version ?? '1.0.0', isActive: w.is_active !== false,
      },
    });
    for (const n of graph.nodes) {
      const configuration = (n.configuration && Object.keys(n.configuration).length > 0 ? n.configuration : { type: n.node_type }) as Prisma.InputJsonValue;
      await tx.aiWorkflowNode.create({ data: { aiWorkflowId: workflow.id, nodeId: n.node_id, nodeType: n.node_type, name: n.name, positionX: n.position_x ?? 0, positionY: n.position_y ?? 0, configuration } });
    }
    for (const e of graph.edges) {
      await tx.aiWorkflowEdge.create({ data: { aiWorkflowId: workflow.id, edgeId: e.edge_id, sourceNodeId: e.source_node_id, targetNodeId: e.target_node_id, edgeType: e.edge_type ?? 'default' } });
    }
    return workflow;
  });
}

/** The caller's workflow named by `workflowId`, or a WorkflowError with the original's message. */
export async function ownWorkflow(db: Db, accountId: string, workflowId: unknown): Promise<AiWorkflow> {
  if (workflowId === undefined || workflowId === null || workflowId === '') throw new WorkflowError('Missing workflow_id');
  const uuid = isUuid(workflowId) ? workflowId.toLowerCase() : null;
  const workflow = uuid ? await db.aiWorkflow.findFirst({ where: { id: uuid, accountId } }) : null;
  if (!workflow) throw new WorkflowError('Workflow not found');
  return workflow;
}

/** Apply the allowlisted attributes of `updates` to the workflow. */
export async function updateWorkflow(db: Db, workflow: AiWorkflow, updates: unknown): Promise<AiWorkflow> {
  if (typeof updates !== 'object' || updates === null || Array.isArray(updates)) throw new WorkflowError('Missing updates');
  const attrs = parse(Attributes.partial(), updates);
  if (attrs.slug && attrs.slug !== workflow.slug && (await db.aiWorkflow.findFirst({ where: { accountId: workflow.accountId, slug: attrs.slug }, select: { id: true } }))) {
    throw new WorkflowError('Validation failed: Slug has already been taken');
  }
  return db.aiWorkflow.update({ where: { id: workflow.id }, data: columns(attrs) });
}

/** The outcome of `executeWorkflow`: the run, whether it is new, and the queueing error if the outbox refused it. */
export interface Execution {
  run: AiWorkflowRun;
  created: boolean;
  queueError?: unknown;
}

/** Start a run of `workflow` (or return one started in the last 3 s) and queue it for the workers. */
export async function executeWorkflow(db: Db, jobs: JobQueue, workflow: AiWorkflow, userId: string, inputVariables: unknown): Promise<Execution> {
  const input = inputVariables === undefined || inputVariables === null ? {} : parse(Json, inputVariables);
  const totalNodes = await db.aiWorkflowNode.count({ where: { aiWorkflowId: workflow.id } });
  if (!EXECUTABLE.includes(workflow.status) || totalNodes === 0) throw new WorkflowError('Workflow is not in a state that can be executed');
  const recent = await db.aiWorkflowRun.findFirst({
    where: { aiWorkflowId: workflow.id, accountId: workflow.accountId, status: { in: ['pending', 'initializing', 'running'] }, createdAt: { gt: new Date(Date.now() - DUPLICATE_WINDOW_MS) } },
    orderBy: { createdAt: 'asc' },
  });
  if (recent) return { run: recent, created: false };
  const run = await db.aiWorkflowRun.create({
    data: { accountId: workflow.accountId, aiWorkflowId: workflow.id, runId: randomUUID(), status: 'initializing', triggerType: 'manual', triggeredByUserId: userId, totalNodes, inputVariables: input as Prisma.InputJsonValue },
  });
  const options = { realtime: true, channel_id: `ai_workflow_execution_${run.runId}` };
  try {
    await jobs.enqueue({ accountId: workflow.accountId, jobClass: 'AiWorkflowExecutionJob', args: [run.runId, options], queue: 'ai_workflows' });
  } catch (queueError) {
    // As in the original, the run stands (a retry can queue it again); the caller logs the failure.
    return { run, created: true, queueError };
  }
  return { run, created: true };
}
