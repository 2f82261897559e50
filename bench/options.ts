// Command-line options of `npm run bench`: scenario, client counts, samples, concurrency, payload padding and
// worker processes. Pure parsing; no I/O besides reading argv.

/** The bench scenarios. */
export type Scenario = 'broadcast' | 'storm' | 'idle-memory' | 'many-streams' | 'abuse' | 'partial-frames';

/** Which servers to measure: ours, the bare-`ws` ceiling, or the Rails ActionCable peer (../shared/peers/actioncable-rails). */
export type TargetName = 'ours' | 'ceiling' | 'rails';

const TARGETS: readonly TargetName[] = ['ours', 'ceiling', 'rails'];

/** Everything a bench run is configured by. */
export interface BenchOptions {
  scenario: Scenario;
  clients: number[];
  samples: number;
  concurrent: number;
  padding: number;
  workers: number;
  targets: TargetName[];
  ceilingMode: 'frame' | 'send';
  connectWindow: number;
  smoke: boolean;
  profile: boolean;
  /** Broadcasts per POST /_broadcast in the many-streams scenario. */
  batch: number;
  /** Before each run, wait up to this many seconds for the rest of the machine to go quiet. */
  waitIdle: number;
  /** Our server: `app` (the compiled dist/src/main.js on a temporary SQLite database) or `bench` (synthetic store); default by tree. */
  server: 'app' | 'bench' | undefined;
  /** Runs per target and client count (alternating order); tables show the median run. */
  repeat: number;
  /** Processes of our server (2+ share one Redis: PUBSUB_ADAPTER=redis, clients split round-robin); the ceiling stays one. */
  nodes: number;
  out: string | undefined;
}

const SCENARIOS: readonly Scenario[] = ['broadcast', 'storm', 'idle-memory', 'many-streams', 'abuse', 'partial-frames'];

/** Parse argv (without node and script) into BenchOptions; throws with a usage hint on bad input. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const flags = readFlags(argv);
  const smoke = flags.has('smoke');
  const scenario = (flags.get('scenario') ?? 'broadcast') as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  const defaultClients = smoke ? '200' : scenario === 'broadcast' || scenario === 'partial-frames' ? '1000' : scenario === 'abuse' ? '1' : '10000';
  const targets = (flags.get('targets') ?? 'ours,ceiling').split(',') as TargetName[];
  if (targets.some((t) => !TARGETS.includes(t))) throw new Error(`--targets takes a list of ${TARGETS.join(', ')}`);
  return {
    scenario,
    clients: list(flags.get('clients') ?? defaultClients),
    samples: int(flags.get('samples') ?? (smoke ? '5' : '100'), 'samples'),
    concurrent: int(flags.get('concurrent') ?? '4', 'concurrent'),
    padding: int(flags.get('padding') ?? '200', 'padding', 0),
    workers: int(flags.get('workers') ?? '1', 'workers'),
    targets,
    ceilingMode: flags.get('ceiling-mode') === 'send' ? 'send' : 'frame',
    // A storm opens every client at once unless told otherwise.
    connectWindow: int(flags.get('connect-window') ?? (scenario === 'storm' ? String(Number.MAX_SAFE_INTEGER) : '500'), 'connect-window'),
    smoke,
    profile: flags.has('profile'),
    batch: int(flags.get('batch') ?? '100', 'batch'),
    waitIdle: int(flags.get('wait-idle') ?? '0', 'wait-idle', 0),
    repeat: int(flags.get('repeat') ?? '1', 'repeat'),
    nodes: int(flags.get('nodes') ?? '1', 'nodes'),
    server: serverFlag(flags.get('server')),
    out: flags.get('out'),
  };
}

/** Usage text printed for --help. */
export const USAGE = `npm run bench -- [--scenario broadcast|storm|idle-memory|many-streams|abuse|partial-frames] [--clients 1000,5000,10000]
  [--samples 100] [--concurrent 4] [--padding 200] [--workers 1] [--targets ours,ceiling[,rails]] [--ceiling-mode frame|send]
  [--connect-window 500] [--batch 100] [--wait-idle 0] [--repeat 1] [--nodes 1] [--server app|bench] [--profile] [--out file.json] [--smoke]`;

function readFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) flags.set(name, (i += 1, next));
    else flags.set(name, '');
  }
  return flags;
}

function serverFlag(raw: string | undefined): 'app' | 'bench' | undefined {
  if (raw === undefined || raw === 'app' || raw === 'bench') return raw;
  throw new Error('--server takes app or bench');
}

function int(raw: string, name: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
}

function list(raw: string): number[] {
  return raw.split(',').map((s) => int(s.trim(), 'clients'));
}
