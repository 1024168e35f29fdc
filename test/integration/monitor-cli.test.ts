import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/paths.js';
import { ask, eventually, waitForFinal } from '../helpers/http.js';
import { useServiceForFile } from '../helpers/service.js';

const file = useServiceForFile();

function runMonitor(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/monitor.ts', ...args], { cwd: PROJECT_ROOT });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('npm run monitor', () => {
  it('prints the live statistics and a line per status change until Ctrl-C', async () => {
    const monitor = runMonitor(['--url', file.service.url]);
    await eventually(() => monitor.output().includes('stats processed='), 15_000, 'stats line');
    const id = await ask(file.service.url, 'Watch me in the terminal');
    await waitForFinal(file.service.url, id);
    await eventually(() => monitor.output().includes(`message ${id} completed`), 10_000, 'status line');
    expect(monitor.output()).toContain(`message ${id} pending`);
    monitor.child.kill('SIGINT');
    expect(await monitor.exited).toBe(0);
  }, 30_000);

  it('refuses a bad URL with a clear message', async () => {
    const monitor = runMonitor(['--url', 'localhost:8000']);
    expect(await monitor.exited).toBe(2);
    expect(monitor.output()).toMatch(/--url must be an http\(s\) URL/);
  });

  it('refuses an unknown option with the usage, not a stack trace', async () => {
    const monitor = runMonitor(['--ulr', 'http://localhost:8000']);
    expect(await monitor.exited).toBe(2);
    expect(monitor.output()).toMatch(/Unknown option '--ulr'/);
    expect(monitor.output()).toMatch(/usage: npm run monitor -- --url/);
    expect(monitor.output()).not.toMatch(/\n\s+at /);
  });
});
