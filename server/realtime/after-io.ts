/**
 * Runs callbacks once the I/O callbacks of the current turn of the event loop are done
 * (setImmediate), in the order they were given.
 *
 * For what the listener hears: the database sends a write's notifications at its commit, about
 * when it sends the write's own result. Relayed at once, their delivery to clients could run
 * before the result was read, and so before the worker could send its next statement (a new
 * question's `pending` and `processing` came before its completion). Deferred, they reach clients
 * a little later instead, and the worker's next statement leaves first.
 */
export function createAfterIoQueue(onError: (error: unknown) => void): (callback: () => void) => void {
  let queued: Array<() => void> = [];
  const runQueued = () => {
    const batch = queued;
    queued = [];
    for (const callback of batch) {
      // One failing callback must not keep the ones after it from running.
      try {
        callback();
      } catch (error) {
        try {
          onError(error);
        } catch {
          // Reporting failed too (the logger): nothing is left to tell, and the rest must run.
        }
      }
    }
  };
  return (callback) => {
    queued.push(callback);
    if (queued.length === 1) setImmediate(runQueued);
  };
}
