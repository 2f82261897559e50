// Where an idle connection's memory goes (issue 22): starts our server as the idle-memory scenario does (the compiled
// dist/src/main.js on the bench's seeded SQLite database and limits), opens N authenticated clients from load-worker
// child processes, each subscribed to the scenario's two channels, and has the server write a heap snapshot before
// and after (each after a full GC). Then it prints, per connection, what the second snapshot holds more than the first by
// constructor (objects, closures, contexts, arrays, strings), who holds the biggest groups, and strings present once
// per connection or per subscription.
//
//   npx tsx bench/profile-memory.ts [--clients 3000] [--workers 2] [--keep] [--top 40] [--no-snapshots]
//   npx tsx bench/profile-memory.ts --analyze before.heapsnapshot after.heapsnapshot --per 3000
//
// Snapshots go to .bench/heap/ (removed afterwards unless --keep).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killAll, killChildrenOnExit, ROOT } from './children';
import { LoadGroup } from './load-group';
import { BENCHMARK_IDENTIFIER } from './scenario-broadcast';
import { serverSetup } from './server-setup';
import { startTarget } from './target';

interface Args {
  clients: number;
  workers: number;
  keep: boolean;
  /** Memory figures only (a heap snapshot makes the process grow, which the RSS figure would count). */
  snapshots: boolean;
  top: number;
  analyze?: [string, string];
  per?: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const a = argv.indexOf('--analyze');
  return {
    clients: Number(get('clients') ?? 3000),
    workers: Number(get('workers') ?? 2),
    keep: argv.includes('--keep'),
    snapshots: !argv.includes('--no-snapshots'),
    top: Number(get('top') ?? 40),
    analyze: a >= 0 ? [argv[a + 1] as string, argv[a + 2] as string] : undefined,
    per: get('per') ? Number(get('per')) : undefined,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function profile(args: Args): Promise<void> {
  killChildrenOnExit();
  const setup = await serverSetup('app');
  const dir = path.join(ROOT, '.bench', 'heap');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.heapsnapshot')) fs.rmSync(path.join(dir, f));
  // The server exactly as the bench runs it (dist/src/main.js with the bench's preload and limits), plus a heap
  // snapshot on SIGUSR1 (V8 collects garbage before it writes one).
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR1 --diagnostic-dir=${dir}`.trim();
  const target = await startTarget('ours', { ceilingMode: 'frame', setup, nodes: 1 });
  delete process.env.NODE_OPTIONS;
  const pid = target.pids[0] as number;
  const url = target.urls[0] as string;
  const identifiers = [BENCHMARK_IDENTIFIER, setup.accountIdentifier];
  try {
    // Warm-up: first-use work (query compilers, JIT, lazily built tables) is not a connection's cost.
    const warm = new LoadGroup(50, 1);
    await warm.open({ urls: [url], tokens: setup.tokens, identifiers, window: 50, timeoutMs: 60_000 });
    await warm.close();
    await sleep(1500);
    const before = await target.report();
    const anonBefore = rssAnon(pid);
    const a = args.snapshots ? await snapshot(pid, target.httpUrl, dir, 'before') : undefined;
    const load = new LoadGroup(args.clients, args.workers);
    const opened = await load.open({ urls: [url], tokens: setup.tokens, identifiers, window: 500, timeoutMs: 60_000 });
    if (opened.failed > 0) process.stderr.write(`${opened.failed} clients failed: ${opened.errors.join('; ')}\n`);
    await sleep(7000); // as the idle-memory scenario: ping ticks and auth re-checks on idle sockets
    const after = await target.report();
    const anonAfter = rssAnon(pid);
    const b = args.snapshots ? await snapshot(pid, target.httpUrl, dir, 'after') : undefined;
    const n = opened.confirmed;
    const kb = (x: number) => (x / n / 1024).toFixed(2);
    const d = (f: (r: typeof after) => number | undefined) => kb((f(after) ?? 0) - (f(before) ?? 0));
    process.stdout.write(
      `${n} connections, per connection: RSS ${d((r) => r.procRss)} KB, heap used ${d((r) => r.heapUsed)} KB, heap total ${d((r) => r.heapTotal)} KB, external ${d((r) => r.external)} KB (array buffers ${d((r) => r.arrayBuffers)} KB); anonymous RSS ${kb(anonAfter.all - anonBefore.all)} KB (of which the brk heap ${kb(anonAfter.brk - anonBefore.brk)} KB)\n`,
    );
    await load.close();
    await target.stop();
    const spaces = Object.keys(after.spaces ?? {}).map((name) => `${name} ${kb((after.spaces?.[name] ?? 0) - (before.spaces?.[name] ?? 0))}`);
    process.stdout.write(`resident per connection by V8 heap space (KB): ${spaces.join(', ')}\n`);
    if (!a || !b) return;
    analyze(a, b, n, args.top);
    if (!args.keep) for (const f of [a, b]) fs.rmSync(f, { force: true });
  } finally {
    killAll();
  }
}

/** Anonymous resident memory of `pid`, bytes: in all, and in the brk heap (glibc's main malloc arena). */
function rssAnon(pid: number): { all: number; brk: number } {
  let all = 0;
  let brk = 0;
  let inBrk = false;
  let anonymous = false;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      inBrk = head[2] === '[heap]';
      anonymous = head[1] === '0' && (head[2] === '' || head[2] === '[heap]' || (head[2] ?? '').startsWith('[anon'));
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && anonymous) {
      all += Number(rss[1]) * 1024;
      if (inBrk) brk += Number(rss[1]) * 1024;
    }
  }
  return { all, brk };
}

/** Ask the server for a heap snapshot and wait until it is written (the server answers HTTP again after). */
async function snapshot(pid: number, httpUrl: string, dir: string, name: string): Promise<string> {
  const known = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR1');
  for (;;) {
    await sleep(500);
    const fresh = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !known.has(f));
    if (!fresh) continue;
    await fetch(`${httpUrl}/health`);
    const file = path.join(dir, `${name}.heapsnapshot`);
    fs.renameSync(path.join(dir, fresh), file);
    return file;
  }
}

// ---- heap snapshot reading ----

interface Snapshot {
  nodeFields: number;
  nodes: Uint32Array | number[];
  edges: Uint32Array | number[];
  edgeFields: number;
  strings: string[];
  nodeTypes: string[];
  edgeTypes: string[];
  /** Index of the fields inside a node / edge record. */
  f: { type: number; name: number; selfSize: number; edgeCount: number; eType: number; eName: number; eTo: number };
}

function load(file: string): Snapshot {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const m = raw.snapshot.meta;
  return {
    nodeFields: m.node_fields.length,
    edgeFields: m.edge_fields.length,
    nodes: raw.nodes,
    edges: raw.edges,
    strings: raw.strings,
    nodeTypes: m.node_types[0],
    edgeTypes: m.edge_types[0],
    f: {
      type: m.node_fields.indexOf('type'),
      name: m.node_fields.indexOf('name'),
      selfSize: m.node_fields.indexOf('self_size'),
      edgeCount: m.node_fields.indexOf('edge_count'),
      eType: m.edge_fields.indexOf('type'),
      eName: m.edge_fields.indexOf('name_or_index'),
      eTo: m.edge_fields.indexOf('to_node'),
    },
  };
}

/** The group a node is counted in: constructor name for objects, the function name for closures, the kind otherwise. */
function keyOf(s: Snapshot, i: number): string {
  const type = s.nodeTypes[s.nodes[i + s.f.type] as number] as string;
  const name = s.strings[s.nodes[i + s.f.name] as number] as string;
  switch (type) {
    case 'object':
      return name;
    case 'closure':
      return `closure ${name || '(anonymous)'}`;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return `(${type})`;
    case 'number':
      return '(heap number)';
    case 'array':
    case 'hidden':
    case 'code':
    case 'native':
    case 'synthetic':
    case 'object shape':
      return `(${type}) ${name.replace(/\s+/g, ' ').slice(0, 60)}`;
    default:
      return `(${type}) ${name.slice(0, 40)}`;
  }
}

function totals(s: Snapshot): Map<string, { count: number; size: number }> {
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < s.nodes.length; i += s.nodeFields) {
    const key = keyOf(s, i);
    const t = out.get(key) ?? { count: 0, size: 0 };
    t.count += 1;
    t.size += s.nodes[i + s.f.selfSize] as number;
    out.set(key, t);
  }
  return out;
}

/** For every node, the node index and edge name of one strong retainer (the first one met). */
function retainers(s: Snapshot): { from: Int32Array; edge: Int32Array } {
  const count = s.nodes.length / s.nodeFields;
  const from = new Int32Array(count).fill(-1);
  const edge = new Int32Array(count).fill(-1);
  const weak = s.edgeTypes.indexOf('weak');
  const shortcut = s.edgeTypes.indexOf('shortcut');
  let e = 0;
  for (let i = 0; i < s.nodes.length; i += s.nodeFields) {
    const edges = s.nodes[i + s.f.edgeCount] as number;
    for (let k = 0; k < edges; k += 1, e += s.edgeFields) {
      const t = s.edges[e + s.f.eType] as number;
      if (t === weak || t === shortcut) continue;
      const to = (s.edges[e + s.f.eTo] as number) / s.nodeFields;
      if (from[to] === -1) {
        from[to] = i / s.nodeFields;
        edge[to] = e;
      }
    }
  }
  return { from, edge };
}

function edgeName(s: Snapshot, e: number): string {
  const type = s.edgeTypes[s.edges[e + s.f.eType] as number];
  const n = s.edges[e + s.f.eName] as number;
  if (type === 'element' || type === 'hidden') return `[${n}]`;
  return String(s.strings[n]);
}

export function analyze(fileA: string, fileB: string, per: number, top = 40): void {
  const a = load(fileA);
  const ta = totals(a);
  const b = load(fileB);
  const tb = totals(b);
  const rows = [...tb].map(([key, t]) => {
    const base = ta.get(key) ?? { count: 0, size: 0 };
    return { key, count: (t.count - base.count) / per, size: (t.size - base.size) / per };
  });
  const total = rows.reduce((n, r) => n + r.size, 0);
  rows.sort((x, y) => y.size - x.size);
  const out: string[] = [];
  out.push(`\nheap growth per connection: ${(total / 1024).toFixed(2)} KB (${per} connections)\n`);
  out.push('| group | objects/conn | bytes/conn |');
  out.push('|---|---|---|');
  for (const r of rows.slice(0, top)) out.push(`| ${r.key.replace(/\|/g, '\\|')} | ${r.count.toFixed(2)} | ${r.size.toFixed(0)} |`);
  // Who holds the biggest groups (one strong retainer per node: its group and the edge name).
  const { from, edge } = retainers(b);
  const interesting = new Set(rows.slice(0, Math.min(top, 30)).filter((r) => r.count >= 0.5).map((r) => r.key));
  const holders = new Map<string, Map<string, { count: number; size: number }>>();
  for (let i = 0; i < b.nodes.length; i += b.nodeFields) {
    const key = keyOf(b, i);
    if (!interesting.has(key)) continue;
    const idx = i / b.nodeFields;
    const r = from[idx] as number;
    const via = r < 0 ? '(root)' : `${keyOf(b, r * b.nodeFields)} .${edgeName(b, edge[idx] as number)}`;
    const m = holders.get(key) ?? new Map<string, { count: number; size: number }>();
    const t = m.get(via) ?? { count: 0, size: 0 };
    t.count += 1;
    t.size += b.nodes[i + b.f.selfSize] as number;
    m.set(via, t);
    holders.set(key, m);
  }
  out.push('\nheld by (one retainer per object, in the second snapshot; groups with ≥ 0.5 per connection):');
  for (const r of rows.slice(0, 30)) {
    const m = holders.get(r.key);
    if (!m) continue;
    const list = [...m].sort((x, y) => y[1].size - x[1].size).slice(0, 6);
    out.push(`  ${r.key}:`);
    for (const [via, t] of list) if (t.count >= per / 4) out.push(`      ${(t.count / per).toFixed(2)}×  ${(t.size / per).toFixed(0)} B  ← ${via}`);
  }
  // Strings present about once per connection or per subscription.
  const strings = new Map<string, { count: number; size: number }>();
  const stringTypes = new Set(['string', 'concatenated string', 'sliced string'].map((t) => b.nodeTypes.indexOf(t)));
  for (let i = 0; i < b.nodes.length; i += b.nodeFields) {
    if (!stringTypes.has(b.nodes[i + b.f.type] as number)) continue;
    const value = (b.strings[b.nodes[i + b.f.name] as number] as string).slice(0, 80);
    const t = strings.get(value) ?? { count: 0, size: 0 };
    t.count += 1;
    t.size += b.nodes[i + b.f.selfSize] as number;
    strings.set(value, t);
  }
  const dup = [...strings].filter(([, t]) => t.count >= per / 2).sort((x, y) => y[1].size - x[1].size).slice(0, 25);
  out.push('\nstrings held about once per connection or more (value, copies per connection, bytes per connection):');
  for (const [value, t] of dup) out.push(`  ${(t.count / per).toFixed(2)}×  ${(t.size / per).toFixed(0)} B  ${JSON.stringify(value)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.analyze) return analyze(args.analyze[0], args.analyze[1], args.per ?? 1, args.top);
  process.stdout.write(`profile-memory: ${args.clients} clients, ${args.workers} workers; ${os.cpus().length} CPUs, node ${process.version}\n`);
  await profile(args);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
