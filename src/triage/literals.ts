/**
 * Literal extraction for the pre-filter: every rule pattern is guarded by one or more
 * plain substrings that any matching line must contain, so the full regular expressions
 * run only on the few lines that contain one of them.
 */

const ESCAPABLE = new Set([
  '.',
  '-',
  '/',
  '(',
  ')',
  '[',
  ']',
  '?',
  '+',
  '*',
  '$',
  '^',
  '{',
  '}',
  '|',
  '\\',
  ':',
  '"',
  "'",
  '#',
  ' ',
  '=',
  '@',
  '<',
  '>',
  ',',
  '!',
  '%',
  '&',
  '~',
  '`',
  ';',
  '_',
]);

/** splitTopLevel splits a regex source at top-level `|` (outside groups and classes). */
function splitTopLevel(src: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(src.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(src.slice(start));
  return parts;
}

/** longestRun returns the longest run of literal characters at depth 0 of one alternative. */
function longestRun(src: string): string {
  let best = '';
  let run = '';
  const flush = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    let lit: string | undefined;
    let width = 1;
    if (c === '\\') {
      const n = src[i + 1];
      if (n !== undefined && ESCAPABLE.has(n)) lit = n;
      width = 2;
    } else if (c === '(') {
      // Skip the whole group: its content is optional or alternative in general.
      let depth = 0;
      let inClass = false;
      let j = i;
      for (; j < src.length; j++) {
        const d = src[j]!;
        if (d === '\\') {
          j++;
          continue;
        }
        if (inClass) {
          if (d === ']') inClass = false;
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      flush();
      i = j;
      i = skipQuantifier(src, i + 1) - 1;
      continue;
    } else if (c === '[') {
      let j = i + 1;
      for (; j < src.length && src[j] !== ']'; j++) if (src[j] === '\\') j++;
      flush();
      i = skipQuantifier(src, j + 1) - 1;
      continue;
    } else if (!'.^$*+?{}|)'.includes(c)) {
      lit = c;
    }
    const next = src[i + width];
    if (lit === undefined) {
      flush();
      i += width - 1;
      continue;
    }
    if (next === '?' || next === '*' || (next === '{' && /^\{0[,}]/.test(src.slice(i + width)))) {
      // The character is optional: the run ends before it.
      flush();
      i += width - 1;
      continue;
    }
    run += lit;
    i += width - 1;
    if (next === '+' || next === '{') flush();
  }
  flush();
  return best;
}

function skipQuantifier(src: string, i: number): number {
  const c = src[i];
  if (c === '?' || c === '*' || c === '+') return src[i + 1] === '?' ? i + 2 : i + 1;
  if (c === '{') {
    const end = src.indexOf('}', i);
    if (end > 0) return end + 1;
  }
  return i;
}

/**
 * literalsOf returns the lower-cased pre-filter literals of a regex source: one per
 * top-level alternative (the longest literal run of each). It returns [] when some
 * alternative has no literal of at least `min` characters (the pattern then runs on
 * every line, which is correct but slow; bundled rules never do that).
 */
export function literalsOf(src: string, min = 3): string[] {
  const out: string[] = [];
  for (const alt of splitTopLevel(src)) {
    const run = longestRun(alt).toLowerCase();
    if (run.trim().length < min) return [];
    out.push(run);
  }
  return [...new Set(out)];
}
