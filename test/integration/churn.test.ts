/**
 * Issue 7, socket churn: 2,000 connect → subscribe → disconnect cycles leave the server's memory
 * flat. Measured as the JavaScript heap after a full garbage collection (RSS is reported too,
 * but it follows the allocator, not leaks), after a warm-up and again after the churn.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ask, eventually } from '../helpers/http.js';
import { useServiceForFile } from '../helpers/service.js';
import { openSocket } from '../helpers/socket.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function settledHeapMiB(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await sleep(100);
    gc();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const file = useServiceForFile();

async function churn(cycles: number, messageId: string): Promise<void> {
  const parallel = 20;
  for (let i = 0; i < cycles; i += parallel) {
    await Promise.all(
      Array.from({ length: Math.min(parallel, cycles - i) }, async () => {
        const socket = openSocket(file.service.url, { forceNew: true, reconnection: false });
        await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
        const ack = await socket.emitWithAck('subscribe', { messageId });
        if (!('message' in ack)) throw new Error(`subscribe failed: ${JSON.stringify(ack)}`);
        socket.close();
      }),
    );
  }
}

describe('socket churn', () => {
  it('2,000 connect/subscribe/disconnect cycles leave memory flat and nothing behind', async () => {
    const messageId = await ask(file.service.url, 'What is a normal blood pressure?');
    await churn(1000, messageId); // warm-up: JIT, pools, caches (growth levels off by about 1,000)
    const heapBefore = await settledHeapMiB();
    const rssBefore = process.memoryUsage().rss / 2 ** 20;
    await churn(2000, messageId);
    await eventually(() => file.service.sockets.io.of('/').sockets.size === 0, 10_000, 'every socket closed');
    const heapAfter = await settledHeapMiB();
    const rssAfter = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `socket churn (2,000 cycles): heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MiB, ` +
        `RSS ${rssBefore.toFixed(1)} → ${rssAfter.toFixed(1)} MiB`,
    );
    // A leak of 1 KB per cycle would add 2 MiB.
    expect(heapAfter - heapBefore).toBeLessThan(2);
    expect(file.service.sockets.io.of('/').sockets.size).toBe(0);
    expect([...file.service.sockets.watchedMessageIds()]).toEqual([]);
  }, 120_000);
});
