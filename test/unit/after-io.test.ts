import { describe, expect, it } from 'vitest';
import { createAfterIoQueue } from '../../server/realtime/after-io.js';

describe('createAfterIoQueue', () => {
  it('runs callbacks in the order given, after the I/O callbacks of the current turn', async () => {
    const ran: string[] = [];
    const later = createAfterIoQueue(() => undefined);
    later(() => ran.push('first'));
    later(() => ran.push('second'));
    await Promise.resolve();
    expect(ran).toEqual([]); // not at once, nor in this turn's microtasks
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(ran).toEqual([]); // nor with the next ticks, which come before the turn's other I/O
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['first', 'second']);
  });

  it('keeps running the rest when one callback throws, and reports the error', async () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const later = createAfterIoQueue((error) => errors.push(error));
    later(() => ran.push('before'));
    later(() => {
      throw new Error('handler failed');
    });
    later(() => ran.push('after'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['before', 'after']);
    expect(errors).toEqual([new Error('handler failed')]);
  });

  it('keeps running the rest when reporting the error fails too', async () => {
    const ran: string[] = [];
    const later = createAfterIoQueue(() => {
      throw new Error('the logger failed');
    });
    later(() => {
      throw new Error('handler failed');
    });
    later(() => ran.push('after'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['after']);
  });

  it('runs what a callback queues in a later turn, after what was queued before it', async () => {
    const ran: string[] = [];
    const later = createAfterIoQueue(() => undefined);
    later(() => {
      ran.push('outer');
      later(() => ran.push('queued by outer'));
    });
    later(() => ran.push('second'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['outer', 'second']);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['outer', 'second', 'queued by outer']);
  });
});
