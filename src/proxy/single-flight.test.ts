import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './single-flight.js';

describe('createSingleFlight', () => {
  it('runs the work once for concurrent callers with the same key', async () => {
    const sf = createSingleFlight();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const work = async () => {
      runs++;
      await gate;
      return 'value';
    };
    const all = Promise.all(Array.from({ length: 200 }, () => sf.do('k', work)));
    expect(sf.inFlight).toBe(1);
    release();
    expect(await all).toEqual(Array(200).fill('value'));
    expect(runs).toBe(1);
    expect(sf.inFlight).toBe(0);
  });

  it('shares errors and forgets the key afterwards', async () => {
    const sf = createSingleFlight();
    let runs = 0;
    const fail = async () => {
      runs++;
      throw new Error('boom');
    };
    const results = await Promise.allSettled([sf.do('k', fail), sf.do('k', fail)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
    await expect(sf.do('k', async () => 'again')).resolves.toBe('again');
  });

  it('keeps different keys apart', async () => {
    const sf = createSingleFlight();
    const seen: string[] = [];
    await Promise.all(['a', 'b', 'a'].map((k) => sf.do(k, async () => void seen.push(k))));
    expect(seen.sort()).toEqual(['a', 'b']);
  });
});
