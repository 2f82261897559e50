// Keeps docs/channels.md in step with the code (CHANNEL-RULES.md rule 7), for every channel of every section (ai,
// devops, platform, extension): each registered channel has its heading; every stream prefix the code builds
// (exported `…Stream(s)` builders, `…_STREAM` constants, literal `streamFrom(…)` names, streams publishers send to)
// and every exported `publish…` function is named in the channel's own part of the doc; and every event name those
// publishers put on the wire (`type`, `event` or `method`) is named there too. Nothing is listed by hand: the names
// come from the modules, and the event names from running each publisher against a recording broadcaster. Channels
// converted onto the catalog are skipped here: their tables are generated and checked by catalog.test.ts.

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
/**
 * Channels converted onto the channel catalog (src/channel/catalog.ts, `static events`): their event tables are
 * generated (`npm run catalog`) and checked by test/architecture/catalog.test.ts, so the probes below skip them.
 */
const CATALOGUED = new Set(channels.filter(isCatalogued).map((c) => c.channel));

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

/** `text` plus its shorthand spelled out: `a.{b,c}` → `a.b a.c`, `a.b/c` → `a.b a.c`. */
function expanded(text: string): string {
  const extra: string[] = [];
  for (const m of text.matchAll(/([\w.:]*)\{([\w.]+(?:,\s*[\w.]+)+)\}([\w.]*)/g)) {
    for (const alt of (m[2] ?? '').split(',')) extra.push(`${m[1]}${alt.trim()}${m[3]}`);
  }
  for (const m of text.matchAll(/\b([a-z_]+\.)([a-z_]+(?:\/[a-z_]+)+)/g)) {
    for (const alt of (m[2] ?? '').split('/')) extra.push(`${m[1]}${alt}`);
  }
  return `${text}\n${extra.join('\n')}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` names the publisher `name` (as `` `name` `` or `name(`). */
function namesPublisher(text: string, name: string): boolean {
  return text.includes(`\`${name}\``) || text.includes(`${name}(`);
}

/** Whether `text` names the event `name` (a whole name, or a prefix such as `ralph_loop.` built from an argument). */
function namesEvent(text: string, name: string): boolean {
  if (/[._:/]$/.test(name)) return text.includes(name);
  return new RegExp(`(?<![\\w.])${escape(name)}(?![\\w])`).test(text);
}

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

/** Streams that extend a `<prefix>:<…>` family named by another builder (only the family prefix must be named). */
function isFamilyMember(s: Built, all: Built[]): boolean {
  return all.some((k) => k.variable && k.prefix.endsWith(':') && k.prefix.length < s.prefix.length && s.prefix.startsWith(k.prefix));
}

/** What one publisher sent when run with stand-in arguments: stream names and wire event names. */
interface Probe {
  streams: Built[];
  events: string[];
}

/** Run `fn` with a recording broadcaster (also usable as services or side publisher) and stand-ins for the rest. */
async function record(fn: (...a: unknown[]) => unknown, mark: string): Promise<Array<[string, unknown]>> {
  const sent: Array<[string, unknown]> = [];
  const recorder: Record<string, unknown> = {
    gidApp: 'app',
    broadcast: async (stream: unknown, message: unknown) => void sent.push([String(stream), message]),
    publish: async (_channel: unknown, message: unknown) => void sent.push([mark, message]),
    db: placeholder(mark),
    jobs: placeholder(mark),
  };
  recorder.broadcaster = recorder;
  recorder.side = recorder;
  const args = [recorder, ...Array.from({ length: Math.max(fn.length - 1, 0) }, () => placeholder(mark))];
  try {
    await Promise.race([Promise.resolve().then(() => fn(...args)), new Promise((resolve) => setTimeout(resolve, 200).unref())]);
  } catch {
    // A publisher that cannot run on stand-ins (it parses a date, say) still has its name checked.
  }
  return sent;
}

/** The streams and event names (`type`, `event` or `method`; argument-built names by their literal prefix) `fn` sends. */
async function probe(fn: (...a: unknown[]) => unknown): Promise<Probe> {
  const [a, b] = [await record(fn, MARKS[0]), await record(fn, MARKS[1])];
  const streams: Built[] = [];
  const events: string[] = [];
  a.forEach(([stream, message], i) => {
    const [otherStream, other] = b[i] ?? ['', undefined];
    const one = built(stream, otherStream);
    if (one) streams.push(one);
    if (typeof message !== 'object' || message === null) return;
    for (const key of ['type', 'event', 'method']) {
      const x = (message as Record<string, unknown>)[key];
      const y = typeof other === 'object' && other !== null ? (other as Record<string, unknown>)[key] : undefined;
      if (typeof x !== 'string' || typeof y !== 'string') continue;
      const name = built(x, y);
      if (name) events.push(name.prefix);
      else if (x === y && x.length >= 2) events.push(x);
    }
  });
  return { streams, events };
}

// ---------------------------------------------------------------------------------------------------------------

describe('docs/channels.md', () => {
  it('has a section for every registered channel', () => {
    const missing = channels.map((c) => c.channel).filter((id) => !new RegExp(`^##+ ${escape(id)}(?![\\w:])`, 'm').test(doc));
    expect(missing).toEqual([]);
  });

  describe.each(SECTIONS)('%s section', (section) => {
    const text = sectionText(section);
    const modules = modulesOf(section);
    const textFor = (owner: string | null) => expanded(owner ? channelText(text, owner) : text);

    it('has a heading for every channel defined in the section', () => {
      const ids = modules.map((m) => channelIn(fs.readFileSync(m.file, 'utf8'))).filter((id): id is string => id !== null);
      const registered = new Set(channels.map((c) => c.channel));
      expect(ids.filter((id) => registered.has(id) && channelText(text, id) === '')).toEqual([]);
      expect(ids.length).toBeGreaterThan(3);
    });

    it("names every stream prefix the code builds in the channel's part", () => {
      const all = [...modulesOf('support'), ...SECTIONS.flatMap((s) => modulesOf(s))].flatMap(streamsBuiltBy);
      const missing: string[] = [];
      for (const m of modules.filter((x) => !x.owner || !CATALOGUED.has(x.owner))) {
        for (const s of streamsBuiltBy(m)) {
          if (!isFamilyMember(s, all) && !namesStream(textFor(m.owner), s)) missing.push(`${path.basename(m.file)}: ${s.prefix}${s.variable ? '<…>' : ''}`);
        }
      }
      expect([...new Set(missing)]).toEqual([]);
    });

    it("names every exported publisher, the events it sends and any stream it alone builds, in the channel's part", async () => {
      const known = [...modulesOf('support'), ...SECTIONS.flatMap((s) => modulesOf(s))].flatMap(streamsBuiltBy);
      const missing: string[] = [];
      let events = 0;
      let publishers = 0;
      for (const m of modules.filter((x) => !x.owner || !CATALOGUED.has(x.owner))) {
        const own = textFor(m.owner);
        for (const [name, fn] of Object.entries(m.exports)) {
          if (!name.startsWith('publish') || typeof fn !== 'function') continue;
          publishers++;
          if (!namesPublisher(own, name)) missing.push(`${path.basename(m.file)}: ${name}`);
          const sent = await probe(fn as (...a: unknown[]) => unknown);
          events += sent.events.length;
          for (const event of sent.events) if (!namesEvent(own, event)) missing.push(`${name}: event ${event}`);
          for (const s of sent.streams) {
            if (!known.some((k) => s.prefix.startsWith(k.prefix)) && !namesStream(own, s)) missing.push(`${name}: stream ${s.prefix}`);
          }
        }
      }
      expect([...new Set(missing)]).toEqual([]);
      // The probe works: checked on sections with no catalogued channel yet (a catalogued section's remaining
      // publishers are derived from its events, which validate and so refuse the probe's stand-ins).
      if (publishers > 0 && !modules.some((m) => m.owner && CATALOGUED.has(m.owner))) expect(events).toBeGreaterThan(5);
    });
  });

  it('names the support streams (job outbox) somewhere', () => {
    const missing = modulesOf('support').flatMap(streamsBuiltBy).filter((s) => !namesStream(doc, s));
    expect(missing).toEqual([]);
  });
});
