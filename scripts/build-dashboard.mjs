// Bundles the operator dashboard (dashboard/app.ts with @rails/actioncable, dashboard/app.css) into dist/dashboard/
// with esbuild, minified: GET /dashboard inlines both, so the page needs nothing from the network but the cable.
// Run by `npm run build`, postinstall and prestart (when dist/dashboard is older than dashboard/).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundle the dashboard into `outdir` (default dist/dashboard); resolves to the output sizes in bytes. */
export async function buildDashboard(outdir = path.join(ROOT, 'dist', 'dashboard')) {
  const esbuild = await import('esbuild');
  const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', absWorkingDir: ROOT, metafile: true };
  const js = await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'dashboard', 'app.ts')], outfile: path.join(outdir, 'app.js'), format: 'iife', target: 'es2020', platform: 'browser' });
  const css = await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'dashboard', 'app.css')], outfile: path.join(outdir, 'app.css') });
  const size = (r) => Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { js: size(js), css: size(css) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildDashboard(process.argv[2]);
  process.stdout.write(`dashboard: dist/dashboard/app.js ${sizes.js} B, app.css ${sizes.css} B\n`);
}
