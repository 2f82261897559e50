// Enforces the dependency rules of docs/architecture.md by reading every import specifier of the source tree: the
// rules between config/, src/ and channels/, the confinement of third-party I/O libraries, and the layers inside src/.

import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  file: string;
  spec: string;
  typeOnly: boolean;
  target: string | null;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : walk(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function edges(): Edge[] {
  const files = ['src', 'channels', 'config'].flatMap((d) => walk(path.join(ROOT, d)));
  return files.flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const out: Edge[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[3] ?? m[4] ?? m[5]) as string;
      const target = spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), spec)) : null;
      out.push({ file: path.relative(ROOT, file), spec, typeOnly: Boolean(m[2]), target });
    }
    return out;
  });
}

const all = edges();
const from = (prefix: string) => all.filter((e) => e.file.startsWith(prefix));
const violations = (list: Edge[]) => list.map((e) => `${e.file} → ${e.spec}`);

/** The layers of src/, bottom first: a module may import its own folder and lower layers only (docs/architecture.md). */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['src/errors', 'src/project-root'],
  ['src/log', 'src/protocol'],
  ['src/pubsub', 'src/auth', 'src/metrics'],
  ['src/broker', 'src/db', 'src/hub'],
  ['src/channel'],
  ['src/connection'],
  ['src/server', 'src/http'],
  ['src/testing'],
  ['src/main'],
];

/** The layer of a path under src/ (its top folder or file). */
function layerOf(target: string): { unit: string; rank: number } | undefined {
  const unit = target.split('/').slice(0, 2).join('/');
  const rank = LAYERS.findIndex((layer) => layer.includes(unit));
  return rank < 0 ? undefined : { unit, rank };
}

describe('import rules (docs/architecture.md)', () => {
  it('every module of src/ belongs to a layer', () => {
    const unplaced = [...new Set(from('src/').map((e) => e.file.replace(/\.ts$/, '').split('/').slice(0, 2).join('/')))].filter((u) => !layerOf(u));
    expect(unplaced).toEqual([]);
  });

  it('src/ imports only its own folder and lower layers', () => {
    const upward = from('src/').filter((e) => {
      const own = layerOf(e.file.replace(/\.ts$/, ''));
      const dep = e.target?.startsWith('src/') ? layerOf(e.target) : undefined;
      return own && dep && dep.unit !== own.unit && dep.rank >= own.rank;
    });
    expect(violations(upward)).toEqual([]);
  });

  it('config/ imports only zod, node built-ins and itself', () => {
    expect(violations(from('config/').filter((e) => !(e.spec === 'zod' || e.spec.startsWith('node:') || e.target?.startsWith('config'))))).toEqual([]);
  });

  it('src/protocol is pure: it imports only errors and itself', () => {
    expect(violations(from('src/protocol/').filter((e) => !(e.target === 'src/errors' || e.target?.startsWith('src/protocol'))))).toEqual([]);
  });

  it('src/ never imports channels/, except main.ts', () => {
    expect(violations(from('src/').filter((e) => e.file !== 'src/main.ts' && e.target?.startsWith('channels')))).toEqual([]);
  });

  it('channels/ see only the framework surface, identity helpers and database types', () => {
    const allowed = (e: Edge) =>
      !e.target ||
      e.target.startsWith('channels') ||
      e.target === 'src/channel/index' ||
      e.target === 'src/auth/identity' ||
      (e.target === 'src/db/prisma' && e.typeOnly);
    expect(violations(from('channels/').filter((e) => !allowed(e)))).toEqual([]);
  });

  it('confines ws to src/server, ioredis to src/pubsub/redis.ts and jsonwebtoken to src/auth/jwt.ts', () => {
    const bad = all.filter(
      (e) =>
        (e.spec === 'ws' && !e.file.startsWith('src/server/')) ||
        (e.spec === 'ioredis' && e.file !== 'src/pubsub/redis.ts') ||
        (e.spec === 'jsonwebtoken' && e.file !== 'src/auth/jwt.ts') ||
        ((e.spec === 'koa' || e.spec === '@koa/router') && !e.file.startsWith('src/http/')),
    );
    expect(violations(bad)).toEqual([]);
  });

  it('creates PrismaClient only in src/db/prisma.ts', () => {
    const files = ['src', 'channels', 'config', 'scripts'].flatMap((d) => walk(path.join(ROOT, d)));
    const offenders = files.filter((f) => /new\s+PrismaClient\b/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(offenders.filter((f) => f !== 'src/db/prisma.ts')).toEqual([]);
  });

  it('the http layer and the cable meet only in main.ts', () => {
    expect(violations(from('src/http/').filter((e) => e.target && /^src\/(server|connection|hub)/.test(e.target)))).toEqual([]);
    expect(violations(from('src/server/').filter((e) => e.target?.startsWith('src/http')))).toEqual([]);
  });
});
