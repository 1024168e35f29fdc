import { describe, expect, it } from 'vitest';
import { ConversationsStore, type KeyValueStore } from '../../../client/src/conversations-store.js';
import { StatsHistory } from '../../../client/src/stats-history.js';
import type { Statistics } from '../../../shared/rest.js';

class MemoryStore implements KeyValueStore {
  data = new Map<string, string>();
  getItem = (key: string) => this.data.get(key) ?? null;
  setItem = (key: string, value: string) => void this.data.set(key, value);
}

describe('ConversationsStore', () => {
  it('keeps conversations newest first with their messages, and survives bad data', () => {
    const memory = new MemoryStore();
    const store = new ConversationsStore(memory);
    store.addMessage('c1', 'm1', 'First question');
    store.addMessage('c2', 'm2', 'Other topic');
    store.addMessage('c1', 'm3', 'Follow-up');
    store.addMessage('c1', 'm3', 'Follow-up'); // no duplicate
    expect(store.list().map((c) => c.conversationId)).toEqual(['c1', 'c2']);
    expect(store.get('c1')?.messages.map((m) => m.messageId)).toEqual(['m1', 'm3']);
    expect(store.get('c1')?.title).toBe('First question');
    store.remove('c2');
    expect(store.list()).toHaveLength(1);
    memory.setItem('medchat.conversations.v1', '{not json');
    expect(store.list()).toEqual([]);
  });
});

describe('StatsHistory', () => {
  const stats = (processed: number, queue: number): Statistics => ({
    messagesProcessed: processed,
    messagesSucceeded: processed,
    messagesFailed: 0,
    messagesCancelled: 0,
    totalRetries: 0,
    averageProcessingTimeMs: 300,
    averageTokensPerMessage: 10,
    totalTokensUsed: 10 * processed,
    activeWorkers: 0,
    queueLength: queue,
    maxWorkers: 2,
    idleWorkers: 2,
    successRate: 1,
  });

  it('derives messages per second over the last few seconds and keeps a bounded window', () => {
    const history = new StatsHistory(10, 5);
    history.add({ time: 100, stats: stats(0, 0) });
    history.add({ time: 102, stats: stats(10, 3) });
    history.add({ time: 103, stats: stats(13, 1) });
    history.add({ time: 108, stats: stats(13, 0) });
    const [times, rate, answerTime, queue] = history.series();
    expect(times).toEqual([100, 102, 103, 108]);
    // 10 in 2 s; 13 in 3 s; then nothing new since 103 (the samples within 5 s before 108).
    expect(rate).toEqual([0, 5, 13 / 3, 0]);
    expect(answerTime).toEqual([300, 300, 300, 300]);
    expect(queue).toEqual([0, 3, 1, 0]);
    history.add({ time: 120, stats: stats(20, 0) });
    expect(history.series()[0]).toEqual([120]);
  });

  it('spreads a burst over the rate span instead of drawing a spike', () => {
    const history = new StatsHistory(300, 5);
    for (let t = 0; t <= 5; t++) history.add({ time: t, stats: stats(0, 0) });
    // Three answers pushed 0.2 s after the previous sample: 15/s if measured against that one.
    history.add({ time: 5.2, stats: stats(3, 0) });
    // Measured from the oldest sample within 5 s (t = 1): 3 in 4.2 s.
    expect(history.series()[1].at(-1)).toBeCloseTo(3 / 4.2, 5);
  });
});
