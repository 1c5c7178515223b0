/**
 * A byte-level Aho–Corasick automaton over ASCII-case-folded literals: one pass over the
 * log's bytes finds every line that contains any rule literal, in time linear in the
 * input and independent of the number of rules (the way grep's kwset pre-filter works).
 */

/** Automaton is the dense transition table and, per state, the literals that end there. */
export interface Automaton {
  /** Number of byte classes (columns of `delta`). */
  readonly classes: number;
  /** Byte → class (0 = a byte no literal uses). Upper-case ASCII maps like lower-case. */
  readonly classOf: Uint8Array;
  /** delta[state * classes + class] = next state. */
  readonly delta: Int32Array;
  /** For each state, 1 when some literal ends there (directly or through a suffix). */
  readonly accepting: Uint8Array;
  /** For each state, the ids of the literals that end there. */
  readonly outputs: ReadonlyArray<readonly number[]>;
}

/** createAutomaton builds the automaton for literals (matched case-insensitively for ASCII). */
export function createAutomaton(literals: readonly string[]): Automaton {
  const enc = new TextEncoder();
  const words = literals.map((l) => enc.encode(l.toLowerCase()));
  const classOf = new Uint8Array(256);
  let classes = 1;
  for (const w of words) {
    for (const b of w) {
      if (classOf[b] === 0) {
        if (classes >= 255) throw new Error('too many distinct literal bytes');
        classOf[b] = classes++;
      }
    }
  }
  for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b + 0x20]!;
  // Trie.
  const children: Array<Map<number, number>> = [new Map()];
  const out: number[][] = [[]];
  words.forEach((w, id) => {
    let s = 0;
    for (const b of w) {
      const c = classOf[b]!;
      let next = children[s]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        out.push([]);
        children[s]!.set(c, next);
      }
      s = next;
    }
    out[s]!.push(id);
  });
  const n = children.length;
  const delta = new Int32Array(n * classes);
  const fail = new Int32Array(n);
  const queue: number[] = [];
  for (let c = 0; c < classes; c++) {
    const t = children[0]!.get(c);
    if (t !== undefined && c !== 0) {
      delta[c] = t;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    const f = fail[s]!;
    if (out[f]!.length > 0) out[s] = [...out[s]!, ...out[f]!];
    for (let c = 0; c < classes; c++) {
      const t = c === 0 ? undefined : children[s]!.get(c);
      if (t !== undefined) {
        fail[t] = delta[f * classes + c]!;
        delta[s * classes + c] = t;
        queue.push(t);
      } else {
        delta[s * classes + c] = delta[f * classes + c]!;
      }
    }
  }
  const accepting = new Uint8Array(n);
  for (let s = 0; s < n; s++) if (out[s]!.length > 0) accepting[s] = 1;
  return { classes, classOf, delta, accepting, outputs: out };
}
