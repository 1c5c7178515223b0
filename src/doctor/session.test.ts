// DoctorSession.fetch over a real HTTP client and a loopback proxy: the per-probe backstop
// (one shared timer) cuts a hanging request with Go's client wording, the run's abort and
// the caller's signal end a request, and requests keep working after a timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDoctorWorld, type DoctorWorld } from '../../test/support/doctor-world.js';
import { createHttpClient, type HttpClient } from '../mod/web/index.js';
import { isCodedError } from '../shared/errors.js';
import { createSession } from './index.js';

let w: DoctorWorld;
// A client without a timeout of its own (60 s), so only the session's backstop can end a hang.
let patient: HttpClient;

beforeAll(async () => {
  w = await createDoctorWorld();
  w.proxy.setFault('hang.example/*', { kind: 'hang' });
  patient = createHttpClient({ retries: 0, timeoutMs: 60_000, connectTimeoutMs: 60_000 });
});
afterAll(async () => {
  await patient?.close();
  await w?.close();
});

const hanging = () => `${w.proxy.url}/hang.example/m/@v/list`;
const served = () => `${w.proxy.url}/rsc.io/quote/@v/list`;

describe('DoctorSession.fetch', () => {
  it('cuts a hanging request at the probe timeout with the go command wording, then goes on working', async () => {
    const s = createSession(await w.options({ fetch: patient, probeTimeoutMs: 200 }));
    const url = hanging();
    const err = await s.fetch(url).catch((e: unknown) => e);
    expect(isCodedError(err, 'ERR_WEB_TRANSPORT')).toBe(true);
    expect((err as Error).message).toBe(
      `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
    expect(s.probes.at(-1)).toMatchObject({ url, error: (err as Error).message });
    // Several at once: each hanging one is cut, the served one answers.
    const [a, b, ok] = await Promise.allSettled([s.fetch(hanging()), s.fetch(hanging()), s.fetch(served())]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(ok.status === 'fulfilled' && ok.value.status).toBe(200);
    await s.close();
  });

  it("rejects with the run's abort reason when the run is aborted", async () => {
    const run = new AbortController();
    const s = createSession(await w.options({ fetch: patient, probeTimeoutMs: 30_000 }), run.signal);
    const p = s.fetch(hanging());
    setTimeout(() => run.abort(new Error('run over')), 50);
    await expect(p).rejects.toThrow('run over');
    await expect(s.fetch(served())).rejects.toThrow('run over');
    await s.close();
  });

  it("ends a request when the caller's signal aborts", async () => {
    const s = createSession(await w.options({ fetch: patient, probeTimeoutMs: 30_000 }));
    const caller = new AbortController();
    const p = s.fetch(hanging(), { signal: caller.signal });
    setTimeout(() => caller.abort(new Error('caller gave up')), 50);
    await expect(p).rejects.toThrow();
    expect(caller.signal.aborted).toBe(true);
    // The session itself is still usable.
    expect((await s.fetch(served())).status).toBe(200);
    await s.close();
  });
});
