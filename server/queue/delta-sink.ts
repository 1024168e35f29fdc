/**
 * Where a worker sends the answer's text as the provider streams it. The realtime layer publishes
 * it (batched pg_notify); without it (tests of the queue alone) the text is simply dropped.
 */
export interface DeltaStream {
  push(text: string): void;
  /** Sends what is still buffered. Never throws. */
  end(): Promise<void>;
}

export interface DeltaSink {
  open(params: { messageId: string; attempt: number }): DeltaStream;
}

export const discardDeltas: DeltaSink = {
  open: () => ({ push: () => undefined, end: async () => undefined }),
};
