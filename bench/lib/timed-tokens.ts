/**
 * Answer tokens that carry the time they were sent: each is the sender's `Date.now()` minus an
 * epoch both ends share, in base 36, followed by a space (a few bytes, as a real token is). The
 * fake model writes them, the watching client reads them back on the same machine's clock, so
 * the lag of every token is measured end to end without any clock but the system's.
 */

export function timedToken(sentAtMs: number, epochMs: number): string {
  return `${(sentAtMs - epochMs).toString(36)} `;
}

/**
 * Reads the tokens of a stream piece by piece: a piece may end inside a token (the service cuts
 * long batches by bytes), so the unfinished tail waits for the next piece.
 */
export class TimedTokenReader {
  private tail = '';

  constructor(private readonly epochMs: number) {}

  /** Calls `sent` with the send time of every token completed by `text`. */
  read(text: string, sent: (sentAtMs: number) => void): void {
    const parts = (this.tail + text).split(' ');
    this.tail = parts.pop() ?? '';
    for (const part of parts) if (part !== '') sent(this.epochMs + Number.parseInt(part, 36));
  }
}
