/**
 * What an instance does when it hears that a conversation was deleted (the conversation_deleted
 * notice): the relay hands it to every target and relays nothing more of its messages; the text
 * so far is forgotten; the queue's cancel target aborts their workers.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationDeletedNotice } from '../../server/db/notify-payloads.js';
import type { Pool } from '../../server/db/pool.js';
import { createLogger } from '../../server/logger.js';
import type { RelayTarget } from '../../server/messages/relay-target.js';
import { abortCancelledWork } from '../../server/queue/cancel-target.js';
import { PartialAnswers } from '../../server/realtime/partial-answers.js';
import { Relay } from '../../server/realtime/relay.js';

const deleted = '11111111-1111-4111-8111-111111111111';
const kept = '22222222-2222-4222-8222-222222222222';
const notice: ConversationDeletedNotice = {
  conversationId: '33333333-3333-4333-8333-333333333333',
  messageIds: [deleted],
};

function recordingTarget() {
  const heard: string[] = [];
  const target: RelayTarget = {
    status: (event) => heard.push(`status ${event.messageId} ${event.status}`),
    delta: (event) => heard.push(`delta ${event.messageId} ${event.seq}`),
    conversationDeleted: (n) => heard.push(`deleted ${n.conversationId} ${n.messageIds.join(',')}`),
    watchedMessageIds: () => [],
  };
  return { heard, target };
}

describe('the relay, on a deleted conversation', () => {
  it('hands the notice to every target (one that throws stops none), then relays nothing more of its messages', () => {
    // The relay reads the table only for truncated states and reconnects, neither of which happens here.
    const relay = new Relay({} as Pool, createLogger('silent'));
    const { heard, target } = recordingTarget();
    relay.addTarget({
      ...recordingTarget().target,
      conversationDeleted: () => {
        throw new Error('a failing target');
      },
    });
    relay.addTarget(target);
    const changes: string[] = [];
    relay.onChange(() => changes.push('changed'));
    const sentAt = Date.now();
    relay.handlers.status({ id: deleted, status: 'processing', sentAt });
    relay.handlers.delta({ messageId: deleted, seq: 0, text: 'A', attempt: 1 });
    relay.handlers.conversationDeleted(notice);
    // Still in flight from the stopped worker, or a final state read late: dropped.
    relay.handlers.delta({ messageId: deleted, seq: 1, text: 'B', attempt: 1 });
    relay.handlers.status({ id: deleted, status: 'completed', response: 'AB', urgent: true, sentAt });
    relay.handlers.delta({ messageId: kept, seq: 0, text: 'C', attempt: 1 });
    expect(heard).toEqual([
      `status ${deleted} processing`,
      `delta ${deleted} 0`,
      `deleted ${notice.conversationId} ${deleted}`,
      `delta ${kept} 0`,
    ]);
    expect(changes.length).toBeGreaterThanOrEqual(3); // the statistics may have changed (queue, workers)
  });
});

describe('the targets', () => {
  it('partial answers forget the text so far of the deleted messages only', () => {
    const answers = new PartialAnswers();
    answers.add({ messageId: deleted, seq: 0, text: 'Rest and ', attempt: 1 });
    answers.add({ messageId: kept, seq: 0, text: 'Drink', attempt: 1 });
    answers.relayTarget.conversationDeleted?.(notice);
    expect(answers.of(deleted)).toBeUndefined();
    expect(answers.of(kept)).toEqual({ attempt: 1, seq: 1, text: 'Drink' });
    expect(answers.usage).toEqual({ messages: 1, bytes: 5 });
    // A late delta of an attempt whose start is forgotten does not bring it back.
    answers.add({ messageId: deleted, seq: 1, text: 'fluids', attempt: 1 });
    expect(answers.of(deleted)).toBeUndefined();
  });

  it("the queue's cancel target aborts the workers of every deleted message", () => {
    const aborted: string[] = [];
    const target = abortCancelledWork({ abort: (id) => aborted.push(id) });
    target.conversationDeleted?.({ ...notice, messageIds: [deleted, kept] });
    expect(aborted).toEqual([deleted, kept]);
  });
});
