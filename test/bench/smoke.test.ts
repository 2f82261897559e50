// Keeps `npm run bench` working: runs `bench/run.ts --smoke` (≈200 clients, 5 broadcasts, our server and the
// bare-ws ceiling as child processes) and checks that it finishes cleanly and prints the fan-out table; then the
// two-node mode (two of our processes on the local Redis, clients split between them), which exits non-zero
// unless every client on either node received every broadcast sent through either node.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { describeWithService, TEST_REDIS_URL } from '../pubsub/helpers';

const ROOT = path.resolve(__dirname, '../..');

function runSmoke(...extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', path.join(ROOT, '.bench', `smoke-test${extra.length > 0 ? '-nodes' : ''}.json`), ...extra];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/run.ts --smoke', () => {
  it('delivers every broadcast to every client of both servers and prints the fan-out table', async () => {
    const { code, stdout, stderr } = await runSmoke();
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('| target ');
    expect(stdout).toContain('deliveries/s');
    expect(stdout).toContain('dps ours/ceil');
    expect(stdout).toMatch(/\| ours +\| [\d,]+ +\|/);
    expect(stdout).toMatch(/\| ceiling +\| [\d,]+ +\|/);
  }, 90_000);
});

describeWithService('bench/run.ts --smoke --nodes 2', process.env.REDIS_URL ?? TEST_REDIS_URL, () => {
  it('runs ours as two nodes over Redis (--nodes 2) and delivers across them', async () => {
    const { code, stdout, stderr } = await runSmoke('--nodes', '2', '--targets', 'ours');
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('ours on 2 nodes over Redis');
    expect(stdout).toMatch(/\| ours ×2 +\| [\d,]+ +\|/);
  }, 90_000);
});
