/**
 * `modrescue mod edit`: go mod edit, byte for byte — the same stdout, file bytes,
 * stderr (with `modrescue: ` where the go command prints `go: `) and exit status.
 *
 * Flags follow Go's flag package (`-flag`, `--flag`, `-flag=value`, `-flag value`,
 * stop at the first non-flag argument) and $GOFLAGS (also from the go env file).
 * Repeatable editing flags are validated while parsing and applied in command-line
 * order after -module, -go and -toolchain, then the file is sorted and cleaned up
 * exactly as cmd/go does. The file is written atomically (temporary file + rename).
 *
 * Messages are those of Go 1.19, the release our differential tests run, for every
 * flag it has; -toolchain, -godebug, -dropgodebug, -tool, -droptool, -ignore and
 * -dropignore behave and word their errors as current Go does.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { resolveGoEnv } from '../goenv.js';
import { redact } from '../../shared/redact.js';
import * as module from '../../mod/module/index.js';
import {
  GO_VERSION_RE,
  TOOLCHAIN_RE,
  editJSON,
  encodeGoString,
  goQuote,
  isModfileParseError,
  parse,
  type File,
  type VersionInterval,
} from '../../mod/modfile/index.js';
import { trimSpace } from '../../mod/modfile/utf8.js';
import {
  allowedVersionArg,
  parsePathVersion,
  parsePathVersionOptional,
  parseReplace,
} from '../../shared/gomod-args.js';
import { findModuleRoot, NO_MOD_ROOT } from '../../mod/modload/load.js';

/** GO_RELEASE is the Go release whose example versions the messages quote (the differential oracle's). */
const GO_RELEASE = '1.19';

const USAGE_LINE = 'usage: modrescue mod edit [editing flags] [-fmt|-print|-json] [go.mod]';

export const usage = `${USAGE_LINE}

Edit go.mod from tools or scripts, as 'go mod edit' does. It reads only go.mod
and does not look up the modules involved. Without a file argument it edits the
go.mod of the main module (found from the current directory upwards, or -modfile).

  -fmt                      reformat go.mod without other changes
  -print                    print the result instead of writing go.mod
  -json                     print the result as JSON instead of writing go.mod
  -module=path              set the module path
  -go=version               set the go line (-go=none drops it)
  -toolchain=name           set the toolchain line (-toolchain=none drops it)
  -require=path@version     add or update a requirement
  -droprequire=path         drop a requirement
  -exclude=path@version     add an exclusion        -dropexclude=path@version
  -replace=old[@v]=new[@v]  add a replacement       -dropreplace=old[@v]
  -retract=version          add a retraction (v1.2.3 or [v1.1.0,v1.1.9])
  -dropretract=version      drop a retraction
  -godebug=key=value        set a godebug line      -dropgodebug=key
  -tool=path                add a tool line         -droptool=path
  -ignore=path              add an ignore line      -dropignore=path

The editing flags may be repeated; they are applied in the order given.
Exit status: 0 on success, 1 on error, 2 on a malformed command line.`;

type FlagKind = 'bool' | 'string' | 'func';

/** The flags of go mod edit (including the common module and build flags it accepts). */
const FLAGS: Readonly<Record<string, FlagKind>> = {
  fmt: 'bool',
  go: 'string',
  toolchain: 'string',
  json: 'bool',
  print: 'bool',
  module: 'string',
  require: 'func',
  droprequire: 'func',
  exclude: 'func',
  dropexclude: 'func',
  replace: 'func',
  dropreplace: 'func',
  retract: 'func',
  dropretract: 'func',
  godebug: 'func',
  dropgodebug: 'func',
  tool: 'func',
  droptool: 'func',
  ignore: 'func',
  dropignore: 'func',
  modcacherw: 'bool',
  modfile: 'string',
  overlay: 'string',
  n: 'bool',
  x: 'bool',
};

/** Fatal is a go-command fatal error: printed as `modrescue: <message>` (or raw), exit 1. */
class Fatal {
  constructor(
    readonly message: string,
    readonly raw = false,
  ) {}
}

/** fatal is the Fail of the shared go mod edit argument parsers. */
const fatal = (message: string): Fatal => new Fatal(message);

/** UsageError is a flag-package error: the message, then the usage lines, exit 2. */
class UsageError {
  constructor(readonly message: string) {}
}

type Edit = (f: File) => void;

interface State {
  bools: Record<string, boolean>;
  strings: Record<string, string>;
  edits: Edit[];
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const errLine = (s: string) => void ctx.io.stderr.write(encodeGoString(redact(s) + '\n'));
  try {
    return await edit(args, ctx);
  } catch (e) {
    if (e instanceof Fatal) {
      errLine(e.raw ? e.message : `modrescue: ${e.message}`);
      return 1;
    }
    if (e instanceof UsageError) {
      if (e.message !== '') errLine(e.message);
      errLine(USAGE_LINE);
      errLine("Run 'modrescue help mod edit' for details.");
      return 2;
    }
    throw e;
  }
}

async function edit(args: readonly string[], ctx: CliContext): Promise<number> {
  const st: State = { bools: {}, strings: {}, edits: [] };
  const goenv = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  // Like base.InitGOFLAGS, a malformed $GOFLAGS stops every go command.
  const goflagsProblem = goenv.problems.find((p) => p.name === 'GOFLAGS');
  if (goflagsProblem !== undefined) throw new Fatal(goflagsProblem.message);
  applyGOFLAGS(st, goenv.vars.GOFLAGS.value);
  const rest = parseArgs(st, args);

  const editGo = st.strings['go'] ?? '';
  const editToolchain = st.strings['toolchain'] ?? '';
  const editModule = st.strings['module'] ?? '';
  const anyFlags =
    editModule !== '' ||
    editGo !== '' ||
    editToolchain !== '' ||
    st.bools['json'] === true ||
    st.bools['print'] === true ||
    st.bools['fmt'] === true ||
    st.edits.length > 0;
  if (!anyFlags) throw new Fatal("no flags specified (see 'modrescue help mod edit').");
  if (st.bools['json'] && st.bools['print']) throw new Fatal('cannot use both -json and -print');
  if (rest.length > 1) throw new Fatal('too many arguments');

  const gomod =
    rest.length === 1
      ? rest[0]!
      : await modFilePath(ctx, st.strings['modfile'] ?? '', {
          go111module: goenv.vars.GO111MODULE.value,
          gopath: goenv.vars.GOPATH.value,
        });

  if (editModule !== '') {
    const err = module.checkImportPath(editModule);
    if (err !== undefined) throw new Fatal(`invalid -module: ${err.message}`);
  }
  if (editGo !== '' && editGo !== 'none' && !GO_VERSION_RE.test(editGo)) {
    throw new Fatal(`invalid -go option; expecting something like "-go ${GO_RELEASE}"`);
  }
  if (editToolchain !== '' && editToolchain !== 'none' && !TOOLCHAIN_RE.test(editToolchain)) {
    throw new Fatal(`invalid -toolchain option; expecting something like "-toolchain go${GO_RELEASE}"`);
  }

  const file = ctx.resolve(gomod);
  const data = await readGoMod(file, gomod);
  let modFile: File;
  try {
    modFile = parse(gomod, data);
  } catch (e) {
    if (isModfileParseError(e)) throw new Fatal(`errors parsing ${shortPath(ctx.io.cwd, gomod)}:\n${e.message}`);
    throw e;
  }

  if (editModule !== '') modFile.addModuleStmt(editModule);
  if (editGo === 'none') modFile.dropGoStmt();
  else if (editGo !== '') modFile.addGoStmt(editGo);
  if (editToolchain === 'none') modFile.dropToolchainStmt();
  else if (editToolchain !== '') modFile.addToolchainStmt(editToolchain);
  for (const e of st.edits) e(modFile);
  modFile.sortBlocks();
  modFile.cleanup();

  if (st.bools['json']) {
    ctx.io.stdout.write(editJSON(modFile));
    return 0;
  }
  const out = modFile.format();
  if (st.bools['print']) {
    ctx.io.stdout.write(out);
    return 0;
  }
  await writeAtomically(file, gomod, data, out);
  return 0;
}

// ---- flags ----

/** parseArgs parses argv as Go's flag package does and returns the remaining arguments. */
function parseArgs(st: State, argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const s = argv[i]!;
    if (s.length < 2 || s[0] !== '-') break;
    let minuses = 1;
    if (s[1] === '-') {
      minuses = 2;
      if (s.length === 2) {
        i++;
        break; // "--" ends the flags
      }
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') throw new UsageError(`bad flag syntax: ${s}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=', 1);
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const kind = FLAGS[name];
    if (kind === undefined) {
      if (name === 'help' || name === 'h') throw new UsageError('');
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
    if (kind === 'bool') {
      if (value === undefined) st.bools[name] = true;
      else {
        const b = parseBool(value);
        if (b === undefined) throw new UsageError(`invalid boolean value ${goQuote(value)} for -${name}: parse error`);
        st.bools[name] = b;
      }
      continue;
    }
    if (value === undefined) {
      if (i >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[i]!;
      i++;
    }
    setFlag(st, name, kind, value);
  }
  return argv.slice(i);
}

/** applyGOFLAGS applies the $GOFLAGS words that name flags of this command (base.SetFromGOFLAGS). */
function applyGOFLAGS(st: State, goflags: string): void {
  const words = goflags.split(/[\t\n\v\f\r ]+/).filter((w) => w !== '');
  for (const w of words) {
    const eq = w.indexOf('=');
    let name = eq > 0 ? w.slice(0, eq) : w;
    const value = eq > 0 ? w.slice(eq + 1) : undefined;
    if (name.startsWith('--')) name = name.slice(1);
    const kind = FLAGS[name.slice(1)];
    // Flags of other go commands (say -mod=mod) are ignored here.
    if (kind === undefined) continue;
    if (kind === 'bool') {
      const b = value === undefined ? true : parseBool(value);
      if (b === undefined) {
        throw new UsageError(
          `modrescue: invalid boolean value ${goQuote(value!)} for flag ${name} (from $GOFLAGS): parse error`,
        );
      }
      st.bools[name.slice(1)] = b;
      continue;
    }
    if (value === undefined) throw new UsageError(`modrescue: flag needs an argument: ${name} (from $GOFLAGS)`);
    setFlag(st, name.slice(1), kind, value);
  }
}

function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function setFlag(st: State, name: string, kind: FlagKind, value: string): void {
  if (kind === 'string') {
    st.strings[name] = value;
    return;
  }
  // Editing flags validate their argument as soon as they are parsed (cmd/go's flag.Value.Set).
  st.edits.push(EDIT_FLAGS[name]!(value));
}

/** guarded wraps an error raised while applying an edit in cmd/go's wording. */
function guarded(flag: string, arg: string, fn: Edit): Edit {
  return (f) => {
    try {
      fn(f);
    } catch (e) {
      throw new Fatal(`-${flag}=${arg}: ${(e as Error).message}`);
    }
  };
}

const EDIT_FLAGS: Readonly<Record<string, (arg: string) => Edit>> = {
  require(arg) {
    const [p, v] = parsePathVersion('-require', arg, fatal);
    return guarded('require', arg, (f) => f.addRequire(p, v));
  },
  droprequire(arg) {
    const p = parsePath('droprequire', arg);
    return guarded('droprequire', arg, (f) => f.dropRequire(p));
  },
  exclude(arg) {
    const [p, v] = parsePathVersion('-exclude', arg, fatal);
    return guarded('exclude', arg, (f) => f.addExclude(p, v));
  },
  dropexclude(arg) {
    const [p, v] = parsePathVersion('-dropexclude', arg, fatal);
    return guarded('dropexclude', arg, (f) => f.dropExclude(p, v));
  },
  replace(arg) {
    const { oldPath, oldVersion, newPath, newVersion } = parseReplace('-replace', arg, fatal);
    return guarded('replace', arg, (f) => f.addReplace(oldPath, oldVersion, newPath, newVersion));
  },
  dropreplace(arg) {
    const [p, v] = parsePathVersionOptional('-dropreplace', arg, 'old', arg, true, fatal);
    return guarded('dropreplace', arg, (f) => f.dropReplace(p, v));
  },
  retract(arg) {
    const vi = parseVersionInterval('retract', arg);
    return guarded('retract', arg, (f) => f.addRetract(vi, ''));
  },
  dropretract(arg) {
    const vi = parseVersionInterval('dropretract', arg);
    return guarded('dropretract', arg, (f) => f.dropRetract(vi));
  },
  godebug(arg) {
    const eq = arg.indexOf('=');
    if (eq < 0 || /["`',]/.test(arg)) throw new Fatal(`-godebug=${arg}: need key=value`);
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    return guarded('godebug', arg, (f) => f.addGodebug(key, value));
  },
  dropgodebug(arg) {
    return guarded('dropgodebug', arg, (f) => f.dropGodebug(arg));
  },
  tool(arg) {
    const p = parsePath('tool', arg);
    return guarded('tool', arg, (f) => f.addTool(p));
  },
  droptool(arg) {
    const p = parsePath('droptool', arg);
    return guarded('droptool', arg, (f) => f.dropTool(p));
  },
  ignore(arg) {
    return guarded('ignore', arg, (f) => f.addIgnore(arg));
  },
  dropignore(arg) {
    return guarded('dropignore', arg, (f) => f.dropIgnore(arg));
  },
};

/** parsePath parses -flag=arg expecting a path without a version. */
function parsePath(flag: string, arg: string): string {
  if (arg.includes('@')) throw new Fatal(`-${flag}=${arg}: need just path, not path@version`);
  const err = module.checkImportPath(arg);
  if (err !== undefined) throw new Fatal(`-${flag}=${arg}: invalid path: ${err.message}`);
  return arg;
}

/** parseVersionInterval parses "v1.2.3" or "[v1.2.3,v1.4.5]" (a single version has low === high). */
function parseVersionInterval(flag: string, arg: string): VersionInterval {
  const bad = (what: string) => new Fatal(`-${flag}=${arg}: ${what}: ${goQuote(arg)}`);
  if (!arg.startsWith('[')) {
    if (!allowedVersionArg(arg)) throw bad('invalid version');
    return { low: arg, high: arg };
  }
  if (!arg.endsWith(']')) throw bad('invalid version interval');
  const s = arg.slice(1, -1);
  const i = s.indexOf(',');
  if (i < 0) throw bad('invalid version interval');
  const low = trimSpace(s.slice(0, i));
  const high = trimSpace(s.slice(i + 1));
  if (!allowedVersionArg(low) || !allowedVersionArg(high)) throw bad('invalid version interval');
  return { low, high };
}

// ---- the file ----

/** ALT_CONFIGS are the other tools' files the go command mentions when go.mod is missing. */
const ALT_CONFIGS = [
  'Gopkg.lock',
  'GLOCKFILE',
  'Godeps/Godeps.json',
  'dependencies.tsv',
  'glide.lock',
  'vendor.conf',
  'vendor.yml',
  'vendor/manifest',
  'vendor/vendor.json',
  '.git/config',
];

/** modFilePath finds the main module's go.mod as modload.ModFilePath does, or fails with Go's message. */
async function modFilePath(
  ctx: CliContext,
  modfileFlag: string,
  env: { go111module: string; gopath: string },
): Promise<string> {
  switch (env.go111module) {
    case '':
    case 'on':
    case 'auto':
      break;
    case 'off':
      throw new Fatal("modules disabled by GO111MODULE=off; see 'go help modules'");
    default:
      throw new Fatal(`unknown environment setting GO111MODULE=${env.go111module}`);
  }
  const cwd = ctx.io.cwd;
  let root = await findModuleRoot(cwd);
  if (root === undefined) {
    if (modfileFlag !== '') {
      throw new Fatal(
        'cannot find main module, but -modfile was set.\n\t-modfile cannot be used to set the module root directory.',
      );
    }
  } else if (await sameDir(root, ctx.io.env['TMPDIR'] || '/tmp')) {
    // A go.mod in the system temp root is ignored (golang.org/issue/26708).
    ctx.io.stderr.write(`modrescue: warning: ignoring go.mod in system temp root ${ctx.io.env['TMPDIR'] || '/tmp'}\n`);
    root = undefined;
  }
  if (root !== undefined) {
    if (modfileFlag !== '' && !modfileFlag.endsWith('.mod')) {
      throw new Fatal(`-modfile=${modfileFlag}: file does not have .mod extension`);
    }
    const gopath = env.gopath.split(':')[0] ?? '';
    if (gopath !== '' && (await stat(path.join(gopath, 'go.mod')).catch(() => undefined))) {
      throw new Fatal('$GOPATH/go.mod exists but should not', true);
    }
    return modfileFlag !== '' ? modfileFlag : path.join(root, 'go.mod');
  }
  // No module root: say why, as modload's die() does.
  for (let dir = path.resolve(cwd); ;) {
    for (const name of ALT_CONFIGS) {
      const st = await stat(path.join(dir, name)).catch(() => undefined);
      if (st !== undefined && !st.isDirectory()) {
        const rel = path.relative(cwd, dir) || '.';
        const cd = rel === '.' ? '' : `cd ${rel} && `;
        throw new Fatal(
          `cannot find main module, but found ${name} in ${dir}\n\tto create a module there, run:\n\t${cd}go mod init`,
        );
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Fatal(NO_MOD_ROOT);
}

async function sameDir(a: string, b: string): Promise<boolean> {
  const real = async (p: string) => realpath(p).catch(() => path.resolve(p));
  return (await real(a)) === (await real(b));
}

/** shortPath returns p relative to cwd when that is shorter (base.ShortPath; relative paths stay as they are). */
function shortPath(cwd: string, p: string): string {
  if (!path.isAbsolute(p)) return p;
  const rel = path.relative(cwd, p) || '.';
  return rel.length < p.length ? rel : p;
}

/** ERRNO_TEXT is Go's text for the errno values a read or write can meet. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'file exists',
};

/** goPathError words a Node file-system error as Go's *fs.PathError does: "op path: errno text". */
function goPathError(op: string, name: string, e: unknown): Fatal {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const text = ERRNO_TEXT[code] ?? (e as Error).message;
  return new Fatal(`${op} ${name}: ${text}`);
}

async function readGoMod(file: string, name: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw goPathError('open', name, e);
  }
  try {
    return await fh.readFile();
  } catch (e) {
    throw goPathError('read', name, e);
  } finally {
    await fh.close();
  }
}

/**
 * writeAtomically replaces file with out unless it changed since it was read: the
 * bytes go to a temporary file in the same directory (same mode), which is renamed
 * over the original (following a symlink to the real file). When the directory is
 * not writable it falls back to rewriting the file in place, as the go command does.
 */
async function writeAtomically(file: string, name: string, original: Uint8Array, out: Buffer): Promise<void> {
  const target = await realpath(file).catch(() => file);
  const current = await readFile(target).catch((e: unknown) => {
    throw goPathError('open', name, e);
  });
  if (!current.equals(original)) throw new Fatal('go.mod changed during editing; not overwriting');
  if (current.equals(out)) return;
  const mode = (await lstat(target)).mode & 0o7777;
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, out, { mode, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw goPathError('open', name, e);
    try {
      await writeFile(target, out);
    } catch (e2) {
      throw goPathError('open', name, e2);
    }
    return;
  }
  try {
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw goPathError('open', name, e);
  }
}
