// Keeps `npm run bench` working: runs `bench/run.ts --smoke` (≈200 clients, 5 broadcasts, our server and the
// bare-ws ceiling as child processes) and checks that it finishes cleanly and prints the fan-out table.

import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', path.join(ROOT, '.bench', 'smoke-test.json')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
