// Who may write (docs/channels.md): every write action the channels declare (`writePermissions`,
// `commandPermissions`), run once by a user without its permission — the channel's error frame, a warn log line, and
// the database, the job outbox and the streams unchanged — and once by a user holding it, which works. The docs table
// must list exactly the rows the code declares.

import fs from 'node:fs';
import path from 'node:path';
import { channels } from '../../channels';
import type { UserIdentity } from '../../src/auth/identity';
import { seedId } from '../../src/db/seed';
import { testUser, type HarnessClient } from '../../src/testing/index';
import { channelSuite, openSeededDb, seededIds } from '../support/channel-suite';
import { capturingLogger } from '../support/logger';
import { codeWriteRules, docWriteRules, ruleKey, type WriteRule } from '../support/write-rules';

const ids = (k: string) => seedId(`acme:${k}`);
const { account: ACCOUNT, viewer: VIEWER, member: MEMBER, workflow: WORKFLOW, agent: AGENT, team: TEAM, teamExecution: EXECUTION } = seededIds('acme');
const GIT = { channel: 'GitJobLogsChannel', repository_id: ids('git-repository'), pipeline_id: ids('git-pipeline'), job_id: ids('git-job') };
const CONVERSATION = 'conv-permissions-viewer';
const ANY_TIME = expect.any(String);

const log = capturingLogger();
const t = channelSuite(openSeededDb, channels, { logger: log.logger });

beforeAll(async () => {
  // A conversation the permission-less viewer owns, so only the action's own permission can stop them.
  await t.db.aiConversation.create({ data: { accountId: ACCOUNT, userId: VIEWER, aiAgentId: AGENT, conversationId: CONVERSATION, status: 'active' } });
});

/** The seeded viewer (a real user row) with exactly `permissions` and `roles`. */
const viewer = (permissions: readonly string[], roles: readonly string[] = ['viewer']): UserIdentity =>
  testUser(ACCOUNT, { userId: VIEWER, email: 'viewer@acme.example', name: 'Viewer', roles, permissions });

const jobs = () => t.db.jobOutbox.count();
let serial = 0;

/** How one write action is exercised: subscription, data, what it may change, and its frames. */
interface Scenario {
  params: Record<string, unknown>;
  data: () => Record<string, unknown>;
  /** What subscribing needs; the refused user holds exactly this and no write permission. */
  reads?: readonly string[];
  roles?: readonly string[];
  /** Put the rows as the action expects them (run before each case). */
  reset?: () => Promise<void>;
  /** Everything the action could write, the job outbox included. */
  state: () => Promise<unknown>;
  /** The refusal frame carrying `message`. */
  refused: (message: string) => unknown;
  /** A frame the permitted call produces (none: only the state changes). */
  done?: Record<string, unknown>;
  /** Whether the permitted call changes `state` (default true; typing only broadcasts). */
  writes?: boolean;
}

const workflowOrchestration = { channel: 'AiWorkflowOrchestrationChannel' };
const workflowError = (message: string) => ({ type: 'error', error: message, timestamp: ANY_TIME });
const runsAndJobs = async () => [await t.db.aiWorkflowRun.count({ where: { aiWorkflowId: WORKFLOW } }), await jobs()];
const freshRuns = async () => void (await t.db.aiWorkflowRun.deleteMany({ where: { aiWorkflowId: WORKFLOW } }));

const conversation = { channel: 'AiConversationChannel', conversation_id: CONVERSATION };
const conversationError = (message: string) => ({ type: 'error', message, timestamp: ANY_TIME });

const teamExecution = { channel: 'TeamExecutionChannel', team_id: TEAM };
function teamCommand(command: string): Scenario {
  return {
    params: teamExecution,
    data: () => ({ execution_id: EXECUTION, ...(command === 'redirect' ? { instructions: { focus: 'tests' } } : {}) }),
    reset: async () => void (await t.db.aiTeamExecution.update({ where: { id: EXECUTION }, data: { status: 'running', controlSignal: command === 'resume' ? 'pause' : null, redirectInstructions: null } })),
    state: () => t.db.aiTeamExecution.findUniqueOrThrow({ where: { id: EXECUTION }, select: { controlSignal: true, redirectInstructions: true, status: true } }),
    refused: (message) => ({ type: 'command_error', error: message, timestamp: ANY_TIME }),
    done: { type: 'command_acknowledged', command },
  };
}

const mcp = { channel: 'McpChannel' };
const MCP_READS = ['ai.agents.read'];
const rpcError = (message: string) => ({ code: -32600, message, data: { type: 'McpChannel::AuthorizationError', timestamp: ANY_TIME } });
type McpKind = 'tool' | 'workflow' | 'agent';
const MCP_PARAMS: Record<McpKind, () => Record<string, unknown>> = {
  tool: () => ({ name: 'search_docs', arguments: { query: 'x' } }),
  workflow: () => ({ workflow_id: WORKFLOW, input_variables: { a: 1 } }),
  agent: () => ({ agent_id: AGENT, input_parameters: { q: 'hi' } }),
};
const MCP_STATE: Record<McpKind, () => Promise<unknown>> = {
  tool: jobs,
  workflow: runsAndJobs,
  agent: async () => [await t.db.aiAgentExecution.count({ where: { aiAgentId: AGENT } }), await jobs()],
};
const MCP_RESULT: Record<McpKind, unknown> = { tool: expect.objectContaining({ status: 'pending' }), workflow: expect.objectContaining({ status: 'initializing' }), agent: expect.objectContaining({ status: 'pending' }) };

function mcpAction(kind: McpKind): Scenario {
  return {
    params: mcp, reads: MCP_READS, reset: kind === 'workflow' ? freshRuns : undefined, state: MCP_STATE[kind],
    data: () => ({ id: 7, params: MCP_PARAMS[kind]() }),
    refused: (message) => ({ jsonrpc: '2.0', id: 7, error: rpcError(message), timestamp: ANY_TIME }),
    done: { id: 7, result: MCP_RESULT[kind] },
  };
}

function mcpMethod(method: string, kind: McpKind): Scenario {
  const body = (message: string) => ({ jsonrpc: '2.0', id: 'r', error: rpcError(message) });
  return {
    ...mcpAction(kind),
    data: () => ({ jsonrpc: '2.0', id: 'r', method, params: MCP_PARAMS[kind]() }),
    refused: (message) => ({ type: 'json_rpc_response', data: body(message), ...body(message), timestamp: ANY_TIME }),
    done: { type: 'json_rpc_response', id: 'r', result: MCP_RESULT[kind] },
  };
}

/** One scenario per row of docs/channels.md's table (keyed `Channel#action`). */
const SCENARIOS: Record<string, Scenario> = {
  'AiWorkflowOrchestrationChannel#create_workflow': {
    params: workflowOrchestration, data: () => ({ workflow: { name: `Permission check ${(serial += 1)}` } }),
    state: () => t.db.aiWorkflow.count({ where: { accountId: ACCOUNT } }), refused: workflowError, done: { type: 'workflow_created' },
  },
  'AiWorkflowOrchestrationChannel#update_workflow': {
    params: workflowOrchestration, data: () => ({ workflow_id: WORKFLOW, updates: { description: `Edited ${(serial += 1)}` } }),
    state: () => t.db.aiWorkflow.findUniqueOrThrow({ where: { id: WORKFLOW }, select: { description: true, updatedAt: true } }),
    refused: workflowError, done: { type: 'workflow_updated' },
  },
  'AiWorkflowOrchestrationChannel#execute_workflow': {
    params: workflowOrchestration, data: () => ({ workflow_id: WORKFLOW }), reset: freshRuns, state: runsAndJobs,
    refused: workflowError, done: { type: 'workflow_execution_started' },
  },
  'AiConversationChannel#send_message': {
    params: conversation, data: () => ({ content: 'Ship it?' }),
    state: async () => [await t.db.aiMessage.count({ where: { conversation: { conversationId: CONVERSATION } } }), await jobs()],
    refused: conversationError, done: { type: 'ai_response_queued', status: 'queued' },
  },
  'AiConversationChannel#typing_indicator': {
    params: conversation, data: () => ({ typing: true }), state: jobs, writes: false,
    refused: conversationError, done: { type: 'typing_indicator', user_id: VIEWER, typing: true },
  },
  'TeamExecutionChannel#pause': teamCommand('pause'),
  'TeamExecutionChannel#resume': teamCommand('resume'),
  'TeamExecutionChannel#cancel': teamCommand('cancel'),
  'TeamExecutionChannel#redirect': teamCommand('redirect'),
  'CustomerChannel#update_customer_status': {
    params: { channel: 'CustomerChannel', account_id: ACCOUNT }, roles: ['admin'],
    data: () => ({ customer_id: MEMBER, status: 'suspended' }),
    reset: async () => void (await t.db.user.update({ where: { id: MEMBER }, data: { status: 'active' } })),
    state: () => t.db.user.findUniqueOrThrow({ where: { id: MEMBER }, select: { status: true, updatedAt: true } }),
    refused: (message) => ({ type: 'update_error', message: 'Failed to update customer status', errors: [message], timestamp: ANY_TIME }),
    done: { type: 'update_success', customer_id: MEMBER },
  },
  // Subscribing needs git.pipelines.logs already; the refused user loses it after subscribing (defence in depth).
  'GitJobLogsChannel#refresh': {
    params: GIT, reads: ['git.pipelines.logs'], data: () => ({}), state: jobs,
    refused: (message) => ({ type: 'log.error', job_id: GIT.job_id, payload: { error: message }, timestamp: ANY_TIME }),
  },
  'McpChannel#call_tool': mcpAction('tool'),
  'McpChannel#execute_workflow': mcpAction('workflow'),
  'McpChannel#execute_agent': mcpAction('agent'),
  'McpChannel#json_rpc_request tools/call': mcpMethod('tools/call', 'tool'),
  'McpChannel#json_rpc_request workflow/execute': mcpMethod('workflow/execute', 'workflow'),
  'McpChannel#json_rpc_request workflows/execute': mcpMethod('workflows/execute', 'workflow'),
  'McpChannel#json_rpc_request agent/execute': mcpMethod('agent/execute', 'agent'),
  'McpChannel#json_rpc_request agents/execute': mcpMethod('agents/execute', 'agent'),
};

/** Subscribe `identity` to the scenario's channel (dropping `revoke` afterwards) and return the client. */
async function subscribed(s: Scenario, identity: UserIdentity, revoke: readonly string[] = []): Promise<HarnessClient> {
  const client = await t.subscribed(identity, s.params);
  for (const name of revoke) (identity.permissions as Set<string>).delete(name);
  return client;
}

/** Perform the scenario's action (the json_rpc_request rows perform `json_rpc_request`); returns the new frames. */
async function perform(client: HarnessClient, s: Scenario, rule: WriteRule): Promise<unknown[]> {
  const before = client.received(s.params).length;
  await client.perform(s.params, rule.action.split(' ')[0] as string, s.data());
  await client.idle();
  return client.received(s.params).slice(before);
}

/** Refuse `rule` for a user holding `held` (plus the reads): one refusal frame, a warn line, nothing changed. */
async function expectRefused(rule: WriteRule, s: Scenario, held: readonly string[]): Promise<void> {
  await s.reset?.();
  const reads = s.reads ?? [];
  const revoke = reads.filter((p) => rule.permissions.includes(p));
  const client = await subscribed(s, viewer([...reads, ...held], s.roles), revoke);
  const state = await s.state();
  const lines = log.lines.length;
  const frames = await perform(client, s, rule);
  const missing = rule.permissions.filter((p) => !held.includes(p) || revoke.includes(p));
  expect(frames).toEqual([s.refused(`Permission denied: ${missing.join(', ')}`)]);
  expect(await s.state()).toEqual(state);
  const logged = log.lines.slice(lines);
  expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'action refused: permission missing', code: 'CABLE_ACTION_REFUSED' }));
  expect(logged.filter((l) => l.level === 'error')).toEqual([]);
}

const RULES = codeWriteRules();

describe('Who may write', () => {
  it('docs/channels.md lists exactly the write actions the code declares, with the same permissions', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/channels.md'), 'utf8');
    const documented = docWriteRules(doc).map((r) => `${ruleKey(r)} = ${[...r.permissions].sort().join(' + ')}`);
    const declared = RULES.map((r) => `${ruleKey(r)} = ${[...r.permissions].sort().join(' + ')}`);
    expect(documented.sort()).toEqual(declared.sort());
    expect(declared.length).toBeGreaterThanOrEqual(19);
  });

  it('has a scenario for every declared write action', () => {
    expect(RULES.map(ruleKey).filter((k) => !(k in SCENARIOS))).toEqual([]);
  });

  describe.each(RULES.map((r) => [ruleKey(r), r] as const))('%s', (key, rule) => {
    const s = SCENARIOS[key] as Scenario;

    it(`refuses a user without ${rule.permissions.join(' + ')}: error frame, warn log, nothing written, queued or broadcast`, async () => {
      await expectRefused(rule, s, []);
    });

    if (rule.permissions.length > 1) {
      it.each(rule.permissions.map((p) => [p]))('refuses a user holding only %s', async (only) => {
        await expectRefused(rule, s, [only]);
      });
    }

    it(`runs for a user holding ${rule.permissions.join(' + ')}`, async () => {
      await s.reset?.();
      const client = await subscribed(s, viewer([...(s.reads ?? []), ...rule.permissions], s.roles));
      const state = await s.state();
      const frames = await perform(client, s, rule);
      if (s.done) expect(frames).toContainEqual(expect.objectContaining(s.done));
      if (s.writes === false) expect(await s.state()).toEqual(state);
      else expect(await s.state()).not.toEqual(state);
    });
  });

  it('system.admin implies every write permission', async () => {
    const s = SCENARIOS['TeamExecutionChannel#pause'] as Scenario;
    await s.reset?.();
    const client = await subscribed(s, viewer(['system.admin']));
    const frames = await perform(client, s, { channel: 'TeamExecutionChannel', action: 'pause', permissions: ['ai.teams.execute'] });
    expect(frames).toContainEqual(expect.objectContaining({ type: 'command_acknowledged' }));
  });

  it('a zero-permission user cannot even subscribe where subscribing needs the permission (git logs): nothing queued', async () => {
    const before = await jobs();
    const client = await t.connect(viewer([]));
    expect(await client.subscribe(GIT)).toBe('reject_subscription');
    await client.perform(GIT, 'refresh');
    expect(await jobs()).toBe(before);
  });
});
