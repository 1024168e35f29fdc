/** The real server as a child process (`node --import tsx server/main.ts`), for crash and multi-process tests. */
import { type ChildProcess, spawn } from 'node:child_process';
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
