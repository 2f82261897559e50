// Preload for measured servers (`node --import tsx --import ./bench/loop-delay.ts <server>`): samples event-loop
// delay with perf_hooks and, on SIGUSR2, prints `BENCH_LOOP {json}` with the delay since the previous report, after
// a full GC when --expose-gc is on (so RSS read right after is retained memory). Needs no server code changes.

import { isMainThread } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { LOOP_REPORT_PREFIX } from './messages';

/** One report: event-loop delay (ms) since the previous report, and memory after GC. */
export interface LoopReport {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  rss: number;
  heapUsed: number;
  /** V8 heap reserved (used, free and fragmented), off-heap memory V8 knows of, and the part of it in ArrayBuffers. */
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
  /** Committed bytes of each V8 heap space (new, old, code, large objects …), to tell where RSS beyond the used heap is. */
  spaces?: Record<string, number>;
}

const SETTLE_MS = 100;

function install(): void {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const snapshot = { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, meanMs: histogram.mean / 1e6 };
    (globalThis as { gc?: () => void }).gc?.();
    // The GC pause itself must not count against the next phase: let it pass, then start a clean histogram.
    setTimeout(() => {
      histogram.reset();
      const mem = process.memoryUsage();
      const report: LoopReport = { ...snapshot, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers, spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size])) };
      process.stdout.write(`${LOOP_REPORT_PREFIX}${JSON.stringify(report)}\n`);
    }, SETTLE_MS);
  });
}

if (isMainThread) install();
