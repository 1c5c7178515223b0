/**
 * Request deadlines without a timer per request (see createDeadlineQueue): the HTTP
 * client's total timeout per attempt and the checksum-database client's per-request
 * timeout both use one queue per client.
 */
import { setMaxListeners } from 'node:events';

/** Deadline is one attempt's abort signal: its total timeout or the caller's signal. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** timedOut reports whether the timeout (not the caller) aborted the attempt. */
  readonly timedOut: boolean;
  /** done releases the deadline (the attempt is over); calling it twice is harmless. */
  done(): void;
}

/** DeadlineQueue hands out Deadlines that share one timer. */
export interface DeadlineQueue {
  /** start returns a Deadline that aborts after ms, or when outer aborts (with outer's reason). */
  start(ms: number, outer?: AbortSignal): Deadline;
  /** clear releases every live deadline without aborting it, and stops the timer. */
  clear(): void;
}

/**
 * createDeadlineQueue returns the timeouts of one client: the requests of a client
 * share one timeout, so deadlines expire in the order they were set and one
 * unreferenced timer, armed for the oldest live deadline, serves them all (a timer
 * and a combined AbortSignal per request cost more than the request itself on a
 * loopback proxy). A timed-out deadline aborts with a TimeoutError DOMException.
 */
export function createDeadlineQueue(): DeadlineQueue {
  interface Entry {
    at: number;
    controller: AbortController;
    live: boolean;
    timedOut: boolean;
    outer?: AbortSignal;
    onOuter?: () => void;
  }
  let queue: Entry[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;
  let armedAt = Infinity;
  const release = (e: Entry) => {
    if (!e.live) return;
    e.live = false;
    if (e.onOuter) e.outer?.removeEventListener('abort', e.onOuter);
  };
  const arm = () => {
    while (head < queue.length && !queue[head]!.live) head++;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    const next = queue[head];
    if (!next) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      armedAt = Infinity;
      return;
    }
    if (timer && armedAt <= next.at) return;
    if (timer) clearTimeout(timer);
    armedAt = next.at;
    timer = setTimeout(fire, Math.max(0, next.at - Date.now()));
    timer.unref();
  };
  const fire = () => {
    timer = undefined;
    armedAt = Infinity;
    const now = Date.now();
    while (head < queue.length && queue[head]!.at <= now) {
      const e = queue[head++]!;
      if (!e.live) continue;
      e.timedOut = true;
      release(e);
      e.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }
    arm();
  };
  return {
    start(ms, outer) {
      const controller = new AbortController();
      const e: Entry = { at: Date.now() + ms, controller, live: true, timedOut: false };
      if (outer) {
        if (outer.aborted) controller.abort(outer.reason);
        else {
          e.outer = outer;
          e.onOuter = () => {
            release(e);
            controller.abort(outer.reason);
          };
          // Many attempts in flight share one caller signal; each listener is removed
          // when its attempt ends, so Node's leak warning (more than 10) would be noise
          // on the user's stderr.
          setMaxListeners(0, outer);
          outer.addEventListener('abort', e.onOuter, { once: true });
        }
      }
      // Deadlines are set in expiry order when all share one timeout; any other is
      // placed by binary search so that the queue stays sorted.
      if (queue.length === head || queue[queue.length - 1]!.at <= e.at) queue.push(e);
      else {
        let lo = head;
        let hi = queue.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (queue[mid]!.at <= e.at) lo = mid + 1;
          else hi = mid;
        }
        queue.splice(lo, 0, e);
      }
      arm();
      return {
        signal: controller.signal,
        get timedOut() {
          return e.timedOut;
        },
        done: () => release(e),
      };
    },
    clear() {
      for (let i = head; i < queue.length; i++) release(queue[i]!);
      queue = [];
      head = 0;
      arm();
    },
  };
}
