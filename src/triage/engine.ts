/**
 * The streaming triage engine. Bytes go in (any chunking); one Aho–Corasick pass finds
 * the lines that contain a rule literal; only those lines are decoded, normalised and
 * matched against the full patterns. Memory is bounded: a ring of the last few line
 * positions for context, capped hit lists, and long lines cut into segments (a match on
 * a long line is looked at through a window around it).
 */
import { indentOf, normalizeLine } from './normalize.js';
import { describeProxyHit, findProxyErrorBody, type ProxyBodyMatch, type ProxyHit } from './proxy-body.js';
import type { RuleSet } from './rule-set.js';
import type { Rule } from './types.js';

/** Lines of context kept before a hit (for evidence and module extraction). */
export const CONTEXT_BEFORE = 5;
/** Lines of context kept after a hit. */
export const CONTEXT_AFTER = 3;
/** A line longer than this many bytes is cut into segments (same line number). */
export const MAX_SEGMENT = 64 * 1024;
/** A line longer than this is matched through windows of ±WINDOW/2 bytes around each literal hit. */
const WINDOW = 4096;
/** Hits kept per rule and per auxiliary pattern. */
const MAX_HITS = 32;
const MAX_AUX = 256;

/** LineHit is one pattern match on one line, with the line's text and its context. */
export interface LineHit {
  readonly line: number;
  readonly text: string;
  readonly index: number;
  readonly captures: Record<string, string>;
  readonly timestamp?: string;
  readonly before: Array<{ line: number; text: string; timestamp?: string }>;
  readonly after: Array<{ line: number; text: string; timestamp?: string }>;
  /** For a proxy-body rule: the modrescue proxy error body and the request it answered. */
  readonly proxy?: ProxyHit;
}

/** Scan is the raw outcome of one pass, before ranking (see rank.ts). */
export interface Scan {
  readonly ruleSet: RuleSet;
  /** Per rule, its hits in line order (capped). */
  readonly mainHits: LineHit[][];
  /** Per rule, per `with`/`not` pattern, the lines where it matched (capped). */
  readonly withLines: number[][][];
  readonly notLines: number[][][];
  readonly serverResponses: Array<{ line: number; index: number; indent: number }>;
  /** Module path → version from `go: downloading path version` lines (capped). */
  readonly downloads: Map<string, string>;
  readonly commands: Array<{ line: number; args: string }>;
  readonly context: Record<string, string>;
  success: boolean;
  lines: number;
  /** The latest timestamp seen on a decoded line. */
  lastTimestamp?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Scanner consumes a log as byte chunks. Call write() for each chunk and end() once; the
 * result is a Scan. It is a class because it is stateful across chunks.
 */
export class Scanner {
  private readonly scan: Scan;
  private readonly delta: Int32Array;
  private readonly classOf: Uint8Array;
  private readonly classes: number;
  private readonly accepting: Uint8Array;
  private carry: Uint8Array | undefined;
  private lineNo = 1;
  // Ring of the last CONTEXT_BEFORE lines: text (decoded lazily) or a buffer range.
  private readonly ringBuf: Array<Uint8Array | undefined> = new Array(CONTEXT_BEFORE);
  private readonly ringStart = new Int32Array(CONTEXT_BEFORE);
  private readonly ringEnd = new Int32Array(CONTEXT_BEFORE);
  private readonly ringText: Array<string | undefined> = new Array(CONTEXT_BEFORE);
  private readonly ringLine = new Float64Array(CONTEXT_BEFORE).fill(-1);
  private ringPos = 0;
  private pendingAfter: Array<{ hit: LineHit; left: number }> = [];
  private hitStates: number[] = [];
  private hitPositions: number[] = [];
  private continued = false;

  constructor(ruleSet: RuleSet) {
    const a = ruleSet.automaton;
    this.delta = a.delta;
    this.classOf = a.classOf;
    this.classes = a.classes;
    this.accepting = a.accepting;
    this.scan = {
      ruleSet,
      mainHits: ruleSet.rules.map(() => []),
      withLines: ruleSet.rules.map((r) => r.with.map(() => [])),
      notLines: ruleSet.rules.map((r) => r.not.map(() => [])),
      serverResponses: [],
      downloads: new Map(),
      commands: [],
      context: {},
      success: false,
      lines: 0,
    };
  }

  /** write feeds the next chunk of the log. */
  write(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carry !== undefined && this.carry.length > 0) {
      const b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry, 0);
      b.set(chunk, this.carry.length);
      buf = b;
    }
    this.carry = undefined;
    const last = this.process(buf);
    if (last < buf.length) {
      const rest = buf.subarray(last);
      if (rest.length > MAX_SEGMENT) {
        // A very long line: match what we have as a segment and continue the same line.
        this.endLine(buf, last, buf.length, true);
      } else {
        // The partial line is scanned again with the next chunk.
        this.carry = rest.slice();
        this.hitStates = [];
        this.hitPositions = [];
      }
    }
    this.detachRing(buf);
  }

  /** end finishes the pass and returns the scan. */
  end(): Scan {
    if (this.carry !== undefined && this.carry.length > 0) {
      // The last line has no newline: complete it.
      this.write(Uint8Array.of(10));
    } else if (this.continued) {
      this.continued = false;
      this.lineNo++;
    }
    this.scan.lines = this.lineNo - 1;
    this.pendingAfter = [];
    return this.scan;
  }

  /** process scans complete lines of buf and returns the offset after the last newline. */
  private process(buf: Uint8Array): number {
    const delta = this.delta;
    const classOf = this.classOf;
    const classes = this.classes;
    const accepting = this.accepting;
    let s = 0;
    let lineStart = 0;
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      if (b === 10) {
        if (this.hitStates.length > 0 || this.pendingAfter.length > 0 || this.scan.ruleSet.unfiltered.length > 0) {
          this.endLine(buf, lineStart, i, false);
        } else {
          // Fast path: remember where the line was, for context.
          const r = this.ringPos;
          this.ringBuf[r] = buf;
          this.ringStart[r] = lineStart;
          this.ringEnd[r] = i;
          this.ringText[r] = undefined;
          this.ringLine[r] = this.lineNo;
          this.ringPos = r + 1 === CONTEXT_BEFORE ? 0 : r + 1;
          if (this.continued) this.continued = false;
          this.lineNo++;
        }
        lineStart = i + 1;
        s = 0;
        continue;
      }
      s = delta[s * classes + classOf[b]!]!;
      if (accepting[s] === 1) {
        this.hitStates.push(s);
        this.hitPositions.push(i - lineStart);
      }
    }
    return lineStart;
  }

  /** detachRing decodes ring entries that point into buf (buf is about to be dropped). */
  private detachRing(buf: Uint8Array): void {
    for (let r = 0; r < CONTEXT_BEFORE; r++) {
      if (this.ringBuf[r] === buf) {
        this.ringText[r] = this.decodeCapped(buf, this.ringStart[r]!, this.ringEnd[r]!);
        this.ringBuf[r] = undefined;
      }
    }
  }

  private decodeCapped(buf: Uint8Array, start: number, end: number): string {
    return decoder.decode(buf.subarray(start, Math.min(end, start + WINDOW)));
  }

  private ringEntries(): Array<{ line: number; text: string; timestamp?: string }> {
    const out: Array<{ line: number; text: string; timestamp?: string }> = [];
    for (let k = 0; k < CONTEXT_BEFORE; k++) {
      const r = (this.ringPos + k) % CONTEXT_BEFORE;
      if (this.ringLine[r]! < 0) continue;
      let t = this.ringText[r];
      if (t === undefined) {
        t = this.decodeCapped(this.ringBuf[r]!, this.ringStart[r]!, this.ringEnd[r]!);
        this.ringText[r] = t;
      }
      const norm = normalizeLine(t);
      out.push(
        norm.timestamp === undefined
          ? { line: this.ringLine[r]!, text: norm.text }
          : { line: this.ringLine[r]!, text: norm.text, timestamp: norm.timestamp },
      );
    }
    return out;
  }

  /** endLine handles a line (or a segment of a long line) that has literal hits or is needed as context. */
  private endLine(buf: Uint8Array, start: number, end: number, segment: boolean): void {
    const lineNo = this.lineNo;
    const rs = this.scan.ruleSet;
    const len = end - start;
    let texts: Array<{ text: string; offset: number }>;
    if (len <= WINDOW * 2) {
      texts = [{ text: decoder.decode(buf.subarray(start, end)), offset: 0 }];
    } else {
      texts = [];
      let covered = -1;
      for (const pos of this.hitPositions) {
        if (pos <= covered) continue;
        const ws = Math.max(0, pos - WINDOW / 2);
        const we = Math.min(len, pos + WINDOW / 2);
        texts.push({ text: decoder.decode(buf.subarray(start + ws, start + we)), offset: ws });
        covered = we - 64;
      }
      if (this.pendingAfter.length > 0 || texts.length === 0)
        texts.unshift({ text: this.decodeCapped(buf, start, end), offset: 0 });
    }
    // Context for hits that wait for following lines.
    if (this.pendingAfter.length > 0 && !segment) {
      const norm = normalizeLine(texts[0]!.text);
      for (const p of this.pendingAfter) {
        p.hit.after.push(
          norm.timestamp === undefined
            ? { line: lineNo, text: norm.text }
            : { line: lineNo, text: norm.text, timestamp: norm.timestamp },
        );
        p.left--;
      }
      this.pendingAfter = this.pendingAfter.filter((p) => p.left > 0);
    }
    if (this.hitStates.length > 0 || rs.unfiltered.length > 0) {
      const candidates = new Set<number>(rs.unfiltered);
      const outputs = rs.automaton.outputs;
      for (const st of this.hitStates)
        for (const lit of outputs[st]!) for (const p of rs.literalPatterns[lit]!) candidates.add(p);
      let before: Array<{ line: number; text: string; timestamp?: string }> | undefined;
      for (const { text: raw } of texts) {
        const norm = normalizeLine(raw);
        // A modrescue proxy error body on this line (looked for once, for proxy-body rules).
        let body: ProxyBodyMatch | null | undefined;
        if (norm.timestamp !== undefined) this.scan.lastTimestamp = norm.timestamp;
        for (const pid of candidates) {
          const m = rs.patterns[pid]!.re.exec(norm.text);
          if (m === null) continue;
          const captures: Record<string, string> = {};
          if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) captures[k] = v;
          for (const role of rs.roles[pid]!) {
            switch (role.kind) {
              case 'main': {
                const list = this.scan.mainHits[role.rule]!;
                if (list.length >= MAX_HITS || (list.length > 0 && list[list.length - 1]!.line === lineNo)) break;
                before ??= this.ringEntries().filter((e) => e.line < lineNo);
                let hitCaptures = captures;
                let proxy: ProxyHit | undefined;
                const codes = rs.rules[role.rule]!.proxyCodes;
                if (codes.length > 0) {
                  // A proxy-body rule: the code token is only the pre-filter; the hit is
                  // the body, parsed by the proxy's own parser.
                  if (body === undefined) body = findProxyErrorBody(norm.text) ?? null;
                  if (body === null || !codes.includes(body.body.code)) break;
                  const d = describeProxyHit(body, before);
                  proxy = d.hit;
                  hitCaptures = { ...captures, ...d.captures };
                }
                const hit: LineHit = {
                  line: lineNo,
                  text: norm.text,
                  index: m.index,
                  captures: hitCaptures,
                  ...(norm.timestamp === undefined ? {} : { timestamp: norm.timestamp }),
                  before,
                  after: [],
                  ...(proxy === undefined ? {} : { proxy }),
                };
                list.push(hit);
                this.pendingAfter.push({ hit, left: CONTEXT_AFTER });
                break;
              }
              case 'with':
                pushCapped(this.scan.withLines[role.rule]![role.index]!, lineNo);
                break;
              case 'not':
                pushCapped(this.scan.notLines[role.rule]![role.index]!, lineNo);
                break;
              case 'marker':
                this.marker(role.name, lineNo, norm.text, m.index, captures);
                break;
            }
          }
        }
      }
    }
    this.hitStates = [];
    this.hitPositions = [];
    // Ring bookkeeping (decoded text is cheap to keep for lines we looked at).
    const r = this.ringPos;
    this.ringBuf[r] = undefined;
    this.ringText[r] = texts[0]!.text.slice(0, WINDOW);
    this.ringLine[r] = lineNo;
    this.ringPos = r + 1 === CONTEXT_BEFORE ? 0 : r + 1;
    if (segment) {
      this.continued = true;
    } else {
      this.continued = false;
      this.lineNo++;
    }
  }

  private marker(name: string, line: number, text: string, index: number, c: Record<string, string>): void {
    const s = this.scan;
    switch (name) {
      case 'server-response':
        if (s.serverResponses.length < MAX_AUX * 4) s.serverResponses.push({ line, index, indent: indentOf(text) });
        break;
      case 'downloading':
        if (s.downloads.size < 5000 && c['path'] && c['version'] && !s.downloads.has(c['path']))
          s.downloads.set(c['path'], c['version']);
        break;
      case 'command':
        if (s.commands.length < 64 && c['args']) s.commands.push({ line, args: c['args'] });
        break;
      case 'success':
        s.success = true;
        break;
      case 'context': {
        const branch = c['branch'] ?? c['branch2'] ?? c['branch3'] ?? c['branch4'];
        if (branch && s.context['branch'] === undefined) s.context['branch'] = branch;
        const job = c['job'] ?? c['job2'] ?? c['job3'];
        if (job && s.context['job'] === undefined) s.context['job'] = job;
        if (c['pipeline'] && s.context['pipeline'] === undefined) s.context['pipeline'] = c['pipeline'];
        if (c['runner'] && s.context['runner'] === undefined) s.context['runner'] = c['runner'];
        break;
      }
    }
  }
}

function pushCapped(list: number[], line: number): void {
  if (list.length < MAX_AUX && list[list.length - 1] !== line) list.push(line);
}

/** ruleOf returns the rule of a main-hit list index (for callers that only have the scan). */
export function ruleOf(scan: Scan, i: number): Rule {
  return scan.ruleSet.rules[i]!;
}
