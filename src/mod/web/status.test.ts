import { describe, expect, it } from 'vitest';
import { FILE_ERROR_HEADER } from './file.js';
import { describeStatus, escapeUrlPath, formatErrorDetail, isPlainTextUtf8, shouldEscapeUrl } from './index.js';

const text = (status: number, body: string | Uint8Array | ReadableStream<Uint8Array>, type = 'text/plain') =>
  new Response(body, { status, headers: { 'content-type': type } });

/** streamOf yields the chunks one by one and records how many were pulled. */
function streamOf(chunks: string[]): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let i = 0;
  return {
    stream: new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < chunks.length) c.enqueue(Buffer.from(chunks[i++]!));
        else c.close();
      },
    }),
    pulled: () => i,
  };
}

describe('formatErrorDetail (cmd/go/internal/web)', () => {
  it('keeps lines up to the first blank one, 8 lines and 648 bytes at most', () => {
    expect(formatErrorDetail('not found: x\n')).toBe('not found: x');
    expect(formatErrorDetail('a\nb\n \t\nc')).toBe('a\n\tb');
    expect(formatErrorDetail(Array.from({ length: 12 }, (_, i) => `l${i}`).join('\n'))).toBe(
      'l0\n\tl1\n\tl2\n\tl3\n\tl4\n\tl5\n\tl6\n\tl7\n\t[Truncated: too many lines.]',
    );
    expect(formatErrorDetail('x'.repeat(648))).toBe('x'.repeat(648));
    expect(formatErrorDetail('x'.repeat(649))).toBe('[Truncated: too long.]');
    // Bytes, not characters, count towards the limit.
    expect(formatErrorDetail('é'.repeat(324) + 'x')).toBe('[Truncated: too long.]');
  });

  it('shows nothing for invalid UTF-8, control characters or a BOM, in bytes and in text', () => {
    expect(formatErrorDetail(new Uint8Array([0x6f, 0x6b, 0xff]))).toBe('');
    expect(formatErrorDetail('evil \u001b[31m')).toBe('');
    expect(formatErrorDetail('bell\x07')).toBe('');
    expect(formatErrorDetail('\ufeffbom')).toBe('');
    expect(formatErrorDetail('lone \ud800')).toBe('');
    // Go's spaces (NEL, NBSP) are allowed; a line of them is blank.
    expect(formatErrorDetail('a\u00a0b\n\u0085\nc')).toBe('a\u00a0b');
  });
});

describe('isPlainTextUtf8', () => {
  it.each([
    ['text/plain', true],
    ['text/plain; charset=utf-8', true],
    ['Text/Plain; Charset="US-ASCII"', true],
    ['text/plain; format=flowed', true],
    ['text/plain; charset=latin1', false],
    ['text/html', false],
    [null, false],
  ])('%s → %s', (type, want) => expect(isPlainTextUtf8(type)).toBe(want));
});

describe('describeStatus (HTTPError.Error)', () => {
  it('words a status with and without a server response', async () => {
    expect((await describeStatus(text(404, ''), 'https://p/x')).message).toBe('reading https://p/x: 404 Not Found');
    const one = await describeStatus(text(410, 'not found: gone\n'), 'https://p/x');
    expect(one).toMatchObject({
      message: 'reading https://p/x: 410 Gone\n\tserver response: not found: gone',
      status: 410,
      statusText: 'Gone',
      detail: 'not found: gone',
      fileError: null,
    });
    const two = await describeStatus(text(403, 'a\nb'), 'https://p/x');
    expect(two.message).toBe('reading https://p/x: 403 Forbidden\n\tserver response:\n\ta\n\tb');
  });

  it('ignores bodies that are not plain UTF-8 text', async () => {
    const html = await describeStatus(text(500, '<h1>oops</h1>', 'text/html'), 'https://p/x');
    expect(html.message).toBe('reading https://p/x: 500 Internal Server Error');
    const latin = await describeStatus(text(500, 'oops', 'text/plain; charset=iso-8859-1'), 'https://p/x');
    expect(latin.detail).toBe('');
  });

  it('reads only the lines Go keeps, then cancels the body', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}\n`);
    const s = streamOf(lines);
    const d = await describeStatus(text(404, s.stream), 'https://p/x');
    expect(d.detail.split('\n\t')).toHaveLength(9);
    expect(s.pulled()).toBeLessThan(lines.length);
  });

  it('reports the file error of a file:// answer, and Go’s bare status text for files', async () => {
    const res = new Response(null, {
      status: 404,
      statusText: 'Not Found',
      headers: { [FILE_ERROR_HEADER]: encodeURIComponent('no such file or directory') },
    });
    const d = await describeStatus(res, 'file:///p/x');
    expect(d.message).toBe('reading file:///p/x: no such file or directory');
    expect(d.fileError).toBe('no such file or directory');
    const bare = await describeStatus(new Response(null, { status: 404, statusText: 'Not Found' }), 'file:///p/y');
    expect(bare.message).toBe('reading file:///p/y: Not Found');
  });

  it('keeps a broken body’s first lines', async () => {
    let sent = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) {
          sent = true;
          c.enqueue(Buffer.from('first\n'));
        } else c.error(new Error('reset'));
      },
    });
    expect((await describeStatus(text(502, broken), 'https://p/x')).detail).toBe('first');
  });
});

describe('escapeUrlPath / shouldEscapeUrl (net/url)', () => {
  it('escapes as EscapedPath and PathEscape do', () => {
    expect(escapeUrlPath('rsc.io/!q!u!o!t!e/@v/v1.0.0.info')).toBe('rsc.io/%21q%21u%21o%21t%21e/@v/v1.0.0.info');
    expect(escapeUrlPath('a b?c;d,e', 'path')).toBe('a%20b%3Fc;d,e');
    expect(escapeUrlPath('a b?c;d,e/f', 'pathSegment')).toBe('a%20b%3Fc%3Bd%2Ce%2Ff');
    expect(escapeUrlPath('é\x01')).toBe('%C3%A9%01');
    expect(shouldEscapeUrl('~'.charCodeAt(0), 'pathSegment')).toBe(false);
    expect(shouldEscapeUrl('$'.charCodeAt(0), 'path')).toBe(false);
  });
});
