/**
 * The JSON view of a go.mod file printed by `go mod edit -json`, byte for byte:
 * Go's encoding/json MarshalIndent with a tab indent (HTML-safe escapes for < > &,
 * \u2028 and \u2029, U+FFFD for invalid bytes), fields in the go command's order,
 * `null` for empty lists, omitted empty optional fields, and a final newline.
 *
 * The fields are Go 1.19's (Module, Go, Require, Exclude, Replace, Retract). The
 * directives added since (toolchain, godebug, tool, ignore) appear, under the names
 * later go commands use, only when the file has them, so the output for every file
 * that Go 1.19 understands is exactly Go 1.19's.
 */
import type { File } from './rule.js';
import type { WorkFile } from './work.js';

type JSONValue = string | boolean | null | JSONValue[] | { [key: string]: JSONValue };

const HEX = '0123456789abcdef';

/**
 * goJSONString encodes s as encoding/json does (with HTML escaping). Escaped invalid
 * bytes and other lone surrogates become \ufffd.
 */
export function goJSONString(s: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          esc = '\\"';
          break;
        case 0x5c:
          esc = '\\\\';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          // Control characters and the HTML-sensitive < > &.
          esc = '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = c === 0x2028 ? '\\u2028' : '\\u2029';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc === undefined) continue;
    out += s.slice(run, i) + esc;
    run = i + 1;
  }
  return out + s.slice(run) + '"';
}

/** marshalIndent is json.MarshalIndent(v, "", "\t") for the values used here. */
function marshalIndent(v: JSONValue, depth = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJSONString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const inner = '\n' + '\t'.repeat(depth + 1);
  const close = '\n' + '\t'.repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + v.map((x) => inner + marshalIndent(x, depth + 1)).join(',') + close + ']';
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return (
    '{' + keys.map((k) => inner + goJSONString(k) + ': ' + marshalIndent(v[k]!, depth + 1)).join(',') + close + '}'
  );
}

/** list returns the items, or null for an empty list (a nil Go slice). */
function list<T>(items: readonly T[], map: (x: T) => JSONValue): JSONValue {
  return items.length === 0 ? null : items.map(map);
}

function moduleVersion(m: { path: string; version: string }): JSONValue {
  return m.version === '' ? { Path: m.path } : { Path: m.path, Version: m.version };
}

/**
 * editJSONValue returns the `go mod edit -json` document of f as a plain object (in
 * the go command's field order).
 */
export function editJSONValue(f: File): { [key: string]: JSONValue } {
  const doc: { [key: string]: JSONValue } = {};
  const mod: { [key: string]: JSONValue } = { Path: f.module?.mod.path ?? '' };
  if (f.module !== undefined && f.module.deprecated !== '') mod['Deprecated'] = f.module.deprecated;
  doc['Module'] = mod;
  if (f.go !== undefined && f.go.version !== '') doc['Go'] = f.go.version;
  if (f.toolchain !== undefined && f.toolchain.name !== '') doc['Toolchain'] = f.toolchain.name;
  if (f.godebug.length > 0) doc['Godebug'] = f.godebug.map((g) => ({ Key: g.key, Value: g.value }));
  doc['Require'] = list(f.require, (r) => {
    const o: { [key: string]: JSONValue } = { Path: r.mod.path };
    if (r.mod.version !== '') o['Version'] = r.mod.version;
    if (r.indirect) o['Indirect'] = true;
    return o;
  });
  doc['Exclude'] = list(f.exclude, (x) => moduleVersion(x.mod));
  doc['Replace'] = list(f.replace, (r) => ({ Old: moduleVersion(r.old), New: moduleVersion(r.new) }));
  doc['Retract'] = list(f.retract, (r) => {
    const o: { [key: string]: JSONValue } = {};
    if (r.low !== '') o['Low'] = r.low;
    if (r.high !== '') o['High'] = r.high;
    if (r.rationale !== '') o['Rationale'] = r.rationale;
    return o;
  });
  if (f.tool.length > 0) doc['Tool'] = f.tool.map((t) => ({ Path: t.path }));
  if (f.ignore.length > 0) doc['Ignore'] = f.ignore.map((t) => ({ Path: t.path }));
  return doc;
}

/**
 * editJSON returns exactly what `go mod edit -json` prints for f (including the final
 * newline). It never throws.
 */
export function editJSON(f: File): string {
  return marshalIndent(editJSONValue(f)) + '\n';
}

/**
 * workEditJSON returns what `go work edit -json` prints for a go.work file: Go,
 * Toolchain (when set), Godebug (when set), Use and Replace.
 */
export function workEditJSON(f: WorkFile): string {
  const doc: { [key: string]: JSONValue } = {};
  if (f.go !== undefined && f.go.version !== '') doc['Go'] = f.go.version;
  if (f.toolchain !== undefined && f.toolchain.name !== '') doc['Toolchain'] = f.toolchain.name;
  if (f.godebug.length > 0) doc['Godebug'] = f.godebug.map((g) => ({ Key: g.key, Value: g.value }));
  doc['Use'] = list(f.use, (u) => {
    const o: { [key: string]: JSONValue } = { DiskPath: u.path };
    if (u.modulePath !== '') o['ModPath'] = u.modulePath;
    return o;
  });
  doc['Replace'] = list(f.replace, (r) => ({ Old: moduleVersion(r.old), New: moduleVersion(r.new) }));
  return marshalIndent(doc) + '\n';
}
