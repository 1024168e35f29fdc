/**
 * Coalesces calls made in the same turn of the event loop into one database round trip (the
 * DataLoader pattern). Under load many workers claim, publish and complete at once; one
 * statement for all of them costs about what one costs alone, and one commit instead of many.
 * When calls are rare each batch holds one item and nothing waits.
 */
export type BatchFunction<I, O> = (items: I[]) => Promise<O[]>;

export function createBatcher<I, O>(run: BatchFunction<I, O>, options: { maxBatch: number }): (item: I) => Promise<O> {
  let pending: Array<{ item: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.slice(0, options.maxBatch);
      pending = pending.slice(options.maxBatch);
      run(batch.map((entry) => entry.item)).then(
        (results) => {
          for (const [i, entry] of batch.entries()) entry.resolve(results[i] as O);
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      );
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // After the I/O callbacks of this turn: everything that became ready together goes together.
        setImmediate(flush);
      }
    });
}
