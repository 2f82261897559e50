// Builds dist/index.mjs (ESM) and dist/index.cjs (CommonJS) with esbuild, for browsers and Node. The server's
// channel classes are reached only through `import type`, which esbuild erases, so the bundle holds the client and
// nothing of the server; the transports (@rails/actioncable, @anycable/core) stay external: the app's bundler or
// Node resolves them.

import { build } from 'esbuild';

const here = (p) => new URL(p, import.meta.url).pathname;

/** The options the client is built with (client/test/bundle.test.ts bundles with them too). */
export const buildOptions = {
  entryPoints: [here('./src/index.ts')],
  bundle: true,
  platform: 'neutral',
  target: 'es2020',
  external: ['@rails/actioncable', '@anycable/core'],
  logLevel: 'warning',
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await build({ ...buildOptions, format: 'esm', outfile: here('./dist/index.mjs'), sourcemap: true });
  await build({ ...buildOptions, format: 'cjs', outfile: here('./dist/index.cjs'), sourcemap: true });
}
