/**
 * The text written so far of each message being answered here or watched here, kept from the
 * deltas the relay hands on (whole, in order, from seq 0), so that a client joining mid-answer (a
 * subscribe, a reload, an SSE stream) gets the text so far instead of waiting for the final
 * answer. A message whose text is not here is asked for (`missing`): it then follows as deltas.
 *
 * Only whole text is offered: an entry starts at seq 0 of an attempt and grows only by the next
 * seq. An instance that started (or lost deltas) mid-attempt keeps nothing for it until the next
 * attempt starts. A new attempt replaces the entry; the final status drops it.
 *
 * Bounded: at most `maxMessages` entries and `maxTotalBytes` of text (UTF-8) in all, the least
 * recently grown dropped first; an answer longer than `maxMessageBytes` is dropped (its clients
 * wait for the final status, as without this store). The defaults hold at most 16 MiB.
 */
import type {
  MessageCurrentState,
  MessageDeltaEvent,
  MessageStatusEvent,
  PartialAnswer,
} from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import type { RelayTarget } from '../messages/relay-target.js';

export interface PartialAnswerLimits {
  maxMessages: number;
  maxTotalBytes: number;
  maxMessageBytes: number;
}

/**
 * Messages answered or watched here (of all instances' workers, at most), so the count is
 * generous; 256 KiB is far beyond an LLM answer (about 64k tokens).
 */
export const DEFAULT_PARTIAL_ANSWER_LIMITS: PartialAnswerLimits = {
  maxMessages: 2000,
  maxTotalBytes: 16 * 1024 * 1024,
  maxMessageBytes: 256 * 1024,
};

interface Entry {
  attempt: number;
  nextSeq: number;
  text: string;
  bytes: number;
}

export class PartialAnswers {
  /** In the order they last grew: the first is the one to drop. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;

  private askForText: (messageId: string) => boolean = () => false;
  /** Joiners waiting for the text of a message asked for. */
  private readonly awaited = new Map<string, Array<() => void>>();

  constructor(private readonly limits: PartialAnswerLimits = DEFAULT_PARTIAL_ANSWER_LIMITS) {}

  /** How to ask for the text of a message being answered elsewhere (delta-requests.ts): false when it is answered here. */
  requestTextWith(ask: (messageId: string) => boolean): void {
    this.askForText = ask;
  }

  /** Asks for a message's text, and resolves once it starts to come (within `waitMs`, else anyway). */
  askFor(messageId: string, waitMs: number): Promise<void> {
    if (!this.askForText(messageId)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const rest = (this.awaited.get(messageId) ?? []).filter((waiter) => waiter !== done);
        if (rest.length > 0) this.awaited.set(messageId, rest);
        else this.awaited.delete(messageId);
        // The rest of the catch-up is read with its start: let it be added first.
        setImmediate(resolve);
      };
      const timer = setTimeout(done, waitMs);
      this.awaited.set(messageId, [...(this.awaited.get(messageId) ?? []), done]);
    });
  }

  /** The text so far, when this instance has all of the current attempt's text. */
  of(messageId: string): PartialAnswer | undefined {
    const entry = this.entries.get(messageId);
    return entry && { attempt: entry.attempt, seq: entry.nextSeq, text: entry.text };
  }

  /** What is held now (for tests and metrics). */
  get usage(): { messages: number; bytes: number } {
    return { messages: this.entries.size, bytes: this.totalBytes };
  }

  add(delta: MessageDeltaEvent): void {
    const { messageId, seq } = delta;
    const attempt = delta.attempt ?? 1;
    const entry = this.entries.get(messageId);
    if (entry && attempt < entry.attempt) return; // a stale attempt
    if (seq === 0) {
      if (entry?.attempt === attempt) return; // heard twice
      // A new attempt: its text replaces the failed one's.
      this.grow(messageId, { attempt, nextSeq: 0, text: '', bytes: 0 }, delta.text);
      return;
    }
    if (!entry) return; // joined mid-attempt
    // A new attempt whose start was missed, or a lost delta: the text is no longer whole.
    if (attempt > entry.attempt || seq > entry.nextSeq) this.forget(messageId);
    else if (seq === entry.nextSeq) this.grow(messageId, entry, delta.text);
    // else: heard twice
  }

  /** A final status: nothing more will be written. */
  finish(messageId: string): void {
    this.forget(messageId);
  }

  /** The listener reconnected: deltas may have been missed, so no entry is known to be whole. */
  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  readonly relayTarget: RelayTarget = {
    status: (event: MessageStatusEvent) => {
      if (isTerminal(event.status)) this.finish(event.messageId);
    },
    delta: (event: MessageDeltaEvent) => this.add(event),
    conversationDeleted: ({ messageIds }) => {
      for (const messageId of messageIds) this.forget(messageId);
    },
    watchedMessageIds: () => [],
  };

  /** Stores `entry` with `text` appended, in place of what was kept for the message. */
  private grow(messageId: string, entry: Entry, text: string): void {
    const bytes = Buffer.byteLength(text);
    this.forget(messageId);
    if (entry.bytes + bytes > this.limits.maxMessageBytes) return;
    // Re-inserted at the end: the order of the map is the order of growth.
    this.entries.set(messageId, {
      ...entry,
      nextSeq: entry.nextSeq + 1,
      text: entry.text + text,
      bytes: entry.bytes + bytes,
    });
    this.totalBytes += entry.bytes + bytes;
    this.evictOverLimits();
    for (const done of this.awaited.get(messageId) ?? []) done();
  }

  private evictOverLimits(): void {
    for (const messageId of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxMessages && this.totalBytes <= this.limits.maxTotalBytes) return;
      this.forget(messageId);
    }
  }

  private forget(messageId: string): void {
    const entry = this.entries.get(messageId);
    if (!entry) return;
    this.entries.delete(messageId);
    this.totalBytes -= entry.bytes;
  }
}

/** A message's current state with its text so far, if it is still being answered and known here. */
export function withPartialAnswer(state: MessageStatusEvent, answers: PartialAnswers): MessageCurrentState {
  if (isTerminal(state.status)) return state;
  const partial = answers.of(state.messageId);
  return partial ? { ...state, partial } : state;
}

/** How long a client joining a message answered elsewhere waits for its text to come here. */
const ASKED_TEXT_WAIT_MS = 1000;

/**
 * The current state for a client joining now. A message being answered elsewhere whose text is
 * not here: the text is asked for and briefly waited for; what comes after it follows as deltas.
 */
export async function withTextSoFar(state: MessageStatusEvent, answers: PartialAnswers): Promise<MessageCurrentState> {
  if (state.status === 'processing' && !answers.of(state.messageId)) {
    await answers.askFor(state.messageId, ASKED_TEXT_WAIT_MS);
  }
  return withPartialAnswer(state, answers);
}
