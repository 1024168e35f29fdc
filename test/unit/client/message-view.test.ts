import { describe, expect, it } from 'vitest';
import { applyDelta, applyStatus, newMessageView, statusLabel } from '../../../client/src/message-view.js';

const fresh = () => newMessageView('m1', 'What helps?');

describe('message view', () => {
  it('assembles deltas in order into the answer', () => {
    let view = fresh();
    view = applyDelta(view, { seq: 0, text: 'Rest ', attempt: 1 });
    view = applyDelta(view, { seq: 1, text: 'and fluids.', attempt: 1 });
    expect(view).toMatchObject({ text: 'Rest and fluids.', status: 'processing', nextSeq: 2, gap: false });
    expect(statusLabel(view)).toBe('Answering…');
  });

  it('ignores duplicates, marks gaps, and lets the final answer fill them', () => {
    let view = applyDelta(fresh(), { seq: 0, text: 'A', attempt: 1 });
    view = applyDelta(view, { seq: 0, text: 'A', attempt: 1 });
    expect(view.text).toBe('A');
    view = applyDelta(view, { seq: 2, text: 'C', attempt: 1 });
    expect(view.gap).toBe(true);
    view = applyStatus(view, { status: 'completed', response: 'ABC' });
    expect(view).toMatchObject({ text: 'ABC', gap: false, status: 'completed' });
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
});
