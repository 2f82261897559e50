// The files under deploy/ checked against what the repository itself runs, since no image can be built here: the
// same entry as `npm start` and the process test, the build through `npm ci`, a health check that passes against a
// live server, settings that pass loadConfig, dashboard queries on exported metric names only, WebSocket proxying.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { EnvSchema } from '../../config/schema';
import { dataDirFor } from '../../config/secret';
import { SCHEMA_FILE } from '../../src/db/column-check';
import { MIGRATIONS_DIR } from '../../src/db/migrate';
import { PROJECT_ROOT } from '../../src/project-root';
import { startTestCable, type TestCable } from '../support/test-cable';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const json = <T>(file: string) => JSON.parse(read(file)) as T;
const pkg = json<{ scripts: Record<string, string>; dependencies: Record<string, string> }>('package.json');
const buildConfig = json<{ extends?: string; include: string[]; compilerOptions: { outDir: string; rootDir: string } }>('tsconfig.build.json');

/** The server process: `npm start` is `exec node dist/src/main.js`. */
const ENTRY = pkg.scripts.start!.replace(/^exec\s+/, '').split(/\s+/);
/** Placeholder secrets for settings that production requires. */
const SECRETS = { JWT_SECRET_KEY: 'placeholder-jwt-secret-0123456789', BROADCAST_KEY: 'placeholder-broadcast-key' };
const PRODUCTION = loadConfig({ NODE_ENV: 'production', ...SECRETS });
/** What shutdown takes at most: CABLE_SHUTDOWN_TIMEOUT_MS plus the second main.ts allows for closing. */
const DRAIN_MS = PRODUCTION.cable.shutdownTimeoutMs + 1000;

const seconds = (value: string): number => {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
};

// ---------------------------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  image: string;
  name: string;
  steps: Instruction[];
}

/** Stages of a Dockerfile: comment lines dropped, continuations joined, global ARG defaults substituted in FROM. */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', rest = ''] = /^\s*(\w+)\s+(.*)$/.exec(line) ?? [];
    const instruction = { op: op.toUpperCase(), args: rest.trim() };
    if (instruction.op === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = instruction.args.split('=');
      args.set(name, value);
    } else if (instruction.op === 'FROM') {
      const [image = '', , name = ''] = instruction.args.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '').split(/\s+/);
      stages.push({ image, name: name || String(stages.length), steps: [] });
    } else stages[stages.length - 1]?.steps.push(instruction);
  }
  return stages;
}

const stages = parseDockerfile(read('deploy/Dockerfile'));
const runtime = stages[stages.length - 1] as Stage;
const stepsOf = (stage: Stage, op: string) => stage.steps.filter((s) => s.op === op);
const one = (stage: Stage, op: string) => {
  const found = stepsOf(stage, op);
  if (found.length !== 1) throw new Error(`stage ${stage.name}: expected one ${op}, found ${found.length}`);
  return (found[0] as Instruction).args;
};
/** The shell commands of a RUN (BuildKit flags such as --mount dropped), split at `&&`. */
const commands = (run: string) => run.replace(/^(--\S+\s+)*/, '').split('&&').map((c) => c.trim().split(/\s+/));
const allCommands = (stage: Stage) => stepsOf(stage, 'RUN').flatMap((r) => commands(r.args));
/** COPY sources and destination, with `--from=<stage>` when present. */
function copies(stage: Stage): Array<{ from?: string; sources: string[]; dest: string }> {
  return stepsOf(stage, 'COPY').map((c) => {
    const words = c.args.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const plain = words.filter((w) => !w.startsWith('--'));
    return { from, sources: plain.slice(0, -1).map((s) => s.replace(/\/$/, '')), dest: plain[plain.length - 1] as string };
  });
}
/** Whether the stage copies `file` from the build context (directly or inside a copied folder). */
const copiesFromContext = (stage: Stage, file: string) =>
  copies(stage).some((c) => !c.from && c.sources.some((s) => s === '.' || file === s || file.startsWith(`${s}/`)));
/** The stage and the stages it is built FROM, nearest first. */
function ancestry(stage: Stage): Stage[] {
  const parent = stages.find((s) => s.name === stage.image);
  return parent ? [stage, ...ancestry(parent)] : [stage];
}
/** The working directory a stage runs in (its own WORKDIR or the one it inherits). */
const workdir = (stage: Stage) => ancestry(stage).flatMap((s) => stepsOf(s, 'WORKDIR').reverse())[0]?.args ?? '/';

describe('deploy/Dockerfile', () => {
  const build = stages.find((s) => allCommands(s).some((c) => c.join(' ') === 'npm ci')) as Stage;
  const prodDeps = stages.find((s) => allCommands(s).some((c) => c[0] === 'npm' && c[1] === 'ci' && c.includes('--omit=dev'))) as Stage;

  it('runs exactly the entry of npm start and of the process test, from the runtime stage', () => {
    expect(JSON.parse(one(runtime, 'CMD'))).toEqual(ENTRY);
    expect(read('test/integration/process.test.ts')).toContain(`spawnProc(process.execPath, ${JSON.stringify(ENTRY.slice(1)).replace(/"/g, "'")}`);
    // tsc -p tsconfig.build.json puts src/main.ts there.
    const { outDir, rootDir } = buildConfig.compilerOptions;
    expect(path.posix.join(outDir, path.posix.relative(rootDir, 'src/main.ts')).replace(/\.ts$/, '.js')).toBe(ENTRY[1]);
  });

  it('builds in a stage that runs plain `npm ci` (postinstall: Prisma clients + tsc) with everything postinstall reads', () => {
    expect(build).toBeDefined();
    expect(pkg.scripts.postinstall).toBe('node scripts/postinstall.mjs');
    expect(read('scripts/postinstall.mjs')).toContain('tsconfig.build.json');
    const needed = ['package.json', 'package-lock.json', 'scripts/postinstall.mjs', 'scripts/prisma-generate.mjs', 'prisma/schema.prisma', 'prisma.config.ts', 'tsconfig.build.json', ...(buildConfig.extends ? [path.posix.normalize(buildConfig.extends)] : []), ...buildConfig.include];
    expect(needed.filter((f) => !copiesFromContext(build, f))).toEqual([]);
    // better-sqlite3 compiles from source where no prebuilt binary is reachable.
    const hasToolchain = (stage: Stage) => ancestry(stage).some((s) => allCommands(s).some((c) => c.includes('apt-get') && ['python3', 'make', 'g++'].every((t) => c.includes(t))));
    expect(hasToolchain(build)).toBe(true);
    expect(hasToolchain(prodDeps)).toBe(true);
  });

  it('installs production dependencies without scripts and rebuilds every native addon the server loads', () => {
    expect(prodDeps).toBeDefined();
    const cmds = allCommands(prodDeps).map((c) => c.join(' '));
    expect(cmds).toContain('npm ci --omit=dev --ignore-scripts');
    const rebuilt = allCommands(prodDeps).filter((c) => c[0] === 'npm' && c[1] === 'rebuild').flatMap((c) => c.slice(2));
    // Install scripts the runtime does not need: the root postinstall ran in the build stage; engines and the legacy
    // client generation are unused (the generated clients use the wasm query compiler of @prisma/client/runtime);
    // the Prisma CLI and tsx's esbuild are not used by `node dist/src/main.js`.
    const unneeded = new Set(['', 'node_modules/@prisma/engines', 'node_modules/@prisma/client', 'node_modules/prisma', 'node_modules/esbuild']);
    const lock = json<{ packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }> }>('package-lock.json');
    const scripted = Object.entries(lock.packages).filter(([key, p]) => p.hasInstallScript && !p.dev && !unneeded.has(key)).map(([key]) => key.replace(/^.*node_modules\//, ''));
    expect(scripted).toContain('better-sqlite3');
    expect(scripted.filter((name) => !rebuilt.includes(name))).toEqual([]);
  });

  it('does not regenerate Prisma clients for production: they are generated into the compiled tree', () => {
    const schema = read('prisma/schema.prisma');
    expect(schema).toMatch(/engineType\s*=\s*"client"/);
    const output = /output\s*=\s*"([^"]+)"/.exec(schema)?.[1] as string;
    const generated = path.posix.normalize(path.posix.join('prisma', output));
    expect(buildConfig.include.some((dir) => generated.startsWith(`${dir}/`))).toBe(true);
    const fromBuild = copies(runtime).filter((c) => c.from === build.name).flatMap((c) => c.sources);
    expect(fromBuild).toContain(`${workdir(build)}/${buildConfig.compilerOptions.outDir}`);
    expect(copies(runtime).filter((c) => c.from === prodDeps.name).flatMap((c) => c.sources)).toContain(`${workdir(prodDeps)}/node_modules`);
  });

  it('ships what the server reads at runtime beside dist/: package.json (project root), schema, migrations', () => {
    const runtimeFiles = ['package.json', path.relative(PROJECT_ROOT, SCHEMA_FILE), path.relative(PROJECT_ROOT, MIGRATIONS_DIR)];
    expect(runtimeFiles.filter((f) => !copiesFromContext(runtime, f))).toEqual([]);
  });

  it('runs slim, as a non-root user, in production mode, with the SQLite default directory writable', () => {
    expect(runtime.image).toMatch(/^node:\d+-\w+-slim$/);
    expect(allCommands(runtime).filter((c) => c.includes('apt-get') || c[0] === 'npm')).toEqual([]);
    const user = one(runtime, 'USER');
    expect(['root', '0', '']).not.toContain(user.split(':')[0]);
    expect(stepsOf(runtime, 'ENV').map((e) => e.args).join(' ')).toMatch(/\bNODE_ENV=production\b/);
    const chown = allCommands(runtime).find((c) => c[0] === 'chown') as string[];
    expect(chown[1]?.split(':')[0]).toBe(user);
    const dataDir = dataDirFor(EnvSchema.parse({}).DATABASE_URL, workdir(runtime));
    expect(path.posix.resolve(workdir(runtime), chown[2] as string)).toBe(dataDir);
  });

  it('exposes the default port and stops with SIGTERM, which the server drains on', () => {
    expect(one(runtime, 'EXPOSE')).toBe(String(PRODUCTION.port));
    expect(one(runtime, 'STOPSIGNAL')).toBe('SIGTERM');
    expect(read('src/main.ts')).toContain("process.on('SIGTERM'");
  });

  describe('HEALTHCHECK', () => {
    const check = one(runtime, 'HEALTHCHECK');
    const argv = JSON.parse(check.slice(check.indexOf('CMD') + 3).trim()) as string[];
    const run = (port: number) =>
      new Promise<number>((resolve) => {
        const child = execFile(process.execPath, argv.slice(1), { env: { ...process.env, PORT: String(port) }, timeout: 10_000 });
        child.on('exit', (code) => resolve(code ?? -1));
      });
    let cable: TestCable;
    let stopped = false;
    beforeAll(async () => {
      cable = await startTestCable();
    });
    afterAll(async () => {
      if (!stopped) await cable?.stop();
    });

    it('is node itself (slim images have no curl), on the liveness path, with the exposed port as default', () => {
      expect(argv[0]).toBe('node');
      expect(argv.join(' ')).toMatch(/\/health\b/);
      expect(/\|\|\s*(\d+)/.exec(argv.join(' '))?.[1]).toBe(one(runtime, 'EXPOSE'));
    });

    it('passes against a running server and fails where nothing listens', async () => {
      expect(await run(cable.port)).toBe(0);
      const port = cable.port;
      await cable.stop();
      stopped = true;
      expect(await run(port)).toBe(1);
    });
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^\/|\/$/g, ''));
  const ignored = (file: string) => patterns.some((p) => file === p || file.startsWith(`${p}/`));

  it('keeps local installs, builds, databases and git out of the context, and nothing the Dockerfile copies', () => {
    expect(['node_modules', 'dist', 'data', '.git', 'src/db/generated'].filter((f) => !ignored(f))).toEqual([]);
    const sources = stages.flatMap((s) => copies(s).filter((c) => !c.from).flatMap((c) => c.sources));
    expect(sources.filter(ignored)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// docker-compose.yml

type Yaml = string | Yaml[] | { [key: string]: Yaml };

/** The YAML subset the compose file is written in: block maps, block lists of scalars, JSON-style flow lists. */
function parseYaml(text: string): Yaml {
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  const scalar = (s: string): Yaml => (s.startsWith('"') || s.startsWith('[') ? (JSON.parse(s) as Yaml) : s.startsWith("'") ? s.slice(1, -1) : s);
  const block = (indent: number): Yaml => {
    if (lines[i]?.text.startsWith('- ')) {
      const list: Yaml[] = [];
      while (lines[i]?.indent === indent && lines[i]?.text.startsWith('- ')) list.push(scalar((lines[i++] as { text: string }).text.slice(2)));
      return list;
    }
    const map: Record<string, Yaml> = {};
    while (lines[i]?.indent === indent) {
      const m = /^([\w.-]+):(?:\s+(.+))?$/.exec((lines[i++] as { text: string }).text);
      if (!m) throw new Error(`unsupported YAML line: ${lines[i - 1]?.text}`);
      const next = lines[i];
      map[m[1] as string] = m[2] !== undefined ? scalar(m[2]) : next && next.indent > indent ? block(next.indent) : '';
    }
    return map;
  };
  const doc = block(0);
  if (i !== lines.length) throw new Error(`unsupported YAML near: ${lines[i]?.text}`);
  return doc;
}

/** Compose variable interpolation (`${X}`, `${X:-default}`, `${X:?error}`) with `vars`; a missing required one throws. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, arg = '') => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (kind === '?') throw new Error(`${name}: ${arg}`);
    return kind === '-' ? arg : '';
  });
}

const compose = parseYaml(read('deploy/docker-compose.yml')) as Record<string, Record<string, Record<string, Yaml>>>;
const services = compose.services as Record<string, Record<string, Yaml>>;
const cableService = services.cable as Record<string, Yaml>;
const cableEnv = cableService.environment as Record<string, string>;
const required = Object.entries(cableEnv).filter(([, v]) => /\$\{\w+:\?/.test(v)).map(([k]) => k);
const envWith = (vars: Record<string, string>) => Object.fromEntries(Object.entries(cableEnv).map(([k, v]) => [k, interpolate(v, vars)]));

describe('deploy/docker-compose.yml', () => {
  it('builds the image from the repository root with deploy/Dockerfile and keeps its CMD', () => {
    const build = cableService.build as Record<string, string>;
    const context = path.resolve(ROOT, 'deploy', build.context as string);
    expect(context).toBe(ROOT);
    expect(path.relative(ROOT, path.resolve(context, build.dockerfile as string))).toBe('deploy/Dockerfile');
    expect(cableService.command).toBeUndefined();
    expect(cableService.entrypoint).toBeUndefined();
  });

  it('passes loadConfig with placeholder secrets: production, PostgreSQL migrated at boot, Redis pub/sub, all interfaces', () => {
    const config = loadConfig(envWith(SECRETS));
    expect(config.env).toBe('production');
    expect(config.host).toBe('0.0.0.0');
    expect(config.database.url).toMatch(/^postgres:\/\//);
    expect(config.database.autoMigrate).toBe(true);
    expect(config.pubsub.adapter).toBe('redis');
    expect(config.pubsub.channelPrefix).toBe('powernode_cable');
    expect((cableService.ports as string[]).map((p) => p.split(':').pop())).toContain(String(config.port));
  });

  it('marks exactly the settings production requires as required', () => {
    let missing: string[] = [];
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (err) {
      missing = err instanceof ConfigError ? err.issues.map((i) => i.variable) : [];
    }
    expect(missing.length).toBeGreaterThan(0);
    expect([...required].sort()).toEqual([...missing].sort());
    for (const name of required) expect(() => envWith({ ...SECRETS, [name]: '' })).toThrow(name);
  });

  it('waits for healthy PostgreSQL 16 and Redis 7 reached at the hosts its URLs name', () => {
    const env = envWith(SECRETS);
    const db = new URL(env.DATABASE_URL as string);
    const redis = new URL(env.REDIS_URL as string);
    const dependsOn = cableService.depends_on as Record<string, Record<string, string>>;
    for (const [host, image] of [
      [db.hostname, /^postgres:16\b/],
      [redis.hostname, /^redis:7\b/],
    ] as const) {
      const service = services[host] as Record<string, Yaml>;
      expect(service.image).toMatch(image);
      expect((service.healthcheck as Record<string, Yaml>).test).toBeDefined();
      expect(dependsOn[host]?.condition).toBe('service_healthy');
    }
    const pg = (services[db.hostname] as Record<string, Record<string, string>>).environment as Record<string, string>;
    expect([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]).toEqual([db.username, db.password, db.pathname.slice(1)]);
  });

  it('gives the drain time to finish before Docker kills the container', () => {
    expect(cableService.stop_signal ?? 'SIGTERM').toBe('SIGTERM');
    expect(seconds(cableService.stop_grace_period as string) * 1000).toBeGreaterThanOrEqual(DRAIN_MS);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// systemd unit

describe('deploy/powernode-cable.service', () => {
  const unit: Record<string, string[]> = {};
  for (const line of read('deploy/powernode-cable.service').split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m) (unit[m[1] as string] ??= []).push((m[2] as string).trim());
  }
  const value = (key: string) => unit[key]?.slice(-1)[0] ?? '';

  it('runs `node dist/src/main.js` in the checkout as a plain service with the settings file', () => {
    expect(value('Type')).toBe('simple');
    const argv = value('ExecStart').split(/\s+/);
    expect([path.basename(argv[0] as string), ...argv.slice(1)]).toEqual(ENTRY);
    expect(path.isAbsolute(argv[0] as string)).toBe(true);
    expect(path.isAbsolute(value('WorkingDirectory'))).toBe(true);
    expect(value('EnvironmentFile').replace(/^-/, '')).toBe('/etc/powernode-cable.env');
    expect(['', 'root', '0']).not.toContain(value('User'));
  });

  it('stops with SIGTERM, waits for the drain, restarts on failure, allows a descriptor per socket', () => {
    expect(value('KillSignal')).toBe('SIGTERM');
    expect(seconds(value('TimeoutStopSec')) * 1000).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(value('Restart')).toBe('on-failure');
    expect(Number(value('LimitNOFILE'))).toBeGreaterThanOrEqual(65536);
  });

  it('hardens without breaking V8, and leaves the SQLite default directory writable', () => {
    expect(value('NoNewPrivileges')).toBe('true');
    expect(value('MemoryDenyWriteExecute')).not.toMatch(/^(true|yes|1)$/);
    if (value('ProtectSystem') === 'strict') {
      const writable = (unit.ReadWritePaths ?? []).flatMap((v) => v.split(/\s+/)).map((p) => p.replace(/^-/, ''));
      expect(writable).toContain(dataDirFor(EnvSchema.parse({}).DATABASE_URL, value('WorkingDirectory')));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// nginx

describe('deploy/nginx.conf', () => {
  const conf = read('deploy/nginx.conf').replace(/#[^\n]*/g, '');
  const location = (p: string) => new RegExp(`location\\s+(?:=\\s+)?${p.replace(/\//g, '\\/')}\\s*\\{([^}]*)\\}`).exec(conf)?.[1] ?? '';
  const cable = location(PRODUCTION.cable.path);

  it('upgrades WebSockets on the cable path', () => {
    expect(conf).toMatch(/map\s+\$http_upgrade\s+\$connection_upgrade\s*\{\s*default\s+upgrade;\s*''\s+close;\s*\}/);
    expect(cable).toMatch(/proxy_pass\s+http:\/\/\S+;/);
    expect(cable).toMatch(/proxy_http_version\s+1\.1;/);
    expect(cable).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    expect(cable).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
    // Same-origin requests are recognised from Host.
    expect(cable).toMatch(/proxy_set_header\s+Host\s+\$host;/);
  });

  it('passes the client address the way the trusted-proxy walk reads it', () => {
    expect(cable).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;/);
    expect(read('src/server/client-address.ts')).toContain("'x-forwarded-for'");
    expect(read('deploy/nginx.conf')).toContain('CABLE_TRUSTED_PROXIES');
  });

  it('keeps idle sockets open far longer than the ping interval', () => {
    for (const directive of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const v = new RegExp(`${directive}\\s+(\\w+);`).exec(cable)?.[1] as string;
      expect(seconds(v) * 1000).toBeGreaterThanOrEqual(10 * PRODUCTION.cable.pingIntervalMs);
    }
  });

  it('terminates TLS 1.2+ and forwards readiness', () => {
    expect(conf).toMatch(/listen\s+443\s+ssl/);
    expect(conf).toMatch(/ssl_certificate\s+\S+;/);
    expect(conf).toMatch(/ssl_certificate_key\s+\S+;/);
    expect(/ssl_protocols\s+([^;]+);/.exec(conf)?.[1]?.split(/\s+/).sort()).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(location('/ready')).toMatch(/proxy_pass/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every setting the deployment files and guide name is a real one

describe('settings named in deploy/ and docs/deployment.md', () => {
  const known = new Set(Object.keys(EnvSchema.shape));
  const files = ['deploy/Dockerfile', 'deploy/docker-compose.yml', 'deploy/powernode-cable.service', 'deploy/nginx.conf', 'docs/deployment.md'];
  it.each(files)('%s names only settings config/schema.ts defines', (file) => {
    const names = read(file).match(/\b(?:(?:CABLE|DATABASE|JWT|PUBSUB|SOLID_CABLE|METRICS|BROADCAST|ALLOWED|RAILS_API|LOG|GLOBALID)_[A-Z0-9_]+|REDIS_URL|NODE_ENV)\b/g) ?? [];
    expect([...new Set(names)].filter((n) => !known.has(n))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Grafana dashboard

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  gridPos: { x: number; w: number };
  targets?: Array<{ expr: string }>;
}
const dashboard = json<{ schemaVersion: number; panels: Panel[]; templating: { list: Array<{ name: string; type: string; definition?: string; query: string | { query: string } }> } }>('deploy/grafana-dashboard.json');

/** PromQL words that are not metric names. */
const PROMQL = new Set(
  'sum min max avg count stddev stdvar topk bottomk quantile count_values group rate irate increase delta deriv histogram_quantile abs clamp clamp_min clamp_max ceil floor round sort sort_desc time vector scalar label_replace label_join absent changes resets predict_linear avg_over_time min_over_time max_over_time sum_over_time count_over_time quantile_over_time last_over_time by without on ignoring group_left group_right and or unless bool offset inf nan'.split(' '),
);

/** Metric names an expression reads: strings, label matchers, ranges and label lists removed, PromQL words skipped. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return (bare.match(/[A-Za-z_:][\w:]*/g) ?? []).filter((w) => !PROMQL.has(w.toLowerCase()));
}

describe('deploy/grafana-dashboard.json', () => {
  let exported: Set<string>;
  let families: string[];
  beforeAll(async () => {
    const cable = await startTestCable();
    try {
      const text = await (await fetch(`${cable.httpUrl}/metrics`)).text();
      exported = new Set();
      families = [];
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        families.push(name as string);
        const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
        for (const s of suffixes) exported.add(`${name}${s}`);
      }
    } finally {
      await cable.stop();
    }
  });

  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('is a current-schema dashboard on a Prometheus data source variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')).toMatchObject({ name: 'datasource', query: 'prometheus' });
    expect(panels.filter((p) => p.datasource?.uid !== '${datasource}').map((p) => p.title)).toEqual([]);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.panels.filter((p) => p.gridPos.x + p.gridPos.w > 24).map((p) => p.title)).toEqual([]);
  });

  it('queries only metric names the server exports (with _bucket/_sum/_count and prom-client defaults)', () => {
    expect(exprs.length).toBeGreaterThan(20);
    const unknown = exprs.flatMap(({ panel, expr }) => {
      const names = metricNames(expr);
      return names.length === 0 ? [`${panel}: no metric in ${expr}`] : names.filter((n) => !exported.has(n)).map((n) => `${panel}: ${n}`);
    });
    const variables = dashboard.templating.list
      .filter((v) => v.type === 'query')
      .flatMap((v) => [typeof v.query === 'string' ? v.query : v.query.query, ...(v.definition ? [v.definition] : [])])
      .map((q) => /label_values\(\s*([\w:]+)/.exec(q)?.[1] ?? `unparsed: ${q}`);
    expect([...unknown, ...variables.filter((n) => !exported.has(n))]).toEqual([]);
  });

  it('charts every cable metric', () => {
    const used = new Set(exprs.flatMap(({ expr }) => metricNames(expr)).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    expect(families.filter((n) => n.startsWith('cable_') && !used.has(n))).toEqual([]);
  });
});
