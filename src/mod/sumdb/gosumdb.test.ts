// GOSUMDB parsing, the GOPROXY walk rule, and the go command's HTTP error texts.
import { describe, expect, it } from 'vitest';
import { CodedError } from '../internal/errors.js';
import type { FetchLike } from '../web/types.js';
import { formatErrorDetail, getBytes, goRedacted, joinURL, KNOWN_GOSUMDB, parseGOSUMDB, tryProxies } from './index.js';
import { generateKey } from './note/index.js';

describe('parseGOSUMDB', () => {
  it('knows sum.golang.org and its China mirror', () => {
    expect(parseGOSUMDB('sum.golang.org')).toEqual({
      name: 'sum.golang.org',
      key: KNOWN_GOSUMDB['sum.golang.org'],
      directURL: 'https://sum.golang.org',
    });
    expect(parseGOSUMDB('sum.golang.google.cn')).toEqual({
      name: 'sum.golang.org',
      key: KNOWN_GOSUMDB['sum.golang.org'],
      directURL: 'https://sum.golang.org',
      url: 'https://sum.golang.google.cn',
    });
    expect(parseGOSUMDB('  sum.golang.org\thttps://mirror.example/sumdb ').url).toBe('https://mirror.example/sumdb');
  });

  it('takes a full verifier key with or without a URL', () => {
    const { verifierKey } = generateKey('sumdb.corp.example/db');
    expect(parseGOSUMDB(verifierKey)).toEqual({
      name: 'sumdb.corp.example/db',
      key: verifierKey,
      directURL: 'https://sumdb.corp.example/db',
    });
    expect(parseGOSUMDB(`${verifierKey} http://127.0.0.1:1234`).url).toBe('http://127.0.0.1:1234');
  });

  // Texts observed from Go 1.19.8 (the differential test re-checks them against go itself).
  it.each([
    [' ', 'missing GOSUMDB'],
    ['a b c', 'invalid GOSUMDB: too many fields'],
    ['example.com', 'invalid GOSUMDB: malformed verifier id'],
    [`${KNOWN_GOSUMDB['sum.golang.org']} :bad`, 'invalid GOSUMDB URL: parse ":bad": missing protocol scheme'],
    ['sum.golang.org http://[::1', `invalid GOSUMDB URL: parse "http://[::1": missing ']' in host`],
    ['sum.golang.org http://x:y/', 'invalid GOSUMDB URL: parse "http://x:y/": invalid port ":y" after host'],
    ['sum.golang.org %zz', 'invalid GOSUMDB URL: parse "%zz": invalid URL escape "%zz"'],
  ])('%j → %s', (value, message) => {
    let err: unknown;
    try {
      parseGOSUMDB(value);
    } catch (e) {
      err = e;
    }
    expect((err as CodedError).code).toBe('ERR_SUMDB_GOSUMDB');
    expect((err as CodedError).message).toBe(message);
  });

  it.each([
    ['example.com/', 'Host:example.com Path:/ RawPath: '],
    ['example.com/a%41', 'Host:example.com Path:/aA RawPath:/a%41 '],
    ['a?b', 'Host:a Path: RawPath: OmitHost:false ForceQuery:false RawQuery:b '],
    ['a#b', 'Host:a Path: RawPath: OmitHost:false ForceQuery:false RawQuery: Fragment:b '],
    ['x@y', 'User:x Host:y '],
  ])('rejects the database name %j', (name, part) => {
    const { verifierKey } = generateKey(name);
    let msg = '';
    try {
      parseGOSUMDB(verifierKey);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg.startsWith(`invalid sumdb name (must be host[/path]): ${name} {Scheme:https Opaque: User:`)).toBe(true);
    expect(msg).toContain(part);
    expect(msg.endsWith(' RawFragment:}')).toBe(true);
  });

  it('accepts names that are plain host[/path] URLs', () => {
    for (const name of ['example.com/a%20b', 'h:1/x', '[::1]:80', 'sum.example/a/b']) {
      expect(parseGOSUMDB(generateKey(name).verifierKey).name).toBe(name);
    }
  });
});

describe('tryProxies', () => {
  const notFound = (): CodedError => new CodedError('ERR_SUMDB_STATUS', '404', { notExist: true });
  const failure = (m: string): CodedError => new CodedError('ERR_SUMDB_STATUS', m, { notExist: false });

  it('stops at the first success', async () => {
    const seen: string[] = [];
    const err = await tryProxies(
      [
        { url: 'a', fallBackOnError: false },
        { url: 'b', fallBackOnError: false },
        { url: 'c', fallBackOnError: false },
      ],
      async (p) => {
        seen.push(p);
        if (p === 'a') throw notFound();
      },
    );
    expect(err).toBeUndefined();
    expect(seen).toEqual(['a', 'b']);
  });

  it('stops at an error after "," but not after "|", and ranks errors', async () => {
    const seen: string[] = [];
    const err = await tryProxies(
      [
        { url: 'a', fallBackOnError: true },
        { url: 'b', fallBackOnError: false },
        { url: 'c', fallBackOnError: false },
      ],
      async (p) => {
        seen.push(p);
        throw p === 'b' ? notFound() : failure(p);
      },
    );
    expect(seen).toEqual(['a', 'b', 'c']);
    // A later proxy error replaces an earlier one; "not found" never replaces a proxy error.
    expect((err as Error).message).toBe('c');
    const err2 = await tryProxies(
      [
        { url: 'x', fallBackOnError: false },
        { url: 'y', fallBackOnError: false },
      ],
      async (p) => {
        throw failure(p);
      },
    );
    expect((err2 as Error).message).toBe('x');
  });

  it('an empty list is an error', async () => {
    expect(((await tryProxies([], async () => {})) as Error).message).toBe(
      'GOPROXY list is not the empty string, but contains no entries',
    );
  });
});

describe('the go command web texts', () => {
  it('formats server responses as cmd/go does', () => {
    const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
    expect(formatErrorDetail(b('not found\n'))).toBe('not found');
    expect(formatErrorDetail(b('one\ntwo\n\nthree'))).toBe('one\n\ttwo');
    expect(formatErrorDetail(b(Array.from({ length: 12 }, (_, i) => `l${i}`).join('\n')))).toBe(
      'l0\n\tl1\n\tl2\n\tl3\n\tl4\n\tl5\n\tl6\n\tl7\n\t[Truncated: too many lines.]',
    );
    expect(formatErrorDetail(b('x'.repeat(700)))).toBe('[Truncated: too long.]');
    expect(formatErrorDetail(b('bell\x07'))).toBe('');
    expect(formatErrorDetail(new Uint8Array([0xff, 0x41]))).toBe('');
  });

  it('joins and redacts URLs as cmd/go does', () => {
    expect(joinURL('https://proxy.example', 'sumdb/x/supported')).toBe('https://proxy.example/sumdb/x/supported');
    expect(joinURL('https://proxy.example/base/', '/lookup/a@v1')).toBe('https://proxy.example/base/lookup/a@v1');
    expect(joinURL('file:///tmp/proxy', '/tile/8/0/000')).toBe('file:///tmp/proxy/tile/8/0/000');
    // Go's Join keeps a RawPath that no longer matches a base with a path, so "!" is escaped…
    expect(joinURL('https://proxy.example/base', 'lookup/rsc.io/!q@v1')).toBe(
      'https://proxy.example/base/lookup/rsc.io/%21q@v1',
    );
    // …but not when the base has no path (RawPath and Path agree).
    expect(joinURL('http://127.0.0.1:1', '/lookup/rsc.io/!q@v1')).toBe('http://127.0.0.1:1/lookup/rsc.io/!q@v1');
    expect(goRedacted('https://user:secret@proxy.example/x')).toBe('https://user:xxxxx@proxy.example/x');
    expect(goRedacted('https://token@proxy.example/x')).toBe('https://token@proxy.example/x');
  });

  const respond =
    (status: number, body: string, headers: Record<string, string> = {}): FetchLike =>
    () =>
      Promise.resolve(new Response(status === 204 ? null : body, { status, headers }));

  it('builds HTTP errors with status, detail and file errors', async () => {
    const opts = { timeoutMs: 5000 };
    await expect(getBytes(respond(200, 'ok'), 'https://x.example/a', opts)).resolves.toEqual(
      new Uint8Array(Buffer.from('ok')),
    );
    await expect(
      getBytes(
        respond(410, 'gone for good\n', { 'content-type': 'text/plain; charset=utf-8' }),
        'https://u:p@x.example/a',
        opts,
      ),
    ).rejects.toThrow(/^reading https:\/\/u:xxxxx@x\.example\/a: 410 Gone\n\tserver response: gone for good$/);
    await expect(
      getBytes(respond(503, '<html>', { 'content-type': 'text/html' }), 'https://x.example/a', opts),
    ).rejects.toThrow(/^reading https:\/\/x\.example\/a: 503 Service Unavailable$/);
    await expect(
      getBytes(
        respond(404, '', { 'x-modrescue-file-error': 'no%20such%20file%20or%20directory' }),
        'file:///tmp/p/a',
        opts,
      ),
    ).rejects.toThrow(/^reading file:\/\/\/tmp\/p\/a: no such file or directory$/);
    await expect(
      getBytes(
        respond(404, '', {
          'x-modrescue-file-error': encodeURIComponent('open /tmp/a b/c: no such file or directory'),
        }),
        'file:///tmp/a%20b/c',
        opts,
      ),
    ).rejects.toThrow(/^reading file:\/\/\/tmp\/a%20b\/c: open \/tmp\/a b\/c: no such file or directory$/);
    await expect(getBytes(respond(200, ''), 'a:b/c', opts)).rejects.toThrow(/^unsupported scheme: a:b\/c$/);
    const err = await getBytes(respond(404, 'x', { 'content-type': 'text/plain' }), 'https://x.example/a', opts).catch(
      (e: CodedError) => e,
    );
    expect((err as CodedError).fields).toMatchObject({ status: 404, notExist: true, bodyExcerpt: 'x' });
  });
});
