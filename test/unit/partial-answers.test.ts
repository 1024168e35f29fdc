/** The text so far of messages being answered: only whole attempts, replaced, dropped, bounded. */
import { describe, expect, it } from 'vitest';
import { PartialAnswers, withPartialAnswer } from '../../server/realtime/partial-answers.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

const delta = (messageId: string, seq: number, text: string, attempt = 1): MessageDeltaEvent => ({
  messageId,
  seq,
  text,
  attempt,
  ...(seq === 0 && attempt > 1 ? { restart: true } : {}),
});

/** Feeds the pieces of one attempt from seq 0. */
function stream(store: PartialAnswers, messageId: string, pieces: string[], attempt = 1): void {
  for (const [seq, text] of pieces.entries()) store.add(delta(messageId, seq, text, attempt));
}

const roomy = { maxMessages: 100, maxTotalBytes: 1_000_000, maxMessageBytes: 100_000 };

describe('PartialAnswers', () => {
  it('keeps the text of an attempt heard from seq 0, with the next seq to expect', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['Rest ', 'and ', 'fluids']);
    expect(store.of(A)).toEqual({ attempt: 1, seq: 3, text: 'Rest and fluids' });
    expect(store.of(B)).toBeUndefined();
  });

  it('offers nothing for an attempt joined mid-stream, until the next attempt starts', () => {
    const store = new PartialAnswers(roomy);
    store.add(delta(A, 4, 'middle of a sentence'));
    store.add(delta(A, 5, ' and more'));
    expect(store.of(A)).toBeUndefined();
    expect(store.usage).toEqual({ messages: 0, bytes: 0 });
    stream(store, A, ['Whole ', 'answer'], 2);
    expect(store.of(A)).toEqual({ attempt: 2, seq: 2, text: 'Whole answer' });
  });

  it('ignores deltas heard twice and stale attempts', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['One ', 'two'], 2);
    store.add(delta(A, 0, 'One ', 2));
    store.add(delta(A, 1, 'two', 2));
    store.add(delta(A, 2, 'old', 1));
    store.add(delta(A, 0, 'old', 1));
    expect(store.of(A)).toEqual({ attempt: 2, seq: 2, text: 'One two' });
  });

  it('replaces the text when a new attempt restarts', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['Half ', 'an']);
    store.add(delta(A, 0, 'Whole', 2));
    expect(store.of(A)).toEqual({ attempt: 2, seq: 1, text: 'Whole' });
    expect(store.usage).toEqual({ messages: 1, bytes: 5 });
  });

  it('drops the text at a lost delta or a new attempt whose start was missed: it is no longer whole', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['A', 'B']);
    store.add(delta(A, 3, 'D'));
    expect(store.of(A)).toBeUndefined();
    store.add(delta(A, 2, 'C')); // the lost one arriving late does not bring it back
    expect(store.of(A)).toBeUndefined();
    stream(store, B, ['x', 'y']);
    store.add(delta(B, 1, 'z', 2));
    expect(store.of(B)).toBeUndefined();
  });

  it('drops the text at the final status, and offers no text with a final state', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['Done ', 'soon']);
    stream(store, B, ['Stopped ', 'here']);
    const processing = withPartialAnswer({ messageId: A, status: 'processing' }, store);
    expect(processing).toEqual({
      messageId: A,
      status: 'processing',
      partial: { attempt: 1, seq: 2, text: 'Done soon' },
    });
    // A final state read from the table, heard here a moment later: no text goes with it.
    expect(withPartialAnswer({ messageId: A, status: 'completed', response: 'Done soon.' }, store)).toEqual({
      messageId: A,
      status: 'completed',
      response: 'Done soon.',
    });
    store.relayTarget.status({ messageId: A, status: 'completed', response: 'Done soon.' });
    store.relayTarget.status({ messageId: B, status: 'failed', error: 'cancelled', cancelled: true });
    expect(store.of(A)).toBeUndefined();
    expect(store.of(B)).toBeUndefined();
    expect(store.usage).toEqual({ messages: 0, bytes: 0 });
  });

  it('keeps the text while a released message waits to be taken again (pending)', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['So far']);
    store.relayTarget.status({ messageId: A, status: 'pending' });
    expect(store.of(A)).toEqual({ attempt: 1, seq: 1, text: 'So far' });
  });

  it('forgets everything when the listener reconnects (deltas may have been missed)', () => {
    const store = new PartialAnswers(roomy);
    stream(store, A, ['a', 'b']);
    store.clear();
    store.add(delta(A, 2, 'c'));
    expect(store.of(A)).toBeUndefined();
    expect(store.usage).toEqual({ messages: 0, bytes: 0 });
  });

  it('holds at most maxMessages, dropping the one that grew least recently', () => {
    const store = new PartialAnswers({ ...roomy, maxMessages: 2 });
    stream(store, A, ['a']);
    stream(store, B, ['b']);
    store.add(delta(A, 1, 'a')); // A grew last: B is now the oldest
    stream(store, C, ['c']);
    expect(store.of(B)).toBeUndefined();
    expect(store.of(A)?.text).toBe('aa');
    expect(store.of(C)?.text).toBe('c');
    expect(store.usage).toEqual({ messages: 2, bytes: 3 });
  });

  it('holds at most maxTotalBytes (UTF-8), dropping the least recently grown first', () => {
    const store = new PartialAnswers({ ...roomy, maxTotalBytes: 10 });
    stream(store, A, ['aaaa']);
    stream(store, B, ['bbbb']);
    store.add(delta(C, 0, 'éé')); // 4 bytes: 12 in all, over 10
    expect(store.of(A)).toBeUndefined();
    expect(store.of(B)?.text).toBe('bbbb');
    expect(store.of(C)?.text).toBe('éé');
    expect(store.usage).toEqual({ messages: 2, bytes: 8 });
  });

  it('drops an answer longer than maxMessageBytes, keeping the others', () => {
    const store = new PartialAnswers({ ...roomy, maxMessageBytes: 6 });
    stream(store, A, ['abc']);
    stream(store, B, ['1234', '56']);
    expect(store.of(B)?.text).toBe('123456');
    store.add(delta(B, 2, '7'));
    expect(store.of(B)).toBeUndefined();
    store.add(delta(B, 3, '8')); // the rest of that attempt does not bring it back
    expect(store.of(B)).toBeUndefined();
    expect(store.of(A)?.text).toBe('abc');
    expect(store.usage).toEqual({ messages: 1, bytes: 3 });
  });
});
