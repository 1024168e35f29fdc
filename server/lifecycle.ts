/**
 * What a start has made, each thing pushed with how it is stopped the moment it exists. A start
 * that fails part-way stops what it made, last made first; close() is the same unwinding, so the
 * two cannot drift apart. A stop that fails is reported and does not keep the others from running.
 */
export class StopStack {
  private readonly stops: Array<{ name: string; stop: () => unknown }> = [];
  private unwinding: Promise<void> | undefined;
  /** The stop under way while unwinding. */
  private current: string | undefined;

  constructor(private readonly onStopFailed: (name: string, error: unknown) => void) {}

  /** How to stop what was just made (or started). */
  push(name: string, stop: () => unknown): void {
    if (this.unwinding) throw new Error(`${name} was started while stopping`);
    this.stops.push({ name, stop });
  }

  /** What is not stopped yet, the stop under way first: what a shutdown that overran still waits for. */
  remaining(): string[] {
    const waiting = this.stops.map((entry) => entry.name).reverse();
    return this.current === undefined ? waiting : [this.current, ...waiting];
  }

  /** Stops everything pushed, in reverse order; once, however often it is called. */
  unwind(): Promise<void> {
    this.unwinding ??= (async () => {
      for (let entry = this.stops.pop(); entry; entry = this.stops.pop()) {
        this.current = entry.name;
        try {
          await entry.stop();
        } catch (error) {
          this.onStopFailed(entry.name, error);
        }
      }
      this.current = undefined;
    })();
    return this.unwinding;
  }
}

/** Runs `start`; when it throws, unwinds what it had pushed on `stack`, then throws its error. */
export async function startOrUnwind<T>(stack: StopStack, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}

/** A function that runs once; later calls get the first call's promise. */
export function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= run();
    return result;
  };
}
