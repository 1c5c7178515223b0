/**
 * Build constraints (go/build/constraint): `//go:build` expressions and the legacy
 * `// +build` lines, parsed into a small expression tree and evaluated the way the
 * go command's module loader evaluates them (cmd/go/internal/imports), including the
 * "*" tag set that makes every tag except "ignore" both true and false.
 *
 * See https://pkg.go.dev/cmd/go#hdr-Build_constraints.
 */

/** Expr is a parsed build-constraint expression. */
export type Expr =
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'not'; readonly x: Expr }
  | { readonly kind: 'and'; readonly x: Expr; readonly y: Expr }
  | { readonly kind: 'or'; readonly x: Expr; readonly y: Expr };

/** ConstraintSyntaxError reports a malformed constraint line (go/build/constraint's SyntaxError). */
export class ConstraintSyntaxError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.name = 'ConstraintSyntaxError';
    this.offset = offset;
  }
}

/**
 * isGoBuild reports whether line is a `//go:build` line: the prefix followed by
 * nothing or by white space.
 */
export function isGoBuild(line: string): boolean {
  if (!line.startsWith('//go:build')) return false;
  const rest = line.trim().slice('//go:build'.length);
  return rest.length === 0 || rest.trim().length < rest.length;
}

/**
 * isPlusBuild reports whether line is a `// +build` line: "//", optional spaces,
 * "+build", then white space or the end.
 */
export function isPlusBuild(line: string): boolean {
  if (!line.startsWith('//')) return false;
  const rest = line.slice(2).trimStart();
  if (!rest.startsWith('+build')) return false;
  const after = rest.slice('+build'.length);
  return after.length === 0 || /^\s/.test(after);
}

const isTagChar = (c: string) => /[\p{L}\p{N}_.]/u.test(c);

/**
 * parse parses a `//go:build` or `// +build` line into an Expr. It throws a
 * ConstraintSyntaxError for anything else or for a malformed expression.
 */
export function parse(line: string): Expr {
  if (isGoBuild(line)) return parseExpr(line.trim().slice('//go:build'.length));
  if (isPlusBuild(line)) return parsePlusBuild(line);
  throw new ConstraintSyntaxError(0, 'not a build constraint');
}

function parseExpr(text: string): Expr {
  let pos = 0;
  let tok = '';
  const next = () => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
    if (pos >= text.length) return (tok = '');
    const c = text[pos]!;
    if (c === '(' || c === ')' || c === '!') {
      pos++;
      return (tok = c);
    }
    if (c === '&' || c === '|') {
      if (text[pos + 1] !== c) throw new ConstraintSyntaxError(pos, `invalid syntax at ${c}`);
      pos += 2;
      return (tok = c + c);
    }
    const start = pos;
    while (pos < text.length && isTagChar(text[pos]!)) pos++;
    if (pos === start) throw new ConstraintSyntaxError(pos, `invalid syntax at ${c}`);
    return (tok = text.slice(start, pos));
  };
  const or = (): Expr => {
    let x = and();
    while (tok === '||') {
      next();
      x = { kind: 'or', x, y: and() };
    }
    return x;
  };
  const and = (): Expr => {
    let x = not();
    while (tok === '&&') {
      next();
      x = { kind: 'and', x, y: not() };
    }
    return x;
  };
  const not = (): Expr => {
    if (tok === '!') {
      next();
      if (tok === '!') throw new ConstraintSyntaxError(pos, 'double negation not allowed');
      return { kind: 'not', x: atom() };
    }
    return atom();
  };
  const atom = (): Expr => {
    if (tok === '(') {
      next();
      const x = or();
      if ((tok as string) !== ')') throw new ConstraintSyntaxError(pos, 'missing close paren');
      next();
      return x;
    }
    if (tok === '' || tok === ')' || tok === '&&' || tok === '||')
      throw new ConstraintSyntaxError(pos, tok === '' ? 'unexpected end of expression' : `unexpected token ${tok}`);
    const t = tok;
    next();
    return { kind: 'tag', tag: t };
  };
  next();
  const x = or();
  if (tok !== '') throw new ConstraintSyntaxError(pos, `unexpected token ${tok}`);
  return x;
}

function parsePlusBuild(line: string): Expr {
  const rest = line.slice(2).trimStart().slice('+build'.length);
  let x: Expr | undefined;
  for (const clause of rest
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')) {
    let y: Expr | undefined;
    for (let lit of clause.split(',')) {
      let neg = false;
      if (lit.startsWith('!!') || lit === '!') throw new ConstraintSyntaxError(0, 'invalid syntax');
      if (lit.startsWith('!')) {
        neg = true;
        lit = lit.slice(1);
      }
      if (lit === '' || ![...lit].every(isTagChar)) throw new ConstraintSyntaxError(0, 'invalid syntax');
      let z: Expr = { kind: 'tag', tag: lit };
      if (neg) z = { kind: 'not', x: z };
      y = y === undefined ? z : { kind: 'and', x: y, y: z };
    }
    if (y === undefined) continue;
    x = x === undefined ? y : { kind: 'or', x, y };
  }
  if (x === undefined) throw new ConstraintSyntaxError(0, 'empty +build line');
  return x;
}

/** Tags is the set of satisfied build tags; the tag "*" means "any tag except ignore". */
export type Tags = ReadonlySet<string>;

/** UNIX_OS lists the GOOS values that satisfy the "unix" tag. */
const UNIX_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'linux',
  'netbsd',
  'openbsd',
  'solaris',
]);

/**
 * matchTag reports whether name is satisfied by tags; with "*" every valid tag but
 * "ignore" evaluates to prefer (so both a tag and its negation can hold). goos names
 * the target system for the "unix" tag.
 */
export function matchTag(name: string, tags: Tags, prefer: boolean, goos = ''): boolean {
  if (name === '' || ![...name].every(isTagChar)) return false;
  if (tags.has('*') && name !== 'ignore') return prefer;
  if (tags.has(name)) return true;
  switch (name) {
    case 'linux':
      return tags.has('android');
    case 'solaris':
      return tags.has('illumos');
    case 'darwin':
      return tags.has('ios');
    case 'unix':
      return UNIX_OS.has(goos);
    default:
      return false;
  }
}

/** evaluate evaluates x against tags with the go command's "prefer" rule for "*". */
export function evaluate(x: Expr, tags: Tags, prefer = true, goos = ''): boolean {
  switch (x.kind) {
    case 'tag':
      return matchTag(x.tag, tags, prefer, goos);
    case 'not':
      return !evaluate(x.x, tags, !prefer, goos);
    case 'and':
      return evaluate(x.x, tags, prefer, goos) && evaluate(x.y, tags, prefer, goos);
    case 'or':
      return evaluate(x.x, tags, prefer, goos) || evaluate(x.y, tags, prefer, goos);
  }
}
