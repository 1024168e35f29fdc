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
          if (batch.length === 1) {
            batch[0]?.reject(error);
            return;
          }
          // One bad item must not fail the others that happened to share its statement: the
          // failed statement changed nothing, so each item runs again on its own.
          for (const entry of batch) {
            run([entry.item]).then(
              (results) => entry.resolve(results[0] as O),
              (single: unknown) => entry.reject(single),
            );
          }
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
