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

  it('derives messages per second and keeps a bounded window', () => {
    const history = new StatsHistory(10);
    history.add({ time: 100, stats: stats(0, 0) });
    history.add({ time: 102, stats: stats(10, 3) });
    history.add({ time: 103, stats: stats(13, 1) });
    const [times, rate, answerTime, queue] = history.series();
    expect(times).toEqual([100, 102, 103]);
    expect(rate).toEqual([0, 5, 3]);
    expect(answerTime).toEqual([300, 300, 300]);
    expect(queue).toEqual([0, 3, 1]);
    history.add({ time: 115, stats: stats(20, 0) });
    expect(history.series()[0]).toEqual([115]);
  });
});
