/**
 * One MedChat instance, composed of its parts (server/parts/): the core (pool, migrations,
 * workers, timers), the realtime part (relay, hubs, listener) and the HTTP part (app, server,
 * sockets). Each pushes how it is stopped as it starts, so a failed start unwinds what it made,
 * last made first, and close() is the same unwinding. main.ts adds process concerns (config,
 * embedded database, signals).
 */
import type http from 'node:http';
import type { Pool } from './db/pool.js';
import { once, StopStack, startOrUnwind } from './lifecycle.js';
import type { Logger } from './logger.js';
import { type CoreOptions, startCore } from './parts/core.js';
import { startHttp } from './parts/http.js';
import { startRealtime } from './parts/realtime.js';
import type { Dispatcher } from './queue/dispatcher.js';
import type { SocketServer } from './realtime/socket-server.js';

export interface ServiceOptions extends CoreOptions {
  logger: Logger;
  /** The built web app to serve; the default is the vite build. */
  clientDir?: string;
}

export interface Service {
  readonly instanceId: string;
  readonly url: string;
  readonly port: number;
  readonly pool: Pool;
  readonly dispatcher: Dispatcher;
  readonly httpServer: http.Server;
  readonly sockets: SocketServer;
  /** Graceful stop: refuse new work, finish or release in-flight work, close everything. */
  close(): Promise<void>;
  /** The parts close() has not stopped yet, the one it is stopping first. */
  unstopped(): string[];
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const stack = new StopStack((part, error) => options.logger.warn({ err: error, part }, `could not stop the ${part}`));
  return startOrUnwind(stack, async () => {
    const core = await startCore(options, stack);
    const realtime = await startRealtime(core, options, stack);
    const web = await startHttp(core, realtime, options, stack);
    // Take back what a previous run of any instance left behind.
    await core.catchUp();
    const close = once(async () => {
      await stack.unwind();
      core.log.info({ released: await core.drainWork() }, 'stopped');
    });
    const { instanceId, pool, dispatcher } = core;
    return { instanceId, pool, dispatcher, ...web, close, unstopped: () => stack.remaining() };
  });
}
