// Keeps docs/channels.md in step with the code (CHANNEL-RULES.md rule 7): every registered channel is on the
// channel catalog (src/channel/catalog.ts), whose event tables in docs/channels.md are generated and checked by
// catalog.test.ts; each registered channel has its heading in its section; and the job outbox streams of
// channels/support are named. The stream and publisher probes that served channels not yet on the catalog are gone
// with the last of them.

import fs from 'node:fs';
import path from 'node:path';
import { channels } from '../../channels';
import { isCatalogued } from '../../src/channel/index';

const ROOT = path.resolve(__dirname, '../..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/channels.md'), 'utf8');
const SECTIONS = ['ai', 'devops', 'platform', 'extension'] as const;
type Section = (typeof SECTIONS)[number];

/** An argument stand-in: where it ends up in a string it leaves `mark` (as a number it is 0, so loops end). */
type Any = ((...args: unknown[]) => Any) & Record<PropertyKey, unknown>;
function placeholder(mark: string): Any {
  const arg: Any = new Proxy(function stand() {} as unknown as Any, {
    get(_target, key) {
      if (key === Symbol.toPrimitive) return (hint: string) => (hint === 'number' ? 0 : mark);
      if (key === 'toString' || key === 'valueOf' || key === 'toJSON') return () => mark;
      if (key === Symbol.iterator) return function* empty() {};
      if (key === 'length') return 0;
      if (key === 'then') return undefined;
      return arg;
    },
    apply: () => arg,
    construct: () => arg,
    has: () => false,
  });
  return arg;
}
/** Two runs with different stand-ins tell literal text (the same in both) from argument-derived text. */
const MARKS = ['\u2063', '\u2064'] as const;
// ---------------------------------------------------------------------------------------------------------------
// What the doc says

/** The text between `<!-- <section>:start -->` and `<!-- <section>:end -->`. */
function sectionText(section: Section): string {
  const start = doc.indexOf(`<!-- ${section}:start -->`);
  const end = doc.indexOf(`<!-- ${section}:end -->`);
  if (start < 0 || end < start) throw new Error(`docs/channels.md has no ${section} section markers`);
  return doc.slice(start, end);
}

/** The part of `text` under the heading `### <identifier>` (up to the next heading of level 2 or 3). */
function channelText(text: string, identifier: string): string {
  const heading = new RegExp(`^###? ${identifier}\\b.*$`, 'm').exec(text);
  if (!heading) return '';
  const rest = text.slice(heading.index + heading[0].length);
  const next = /^#{2,3} /m.exec(rest);
  return heading[0] + (next ? rest.slice(0, next.index) : rest);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` names the stream built as `prefix<argument>…` (`` `prefix<…>` ``, `` `prefix{…}` ``) or the constant. */
function namesStream(text: string, stream: Built): boolean {
  if (!stream.variable) return text.includes(`\`${stream.prefix}\``) || text.includes(`\`${stream.prefix} `);
  return new RegExp(`\`${escape(stream.prefix)}[<{*]`).test(text);
}

// ---------------------------------------------------------------------------------------------------------------
// What the code defines

/** A stream name the code builds: its literal prefix, and whether a value follows. */
interface Built {
  prefix: string;
  variable: boolean;
}

/**
 * The stream two runs built (`a` and `b` differ only where an argument went in): the common prefix, cut back to its
 * last separator when a value follows (so `notification:<encoded gid>` gives `notification:`); null when too short.
 */
function built(a: string, b: string): Built | null {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const variable = i < a.length || i < b.length;
  let prefix = a.slice(0, i);
  if (variable) prefix = prefix.slice(0, Math.max(...[':', '_', '-', '/', '.'].map((sep) => prefix.lastIndexOf(sep))) + 1);
  return prefix.length >= 3 ? { prefix, variable } : null;
}

/** Call `fn` once per stand-in (`first` replaces the first argument when given); the results pair up. */
function twice<T>(fn: (...a: unknown[]) => T, arity: number, first?: () => unknown): [T, T] {
  const run = (mark: string) => fn(...Array.from({ length: arity }, (_v, i) => (i === 0 && first ? first() : placeholder(mark))));
  return [run(MARKS[0]), run(MARKS[1])];
}

/** One channels/<dir> module: its file, exports, and the channel it belongs to (null: the whole section). */
interface Module {
  file: string;
  exports: Record<string, unknown>;
  owner: string | null;
}

/** The protocol `channel` name a channel file declares. */
function channelIn(source: string): string | null {
  return /static override channel = '(\w+)'/.exec(source)?.[1] ?? null;
}

/** The modules of a section, each assigned to the channel whose file name it extends (`mission-events` → MissionChannel). */
function modulesOf(section: Section | 'support'): Module[] {
  const dir = path.join(ROOT, 'channels', section);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  const bases = files
    .map((f) => ({ stem: f.replace(/\.ts$/, ''), id: channelIn(fs.readFileSync(path.join(dir, f), 'utf8')) }))
    .filter((c): c is { stem: string; id: string } => c.id !== null)
    .map((c) => ({ base: c.stem.replace(/-channel$/, ''), id: c.id }))
    .sort((a, b) => b.base.length - a.base.length);
  return files.map((f) => {
    const stem = f.replace(/\.ts$/, '');
    const owner = bases.find((c) => stem === c.base || stem.startsWith(`${c.base}-`))?.id ?? null;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { file: path.join(dir, f), exports: require(path.join(dir, f)) as Record<string, unknown>, owner };
  });
}

/** The streams a module's exported builders and constants produce, and the literal names its channel streams from. */
function streamsBuiltBy(m: Module): Built[] {
  const out: Built[] = [];
  for (const [name, value] of Object.entries(m.exports)) {
    if (typeof value === 'function' && /Streams?$/.test(name)) {
      const [a, b] = twice(value as (...x: unknown[]) => unknown, value.length).map((r) => [r].flat());
      a?.forEach((s, i) => {
        const t = b?.[i];
        const one = typeof s === 'string' && typeof t === 'string' ? built(s, t) : null;
        if (one) out.push(one);
      });
    } else if (typeof value === 'string' && /_STREAM$/.test(name)) {
      out.push({ prefix: value, variable: false });
    }
  }
  const source = fs.readFileSync(m.file, 'utf8');
  for (const hit of source.matchAll(/streamFrom\(\s*(['`])([^'`$]*)(\$\{)?/g)) {
    if ((hit[2] ?? '').length >= 3) out.push({ prefix: hit[2] ?? '', variable: hit[3] !== undefined });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

describe('docs/channels.md', () => {
  it('has every registered channel on the catalog (its events: catalog.test.ts)', () => {
    expect(channels.filter((c) => !isCatalogued(c)).map((c) => c.channel)).toEqual([]);
  });

  it('has a section for every registered channel', () => {
    const missing = channels.map((c) => c.channel).filter((id) => !new RegExp(`^##+ ${escape(id)}(?![\\w:])`, 'm').test(doc));
    expect(missing).toEqual([]);
  });

  describe.each(SECTIONS)('%s section', (section) => {
    const text = sectionText(section);
    const modules = modulesOf(section);

    it('has a heading for every channel defined in the section', () => {
      const ids = modules.map((m) => channelIn(fs.readFileSync(m.file, 'utf8'))).filter((id): id is string => id !== null);
      const registered = new Set(channels.map((c) => c.channel));
      expect(ids.filter((id) => registered.has(id) && channelText(text, id) === '')).toEqual([]);
      expect(ids.length).toBeGreaterThan(3);
    });
  });

  it('names the support streams (job outbox) somewhere', () => {
    const missing = modulesOf('support').flatMap(streamsBuiltBy).filter((s) => !namesStream(doc, s));
    expect(missing).toEqual([]);
  });
});
