// Every pointer in README.md and docs/*.md resolves inside the repository: relative markdown links (and their
// #anchors, against the target's headings) and backticked repository paths (docs/, deploy/, src/, channels/, …).

import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const PATH_PREFIXES = ['docs/', 'deploy/', 'src/', 'channels/', 'test/', 'scripts/', 'bench/', 'prisma/', 'config/'];

/** The text of a markdown file without fenced code blocks (their `#` lines are not headings, their text no links). */
function prose(file: string): string {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, Set<string>>();
/** Anchors a markdown file defines: heading slugs (repeats get -1, -2, …) and explicit `id`/`name` attributes. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const text = prose(file);
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/\b(?:id|name)="([^"]+)"/g)) anchors.add(m[1] as string);
  anchorCache.set(file, anchors);
  return anchors;
}

interface Pointer {
  from: string;
  target: string;
}

/** Relative markdown links `[text](target)` of a file (external URLs and mail links skipped). */
function links(file: string): Pointer[] {
  return [...prose(file).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1] as string)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
    .map((target) => ({ from: file, target }));
}

/** Backticked spans that start with a repository folder, reduced to the path part (placeholders and globs cut off). */
function backtickedPaths(file: string): Pointer[] {
  const out: Pointer[] = [];
  for (const m of prose(file).matchAll(/`([^`\n]+)`/g)) {
    const first = (m[1] as string).trim().split(/\s+/)[0] as string;
    if (!PATH_PREFIXES.some((p) => first.startsWith(p))) continue;
    // `src/db/generated/<provider>`, `prisma/migrations/*/migration.sql`, `{sqlite,postgresql}`, `file.ts:12`, `a,`
    const cut = first.split('/').findIndex((seg) => /[<*{…$]/.test(seg));
    const kept = cut < 0 ? first : first.split('/').slice(0, cut).join('/') + '/';
    out.push({ from: file, target: kept.replace(/:\d+(-\d+)?$/, '').replace(/[),.;:]+$/, '') });
  }
  return out;
}

/** Why a pointer does not resolve, or null when it does. Paths are relative to the file (links) or the root (paths). */
function problem(p: Pointer, relativeTo: string): string | null {
  const [rawPath = '', anchor] = p.target.split('#');
  const filePath = decodeURIComponent(rawPath);
  const resolved = filePath === '' ? path.join(ROOT, p.from) : path.resolve(relativeTo, filePath);
  if (!resolved.startsWith(ROOT + path.sep) && resolved !== ROOT) return `${p.from}: ${p.target} points outside the repository`;
  const exists = fs.existsSync(resolved) || fs.existsSync(`${resolved}.ts`);
  if (!exists) return `${p.from}: ${p.target} does not exist`;
  if (anchor && resolved.endsWith('.md') && !anchorsOf(path.relative(ROOT, resolved)).has(anchor)) {
    return `${p.from}: ${p.target} names no heading of ${path.relative(ROOT, resolved)}`;
  }
  return null;
}

describe('README and docs pointers', () => {
  it('finds the documents', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/channels.md', 'docs/architecture.md', 'docs/deployment.md']));
  });

  it.each(DOCS)('%s: every relative link resolves (anchors to headings)', (file) => {
    const problems = links(file).map((l) => problem(l, path.dirname(path.join(ROOT, file))));
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it.each(DOCS)('%s: every backticked repository path exists', (file) => {
    const problems = backtickedPaths(file).map((p) => problem(p, ROOT));
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it('computes GitHub anchors', () => {
    expect(slug('Pub/sub and several nodes')).toBe('pubsub-and-several-nodes');
    expect(slug('Extended protocol (`actioncable-v1-ext-json`, AnyCable reliable streams)')).toBe('extended-protocol-actioncable-v1-ext-json-anycable-reliable-streams');
    expect(slug("The newer fork's additions")).toBe('the-newer-forks-additions');
  });
});
