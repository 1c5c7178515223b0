import { describe, expect, it } from 'vitest';
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
