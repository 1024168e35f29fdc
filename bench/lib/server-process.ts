/** Runs the built service (dist/) as a child process, as in production, and measures it. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { anyFreePort } from '../../server/free-port.js';
import { PROJECT_ROOT } from '../../server/paths.js';

export interface ServerProcess {
  url: string;
  pid: number;
  /** How many times each warning or error was logged so far (pino's `msg`), e.g. dropped deltas. */
  warnings(): Record<string, number>;
  /** Resident memory in bytes (from /proc). */
  rssBytes(): number;
  /**
   * A full garbage collection in the server (through its inspector), so that a memory reading
   * counts what is kept, not garbage waiting for the next collection. Needs `inspect: true`.
   */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(
  env: Record<string, string>,
  options: { inspect?: boolean } = {},
): Promise<ServerProcess> {
  const main = path.join(PROJECT_ROOT, 'dist', 'node', 'server', 'main.js');
  if (!fs.existsSync(main)) throw new Error('Build first: npm run build');
  const port = await anyFreePort();
  // BENCH_CPU_PROF=dir: each server writes a V8 CPU profile there on exit (node --cpu-prof).
  const profileDir = process.env.BENCH_CPU_PROF;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (options.inspect) nodeArgs.push('--inspect=127.0.0.1:0');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, SERVER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const warnings = countWarnings(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`server exited:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // never leave a half-started server behind
      throw new Error(`server did not start:\n${output}`);
    }
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    async collectGarbage() {
      const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
      if (!inspectorUrl) throw new Error('collectGarbage needs startServer(env, { inspect: true })');
      await collectGarbageThrough(inspectorUrl);
    },
    warnings: () => ({ ...warnings }),
    rssBytes() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Counts the service's log lines at warn (40) and above by message (and error), as they come. */
function countWarnings(child: ChildProcess): Record<string, number> {
  const counts: Record<string, number> = {};
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 40) continue;
      const kind = entry.err?.message ? `${entry.msg}: ${entry.err.message.slice(0, 120)}` : (entry.msg ?? '?');
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  });
  return counts;
}

/** Asks a Node.js inspector (Chrome DevTools Protocol) for a full garbage collection. */
function collectGarbageThrough(inspectorUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(inspectorUrl);
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
      if (reply.id !== 1) return;
      socket.close();
      if (reply.error) reject(new Error(reply.error.message));
      else resolve();
    });
  });
}
