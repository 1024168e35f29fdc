/**
 * A repeating background task that never overlaps itself and never throws: each run starts
 * `intervalMs` after the previous one ended; errors go to `onError`.
 */
export interface RepeatingTask {
  /** Runs the task now (unless it is running) and waits for it. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export function repeat(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
): RepeatingTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const run = (): Promise<void> => {
    if (running) return running;
    clearTimeout(timer);
    running = task()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
    return running;
  };
  timer = setTimeout(run, intervalMs);

  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
