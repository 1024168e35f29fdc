/**
 * Runs one of the bench's own TypeScript servers (the fake model, the bare relay) as a child
 * process through tsx, so its CPU is its own and can be read from /proc. The script prints
 * `{"port": n}` on its first line once it listens.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';

export interface ScriptProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startScript(file: string, env: Record<string, string>): Promise<ScriptProcess> {
  // BENCH_CPU_PROF=dir: a V8 CPU profile of the script too, as of the service (server-process.ts).
  const profileDir = process.env.BENCH_CPU_PROF;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'lib', file)],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr.on('data', (piece: Buffer) => {
    output = (output + piece.toString()).slice(-10_000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}):\n${output}`)));
    child.stdout.once('data', (line: Buffer) => resolve((JSON.parse(line.toString()) as { port: number }).port));
  });
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
