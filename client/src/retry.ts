import { isConflict } from "./errors.js";
import { sleep } from "./watch.js";

export interface Backoff {
  /** Attempts in total (default 5). */
  steps: number;
  /** First wait in milliseconds (default 10). */
  durationMs: number;
  /** Multiplier per step (default 1). */
  factor: number;
  /** Random extra fraction of each wait (default 0.1). */
  jitter: number;
}

/** client-go's retry.DefaultRetry. */
export const DEFAULT_RETRY: Backoff = { steps: 5, durationMs: 10, factor: 1, jitter: 0.1 };

/**
 * Runs `fn` again while it fails with a 409 Conflict, with backoff; `fn` should
 * get the latest object, change it and update. Other errors and the last
 * conflict are thrown.
 */
export async function retryOnConflict<R>(fn: () => Promise<R>, backoff: Partial<Backoff> = {}): Promise<R> {
  return retryOn(isConflict, fn, backoff);
}

/** `retryOnConflict` with a predicate of your own (client-go's OnError). */
export async function retryOn<R>(retriable: (err: unknown) => boolean, fn: () => Promise<R>, backoff: Partial<Backoff> = {}): Promise<R> {
  const b = { ...DEFAULT_RETRY, ...backoff };
  let wait = b.durationMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= b.steps || !retriable(err)) throw err;
      await sleep(wait * (1 + Math.random() * b.jitter));
      wait *= b.factor;
    }
  }
}
