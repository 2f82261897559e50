// Keeps `npm run bench` working: runs `bench/run.ts --smoke` (≈200 clients, 5 broadcasts, our server and the
// bare-ws ceiling as child processes) and checks that it finishes cleanly and prints the fan-out table; then the
// two-node mode (two of our processes on the local Redis, clients split between them), which exits non-zero
// unless every client on either node received every broadcast sent through either node; and the two hostile-client
// scenarios (a deep-frame flood beside a bystander, stalled partial frames), which print their tables and verdicts.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { describeWithService, TEST_REDIS_URL } from '../support/services';

const ROOT = path.resolve(__dirname, '../..');

function runSmoke(...extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const label = extra.filter((a) => !a.startsWith('--')).join('-');
    const args = ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', path.join(ROOT, '.bench', `smoke-test${label ? `-${label}` : ''}.json`), ...extra];
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

describe('bench/run.ts --smoke, hostile clients', () => {
  it('runs the abuse scenario: the flooding socket stays open and the bystander is measured', async () => {
    const { code, stdout, stderr } = await runSmoke('--scenario', 'abuse');
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/\| 25\/s × 1,048,576 B \| \d+ +\| open +\|/);
    expect(stdout).toContain('bystander rtt p95 ≤ 50 ms');
  }, 90_000);

  it('runs the partial-frames scenario: every stalled socket is closed', async () => {
    const { code, stdout, stderr } = await runSmoke('--scenario', 'partial-frames');
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/\| 200 +\| 200 +\| 0 +\|/);
  }, 90_000);
});
