// What the browser suites serve pages with: page scripts bundled by esbuild at test time (in memory), and a tiny
// static HTTP server on port 0 (its origin is what the cable's ALLOWED_ORIGINS is checked against).

import http from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

/** `test/browser/pages/<name>.ts` bundled for the browser with its npm imports (cached per run). */
export function bundlePage(name: string): Promise<string> {
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle = build({
      entryPoints: [path.join(__dirname, '..', 'pages', `${name}.ts`)],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      platform: 'browser',
      logLevel: 'silent',
    }).then((r) => (r.outputFiles[0] as { text: string }).text);
    bundles.set(name, bundle);
  }
  return bundle;
}

/** A route's answer: a body, or a handler for dynamic routes (e.g. a fresh token). */
export type Route = { type: string; body: string; status?: number } | ((url: URL) => { type: string; body: string; status?: number });

/** A running static server. */
export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serve `routes` (by path) on 127.0.0.1, port 0; anything else is 404. */
export async function serveStatic(routes: Record<string, Route>): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[url.pathname];
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    const answer = typeof route === 'function' ? route(url) : route;
    res.writeHead(answer.status ?? 200, { 'Content-Type': answer.type, 'Cache-Control': 'no-store' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** An HTML page that runs `script`. */
export function htmlPage(title: string, script: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><script src="${script}"></script></body></html>`;
}
