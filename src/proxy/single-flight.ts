/**
 * In-process single-flight: concurrent callers asking for the same key share one
 * execution of the work and its result (or error). The entry is dropped when the work
 * settles, so the next caller after that starts a fresh execution.
 *
 * This is the seam for cross-replica locking (a later issue): a distributed
 * implementation keeps the same `do(key, fn)` contract.
 */

/** SingleFlight de-duplicates concurrent work by key. */
export interface SingleFlight {
  /** do runs fn unless a call for key is in flight, in which case it joins that call. */
  do<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** inFlight is the number of keys being worked on now. */
  readonly inFlight: number;
}

/** createSingleFlight returns an empty in-process single-flight group. */
export function createSingleFlight(): SingleFlight {
  const calls = new Map<string, Promise<unknown>>();
  return {
    do<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const existing = calls.get(key);
      if (existing) return existing as Promise<T>;
      const p = (async () => {
        try {
          return await fn();
        } finally {
          calls.delete(key);
        }
      })();
      calls.set(key, p);
      return p;
    },
    get inFlight() {
      return calls.size;
    },
  };
}
