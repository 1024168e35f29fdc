/** The real server as a child process (`node --import tsx server/main.ts`), for crash and multi-process tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { anyFreePort } from '../../server/free-port.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { eventually } from './http.js';
import { TEST_ENV } from './service.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** Starts the server and waits until /health answers 200. */
export async function startServerProcess(env: Record<string, string>, options: { waitForHealth?: boolean } = {}) {
  const port = env.SERVER_PORT ?? String(await anyFreePort());
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      ...TEST_ENV,
      LOG_LEVEL: 'info',
      ...env,
      SERVER_PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (options.waitForHealth !== false) {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
        return (await fetch(`${server.url}/health`)).ok;
      },
      60_000,
      'server process up',
    );
  }
  return server;
}

/** The messageIds a process logged as answered ("message answered" lines). */
export function answeredIds(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"msg":"message answered"') && line.includes('"completed":true'))
    .map((line) => (JSON.parse(line) as { messageId: string }).messageId);
}

/** A process's resident memory in MB (VmRSS in /proc/<pid>/status); undefined once it is gone. */
export function residentMegabytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return Number.isFinite(kilobytes) ? kilobytes / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Every process below `pid` (children, their children…), from /proc's parent links. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent is the 2nd field after the command, which is in parentheses and may hold spaces.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const children = parents.get(queue.pop() as number) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

/** Whether a process with this pid exists (a zombie counts until its parent reaps it). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** CPU time (user and system) a process has used, in seconds; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime: the 12th and 13th fields after the parenthesised command.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, 100 on every common architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
