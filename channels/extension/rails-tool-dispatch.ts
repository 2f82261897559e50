// Forwarding `dispatch_tool` to the Rails API (RAILS_API_URL): the same POST the Ruby LlmProxyClient falls back to
// (`/api/v1/internal/ai/llm/dispatch_tool`, LlmProxyController#dispatch_tool), authenticated with a fresh worker JWT
// of the calling worker, and Rails' answer turned into the socket reply. Never logs or returns the token.

import type { RailsApi } from '../support/services';

/** The Rails endpoint, under the API base URL (worker/app/services/llm_proxy_client.rb `SERVER_TOOL_PATH`). */
export const DISPATCH_TOOL_PATH = '/api/v1/internal/ai/llm/dispatch_tool';

/** What the socket reply carries: `data:{result}` on success, else the error text. */
export type ForwardOutcome = { ok: true; data: { result: unknown } } | { ok: false; error: string };

/** The body Rails reads (`params[:agent_id]`, `params[:tool_call]`). */
export interface DispatchToolBody {
  agent_id: string;
  tool_call: Record<string, unknown>;
}

const fail = (error: string): ForwardOutcome => ({ ok: false, error });

/** POST the call to Rails as `workerId` and map the answer (status, body, timeout, network failure) to an outcome. */
export async function forwardDispatchTool(api: RailsApi, workerId: string, body: DispatchToolBody): Promise<ForwardOutcome> {
  const token = workerToken(api, workerId);
  if (!token) return fail('cannot forward: no signing key for worker tokens');
  let status: number;
  let text: string;
  try {
    const res = await fetch(`${api.url}${DISPATCH_TOOL_PATH}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      // One deadline for connecting, the answer and its body, under the Ruby client's 30 s request timeout.
      signal: AbortSignal.timeout(api.timeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    return fail(isTimeout(err) ? 'Rails API timed out' : 'Rails API unreachable');
  }
  return outcomeOf(status, text);
}

/** Rails' ApiResponse shapes: 2xx `{success:true, data:{result}}`; otherwise `{success:false, error}` when it has one. */
export function outcomeOf(status: number, text: string): ForwardOutcome {
  const body = parseObject(text);
  const answered = `Rails API answered ${status}`;
  if (!body) return fail(answered);
  if (status >= 200 && status < 300 && body.success === true) {
    const data = body.data !== null && typeof body.data === 'object' ? (body.data as Record<string, unknown>) : {};
    return { ok: true, data: { result: data.result ?? null } };
  }
  return fail(typeof body.error === 'string' && body.error !== '' ? body.error : answered);
}

/** A fresh token for `workerId`, or null when the server cannot sign one (a key that does not load counts too). */
function workerToken(api: RailsApi, workerId: string): string | null {
  try {
    return api.workerToken(workerId);
  } catch {
    return null;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** AbortSignal.timeout rejects fetch (or the body read) with a `TimeoutError` DOMException. */
function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}
