// `npm install` / `npm ci` postinstall: generate both Prisma clients, then compile the server to dist/ (so that
// `npm start` runs plain `node`). The compile step is skipped when TypeScript is not installed (a production image
// built with `npm ci --omit=dev` copies dist/ from its build stage instead).

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
if (fs.existsSync(tsc)) run([tsc, '-p', path.join(ROOT, 'tsconfig.build.json')]);
else process.stdout.write('postinstall: TypeScript is not installed, dist/ not rebuilt\n');
