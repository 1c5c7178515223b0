// StreamResponse (the client's lazy Response) behaves as a web Response for every reader,
// and responseHeader/responseChunks/discardBody read any Response alike. Bodies are real
// Node streams; the client end to end runs against a real loopback server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, isHttpError } from './index.js';
import { StreamResponse, discardBody, responseChunks, responseHeader, streamResponse } from './response.js';

/** tracked returns hooks that record settlements and map errors to a marked Error. */
function tracked() {
  const log = { settled: 0 };
  const hooks = {
    mapError: (e: unknown) => new Error(`mapped: ${(e as Error).message}`),
    onSettled: () => {
      log.settled++;
    },
  };
  return { log, hooks };
}

/** failing is a stream that sends one chunk, then fails. */
function failing(): Readable {
  const s = new PassThrough();
  s.write(Buffer.from('part'));
  setImmediate(() => s.destroy(new Error('reset')));
  return s;
}

const body = (text: string | Buffer) => Readable.from([Buffer.from(text)]);

describe('StreamResponse', () => {
  it('is a Response with its status, reason phrase and ok', () => {
    const r = streamResponse(404, 'Not Found', {}, null);
    expect(r).toBeInstanceOf(Response);
    expect(r).toBeInstanceOf(StreamResponse);
    expect([r.status, r.statusText, r.ok]).toEqual([404, 'Not Found', false]);
    expect(() => streamResponse(100, 'Continue', {}, null)).toThrow(RangeError);
  });

  it('reads text (UTF-8, a leading BOM dropped), json, arrayBuffer (exact), bytes and blob', async () => {
    expect(await streamResponse(200, 'OK', {}, body('\uFEFFhé')).text()).toBe('hé');
    expect(await streamResponse(200, 'OK', {}, body('{"a":[1]}')).json()).toEqual({ a: [1] });
    const ab = await streamResponse(200, 'OK', {}, Readable.from([Buffer.from('ab'), Buffer.from('c')])).arrayBuffer();
    expect(ab.byteLength).toBe(3);
    expect(Buffer.from(ab).toString()).toBe('abc');
    const xy = streamResponse(200, 'OK', {}, body('xy')) as unknown as StreamResponse;
    expect([...(await xy.bytes())]).toEqual([0x78, 0x79]);
    const blob = await streamResponse(200, 'OK', { 'content-type': 'text/plain' }, body('z')).blob();
    expect([blob.type, await blob.text()]).toEqual(['text/plain', 'z']);
    await expect(streamResponse(200, 'OK', {}, body('nope')).json()).rejects.toThrow(SyntaxError);
    expect(await streamResponse(204, 'No Content', {}, null).text()).toBe('');
  });

  it('builds Headers only when asked, joining repeated values; header() reads them raw', () => {
    const r = streamResponse(200, 'OK', { 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' }, null);
    expect((r as unknown as StreamResponse).header('content-type')).toBe('text/plain');
    expect(responseHeader(r, 'set-cookie')).toBe('a=1, b=2');
    expect(responseHeader(r, 'missing')).toBeNull();
    expect(r.headers.get('Content-Type')).toBe('text/plain');
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(r.headers).toBe(r.headers);
  });

  it('lets a body be read once, whichever reader comes first', async () => {
    const r = streamResponse(200, 'OK', {}, body('once'));
    expect(r.bodyUsed).toBe(false);
    expect(await r.text()).toBe('once');
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(TypeError);
    expect(r.body).toBeNull();
    const w = streamResponse(200, 'OK', {}, body('web'));
    const reader = w.body!.getReader();
    expect(w.bodyUsed).toBe(true);
    await expect(w.arrayBuffer()).rejects.toThrow(TypeError);
    expect(() => responseChunks(w)).toThrow(TypeError);
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('web');
  });

  it('serves the web body, chunks and text with read errors mapped, settling once', async () => {
    for (const read of [
      async (r: Response) => {
        for await (const _ of r.body as unknown as AsyncIterable<Uint8Array>) void _;
      },
      async (r: Response) => {
        for await (const _ of responseChunks(r)!) void _;
      },
      (r: Response) => r.text(),
    ]) {
      const { log, hooks } = tracked();
      const r = streamResponse(200, 'OK', {}, failing(), hooks);
      await expect(read(r)).rejects.toThrow('mapped: reset');
      expect(log.settled).toBe(1);
    }
  });

  it('settles at once without a body, at the end of one, and when cancelled or left early', async () => {
    let t = tracked();
    streamResponse(200, 'OK', {}, null, t.hooks);
    expect(t.log.settled).toBe(1);

    t = tracked();
    const r = streamResponse(200, 'OK', {}, body('abc'), t.hooks);
    expect(t.log.settled).toBe(0);
    await r.text();
    expect(t.log.settled).toBe(1);

    t = tracked();
    const source = new PassThrough();
    source.write('first');
    const c = streamResponse(200, 'OK', {}, source, t.hooks);
    await discardBody(c);
    await discardBody(c);
    expect([t.log.settled, source.destroyed]).toEqual([1, true]);

    t = tracked();
    const more = new PassThrough();
    more.write('a');
    more.write('b');
    const early = streamResponse(200, 'OK', {}, more, t.hooks);
    for await (const chunk of responseChunks(early)!) {
      expect(Buffer.from(chunk).toString()).toBe('ab'.slice(0, chunk.length));
      break;
    }
    expect([t.log.settled, more.destroyed]).toEqual([1, true]);
  });

  it('clones: both copies read the whole body', async () => {
    const r = streamResponse(200, 'OK', { 'x-a': '1' }, body('twice'));
    const c = r.clone();
    expect(c.headers.get('x-a')).toBe('1');
    expect(await c.text()).toBe('twice');
    expect(await r.text()).toBe('twice');
  });
});

describe('responseHeader, responseChunks and discardBody on a plain Response', () => {
  it('read headers and the web body of any Response', async () => {
    const r = new Response('plain body', { headers: { 'Content-Type': 'text/plain' } });
    expect(responseHeader(r, 'content-type')).toBe('text/plain');
    const parts: string[] = [];
    for await (const c of responseChunks(r)!) parts.push(Buffer.from(c).toString());
    expect(parts.join('')).toBe('plain body');
    expect(responseChunks(new Response(null))).toBeNull();
    const d = new Response('to drop');
    await discardBody(d);
    expect(d.bodyUsed).toBe(true);
  });
});

describe('the client answers with StreamResponses', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/repeat') {
        res.setHeader('x-many', ['one', 'two']);
        res.end('r');
      } else if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('only part');
        setTimeout(() => res.socket?.destroy(), 20);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('hello');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('GET, HEAD, 204 and repeated headers, as a fetch Response would give them', async () => {
    const client = createHttpClient({ retries: 0 });
    try {
      const get = await client(`${base}/x`);
      expect(get).toBeInstanceOf(StreamResponse);
      expect([get.status, get.statusText, get.headers.get('content-type')]).toEqual([200, 'OK', 'text/plain']);
      expect(await get.text()).toBe('hello');
      const head = await client(`${base}/x`, { method: 'HEAD' });
      expect([head.status, head.body, await head.text()]).toEqual([200, null, '']);
      const empty = await client(`${base}/empty`);
      expect([empty.status, empty.statusText, empty.body]).toEqual([204, 'No Content', null]);
      expect((await client(`${base}/repeat`)).headers.get('x-many')).toBe('one, two');
    } finally {
      await client.close();
    }
  });

  it('a body that breaks off fails with the Go-worded read error, through every reader', async () => {
    const client = createHttpClient({ retries: 0 });
    try {
      for (const read of [
        (r: Response) => r.arrayBuffer(),
        async (r: Response) => {
          for await (const _ of responseChunks(r)!) void _;
        },
        async (r: Response) => {
          const reader = r.body!.getReader();
          while (!(await reader.read()).done);
        },
      ]) {
        const res = await client(`${base}/cut`);
        const err = await read(res).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isHttpError(err)).toBe(true);
        expect((err as Error).message).toBe(`read "${base}/cut": unexpected EOF`);
      }
    } finally {
      await client.close();
    }
  });
});
