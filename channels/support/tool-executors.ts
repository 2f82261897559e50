// The tool-executor registry: which connected workers execute `Ai::AgentToolDispatchJob` outbox jobs (they subscribe
// WorkerDataChannel with `tool_executor: true`). In-process, so registration is per node; with several nodes,
// RAILS_API_URL is the recommended path for tool calls (docs/channels.md, WorkerToolDispatchChannel).

import type { AppServices } from './services';

/** A worker subscribed as a tool executor. */
export interface ToolExecutor {
  workerId: string;
  accountId: string;
  isSystem: boolean;
}

/** The workers registered on this node, scoped like the jobs: system workers for every account, others for their own. */
export class ToolExecutorRegistry {
  private readonly executors = new Set<ToolExecutor>();

  /** Register one subscription of `executor`; returns the function that removes exactly that registration. */
  register(executor: ToolExecutor): () => void {
    const entry = { ...executor };
    this.executors.add(entry);
    return () => void this.executors.delete(entry);
  }

  /** Whether a registered worker executes tool calls of `accountId`. */
  servesAccount(accountId: string): boolean {
    for (const e of this.executors) if (e.isSystem || e.accountId === accountId) return true;
    return false;
  }

  /** Registrations held (a worker with two executor subscriptions counts twice). */
  get size(): number {
    return this.executors.size;
  }
}

/** The registry of `services`, created on first use (test harnesses build services without one). */
export function toolExecutorsOf(services: AppServices): ToolExecutorRegistry {
  return (services.toolExecutors ??= new ToolExecutorRegistry());
}
