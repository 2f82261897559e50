// The operator dashboard's page script (bundled with @rails/actioncable by scripts/build-dashboard.mjs into
// dist/dashboard/app.js, inlined by GET /dashboard). It subscribes OperatorChannel over the cable with the token the
// server put in #cable-config and renders each `snapshot`; the chart is inline SVG. No other request is made.

import { createConsumer } from '@rails/actioncable';

interface Config {
  cablePath: string;
  token: string;
  who: string;
}

type Counts = Record<string, number>;
interface Point {
  t: number;
  deliveriesPerSecond: number;
  broadcastsPerSecond: number;
  fanoutP95Ms: number | null;
}
interface Snapshot {
  at: string;
  connections: { user: number; worker: number; pending: number };
  identities: number;
  accounts: number;
  streams: number;
  deliveries: number;
  pendingBroadcasts: number;
  pubsubHealthy: boolean;
  database: boolean | null;
  uptimeSeconds: number;
  broadcasts: Counts;
  subscriptions: Counts;
  disconnects: Counts;
  authFailures: Counts;
  rejectedSubscriptions: Counts;
  recentRejections: Array<{ at: string; channel: string; who?: string }>;
  series: Point[];
  byAccount: Array<{ accountId: string; user: number; worker: number }>;
  byIdentity: Array<{ kind: 'user' | 'worker'; id: string; name: string; accountId: string; sockets: number }>;
  busiestStreams: Array<{ stream: string; subscribers: number; broadcasts: number }>;
}

interface Subscription {
  perform(action: string, data?: Record<string, unknown>): void;
}

const config = JSON.parse(document.getElementById('cable-config')?.textContent ?? '{}') as Config;
// The credential may be in the address bar (`?token=`): keep it out of the history and of screenshots.
history.replaceState(null, '', location.pathname);

type Child = Node | string | number | null | undefined | false;

/** A DOM element with attributes and children. */
function h(tag: string, attrs: Record<string, string | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

const app = document.getElementById('app') as HTMLElement;
const status = h('span', { class: 'pill wait', 'data-status': 'connecting' }, 'connecting');
const updated = h('span', { class: 'muted' });
const body = h('div', { class: 'grid' });
const notice = h('p', { class: 'notice', role: 'status' });
app.append(
  h('header', {}, h('h1', {}, 'Cable dashboard'), status, h('span', { class: 'muted' }, `signed in with ${config.who}`), updated),
  notice,
  body,
);

let subscription: Subscription | undefined;

function setStatus(kind: 'live' | 'wait' | 'down', text: string): void {
  status.className = `pill ${kind}`;
  status.dataset.status = kind === 'live' ? 'live' : text;
  status.textContent = text;
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 }));

function uptime(s: number): string {
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${hh}h` : hh > 0 ? `${hh}h ${mm}m` : mm > 0 ? `${mm}m ${s % 60}s` : `${s}s`;
}

function card(label: string, value: string | number, key: string, tone = ''): HTMLElement {
  return h('div', { class: `card ${tone}` }, h('div', { class: 'value', 'data-figure': key }, typeof value === 'number' ? fmt(value) : value), h('div', { class: 'label' }, label));
}

function health(ok: boolean | null): [string, string] {
  return ok === null ? ['n/a', ''] : ok ? ['up', 'ok'] : ['down', 'bad'];
}

/** A long id or stream name shortened for a table cell, whole in its tooltip. */
function short(text: string, max = 13): HTMLElement {
  return h('code', { title: text }, text.length > max ? `${text.slice(0, max - 5)}…${text.slice(-4)}` : text);
}

/** A titled table; `rows` empty → one "none" line. */
function table(title: string, key: string, head: string[], rows: Child[][], wide = false): HTMLElement {
  const tbody = h('tbody', {}, ...(rows.length > 0 ? rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c)))) : [h('tr', {}, h('td', { colspan: String(head.length), class: 'muted' }, 'none'))]));
  return h('section', { class: wide ? 'panel wide' : 'panel', 'data-table': key }, h('h2', {}, title), h('table', {}, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', {}, t)))), tbody));
}

const entries = (c: Counts) => Object.entries(c).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** A line chart of `values` over the series' time span, as inline SVG. */
function chart(title: string, key: string, series: Point[], pick: (p: Point) => number | null, unit: string): HTMLElement {
  const W = 560;
  const H = 150;
  const pad = { l: 44, r: 8, t: 10, b: 20 };
  const pts = series.map((p) => [p.t, pick(p)] as const);
  const values = pts.flatMap(([, v]) => (v === null ? [] : [v]));
  const max = Math.max(1e-9, ...values) * 1.15 || 1;
  const t0 = pts[0]?.[0] ?? 0;
  const t1 = pts[pts.length - 1]?.[0] ?? 1;
  const x = (t: number) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    svg.append(el);
  };
  for (const f of [0, 0.5, 1]) {
    add('line', { x1: pad.l, x2: W - pad.r, y1: y(max * f), y2: y(max * f), class: 'gridline' });
    add('text', { x: pad.l - 6, y: y(max * f) + 4, class: 'axis', 'text-anchor': 'end' }, fmt(Math.round(max * f * 100) / 100));
  }
  const minutes = Math.round((t1 - t0) / 60000);
  add('text', { x: W - pad.r, y: H - 4, class: 'axis', 'text-anchor': 'end' }, pts.length > 1 ? `last ${minutes < 1 ? `${Math.round((t1 - t0) / 1000)} s` : `${minutes} min`}` : 'waiting for data');
  let d = '';
  let pen = 'M';
  for (const [t, v] of pts) {
    if (v === null) pen = 'M';
    else {
      d += `${pen}${x(t).toFixed(1)},${y(v).toFixed(1)} `;
      pen = 'L';
    }
  }
  if (d) add('path', { d: d.trim(), class: 'line' });
  const last = [...pts].reverse().find(([, v]) => v !== null)?.[1];
  return h('section', { class: 'panel chart', 'data-chart': key }, h('h2', {}, title, h('span', { class: 'now', 'data-figure': key }, last === undefined || last === null ? '—' : `${fmt(last)} ${unit}`)), svg);
}

function disconnectButton(kind: 'user' | 'worker', id: string): HTMLElement {
  return h('button', { class: 'danger', 'data-disconnect': `${kind}:${id}`, onclick: () => requestDisconnect(kind, id, true) }, 'Disconnect');
}

function requestDisconnect(kind: 'user' | 'worker', id: string, reconnect: boolean): void {
  if (!subscription || !id) return;
  subscription.perform('disconnect', kind === 'user' ? { user_id: id, reconnect } : { worker_id: id, reconnect });
  notice.textContent = `disconnect of ${kind} ${id} requested…`;
}

function disconnectForm(): HTMLElement {
  const kind = h('select', { name: 'kind' }, h('option', { value: 'user' }, 'user'), h('option', { value: 'worker' }, 'worker')) as HTMLSelectElement;
  const id = h('input', { name: 'id', placeholder: 'user or worker id', required: 'required' }) as HTMLInputElement;
  const reconnect = h('input', { type: 'checkbox', name: 'reconnect', checked: 'checked' }) as HTMLInputElement;
  const form = h('form', { class: 'disconnect', 'data-form': 'disconnect' }, kind, id, h('label', {}, reconnect, ' may reconnect'), h('button', { type: 'submit', class: 'danger' }, 'Disconnect'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    requestDisconnect(kind.value as 'user' | 'worker', id.value.trim(), reconnect.checked);
  });
  return h('section', { class: 'panel' }, h('h2', {}, 'Disconnect a user or worker'), h('p', { class: 'muted' }, 'Closes its sockets on every node, as POST /_disconnect does.'), form);
}

const form = disconnectForm();

function render(s: Snapshot): void {
  const [pubsub, pubsubTone] = health(s.pubsubHealthy);
  const [db, dbTone] = health(s.database);
  updated.textContent = `updated ${new Date(s.at).toLocaleTimeString('en-GB')}`;
  body.replaceChildren(
    h(
      'div',
      { class: 'cards' },
      card('users', s.connections.user, 'user'),
      card('workers', s.connections.worker, 'worker'),
      card('pending', s.connections.pending, 'pending'),
      card('identities', s.identities, 'identities'),
      card('accounts', s.accounts, 'accounts'),
      card('streams', s.streams, 'streams'),
      card('deliveries', s.deliveries, 'deliveries'),
      card('pub/sub', pubsub, 'pubsub', pubsubTone),
      card('database', db, 'database', dbTone),
      card('uptime', uptime(s.uptimeSeconds), 'uptime'),
    ),
    h('div', { class: 'charts' }, chart('Deliveries per second', 'deliveries-rate', s.series, (p) => p.deliveriesPerSecond, '/s'), chart('Fan-out p95', 'fanout-p95', s.series, (p) => p.fanoutP95Ms, 'ms')),
    h(
      'div',
      { class: 'tables' },
      table('Connected users and workers', 'identities', ['kind', 'id', 'name', 'account', 'sockets', ''], s.byIdentity.map((i) => [i.kind, short(i.id), i.name, short(i.accountId), i.sockets, disconnectButton(i.kind, i.id)]), true),
      table('Connections by account', 'accounts', ['account', 'users', 'workers'], s.byAccount.map((a) => [short(a.accountId, 24), a.user, a.worker])),
      table('Subscriptions per channel', 'subscriptions', ['channel', 'subscriptions'], entries(s.subscriptions).map(([c, n]) => [c, n])),
      table('Busiest streams', 'streams', ['stream', 'broadcasts', 'subscribers'], s.busiestStreams.map((b) => [short(b.stream, 30), b.broadcasts, b.subscribers])),
      table('Disconnects by reason', 'disconnects', ['reason', 'count'], entries(s.disconnects).map(([r, n]) => [r, n])),
      table('Refused connections by reason', 'auth-failures', ['reason', 'count'], entries(s.authFailures).map(([r, n]) => [r, n])),
      table('Recent rejected subscriptions', 'rejections', ['time', 'channel', 'who'], s.recentRejections.map((r) => [new Date(r.at).toLocaleTimeString('en-GB'), r.channel, r.who ? short(r.who, 22) : '—'])),
      table('Broadcasts by source', 'broadcasts', ['source', 'count'], entries(s.broadcasts).map(([r, n]) => [r, n])),
      form,
    ),
  );
}

const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const consumer = createConsumer(`${scheme}//${location.host}${config.cablePath}?token=${encodeURIComponent(config.token)}`);
subscription = consumer.subscriptions.create(
  { channel: 'OperatorChannel' },
  {
    connected: () => setStatus('live', 'live'),
    disconnected: () => setStatus('wait', 'reconnecting'),
    rejected: () => {
      setStatus('down', 'refused');
      notice.textContent = 'OperatorChannel refused the subscription (system.admin required).';
    },
    received: (data: { type: string; snapshot?: Snapshot; kind?: string; id?: string; message?: string }) => {
      if (data.type === 'snapshot' && data.snapshot) render(data.snapshot);
      else if (data.type === 'disconnect_requested') notice.textContent = `disconnect of ${data.kind} ${data.id} sent.`;
      else if (data.type === 'error') notice.textContent = data.message ?? 'error';
    },
  },
) as Subscription;
