import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatErrorDetail } from '../mod/web/status.js';
import { errorBody, parseErrorBody, ProxyError, STATUS_BY_CODE, type ProxyErrorCode } from './errors.js';

describe('error bodies', () => {
  it.each(Object.keys(STATUS_BY_CODE) as ProxyErrorCode[])('%s round-trips through parseErrorBody', (code) => {
    const e = new ProxyError(code, 'first line\n\tsecond: line', {
      subject: 'rsc.io/quote@v1.5.2.zip',
      upstream: 'https://proxy.example/mod',
    });
    const body = errorBody(e);
    expect(body).not.toContain('\n');
    expect(parseErrorBody(body)).toEqual({
      kind: STATUS_BY_CODE[code].kind,
      code,
      subject: 'rsc.io/quote@v1.5.2.zip',
      upstream: 'https://proxy.example/mod',
      reason: 'first line; second: line',
    });
  });

  it('recognises a body as the go command prints it, with and without subject or upstream', () => {
    expect(
      parseErrorBody(
        '\tserver response: not found: rsc.io/x@v1.0.0.info from https://p.example: reading https://p.example/rsc.io/x/@v/v1.0.0.info: 404 Not Found [ERR_PROXY_NOT_FOUND]',
      ),
    ).toMatchObject({ code: 'ERR_PROXY_NOT_FOUND', subject: 'rsc.io/x@v1.0.0.info', upstream: 'https://p.example' });
    expect(parseErrorBody('unavailable: server is shutting down [ERR_PROXY_SHUTTING_DOWN]')).toEqual({
      kind: 'unavailable',
      code: 'ERR_PROXY_SHUTTING_DOWN',
      reason: 'server is shutting down',
    });
    expect(
      parseErrorBody('bad request: /Quote/@v/list: malformed module path "Quote": missing dot [ERR_PROXY_BAD_PATH]'),
    ).toMatchObject({ subject: '/Quote/@v/list', reason: 'malformed module path "Quote": missing dot' });
    expect(parseErrorBody('not found: rsc.io/x@v1.0.0: invalid version')).toBeUndefined();
    expect(parseErrorBody('something else [ERR_PROXY_NOT_FOUND]')).toBeUndefined();
  });

  it('redacts credentials and keeps status codes protocol', () => {
    const e = new ProxyError('ERR_PROXY_UPSTREAM', 'reading https://bob:hunter22@corp.example/x: 500', {
      upstream: 'https://corp.example',
    });
    expect(errorBody(e)).not.toContain('hunter22');
    expect(new ProxyError('ERR_PROXY_NOT_FOUND', 'x', { status: 410 }).status).toBe(410);
    const notFound = Object.entries(STATUS_BY_CODE).filter(([, v]) => v.kind === 'not found');
    expect(notFound.every(([, v]) => v.status === 404)).toBe(true);
  });
});

describe('error bodies stay whole in the go command output', () => {
  // cmd/go/internal/web (formatErrorDetail) shows a body line only when it is at most
  // maxErrorDetailBytes = 8*81 bytes of graphic or space runes; otherwise the whole line
  // becomes `[Truncated: too long.]` (or nothing), and the code with it.
  const GO_MAX = 648;
  const long = (unit: string, n: number) => Array.from({ length: n }, (_, i) => `${unit}${i}`).join(' ');

  it.each(Object.keys(STATUS_BY_CODE) as ProxyErrorCode[])(
    '%s: a long reason is cut at its end, the subject, upstream and code stay',
    (code) => {
      const reason = 'upstream said: ' + long('éboom€', 400);
      const body = errorBody(
        new ProxyError(code, reason, { subject: 'rsc.io/quote@v1.5.2.zip', upstream: 'https://proxy.example/mod' }),
      );
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(GO_MAX);
      expect(body.endsWith(` [${code}]`)).toBe(true);
      const parsed = parseErrorBody(body)!;
      expect(parsed).toMatchObject({
        kind: STATUS_BY_CODE[code].kind,
        code,
        subject: 'rsc.io/quote@v1.5.2.zip',
        upstream: 'https://proxy.example/mod',
      });
      expect(parsed.reason.endsWith('…')).toBe(true);
      expect(reason.startsWith(parsed.reason.slice(0, -1))).toBe(true);
      expect(parsed.reason.length).toBeGreaterThan(200);
    },
  );

  it('short bodies are unchanged', () => {
    const e = new ProxyError('ERR_PROXY_NOT_FOUND', 'no such version', { subject: 'rsc.io/quote@v9.0.0.info' });
    expect(errorBody(e)).toBe('not found: rsc.io/quote@v9.0.0.info: no such version [ERR_PROXY_NOT_FOUND]');
  });

  it('long subjects and upstreams are cut too, and secrets are redacted before cutting', () => {
    const subject = 'example.com/' + 'a'.repeat(1500) + '@v1.0.0.zip';
    const upstream = 'https://bob:hunter22hunter22@' + 'b'.repeat(700) + '.example/mod';
    const reason = 'reading https://bob:hunter22hunter22@up.example/x: 500 ' + 'x'.repeat(900);
    const body = errorBody(new ProxyError('ERR_PROXY_UPSTREAM', reason, { subject, upstream }));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(GO_MAX);
    expect(body).not.toContain('hunter2');
    const parsed = parseErrorBody(body)!;
    expect(parsed.code).toBe('ERR_PROXY_UPSTREAM');
    expect(parsed.subject!.startsWith('example.com/aaaa')).toBe(true);
    expect(parsed.upstream!.startsWith('https://bob:***@bbbb')).toBe(true);
    expect(parsed.reason.startsWith('reading https://bob:***@up.example/x: 500 xxx')).toBe(true);
  });

  it('characters the go command refuses to print (controls, format characters) are replaced', () => {
    const body = errorBody(
      new ProxyError('ERR_PROXY_UPSTREAM', 'bad\u001b[31m red\u0007 bell\u200b zero-width\ttab\rreturn', {
        subject: 'rsc.io/quote@v1.5.2.mod',
      }),
    );
    expect(body).toBe(
      'upstream error: rsc.io/quote@v1.5.2.mod: bad?[31m red? bell? zero-width tab return [ERR_PROXY_UPSTREAM]',
    );
  });

  it('property: every body is one line of at most 648 bytes of printable runes that parses back to its code', () => {
    const text = fc.string({ unit: 'binary', maxLength: 1200 });
    const token = fc.string({ unit: 'grapheme-ascii', maxLength: 900 }).map((s) => s.replace(/[\s:]/g, 'x'));
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(STATUS_BY_CODE) as ProxyErrorCode[])),
        text,
        fc.option(token, { nil: undefined }),
        fc.option(token, { nil: undefined }),
        (code, message, subject, upstream) => {
          const body = errorBody(new ProxyError(code, message, { subject, upstream }));
          expect(Buffer.byteLength(body)).toBeLessThanOrEqual(GO_MAX);
          expect(body).not.toMatch(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/u);
          expect(parseErrorBody(body)?.code).toBe(code);
          // What the go command shows of it (cmd/go/internal/web, as src/mod/web has it): all of it.
          expect(formatErrorDetail(body + '\n')).toBe(body);
        },
      ),
      { numRuns: 300 },
    );
  });
});
