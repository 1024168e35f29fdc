import { describe, expect, it } from 'vitest';
import {
  actionsKindOf,
  applyDelta,
  applyPartial,
  applyStatus,
  newMessageView,
  statusLabel,
  visibleText,
} from '../../../client/src/message-view.js';

const fresh = () => newMessageView('m1', 'What helps?');

describe('message view', () => {
  it('assembles deltas in order into the answer', () => {
    let view = fresh();
    view = applyDelta(view, { seq: 0, text: 'Rest ', attempt: 1 });
    view = applyDelta(view, { seq: 1, text: 'and fluids.', attempt: 1 });
    expect(view).toMatchObject({ text: 'Rest and fluids.', status: 'processing', nextSeq: 2, gap: false });
    expect(statusLabel(view)).toBe('Answering…');
  });

  it('ignores duplicates, stops the text at a gap, and lets the final answer fill it', () => {
    let view = applyDelta(fresh(), { seq: 0, text: 'A', attempt: 1 });
    view = applyDelta(view, { seq: 0, text: 'A', attempt: 1 });
    expect(view.text).toBe('A');
    view = applyDelta(view, { seq: 2, text: 'C', attempt: 1 });
    expect(view).toMatchObject({ text: 'A', gap: true });
    // Even the missing piece arriving late does not resume the stream: order is unknown now.
    view = applyDelta(view, { seq: 3, text: 'D', attempt: 1 });
    expect(view.text).toBe('A');
    view = applyStatus(view, { status: 'completed', response: 'ABCD' });
    expect(view).toMatchObject({ text: 'ABCD', gap: false, status: 'completed' });
  });

  it('shows no text when joining a stream midway without the text so far, but says it is answering', () => {
    let view = applyStatus(fresh(), { status: 'processing' });
    expect(statusLabel(view)).toBe('Thinking…');
    view = applyDelta(view, { seq: 14, text: 'middle of a sentence', attempt: 1 });
    expect(view.text).toBe('');
    expect(statusLabel(view)).toBe('Answering…');
  });

  it('joining mid-stream, takes the text so far from the subscribe answer and streams on from its seq', () => {
    let view = applyStatus(fresh(), { status: 'processing' });
    // Deltas sent before the subscribe answer are in its text so far; alone, they are a gap.
    view = applyDelta(view, { seq: 3, text: 'D', attempt: 1 });
    expect(view).toMatchObject({ text: '', gap: true });
    view = applyPartial(view, { attempt: 1, seq: 4, text: 'ABCD' });
    expect(view).toMatchObject({ text: 'ABCD', nextSeq: 4, gap: false, status: 'processing' });
    expect(statusLabel(view)).toBe('Answering…');
    view = applyDelta(view, { seq: 3, text: 'D', attempt: 1 }); // already in the text so far
    view = applyDelta(view, { seq: 4, text: 'E', attempt: 1 });
    expect(view.text).toBe('ABCDE');
    // A later attempt restarts as usual.
    view = applyDelta(view, { seq: 0, text: 'New', attempt: 2, restart: true });
    expect(view).toMatchObject({ text: 'New', attempt: 2, nextSeq: 1 });
  });

  it('keeps what it has when the text so far is older, and closes a gap the stream will fill', () => {
    let view = applyDelta(fresh(), { seq: 0, text: 'AB', attempt: 2 });
    expect(applyPartial(view, { attempt: 1, seq: 9, text: 'old attempt' })).toBe(view);
    view = applyDelta(view, { seq: 1, text: 'C', attempt: 2 });
    view = applyDelta(view, { seq: 3, text: 'E', attempt: 2 }); // seq 2 was lost (a reconnect)
    expect(view).toMatchObject({ text: 'ABC', gap: true });
    // An instance a little behind: its text is a prefix of ours, and seq 1 on follow it.
    view = applyPartial(view, { attempt: 2, seq: 1, text: 'AB' });
    expect(view).toMatchObject({ text: 'ABC', nextSeq: 2, gap: false });
    view = applyDelta(view, { seq: 1, text: 'C', attempt: 2 });
    view = applyDelta(view, { seq: 2, text: 'D', attempt: 2 });
    expect(view.text).toBe('ABCD');
    const done = applyStatus(view, { status: 'completed', response: 'ABCDE' });
    expect(applyPartial(done, { attempt: 3, seq: 1, text: 'x' })).toBe(done);
  });

  it('drops the text of a failed attempt when a new attempt restarts, and ignores stale attempts', () => {
    let view = applyDelta(fresh(), { seq: 0, text: 'Half an', attempt: 1 });
    view = applyDelta(view, { seq: 0, text: 'Whole', attempt: 2, restart: true });
    expect(view.text).toBe('Whole');
    view = applyDelta(view, { seq: 1, text: ' stale', attempt: 1 });
    expect(view.text).toBe('Whole');
    view = applyDelta(view, { seq: 1, text: ' answer', attempt: 2 });
    expect(view.text).toBe('Whole answer');
  });

  it('never goes back to an earlier status, and a finish always wins', () => {
    let view = applyStatus(fresh(), { status: 'processing' });
    view = applyStatus(view, { status: 'pending' });
    expect(view.status).toBe('processing');
    view = applyStatus(view, { status: 'failed', error: 'cancelled', cancelled: true });
    expect(view).toMatchObject({ status: 'failed', cancelled: true });
    expect(statusLabel(view)).toBe('Stopped');
    expect(applyDelta(view, { seq: 5, text: 'late', attempt: 1 })).toBe(view);
  });

  it('keeps the urgent advice from the first event', () => {
    const view = applyStatus(fresh(), { status: 'pending', urgent: true, urgentAdvice: 'Call now.' });
    expect(view.urgentAdvice).toBe('Call now.');
    expect(statusLabel(view)).toBe('Waiting in queue…');
  });

  it("hides a failed answer's half-written text but keeps what a stopped one wrote", () => {
    const streamed = applyDelta(fresh(), { seq: 0, text: 'Take two tablets of', attempt: 1 });
    expect(visibleText(streamed)).toBe('Take two tablets of');
    expect(visibleText(applyStatus(streamed, { status: 'failed', error: 'The provider failed.' }))).toBe('');
    const stopped = applyStatus(streamed, { status: 'failed', error: 'cancelled', cancelled: true });
    expect(visibleText(stopped)).toBe('Take two tablets of');
  });

  it('offers Stop while the server works on it, Try again when it failed, nothing otherwise', () => {
    expect(actionsKindOf(newMessageView('local-1', 'q'))).toBe('none');
    expect(actionsKindOf(fresh())).toBe('stop');
    expect(actionsKindOf(applyStatus(fresh(), { status: 'processing' }))).toBe('stop');
    expect(actionsKindOf(applyStatus(fresh(), { status: 'completed', response: 'ok' }))).toBe('none');
    expect(actionsKindOf(applyStatus(fresh(), { status: 'failed', error: 'x' }))).toBe('retry');
    expect(actionsKindOf({ ...newMessageView('local-1', 'q'), status: 'failed', error: 'offline' })).toBe('retry');
  });
});
