// `npm start`'s prestart: compile to dist/ when it is missing or older than a source file (someone pulled or edited
// after installing), so `npm start` always runs what is in the tree. Quiet and fast when dist/ is current.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'dist', 'src', 'main.js');

/** Newest modification time of the .ts (or `ext`) files under `dir`. */
function newest(dir, ext = ['.ts']) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, ext));
    else if (ext.some((e) => entry.name.endsWith(e))) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

/** Bundle the operator dashboard when dist/dashboard is missing or older than dashboard/ (esbuild is a dev dependency). */
async function ensureDashboard() {
  const bundle = path.join(ROOT, 'dist', 'dashboard', 'app.js');
  const builtAt = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  if (!fs.existsSync(path.join(ROOT, 'dashboard'))) return;
  if (builtAt >= newest(path.join(ROOT, 'dashboard'), ['.ts', '.css'])) return;
  if (!fs.existsSync(path.join(ROOT, 'node_modules', 'esbuild'))) {
    if (builtAt > 0) return; // a production image: dist/ is what it ships
    process.stderr.write('dist/dashboard is missing and esbuild is not installed: run `npm install` (or `npm run build`)\n');
    process.exit(1);
  }
  const { buildDashboard } = await import('./build-dashboard.mjs');
  await buildDashboard();
}

await ensureDashboard();

const stamp = path.join(ROOT, 'dist', '.tsbuildinfo');
const built = fs.existsSync(ENTRY) ? (fs.existsSync(stamp) ? fs.statSync(stamp) : fs.statSync(ENTRY)).mtimeMs : 0;
const sources = Math.max(...['src', 'channels', 'config'].map((d) => newest(path.join(ROOT, d))));
if (built < sources) {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) {
    if (fs.existsSync(ENTRY)) process.exit(0); // a production image: dist/ is what it ships
    process.stderr.write('dist/ is missing and TypeScript is not installed: run `npm install` (or `npm run build`)\n');
    process.exit(1);
  }
  process.stdout.write('compiling to dist/ …\n');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
