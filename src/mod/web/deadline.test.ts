import { describe, expect, it } from 'vitest';
import { createDeadlineQueue } from './index.js';

const aborted = (s: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (s.aborted) resolve(s.reason);
    else s.addEventListener('abort', () => resolve(s.reason), { once: true });
  });

describe('createDeadlineQueue', () => {
  it('times out deadlines on one timer, in expiry order whatever the start order', async () => {
    const q = createDeadlineQueue();
    const order: string[] = [];
    const long = q.start(60_000);
    const a = q.start(40);
    const b = q.start(5);
    long.signal.addEventListener('abort', () => order.push('long'));
    a.signal.addEventListener('abort', () => order.push('a'));
    b.signal.addEventListener('abort', () => order.push('b'));
    const reason = await aborted(a.signal);
    expect(order).toEqual(['b', 'a']);
    expect((reason as DOMException).name).toBe('TimeoutError');
    expect(a.timedOut && b.timedOut).toBe(true);
    expect(long.signal.aborted).toBe(false);
    q.clear();
  });

  it('passes an outer abort on with its reason, not as a timeout', async () => {
    const q = createDeadlineQueue();
    const outer = new AbortController();
    const d = q.start(60_000, outer.signal);
    outer.abort(new Error('interrupted'));
    expect(((await aborted(d.signal)) as Error).message).toBe('interrupted');
    expect(d.timedOut).toBe(false);
    const pre = q.start(60_000, outer.signal);
    expect(pre.signal.aborted).toBe(true);
    q.clear();
  });

  it('done releases a deadline: it never fires and stops following the outer signal', async () => {
    const q = createDeadlineQueue();
    const outer = new AbortController();
    const d = q.start(5, outer.signal);
    d.done();
    d.done();
    const later = q.start(20);
    await aborted(later.signal);
    outer.abort();
    expect(d.signal.aborted).toBe(false);
    expect(d.timedOut).toBe(false);
  });

  it('lets many attempts share one caller signal without Node’s listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const q = createDeadlineQueue();
      const outer = new AbortController();
      const ds = Array.from({ length: 40 }, () => q.start(60_000, outer.signal));
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const d of ds) d.done();
      q.clear();
      // Every attempt's listener is gone once it is done: aborting now reaches none.
      outer.abort();
      expect(ds.some((d) => d.signal.aborted)).toBe(false);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
