/**
 * Where a worker sends the answer's text as the provider streams it. The realtime layer publishes
 * it (batched pg_notify); without it (tests of the queue alone) the text is simply dropped.
 */
export interface DeltaStream {
  push(text: string): void;
  /** Sends what is still buffered. Never throws. */
  end(): Promise<void>;
  /**
   * Waits for what was sent, and hands back the NOTIFY payloads of what is still buffered, for
   * the completing statement to publish (one round trip less, and still before the status).
   */
  takeRest(): Promise<string[]>;
}

export interface DeltaSink {
  /**
   * `after`: the message is still being written. Nothing is published before it resolves (no
   * watcher may hear text before the message's first status), nor at all if it resolves false.
   */
  open(params: { messageId: string; attempt: number; after?: Promise<boolean> }): DeltaStream;
}

export const discardDeltas: DeltaSink = {
  open: () => ({ push: () => undefined, end: async () => undefined, takeRest: async () => [] }),
};
