import { describe, expect, it } from 'vitest';
import { isProxyError } from './errors.js';
import { checkRawPath, parseRoute, type ModuleRoute, type SumdbRoute } from './route.js';

describe('parseRoute: protocol paths', () => {
  it.each([
    ['/rsc.io/quote/@v/list', { file: 'list', path: 'rsc.io/quote', key: 'rsc.io/quote/@v/list', immutable: false }],
    ['/rsc.io/quote/@latest', { file: 'latest', path: 'rsc.io/quote', key: 'rsc.io/quote/@latest' }],
    [
      '/rsc.io/quote/@v/v1.5.2.info',
      {
        file: 'info',
        version: 'v1.5.2',
        key: 'rsc.io/quote/@v/v1.5.2.info',
        immutable: true,
        subject: 'rsc.io/quote@v1.5.2.info',
      },
    ],
    ['/rsc.io/quote/@v/v1.5.2.mod', { file: 'mod', version: 'v1.5.2', immutable: true }],
    ['/rsc.io/quote/@v/v1.5.2.zip', { file: 'zip', version: 'v1.5.2', immutable: true }],
    [
      '/github.com/!azure/azure-sdk-for-go/@v/v1.0.0-!r!c1.zip',
      {
        path: 'github.com/Azure/azure-sdk-for-go',
        version: 'v1.0.0-RC1',
        escapedVersion: 'v1.0.0-!r!c1',
        key: 'github.com/!azure/azure-sdk-for-go/@v/v1.0.0-!r!c1.zip',
      },
    ],
    ['/rsc.io/quote/@v/v2.0.0.info', { file: 'info', version: 'v2.0.0', immutable: false }],
    ['/rsc.io/quote/@v/master.info', { file: 'info', version: 'master', immutable: false }],
    ['/rsc.io/breaker/@v/v2.0.0+incompatible.mod', { version: 'v2.0.0+incompatible', immutable: true }],
    ['/rsc.io/%71uote/@v/list', { path: 'rsc.io/quote' }],
  ])('%s', (p, want) => {
    const r = parseRoute(p) as ModuleRoute;
    expect(r.kind).toBe('module');
    expect(r).toMatchObject(want);
  });

  it.each([
    [
      '/sumdb/sum.golang.org/supported',
      { name: 'sum.golang.org', op: 'supported', key: 'sumdb/sum.golang.org/supported' },
    ],
    ['/sumdb/sum.golang.org/latest', { op: 'latest', remotePath: 'latest' }],
    [
      '/sumdb/sum.golang.org/lookup/github.com/!azure/x@v1.0.0',
      { op: 'lookup', module: { path: 'github.com/Azure/x', version: 'v1.0.0' } },
    ],
    ['/sumdb/sum.golang.org/tile/8/0/x001/234.p/5', { op: 'tile', remotePath: 'tile/8/0/x001/234.p/5' }],
    ['/sumdb/sum.golang.org/tile/8/data/000', { op: 'tile' }],
    ['/sumdb/localhost.localdev/sumdb/supported', { name: 'localhost.localdev/sumdb', op: 'supported' }],
  ])('%s', (p, want) => {
    const r = parseRoute(p) as SumdbRoute;
    expect(r.kind).toBe('sumdb');
    expect(r).toMatchObject(want);
  });

  it('ops and root', () => {
    expect(parseRoute('/-/healthz')).toEqual({ kind: 'ops', name: 'healthz' });
    expect(parseRoute('/-/api/modules')).toEqual({ kind: 'ops', name: 'api/modules' });
    expect(parseRoute('/')).toEqual({ kind: 'root' });
  });
});

describe('parseRoute: bad input', () => {
  const code = (p: string, opts = {}) => {
    try {
      parseRoute(p, opts);
    } catch (e) {
      if (isProxyError(e)) return `${e.status} ${e.message}`;
      throw e;
    }
    return 'accepted';
  };
  it.each([
    ['/rsc.io/quote/../../etc/passwd/@v/list', /^400 dot segment/],
    ['/rsc.io/quote/%2e%2e/%2e%2e/@v/list', /^400 dot segment/],
    ['/rsc.io/quote/%2E%2E/@v/list', /^400 dot segment/],
    ['/rsc.io/quote%2f..%2f..%2fetc/@v/list', /^400 percent-encoded slash/],
    ['/rsc.io/quote%5c..%5c/@v/list', /^400 percent-encoded slash or backslash/],
    ['/rsc.io/Quote/@v/list', /^400 .*invalid char 'Q'|^400 .*uppercase|^400 /],
    ['/rsc.io/quote/@v/v1.0.0-RC1.zip', /^400 /],
    ['/rsc.io/quote/@v/v1.5.2%00.zip', /^400 percent-encoded control/],
    ['/rsc.io/quote/@v/v1.5.2\u0000.zip', /^400 control character/],
    ['/rsc.io/quote/@v/%ff.info', /^400 request path is not valid UTF-8/],
    ['/rsc.io/quote/@v/%c3%a9.info', /^400 non-ASCII/],
    ['/rsc.io/quote/@v/%zz.info', /^400 malformed percent escape/],
    ['/rsc.io//quote/@v/list', /^400 empty segment/],
    ['/rsc.io\\quote/@v/list', /^400 backslash/],
    ['/r\u00e9.io/quote/@v/list', /^400 unescaped non-ASCII/],
    ['/' + 'a'.repeat(3000) + '.io/@v/list', /^400 request path longer than 2048 bytes/],
    ['/quote/@v/list', /^404 invalid escaped module path "quote": malformed module path "quote": missing dot in/],
    ['/goproxy/rsc.io/quote/@latest', /^404 invalid escaped module path "goproxy\/rsc.io\/quote": malformed/],
    ['/rsc.io/quote/v2.0.0/@v/list', /^404 .*malformed module path "rsc.io\/quote\/v2.0.0"/],
    ['/Go/rsc.io/quote/@v/list', /^400 invalid escaped module path "Go\/rsc.io\/quote"$/],
    ['/rsc.io/q!!uote/@v/list', /^400 invalid escaped module path "rsc.io\/q!!uote"$/],
    ['/rsc.io/quote/@v/v1.5.zip', /^400 invalid version "v1.5": not a canonical semantic version/],
    ['/rsc.io/quote/@v/latest.mod', /^400 invalid version/],
    ['/rsc.io/quote/@v/!!.info', /^400 /],
    ['/rsc.io/quote', /^404 not a module proxy path/],
    ['/rsc.io/quote/@v/v1.5.2.tar', /^404 not a module proxy path/],
    ['/rsc.io/quote/@v/v2.0.0.zip', /^404 rsc\.io\/quote@v2\.0\.0: invalid version: should be v0 or v1, not v2/],
    ['/rsc.io/quote/@v/', /^400 empty segment/],
    ['/sumdb/sum.golang.org/lookup/rsc.io/quote', /^400 lookup path/],
    ['/sumdb/sum.golang.org/tile/99/0/000', /^400 /],
    ['/sumdb/sum.golang.org/nothing', /^404 /],
  ])('%s', (p, want) => {
    expect(code(p)).toMatch(want);
  });

  it('the path limit is configurable', () => {
    expect(code('/rsc.io/quote/@v/list', { maxPathLength: 10 })).toMatch(/^400 request path longer than 10 bytes/);
  });

  it('checkRawPath returns the decoded path', () => {
    expect(checkRawPath('/rsc.io/%71uote/@v/list')).toBe('/rsc.io/quote/@v/list');
  });
});
