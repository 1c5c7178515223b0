// txtar parse/format: x/tools' own cases, every shared fixture read in place (bytes,
// including the non-UTF-8 x/mod cases), and a round-trip property.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import { format, parse, parseFile, type Archive } from './index.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { ignoreBOM: true });
const b = (s: string) => enc.encode(s);
const show = (a: Archive) => ({
  comment: dec.decode(a.comment),
  files: a.files.map((f) => [f.name, dec.decode(f.data)]),
});

describe('parse (x/tools TestParse)', () => {
  it('basic: markers, a marker-like line, empty files, missing final newline, empty name', () => {
    const text =
      'comment1\ncomment2\n-- file1 --\nFile 1 text.\n-- foo ---\nMore file 1 text.\n-- file 2 --\nFile 2 text.\n' +
      '-- empty --\n-- noNL --\nhello world\n-- empty filename line --\nsome content\n-- --';
    const want = {
      comment: 'comment1\ncomment2\n',
      files: [
        ['file1', 'File 1 text.\n-- foo ---\nMore file 1 text.\n'],
        ['file 2', 'File 2 text.\n'],
        ['empty', ''],
        ['noNL', 'hello world\n'],
        ['empty filename line', 'some content\n-- --\n'],
      ],
    };
    const a = parse(b(text));
    expect(show(a)).toEqual(want);
    expect(show(parse(format(a)))).toEqual(want);
  });

  it('crlf: a marker line may end in CR LF; data keeps its CRs', () => {
    const a = parse(b('comment\r\n-- file --\r\ndata\r\n'));
    expect(show(a)).toEqual({ comment: 'comment\r\n', files: [['file', 'data\r\n']] });
    expect(show(parse(format(a)))).toEqual(show(a));
  });

  it.each([
    ['no markers at all', 'just a comment', { comment: 'just a comment\n', files: [] }],
    ['empty input', '', { comment: '', files: [] }],
    ['marker first', '-- a --\nx', { comment: '', files: [['a', 'x\n']] }],
    ['marker without newline at EOF', 'c\n-- a --', { comment: 'c\n', files: [['a', '']] }],
    ['name is trimmed (Go white space)', '-- \t a b \u00a0 --\n', { comment: '', files: [['a b', '']] }],
    ['U+FEFF is not Go white space', '-- \ufeffa --\n', { comment: '', files: [['\ufeffa', '']] }],
    ['"-- --" is too short to be a marker', '-- --\n-- x --\n', { comment: '-- --\n', files: [['x', '']] }],
    ['marker must start the line', 'a -- x --\n', { comment: 'a -- x --\n', files: [] }],
    ['"--x --" lacks the space', '--x --\n', { comment: '--x --\n', files: [] }],
  ])('%s', (_name, text, want) => {
    expect(show(parse(b(text)))).toEqual(want);
  });
});

describe('format (x/tools TestFormat)', () => {
  it('writes markers and adds missing final newlines', () => {
    const out = format({
      comment: b('comment1\ncomment2\n'),
      files: [
        { name: 'file1', data: b('File 1 text.\n-- foo ---\nMore file 1 text.\n') },
        { name: 'file 2', data: b('File 2 text.\n') },
        { name: 'empty', data: b('') },
        { name: 'noNL', data: b('hello world') },
      ],
    });
    expect(dec.decode(out)).toBe(
      'comment1\ncomment2\n-- file1 --\nFile 1 text.\n-- foo ---\nMore file 1 text.\n-- file 2 --\nFile 2 text.\n-- empty --\n-- noNL --\nhello world\n',
    );
  });
});

describe('bytes are never decoded', () => {
  it('keeps invalid UTF-8 in comment and data', () => {
    const raw = Uint8Array.of(0x70, 0x3d, 0xff, 0x0a, ...b('-- f --\n'), 0xc3, 0x28, 0x0a);
    const a = parse(raw);
    expect([...a.comment]).toEqual([0x70, 0x3d, 0xff, 0x0a]);
    expect(a.files[0]!.name).toBe('f');
    expect([...a.files[0]!.data]).toEqual([0xc3, 0x28, 0x0a]);
    expect(Buffer.from(format(a)).equals(Buffer.from(raw))).toBe(true);
  });

  it('reads the x/mod invalid_utf8_mod_path case byte for byte', async () => {
    const file = testdata('zip', 'create', 'invalid_utf8_mod_path.txt');
    const a = await parseFile(file);
    expect(a.comment.includes(0xff)).toBe(true);
    expect(Buffer.from(format(a)).equals(readFileSync(file))).toBe(true);
  });
});

/** Every txtar file of the shared test data, as [relative name, absolute path]. */
function sharedTxtars(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else if (e.name.endsWith('.txt')) out.push([rel + e.name, path.join(dir, e.name)]);
    }
  };
  for (const d of ['goproxy-fixtures', 'zip', 'go-scripts']) walk(testdata(d), `${d}/`);
  return out;
}

describe('shared fixtures', () => {
  const files = sharedTxtars();
  it('finds the fixture sets (250 proxy fixtures, 40 zip cases, 45 scripts)', () => {
    expect(files.filter(([n]) => n.startsWith('goproxy-fixtures/'))).toHaveLength(250);
    expect(files.filter(([n]) => n.startsWith('zip/'))).toHaveLength(40);
    expect(files.filter(([n]) => n.startsWith('go-scripts/'))).toHaveLength(45);
  });

  it('format(parse(f)) reproduces every canonical fixture byte for byte', () => {
    const differ: string[] = [];
    let checked = 0;
    for (const [name, file] of files) {
      const raw = readFileSync(file);
      const a = parse(raw);
      // A canonical file has exact "-- name --" markers and a final newline; only those round-trip exactly.
      const canonical = raw.length === 0 || raw[raw.length - 1] === 0x0a;
      const markersExact = raw
        .toString('latin1')
        .split('\n')
        .filter((l) => /^-- .* --$/.test(l))
        .every((l) => l === `-- ${l.slice(3, -3).trim()} --` && l.slice(3, -3).trim() !== '');
      if (canonical && markersExact) {
        checked++;
        if (!Buffer.from(format(a)).equals(raw)) differ.push(name);
      }
      // Whatever the input, parse is a fixpoint after one format.
      expect(show(parse(format(a))), name).toEqual(show(a));
    }
    expect(differ).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  it('splits rsc.io/quote v1.5.2 into its .mod, .info and source files', async () => {
    const a = await parseFile(testdata('goproxy-fixtures', 'rsc.io_quote_v1.5.2.txt'));
    expect(dec.decode(a.comment).split('\n')[0]).toBe('rsc.io/quote@v1.5.2');
    expect(a.files.map((f) => f.name)).toEqual(expect.arrayContaining(['.mod', '.info', 'go.mod', 'quote.go']));
  });
});

describe('round trip property', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9_./@-]{1,12}$/);
  const line = fc.stringMatching(/^[^\n]{0,10}$/).filter((l) => !/^-- .* --\r?$/.test(l));
  const body = fc.array(line, { maxLength: 5 }).map((ls) => ls.map((l) => l + '\n').join(''));
  it('parse(format(a)) == a for well-formed archives', () => {
    fc.assert(
      fc.property(body, fc.array(fc.tuple(name, body), { maxLength: 6 }), (comment, files) => {
        const a: Archive = { comment: b(comment), files: files.map(([n, d]) => ({ name: n, data: b(d) })) };
        expect(show(parse(format(a)))).toEqual(show(a));
      }),
    );
  });
});
