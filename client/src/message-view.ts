/**
 * What the app knows about one message, and how events change it. Pure functions: the DOM code
 * renders whatever these return, and unit tests drive them directly.
 */
import type { MessageDeltaEvent, MessageStatusEvent, PartialAnswer } from '../../shared/socket-events.js';
import type { MessageStatus } from '../../shared/status.js';
import { stableStreamingText } from './markdown.js';

export interface MessageView {
  messageId: string;
  question: string;
  status: MessageStatus;
  /** The answer as streamed so far (or the final answer). */
  text: string;
  error?: string;
  cancelled?: boolean;
  urgentAdvice?: string;
  /** Streaming bookkeeping: the attempt and the next expected delta. */
  attempt: number;
  nextSeq: number;
  /** A delta went missing: the text is incomplete until the final answer arrives. */
  gap: boolean;
}

const ORDER: Record<MessageStatus, number> = { pending: 0, processing: 1, completed: 2, failed: 2 };

export function newMessageView(messageId: string, question: string, urgentAdvice?: string): MessageView {
  return { messageId, question, status: 'pending', text: '', attempt: 0, nextSeq: 0, gap: false, urgentAdvice };
}

/** A status event (or a fetched state). Never goes back (a late "pending" after "processing"). */
export function applyStatus(view: MessageView, event: Omit<MessageStatusEvent, 'messageId'>): MessageView {
  const next: MessageView = { ...view };
  if (event.urgentAdvice) next.urgentAdvice = event.urgentAdvice;
  // A released message goes back to pending on the server; the order guard keeps the view calm
  // except for a real finish, which always wins.
  if (ORDER[event.status] < ORDER[view.status]) return next;
  next.status = event.status;
  if (event.status === 'completed') {
    next.text = event.response ?? next.text;
    next.gap = false;
  }
  if (event.status === 'failed') {
    next.error = event.error ?? 'The answer failed.';
    if (event.cancelled) next.cancelled = true;
  }
  return next;
}

/**
 * A piece of streamed text. A new attempt (restart) drops what the failed attempt wrote;
 * duplicates and stale attempts are ignored. A missing seq marks a gap: the text stops growing
 * there (text after a hole, e.g. when joining mid-stream without the text so far, would read as
 * nonsense) until the text so far (applyPartial) or the final answer fills it.
 */
export function applyDelta(view: MessageView, delta: Omit<MessageDeltaEvent, 'messageId'>): MessageView {
  if (view.status === 'completed' || view.status === 'failed') return view;
  const attempt = delta.attempt ?? 1;
  if (attempt < view.attempt) return view;
  let next: MessageView = { ...view, status: 'processing' };
  if (attempt > view.attempt || delta.restart) {
    if (attempt > view.attempt || delta.seq === 0) next = { ...next, attempt, text: '', nextSeq: 0, gap: false };
  }
  if (delta.seq < next.nextSeq) return view; // already have it
  if (next.gap || delta.seq > next.nextSeq) return { ...next, gap: true };
  return { ...next, text: next.text + delta.text, nextSeq: delta.seq + 1 };
}

/**
 * The text so far, from a subscribe answer (joining mid-answer: a reload, a reconnect). Every
 * delta of its attempt from `partial.seq` on follows it, and those below it are already in it.
 * So: a later attempt or more text replaces the view's; text the view already has whole up to
 * there stays, and a gap after it closes, since what is missing is still to come.
 */
export function applyPartial(view: MessageView, partial: PartialAnswer): MessageView {
  if (isFinished(view) || partial.attempt < view.attempt) return view;
  if (partial.attempt === view.attempt && partial.seq <= view.nextSeq) {
    return { ...view, status: 'processing', gap: false };
  }
  return {
    ...view,
    status: 'processing',
    attempt: partial.attempt,
    text: partial.text,
    nextSeq: partial.seq,
    gap: false,
  };
}

export function isFinished(view: MessageView): boolean {
  return view.status === 'completed' || view.status === 'failed';
}

/** Plain words for the state line under a question. */
export function statusLabel(view: MessageView): string {
  switch (view.status) {
    case 'pending':
      return 'Waiting in queue…';
    case 'processing':
      return view.text || view.gap ? 'Answering…' : 'Thinking…';
    case 'completed':
      return 'Answered';
    case 'failed':
      return view.cancelled ? 'Stopped' : 'Could not answer';
  }
}

/**
 * The answer text to show. A failed answer's half-written text is left out (cut off mid-advice it
 * could mislead); a stopped one keeps what was written, as the person chose to stop it.
 */
export function visibleText(view: MessageView): string {
  if (view.status === 'failed') return view.cancelled ? view.text : '';
  return view.status === 'completed' ? view.text : stableStreamingText(view.text);
}

/** The buttons under an answer. */
export type ActionsKind = 'none' | 'stop' | 'retry';

/** A message the server has not accepted yet (local id) cannot be stopped; a failed one can be asked again. */
export function actionsKindOf(view: MessageView): ActionsKind {
  if (view.status === 'failed') return 'retry';
  if (isFinished(view) || view.messageId.startsWith('local-')) return 'none';
  return 'stop';
}
