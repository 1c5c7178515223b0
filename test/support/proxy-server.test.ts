// The loopback test proxy is shared by several suites (goproxy, doctor, the module proxy):
// its URL forms and faults are pinned here with plain fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from './proxy-server.js';

describe('startTestProxy', () => {
  let p: TestProxy;
  beforeAll(async () => {
    p = await startTestProxy({
      fixtures: ['rsc.io_quote_v1.5.2.txt'],
      faults: [{ pattern: 'once/*', fault: { kind: 'status', status: 502, body: 'bad gateway\n' }, times: 1 }],
    });
  });
  afterAll(async () => {
    await p.close();
  });

  it('serves the tree with protocol content types and logs requests', async () => {
    const r = await fetch(`${p.url}/rsc.io/quote/@v/v1.5.2.info`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(await r.text())).toMatchObject({ Version: 'v1.5.2' });
    expect(p.requests.at(-1)).toMatchObject({ method: 'GET', path: 'rsc.io/quote/@v/v1.5.2.info' });
    expect((await fetch(`${p.url}/../../etc/passwd`)).status).toBe(404);
  });

  it('implements the cmd/go test proxy URL forms', async () => {
    expect((await fetch(`${p.url}/404/rsc.io/quote/@v/list`)).status).toBe(404);
    expect((await fetch(`${p.url}/410/rsc.io/quote/@v/list`)).status).toBe(410);
    expect(await (await fetch(`${p.url}/invalid/rsc.io/quote/@v/list`)).text()).toBe('invalid');
    const redirected = await fetch(`${p.url}/redirect/2/rsc.io/quote/@v/list`);
    expect(redirected.redirected).toBe(true);
    expect(await redirected.text()).toBe('v1.5.2\n');
  });

  it('applies faults by pattern, for a limited number of requests', async () => {
    expect((await fetch(`${p.url}/once/x`)).status).toBe(502);
    expect((await fetch(`${p.url}/once/x`)).status).toBe(404);
    p.setFault(/@v\/v1\.5\.2\.mod$/, { kind: 'auth', user: 'u', password: 'pw', status: 403 });
    expect((await fetch(`${p.url}/rsc.io/quote/@v/v1.5.2.mod`)).status).toBe(403);
    const ok = await fetch(`${p.url}/rsc.io/quote/@v/v1.5.2.mod`, {
      headers: { authorization: 'Basic ' + Buffer.from('u:pw').toString('base64') },
    });
    expect(ok.status).toBe(200);
    p.setFault('rsc.io/quote/@v/v1.5.2.info', { kind: 'wrong-info', version: 'v9.9.9' }, 1);
    expect(JSON.parse(await (await fetch(`${p.url}/rsc.io/quote/@v/v1.5.2.info`)).text()).Version).toBe('v9.9.9');
    p.setFault('rsc.io/quote/@v/list', { kind: 'html' }, 1);
    expect((await fetch(`${p.url}/rsc.io/quote/@v/list`)).headers.get('content-type')).toMatch(/^text\/html/);
    p.setFault('rsc.io/quote/@v/v1.5.2.zip', { kind: 'truncate', bytes: 100 }, 1);
    await expect(fetch(`${p.url}/rsc.io/quote/@v/v1.5.2.zip`).then((r) => r.arrayBuffer())).rejects.toThrow();
    p.clearFaults();
    expect((await fetch(`${p.url}/rsc.io/quote/@v/v1.5.2.mod`)).status).toBe(200);
  });
});
