// The repository root, found from this file's location whether the code runs from TypeScript sources (tsx, jest) or
// from the compiled `dist/` tree: the nearest directory above that holds package.json. Leaf module.

import fs from 'node:fs';
import path from 'node:path';

/** The nearest directory at or above `start` that contains package.json (or `start` when there is none). */
export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) return start;
  }
}

/** The root of this repository (where package.json, prisma/ and docs/ live). */
export const PROJECT_ROOT = findProjectRoot(__dirname);
