// MCP resources of McpChannel: the account's agents, workflows and tools as `powernode://<kind>s/<id>` URIs,
// for `resources/list`, `resources/read` and `resources/subscribe` (mapped onto subscribe_to_resource).

import { iso } from '../application-channel';
import { protocolError, subscribeToResource, toolJson, type McpContext } from './mcp-methods';

type Json = Record<string, unknown>;

const URI = /^powernode:\/\/(agents|workflows|tools)\/([0-9a-fA-F-]{36})$/;
const LIMIT = 100;

const resource = (kind: string, id: string, name: string, description: string | null): Json => ({
  uri: `powernode://${kind}/${id}`, name, description: description ?? '', mimeType: 'application/json',
});

/** `resources/list`: up to 100 agents, workflows and enabled tools of the account. */
export async function listResources(ctx: McpContext): Promise<Json> {
  const where = { accountId: ctx.accountId };
  const select = { id: true, name: true, description: true } as const;
  const [agents, workflows, tools] = await Promise.all([
    ctx.db.aiAgent.findMany({ where, select, orderBy: { name: 'asc' }, take: LIMIT }),
    ctx.db.aiWorkflow.findMany({ where, select, orderBy: { name: 'asc' }, take: LIMIT }),
    ctx.db.mcpTool.findMany({ where: { ...where, enabled: true }, select, orderBy: { name: 'asc' }, take: LIMIT }),
  ]);
  return {
    resources: [
      ...agents.map((a) => resource('agents', a.id, a.name, a.description)),
      ...workflows.map((w) => resource('workflows', w.id, w.name, w.description)),
      ...tools.map((t) => resource('tools', t.id, t.name, t.description)),
    ],
  };
}

function parseUri(uri: unknown): { kind: string; id: string } {
  const m = typeof uri === 'string' ? URI.exec(uri) : null;
  if (!m) throw protocolError('Unknown resource URI');
  return { kind: m[1] as string, id: (m[2] as string).toLowerCase() };
}

async function readObject(ctx: McpContext, kind: string, id: string): Promise<Json | null> {
  const where = { id, accountId: ctx.accountId };
  if (kind === 'agents') {
    const a = await ctx.db.aiAgent.findFirst({ where });
    return a && { id: a.id, name: a.name, description: a.description, agent_type: a.agentType, status: a.status, provider: a.provider, model: a.model, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt) };
  }
  if (kind === 'workflows') {
    const w = await ctx.db.aiWorkflow.findFirst({ where });
    return w && { id: w.id, name: w.name, slug: w.slug, description: w.description, status: w.status, workflow_type: w.workflowType, version: w.version, is_active: w.isActive, created_at: iso(w.createdAt), updated_at: iso(w.updatedAt) };
  }
  const t = await ctx.db.mcpTool.findFirst({ where: { ...where, enabled: true } });
  return t && toolJson(t);
}

/** `resources/read {uri}` → `{contents:[{uri, mimeType, text}]}` for a resource of the caller's account. */
export async function readResource(ctx: McpContext, params: Json): Promise<Json> {
  const { kind, id } = parseUri(params.uri);
  const body = await readObject(ctx, kind, id);
  if (!body) throw protocolError('Resource not found');
  return { contents: [{ uri: params.uri, mimeType: 'application/json', text: JSON.stringify(body) }] };
}

/** `resources/subscribe {uri}` → the events of that resource (or `{resource_type, resource_id}` as the original). */
export function subscribeResource(ctx: McpContext, params: Json): Promise<Json> {
  if (params.uri === undefined) return subscribeToResource(ctx, params);
  const { kind, id } = parseUri(params.uri);
  return subscribeToResource(ctx, { resource_type: `${kind.slice(0, -1)}_events`, resource_id: id });
}
