/**
 * BuildListError: a failure to load part of the requirement graph, reported with the
 * chain of requirements that led to it (cmd/go's mvs.BuildListError), e.g.
 *
 *     example.com/a@v1.0.0 requires
 *     	example.com/b@v2.0.0: reading example.com/b/go.mod at revision v2.0.0: unknown revision v2.0.0
 */
import { CodedError } from '../internal/errors.js';
import type { ModuleVersion } from './types.js';

/** versionString formats m as Go's module.Version.String does ("path@version", or "path"). */
export function versionString(m: ModuleVersion): string {
  return m.version === '' ? m.path : `${m.path}@${m.version}`;
}

/** BuildListErrorElem is one step of the chain: m, and why it leads to the next step. */
export interface BuildListErrorElem {
  readonly module: ModuleVersion;
  /** "requires" or "updating to"; "" for the last element. */
  readonly nextReason: string;
}

/**
 * ModuleErrorLike is the shape of x/mod's module.ModuleError (path, version and the
 * wrapped error), recognised structurally so any error carrying those fields formats
 * as the go command formats a ModuleError at the end of a chain.
 */
interface ModuleErrorLike {
  readonly path: string;
  readonly version: string;
  readonly err: Error;
}

function asModuleError(e: unknown): ModuleErrorLike | undefined {
  if (!(e instanceof Error)) return undefined;
  const x = e as unknown as Partial<ModuleErrorLike>;
  if (typeof x.path === 'string' && typeof x.version === 'string' && x.err instanceof Error)
    return x as ModuleErrorLike;
  return undefined;
}

/** innerVersion returns the version an InvalidVersionError-shaped error names, if any. */
function invalidVersionOf(e: Error): string | undefined {
  const x = e as unknown as { version?: unknown; pseudo?: unknown };
  return typeof x.version === 'string' && typeof x.pseudo === 'boolean' ? x.version : undefined;
}

/**
 * BuildListError reports err at the end of the requirement chain `chain` (first the
 * module closest to the main module). Leading elements with an empty version (the main
 * module) are not printed, as in the go command.
 */
export class BuildListError extends CodedError {
  readonly err: Error;
  readonly chain: readonly BuildListErrorElem[];

  constructor(err: Error, stack: readonly BuildListErrorElem[]) {
    super(
      'ERR_MVS_BUILD_LIST',
      formatBuildListError(err, stack),
      {
        chain: stack.map((e) => versionString(e.module)),
        module: stack.length > 0 ? versionString(stack[stack.length - 1]!.module) : undefined,
      },
      { cause: err },
    );
    this.name = 'BuildListError';
    this.err = err;
    this.chain = stack;
  }

  /** module returns the module version at the end of the chain (where the error happened). */
  module(): ModuleVersion | undefined {
    return this.chain[this.chain.length - 1]?.module;
  }
}

/**
 * newBuildListError builds a BuildListError for err at the end of path (root first).
 * isVersionChange(from, to) says when a step is an upgrade ("updating to") rather than
 * a requirement ("requires"). An empty path is a caller bug and throws.
 */
export function newBuildListError(
  err: Error,
  path: readonly ModuleVersion[],
  isVersionChange?: (from: ModuleVersion, to: ModuleVersion) => boolean,
): BuildListError {
  if (path.length === 0) throw new Error('internal error: newBuildListError with an empty path');
  const stack: BuildListErrorElem[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const reason = isVersionChange?.(path[i]!, path[i + 1]!) ? 'updating to' : 'requires';
    stack.push({ module: path[i]!, nextReason: reason });
  }
  stack.push({ module: path[path.length - 1]!, nextReason: '' });
  return new BuildListError(err, stack);
}

function formatBuildListError(err: Error, full: readonly BuildListErrorElem[]): string {
  let i = 0;
  while (i < full.length && full[i]!.module.version === '') i++;
  const stack = full.slice(i);
  if (stack.length === 0) return err.message;
  let out = '';
  for (const elem of stack.slice(0, -1)) out += `${versionString(elem.module)} ${elem.nextReason}\n\t`;
  const m = stack[stack.length - 1]!.module;
  const me = asModuleError(err);
  if (me) {
    const actual = { path: me.path, version: invalidVersionOf(me.err) ?? me.version };
    if (actual.path === m.path && actual.version === m.version) out += err.message;
    else out += `${versionString(m)} (replaced by ${versionString(actual)}): ${me.err.message}`;
  } else if (err.message.startsWith(`${versionString(m)}: `)) {
    // Errors that already name the module version (the GOPROXY client's) print as they are.
    out += err.message;
  } else {
    // module.VersionError(m, err): "path@version: err" (or "path: err" without a version).
    out += `${versionString(m)}: ${err.message}`;
  }
  return out;
}
