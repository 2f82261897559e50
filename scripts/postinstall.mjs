// `npm install` / `npm ci` postinstall: generate both Prisma clients, then compile the server to dist/ and bundle the
// operator dashboard into dist/dashboard (so that `npm start` runs plain `node`). Both are skipped without the dev
// dependencies (`npm ci --omit=dev`: TypeScript may still be there as a peer of @prisma/client, but not the type
// packages it needs); a production image copies dist/ from its build stage instead.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run([path.join(ROOT, 'scripts', 'prisma-generate.mjs')]);
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const devInstalled = fs.existsSync(tsc) && fs.existsSync(path.join(ROOT, 'node_modules', '@types', 'node'));
const omitsDev = (process.env.npm_config_omit ?? '').split(/[\s,]+/).includes('dev');
if (devInstalled && !omitsDev) {
  run([tsc, '-p', path.join(ROOT, 'tsconfig.build.json')]);
  run([path.join(ROOT, 'scripts', 'build-dashboard.mjs')]);
} else process.stdout.write('postinstall: dev dependencies are not installed, dist/ not rebuilt (copy it from a build)\n');
