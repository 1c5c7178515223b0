/**
 * The bridge to package modfile: parseGoMod projects a parsed modfile.File onto the
 * GoModInfo the loader reads (strict parsing for the main module, lax for dependencies).
 */
import { parse, parseLax } from '../modfile/rule.js';
import type { GoModInfo, ParseGoMod } from './types.js';

/**
 * parseGoMod parses go.mod bytes with modfile.parse (lax: modfile.parseLax). It throws
 * modfile's ModfileParseError (every error with file:line:col) for a malformed file.
 */
export const parseGoMod: ParseGoMod = (file, data, lax): GoModInfo => {
  const f = lax ? parseLax(file, data) : parse(file, data);
  return {
    ...(f.module ? { module: { path: f.module.mod.path, deprecated: f.module.deprecated } } : {}),
    ...(f.go ? { go: f.go.version } : {}),
    ...(f.toolchain ? { toolchain: f.toolchain.name } : {}),
    require: f.require.map((r) => ({ mod: { path: r.mod.path, version: r.mod.version }, indirect: r.indirect })),
    exclude: f.exclude.map((e) => ({ path: e.mod.path, version: e.mod.version })),
    replace: f.replace.map((r) => ({
      old: { path: r.old.path, version: r.old.version },
      new: { path: r.new.path, version: r.new.version },
    })),
    retract: f.retract.map((r) => ({ low: r.low, high: r.high, rationale: r.rationale })),
  };
};
