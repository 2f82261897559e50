// The client's bundle holds no server code: the channel classes reach it only through `import type`, which the
// build erases. Bundles src/index.ts as client/build.mjs does (ESM, platform neutral, transports external).

import path from 'node:path';
import { build } from 'esbuild';

it('bundles without zod, the channels or anything of src/', async () => {
  const result = await build({
    entryPoints: [path.join(__dirname, '../src/index.ts')],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    external: ['@rails/actioncable', '@anycable/core'],
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.every((p) => p.startsWith('client/src/'))).toBe(true);
  const text = result.outputFiles[0]?.text ?? '';
  expect(text).not.toMatch(/zod|ApplicationChannel|prisma/);
  expect(text).toMatch(/from "@rails\/actioncable"/);
  expect(text).toMatch(/from "@anycable\/core"/);
  expect(text.length).toBeLessThan(20_000);
});
