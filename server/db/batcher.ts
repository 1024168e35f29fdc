/**
 * Coalesces calls made in the same turn of the event loop into one database round trip (the
 * DataLoader pattern). Under load many workers claim, publish and complete at once; one
 * statement for all of them costs about what one costs alone, and one commit instead of many.
 *
 * A call made while the batcher is idle (nothing waiting, no statement of its own running) goes
 * at once: there is nothing to share a statement with, and waiting for the end of the turn would
 * put the rest of the turn's work (a response being written, other events) ahead of it. Calls
 * that follow while it runs are coalesced as before.
 */
export type BatchFunction<I, O> = (items: I[]) => Promise<O[]>;

interface Entry<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export function createBatcher<I, O>(run: BatchFunction<I, O>, options: { maxBatch: number }): (item: I) => Promise<O> {
  let pending: Entry<I, O>[] = [];
  let scheduled = false;
  let running = 0;

  const runBatch = (batch: Entry<I, O>[]) => {
    running += 1;
    let statement: Promise<O[]>;
    try {
      statement = run(batch.map((entry) => entry.item));
    } catch (error) {
      statement = Promise.reject(error);
    }
    statement
      .finally(() => {
        running -= 1;
      })
      .then(
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
  };

  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      runBatch(pending.slice(0, options.maxBatch));
      pending = pending.slice(options.maxBatch);
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      const entry = { item, resolve, reject };
      if (running === 0 && !scheduled) {
        runBatch([entry]);
        return;
      }
      pending.push(entry);
      if (!scheduled) {
        scheduled = true;
        // After the I/O callbacks of this turn: everything that became ready together goes together.
        setImmediate(flush);
      }
    });
}
