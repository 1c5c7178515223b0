// Conformance of src/mod/modfile with x/mod/modfile: the golden files of
// ../shared/testdata/modfile (TestPrintParse / TestPrintGolden semantics) and every
// applicable table of ../shared/testdata/modfile-edits.json, read in place.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import { trimSpaceBytes } from './utf8.js';
import {
  File,
  ModfileParseError,
  editJSON,
  encodeGoString,
  format,
  goQuote,
  modulePath,
  parse,
  parseLax,
  parseSyntax,
  parseWork,
  type Comments,
  type Expr,
  type FileSyntax,
  type VersionFixer,
  type WorkFile,
} from './index.js';

// ---- helpers ----

/** shape strips positions and comments from a syntax tree (x/mod's eqchecker ignores both). */
function shape(x: Expr): unknown {
  switch (x.type) {
    case 'FileSyntax':
      return { name: x.name, stmt: x.stmt.map(shape) };
    case 'CommentBlock':
      return { type: x.type };
    case 'Line':
      return { type: x.type, token: x.token, inBlock: x.inBlock };
    case 'LineBlock':
      return { type: x.type, token: x.token, line: x.line.map(shape) };
    case 'LParen':
    case 'RParen':
      return { type: x.type };
  }
}

/** fileShape is the semantic content of a File plus the shape of each entry's syntax. */
function fileShape(f: File): unknown {
  const syn = <T extends { syntax: Expr }>(xs: T[]) => xs.map((x) => ({ ...x, syntax: shape(x.syntax) }));
  return {
    module: f.module && { ...f.module, syntax: shape(f.module.syntax) },
    go: f.go && { ...f.go, syntax: shape(f.go.syntax) },
    toolchain: f.toolchain && { ...f.toolchain, syntax: shape(f.toolchain.syntax) },
    godebug: syn(f.godebug),
    require: syn(f.require),
    exclude: syn(f.exclude),
    replace: syn(f.replace),
    retract: syn(f.retract),
    tool: syn(f.tool),
    ignore: syn(f.ignore),
    syntax: shape(f.syntax),
  };
}

const text = (b: Buffer) => b.toString('utf8');

function listTestdata(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.in') || n.endsWith('.golden'))
    .sort();
}

// block.*, comment.* and rule1.golden are valid syntax but not valid go.mod files.
const STRICT_MAY_FAIL = new Set(['block.golden', 'block.in', 'comment.golden', 'comment.in', 'rule1.golden']);

describe('testdata/modfile goldens (TestPrintParse, TestPrintGolden)', () => {
  const dir = testdata('modfile');
  it.each(listTestdata(dir))('%s', (name) => {
    const file = path.join(dir, name);
    const data = readFileSync(file);
    const base = 'testdata/' + name;
    const f1 = parseSyntax(base, data);
    let ndata = format(f1);
    // parse → format → parse gives the same tree.
    expect(shape(parseSyntax(base, ndata))).toEqual(shape(f1));
    if (name.endsWith('.golden')) expect(text(ndata)).toBe(text(data));

    let strictOK = true;
    let pf1: File | undefined;
    try {
      pf1 = parse(base, data);
    } catch (e) {
      strictOK = false;
      expect(e).toBeInstanceOf(ModfileParseError);
      expect(STRICT_MAY_FAIL.has(name), `strict parse of ${name}: ${(e as Error).message}`).toBe(true);
    }
    if (strictOK && pf1 !== undefined) {
      const pf2 = parse(base, ndata);
      expect(fileShape(pf2)).toEqual(fileShape(pf1));
      // Formatting a parsed file keeps the tree plus Parse's normalizations.
      ndata = pf1.format();
    }
    if (name.endsWith('.in')) {
      const golden = readFileSync(path.join(dir, name.replace(/\.in$/, '.golden')));
      expect(text(ndata)).toBe(text(golden));
    }
  });
});

describe('testdata/modfile/work goldens (TestWorkPrintParse)', () => {
  const dir = testdata('modfile', 'work');
  it.each(listTestdata(dir))('%s', (name) => {
    const data = readFileSync(path.join(dir, name));
    const base = 'testdata/work/' + name;
    const f1 = parseSyntax(base, data);
    let ndata = format(f1);
    expect(shape(parseSyntax(base, ndata))).toEqual(shape(f1));
    if (name.endsWith('.golden')) expect(text(ndata)).toBe(text(data));
    const pf1 = parseWork(base, data);
    const pf2 = parseWork(base, ndata);
    expect(shape(pf2.syntax)).toEqual(shape(pf1.syntax));
    expect(pf2.use.map((u) => u.path)).toEqual(pf1.use.map((u) => u.path));
    expect(pf2.replace.map((r) => [r.old, r.new])).toEqual(pf1.replace.map((r) => [r.old, r.new]));
    ndata = pf1.format();
    if (name.endsWith('.in')) {
      const golden = readFileSync(path.join(dir, name.replace(/\.in$/, '.golden')));
      expect(text(ndata)).toBe(text(golden));
    }
  });
});

// ---- modfile-edits.json ----

interface Table {
  rule: string;
  cases: Array<Record<string, unknown>>;
}
const tables = (JSON.parse(readFileSync(testdata('modfile-edits.json'), 'utf8')) as { tables: Record<string, Table> })
  .tables;
const cases = (name: string) => {
  const t = tables[name];
  if (t === undefined) throw new Error(`modfile-edits.json has no table ${name}`);
  return t.cases.map((c) => [String(c['desc'] ?? c['input']), c] as const);
};
const str = (c: Record<string, unknown>, k: string) => c[k] as string;

/** testEdit: parse in, apply op, format; the result must equal parse(out) formatted. */
function testEdit(input: string, out: string, op: (f: File) => void, strict = true): void {
  const f = strict ? parse('in', input) : parseLax('in', input);
  op(f);
  const want = (strict ? parse('out', out) : parseLax('out', out)).format();
  expect(text(f.format())).toBe(text(want));
}

function testWorkEdit(input: string, out: string, op: (f: WorkFile) => void): void {
  const f = parseWork('in', input);
  op(f);
  expect(text(f.format())).toBe(text(parseWork('out', out).format()));
}

type Mods = Array<{ path: string; vers: string; indirect: boolean }>;
const reqs = (mods: Mods) => mods.map((m) => ({ mod: { path: m.path, version: m.vers }, indirect: m.indirect }));

describe('modfile-edits.json', () => {
  it.each(cases('addRequireTests'))('AddRequire %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.addRequire(str(c, 'path'), str(c, 'vers'));
      f.cleanup();
    });
  });

  it.each(cases('setRequireTests'))('SetRequire %s', (_d, c) => {
    const mods = c['mods'] as Mods;
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.setRequire(reqs(mods));
      f.cleanup();
      expect(f.require.length).toBe(mods.length);
    });
  });

  it.each(cases('setRequireSeparateIndirectTests'))('SetRequireSeparateIndirect %s', (_d, c) => {
    const mods = c['mods'] as Mods;
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.setRequireSeparateIndirect(reqs(mods));
      f.cleanup();
      expect(f.require.length).toBe(mods.length);
    });
  });

  it.each(cases('addGoTests'))('AddGoStmt %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => f.addGoStmt(str(c, 'version')));
  });

  it.each(cases('dropGoTests'))('DropGoStmt %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.dropGoStmt();
      f.cleanup();
    });
  });

  it.each(cases('addToolchainTests'))('AddToolchainStmt %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => f.addToolchainStmt(str(c, 'version')));
  });

  it.each(cases('dropToolchainTests'))('DropToolchainStmt %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.dropToolchainStmt();
      f.cleanup();
    });
  });

  it.each(cases('addExcludeTests'))('AddExclude %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => f.addExclude(str(c, 'path'), str(c, 'version')));
  });

  it.each(cases('addRetractTests'))('AddRetract %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) =>
      f.addRetract({ low: str(c, 'low'), high: str(c, 'high') }, str(c, 'rationale')),
    );
  });

  it.each(cases('dropRetractTests'))('DropRetract %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.dropRetract({ low: str(c, 'low'), high: str(c, 'high') });
      f.cleanup();
    });
  });

  it.each(cases('retractRationaleTests'))('retract rationale %s', (_d, c) => {
    const f = parse('in', str(c, 'in'));
    expect(f.retract).toHaveLength(1);
    expect(f.retract[0]!.rationale).toBe(str(c, 'want'));
  });

  it.each(cases('moduleDeprecatedTests'))('module Deprecated %s', (_d, c) => {
    expect(parse('in', str(c, 'in')).module?.deprecated).toBe(str(c, 'want'));
  });

  it.each(cases('sortBlocksTests'))('SortBlocks %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => f.sortBlocks(), c['strict'] as boolean);
  });

  it.each(cases('addRetractValidateVersionTests'))('AddRetract rejects %s', (_d, c) => {
    const f = new File();
    if (str(c, 'path') !== '') f.addModuleStmt(str(c, 'path'));
    expect(thrown(() => f.addRetract({ low: str(c, 'low'), high: str(c, 'high') }, ''))).toBe(str(c, 'wantErr'));
  });

  it.each(cases('addExcludeValidateVersionTests'))('AddExclude rejects %s', (_d, c) => {
    const f = parse('in', 'module m');
    expect(thrown(() => f.addExclude(str(c, 'path'), str(c, 'version')))).toBe(str(c, 'wantErr'));
  });

  it.each(cases('fixVersionTests'))('VersionFixer %s', (_d, c) => {
    const fixV: VersionFixer = (p, v) => {
      if (p !== 'example.com/m') throw new Error('module path must be example.com/m');
      return 'v' + v;
    };
    if (c['wantErr'] !== undefined && c['wantErr'] !== '') {
      expect(() => parse('in', str(c, 'in'), fixV)).toThrow(str(c, 'wantErr'));
      return;
    }
    expect(text(parse('in', str(c, 'in'), fixV).format())).toBe(text(parse('want', str(c, 'want')).format()));
  });

  it.each(cases('modifyEmptyFilesTests'))('modify empty file %s', (_d, c) => {
    const f = new File();
    f.addGoStmt('1.20');
    expect(text(f.format())).toBe(text(parse('want', str(c, 'want')).format()));
  });

  it.each(cases('addGodebugTests'))('AddGodebug %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.addGodebug(str(c, 'key'), str(c, 'value'));
      f.cleanup();
    });
  });

  it.each(cases('addGodebugTests'))('WorkFile AddGodebug %s', (_d, c) => {
    const w = (s: string) => s.replace('module m', 'use foo');
    testWorkEdit(w(str(c, 'in')), w(str(c, 'out')), (f) => {
      f.addGodebug(str(c, 'key'), str(c, 'value'));
      f.cleanup();
    });
  });

  it.each(cases('dropGodebugTests'))('DropGodebug %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.dropGodebug(str(c, 'key'));
      f.cleanup();
    });
  });

  it.each(cases('dropGodebugTests'))('WorkFile DropGodebug %s', (_d, c) => {
    const w = (s: string) => s.replace('module m', 'use foo');
    testWorkEdit(w(str(c, 'in')), w(str(c, 'out')), (f) => {
      f.dropGodebug(str(c, 'key'));
      f.cleanup();
    });
  });

  it.each(cases('addToolTests'))('AddTool %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'want'), (f) => {
      f.addTool(str(c, 'path'));
      f.cleanup();
    });
  });

  it.each(cases('dropToolTests'))('DropTool %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'want'), (f) => {
      f.dropTool(str(c, 'path'));
      f.cleanup();
    });
  });

  it.each(cases('addIgnoreTests'))('AddIgnore %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'want'), (f) => {
      f.addIgnore(str(c, 'path'));
      f.cleanup();
    });
  });

  it.each(cases('dropIgnoreTests'))('DropIgnore %s', (_d, c) => {
    testEdit(str(c, 'in'), str(c, 'want'), (f) => {
      f.dropIgnore(str(c, 'path'));
      f.cleanup();
    });
  });

  it.each(cases('workAddUseTests'))('WorkFile AddUse %s', (_d, c) => {
    testWorkEdit(str(c, 'in'), str(c, 'out'), (f) => f.addUse(str(c, 'path'), str(c, 'modulePath')));
  });

  it.each(cases('workDropUseTests'))('WorkFile DropUse %s', (_d, c) => {
    testWorkEdit(str(c, 'in'), str(c, 'out'), (f) => {
      f.dropUse(str(c, 'path'));
      f.cleanup();
    });
  });

  it.each(cases('workAddGoTests'))('WorkFile AddGoStmt %s', (_d, c) => {
    testWorkEdit(str(c, 'in'), str(c, 'out'), (f) => f.addGoStmt(str(c, 'version')));
  });

  it.each(cases('workAddToolchainTests'))('WorkFile AddToolchainStmt %s', (_d, c) => {
    testWorkEdit(str(c, 'in'), str(c, 'out'), (f) => f.addToolchainStmt(str(c, 'version')));
  });

  it.each(cases('workSortBlocksTests'))('WorkFile SortBlocks %s', (_d, c) => {
    testWorkEdit(str(c, 'in'), str(c, 'out'), (f) => f.sortBlocks());
  });

  it.each(cases('TestParsePunctuation'))('punctuation %s', (_d, c) => {
    const fs = parseSyntax('in', str(c, 'src'));
    const toks: string[] = [];
    for (const stmt of fs.stmt) {
      if (stmt.type === 'Line') toks.push(...stmt.token);
      else if (stmt.type === 'LineBlock') {
        toks.push(...stmt.token, '(');
        for (const l of stmt.line) toks.push(...l.token);
        toks.push(')');
      }
    }
    expect(toks.join(' ')).toBe(str(c, 'want'));
  });

  it.each(cases('modulePathTests'))('ModulePath %j', (_d, c) => {
    expect(modulePath(str(c, 'input'))).toBe(str(c, 'expected'));
  });

  it.each(cases('TestParseVersions'))('parse versions %s', (_d, c) => {
    const input = str(c, 'input');
    const ok = c['ok'] as boolean;
    const laxOK = (c['laxOK'] as boolean | undefined) ?? false;
    const strictOK = succeeds(() => parse('go.mod', input));
    expect(strictOK).toBe(ok);
    const lax = succeeds(() => parseLax('go.mod', input));
    if (ok) expect(lax).toBe(true);
    // laxOK only permits ParseLax to succeed (the table has "go v1.2" both ways).
    if (!ok && !laxOK) expect(lax).toBe(false);
  });

  it.each(cases('TestComments'))('comments %s', (_d, c) => {
    // read_test.go walks the syntax tree of the (syntax-level) parse.
    expect(commentWalk(parseSyntax('in', str(c, 'input'))).trim()).toBe(str(c, 'want').trim());
  });
});

/** thrown returns the message of the error fn throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error thrown');
}

function succeeds(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof ModfileParseError)) throw e;
    return false;
  }
}

/** commentWalk prints the comments of every node the way read_test.go's TestComments does. */
function commentWalk(fs: FileSyntax): string {
  let out = '';
  const print = (prefix: string, com: Comments) => {
    for (const c of com.before) out += `${prefix} before ${goQuote(c.token)}\n`;
    for (const c of com.suffix) out += `${prefix} suffix ${goQuote(c.token)}\n`;
    for (const c of com.after) out += `${prefix} after ${goQuote(c.token)}\n`;
  };
  for (const stmt of fs.stmt) {
    if (stmt.type === 'CommentBlock') print('comments', stmt.comments);
    else if (stmt.type === 'Line') print('line', stmt.comments);
    else {
      print('block', stmt.comments);
      print('lparen', stmt.lparen.comments);
      for (const l of stmt.line) print('blockline', l.comments);
      print('rparen', stmt.rparen.comments);
    }
  }
  return out;
}

// ---- errors: collected, positioned, worded as Go words them ----

describe('parse errors', () => {
  const errorsOf = (data: string, file = 'go.mod', lax = false) => {
    try {
      (lax ? parseLax : parse)(file, data);
    } catch (e) {
      expect(e).toBeInstanceOf(ModfileParseError);
      return (e as ModfileParseError).message;
    }
    throw new Error('parse succeeded');
  };

  it.each([
    ['module m\n\nrequre x v1.0.0\n', 'go.mod:3: unknown directive: requre'],
    ['module m\n\n requre x v1.0.0\n', 'go.mod:3:2: unknown directive: requre'],
    ['module m\nrequire x\n', 'go.mod:2: usage: require module/path v1.2.3'],
    ['module m\nexclude x v1 v2\n', 'go.mod:2: usage: exclude module/path v1.2.3'],
    [
      'module m\nrequire x.com/y 1.0.0\n',
      'go.mod:2: require x.com/y: version "1.0.0" invalid: must be of the form v1.2.3',
    ],
    [
      'module m\nrequire x.com/y/v2 v1.0.0\n',
      'go.mod:2: require x.com/y/v2: version "v1.0.0" invalid: should be v2, not v1',
    ],
    [
      'module m\nrequire x.com/y v2.0.0\n',
      'go.mod:2: require x.com/y: version "v2.0.0" invalid: should be v0 or v1, not v2',
    ],
    [
      'module m\nreplace x.com/y => z.com/w\n',
      'go.mod:2: replacement module without version must be directory path (rooted or starting with ./ or ../)',
    ],
    [
      'module m\nreplace x.com/y => z.com/w@v1.0.0\n',
      "go.mod:2: replacement module must match format 'path version', not 'path@version'",
    ],
    [
      'module m\nreplace x.com/y => ./w v1.0.0\n',
      'go.mod:2: replacement module directory path "./w" cannot have version',
    ],
    [
      'module m\nreplace x.com/y\n',
      'go.mod:2: usage: replace module/path [v1.2.3] => other/module v1.4\n\t or replace module/path [v1.2.3] => ../local/directory',
    ],
    ['module m\ngo 1.2.3.4\n', "go.mod:2: invalid go version '1.2.3.4': must match format 1.23"],
    ['module m\ngo 1.19\ngo 1.20\n', 'go.mod:3: repeated go statement'],
    ['module m\nmodule n\n', 'go.mod:2: repeated module statement'],
    ['module m\nretract v1.0.0 extra\n', 'go.mod:2: unexpected token after version: "extra"'],
    ['module m\nretract [v1.0.0 v1.1.0]\n', "go.mod:2: expected ',' after version"],
    ['module m\nretract (v1.0.0)\n', "go.mod:2: expected '[' or version"],
    ['module m\nfoo (\n\tx\n)\n', 'go.mod:2: unknown block type: foo'],
    ['module "m\n', 'go.mod:1:10: unexpected newline in string'],
    ['module `m', 'go.mod:1:8: unexpected EOF in string'],
    ['module m\nrequire (\n\tx.com/y v1.0.0\n', 'go.mod:4: syntax error (unterminated block started at go.mod:2:1)'],
    ['module m /* c */\n', 'go.mod:1:10: mod files must use // comments (not /* */ comments)'],
    ['module m\n\u00a0\n', "go.mod:2: unexpected input character '\\u00a0'"],
    ['module m\ntoolchain 1.21\n', "go.mod:2: invalid toolchain version '1.21': must match format go1.23.0 or default"],
    ['module m\ngodebug x\n', 'go.mod:2: usage: godebug key=value'],
    ["module m\nrequire 'x' v1.0.0\n", 'go.mod:2: invalid quoted string: unquoted string cannot contain quote'],
    ['module m\nrequire "x\\q" v1.0.0\n', 'go.mod:2: invalid quoted string: invalid syntax'],
    [
      'module m\nrequre a v1\nrequire b\nexclude c 1.0\n',
      'go.mod:2: unknown directive: requre\ngo.mod:3: usage: require module/path v1.2.3\ngo.mod:4: exclude c: version "1.0" invalid: must be of the form v1.2.3',
    ],
  ])('%j', (data, want) => {
    expect(errorsOf(data)).toBe(want);
  });

  it('collects every error with file, line, column and message', () => {
    try {
      parse('go.mod', 'module m\n requre a v1\nrequire b\n');
      throw new Error('parse succeeded');
    } catch (e) {
      const err = e as ModfileParseError;
      expect(err.code).toBe('ERR_MODFILE_PARSE');
      expect(err.errors).toEqual([
        { filename: 'go.mod', line: 2, col: 2, verb: '', modPath: '', message: 'unknown directive: requre' },
        { filename: 'go.mod', line: 3, col: 1, verb: '', modPath: '', message: 'usage: require module/path v1.2.3' },
      ]);
      expect(err.fields['errors']).toEqual(err.errors);
    }
  });

  it('ignores unknown and main-module-only directives in lax mode', () => {
    const f = parseLax('go.mod', 'module m\nfrob x\nreplace a => b\nexclude c v1\ngo v1.21.0\n');
    expect(f.replace).toEqual([]);
    expect(f.exclude).toEqual([]);
    expect(f.go?.version).toBe('1.21');
    expect(errorsOf('module m\nrequire x\n', 'go.mod', true)).toBe('go.mod:2: usage: require module/path v1.2.3');
  });
});

describe('bytes that are not UTF-8 survive a round trip', () => {
  it('keeps invalid bytes in comments and tokens byte for byte', () => {
    const data = Buffer.concat([
      Buffer.from('module m // caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('\n\nrequire (\n\tx.com/'),
      Buffer.from([0xc3]),
      Buffer.from(' v1.0.0\n)\n'),
    ]);
    const fs = parseSyntax('go.mod', data);
    const out = format(fs);
    expect(out.equals(Buffer.from(data.toString('latin1').replace('(\n\tx', 'x').replace('\n)', ''), 'latin1'))).toBe(
      false,
    );
    expect(format(parseSyntax('go.mod', out)).equals(out)).toBe(true);
    expect(out.includes(Buffer.from([0xe9, 0xff]))).toBe(true);
    expect(out.includes(Buffer.from([0x2f, 0xc3, 0x20]))).toBe(true);
  });

  it('keeps invalid bytes raw in %s error texts and escapes them in %q ones', () => {
    const bad = Buffer.from('module m\ngo \xff\nretract v1.0.0 \xfe\n', 'latin1');
    const msg = thrown(() => parse('go.mod', bad));
    expect(encodeGoString(msg).toString('latin1')).toBe(
      "go.mod:2: invalid go version '\xff': must match format 1.23\n" +
        'go.mod:3: unexpected token after version: "\\xfe"',
    );
  });
});

describe('editJSON (go mod edit -json)', () => {
  it('prints Go 1.19 fields, nulls and omitted empties', () => {
    const f = parse(
      'go.mod',
      '// Deprecated: use b\nmodule a\n\ngo 1.19\n\nrequire (\n\tx.com/y v1.0.0 // indirect\n)\n\nretract [v1.0.0, v1.1.0] // bad <&>\n',
    );
    expect(editJSON(f)).toBe(
      [
        '{',
        '\t"Module": {',
        '\t\t"Path": "a",',
        '\t\t"Deprecated": "use b"',
        '\t},',
        '\t"Go": "1.19",',
        '\t"Require": [',
        '\t\t{',
        '\t\t\t"Path": "x.com/y",',
        '\t\t\t"Version": "v1.0.0",',
        '\t\t\t"Indirect": true',
        '\t\t}',
        '\t],',
        '\t"Exclude": null,',
        '\t"Replace": null,',
        '\t"Retract": [',
        '\t\t{',
        '\t\t\t"Low": "v1.0.0",',
        '\t\t\t"High": "v1.1.0",',
        '\t\t\t"Rationale": "bad \\u003c\\u0026\\u003e"',
        '\t\t}',
        '\t]',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('trimSpaceBytes (bytes.TrimSpace)', () => {
  const enc = (x: string) => new Uint8Array(Buffer.from(x));
  const cases: Array<[string, Uint8Array, string]> = [
    ['ASCII', enc(' \t a b \n'), 'a b'],
    ['Unicode spaces', enc('\u00a0\u2000x\u3000\u0085'), 'x'],
    ['all space', enc(' \u00a0 '), ''],
    ['empty', new Uint8Array(0), ''],
    ['invalid UTF-8 is kept', new Uint8Array([0x20, 0xff, 0x41, 0xc2, 0x20]), '\ufffdA\ufffd'],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      const got = trimSpaceBytes(input);
      expect(Buffer.from(got).toString('utf8')).toBe(want);
      // A view of the same bytes, as Go's sub-slice.
      expect(got.buffer).toBe(input.buffer);
    });
  }
  it('keeps the invalid bytes themselves', () => {
    expect([...trimSpaceBytes(new Uint8Array([0x20, 0xff, 0x41, 0xc2, 0x20]))]).toEqual([0xff, 0x41, 0xc2]);
  });
});
