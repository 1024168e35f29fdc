/**
 * Where each heard delta stands in its message's text: the next piece (relay it), one heard
 * already (a catch-up repeats what was sent, the bus echoes what was delivered here), or one
 * after a piece that never came (joined mid-answer, or the listener lost some). Only the next
 * piece is relayed, so every target sees each message's text whole, once, in order, from seq 0.
 */
import type { MessageDeltaEvent } from '../../shared/socket-events.js';

export type DeltaPlace = 'next' | 'heard' | 'missing';

export class DeltaOrder {
  /** Per message: its current attempt and the seq expected next. Oldest first, for the bound. */
  private readonly expected = new Map<string, { attempt: number; seq: number }>();

  constructor(private readonly capacity: number) {}

  place(event: MessageDeltaEvent): DeltaPlace {
    const { messageId, seq } = event;
    const attempt = event.attempt ?? 1;
    const known = this.expected.get(messageId);
    if (known && attempt < known.attempt) return 'heard'; // a failed attempt's late piece
    if (!known || attempt > known.attempt) {
      if (seq !== 0) return 'missing';
      this.start(messageId, attempt);
      return 'next';
    }
    if (seq < known.seq) return 'heard';
    if (seq > known.seq) return 'missing';
    known.seq += 1;
    return 'next';
  }

  /** Nothing more is relayed of it until its text starts again from seq 0. */
  forget(messageId: string): void {
    this.expected.delete(messageId);
  }

  private start(messageId: string, attempt: number): void {
    this.expected.delete(messageId);
    this.expected.set(messageId, { attempt, seq: 1 });
    if (this.expected.size > this.capacity) {
      const oldest = this.expected.keys().next().value;
      if (oldest !== undefined) this.expected.delete(oldest);
    }
  }
}
