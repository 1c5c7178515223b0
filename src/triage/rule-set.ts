/**
 * RuleSet: the rules compiled together for one streaming pass. Every pattern (rule
 * patterns, co-occurrence and negative patterns, and the engine's own markers) gets an
 * id; every pre-filter literal maps to the patterns it guards; one Aho–Corasick
 * automaton covers all literals.
 */
import { createAutomaton, type Automaton } from './aho-corasick.js';
import { literalsOf } from './literals.js';
import type { Pattern, Rule } from './types.js';

/** Role says what a pattern hit means to the engine. */
export type Role =
  | { kind: 'main'; rule: number }
  | { kind: 'with'; rule: number; index: number }
  | { kind: 'not'; rule: number; index: number }
  | { kind: 'marker'; name: MarkerName };

/** MarkerName names the engine's own patterns (not rules). */
export type MarkerName = 'server-response' | 'downloading' | 'command' | 'success' | 'context';

/** The engine's own patterns: quoting, versions of downloaded modules, the failing command, success, impact scope. */
const MARKERS: ReadonlyArray<[MarkerName, string, string[]?]> = [
  ['server-response', 'server response:'],
  [
    'downloading',
    '(?:go: )?(?:downloading|finding|extracting) (?<path>[A-Za-z0-9][^\\s@]*\\.[^\\s@]*) (?<version>v[0-9][^\\s]*)',
    ['downloading ', 'finding ', 'extracting '],
  ],
  [
    'command',
    '(?:^|[\\s;&|$>])go(?:\\d[.\\d]*(?:beta\\d|rc\\d)?)? (?:install|get|mod download|run)\\s+(?<args>[^|;&]+)',
    ['go install', 'go get', 'go mod download', 'go run'],
  ],
  ['success', 'Finished: SUCCESS|Job succeeded|Build succeeded|BUILD SUCCESSFUL'],
  [
    'context',
    'ref is (?<branch>[A-Za-z0-9._/-]+)\\)|refs/remotes/origin/(?<branch2>[A-Za-z0-9._/-]+)|GITHUB_REF(?:_NAME)?[=:] ?(?:refs/heads/)?(?<branch3>[A-Za-z0-9._/-]+)|CI_COMMIT_REF_NAME[=:] ?(?<branch4>[A-Za-z0-9._/-]+)|CI_PIPELINE_ID[=:] ?(?<pipeline>\\d+)|CI_JOB_NAME[=:] ?(?<job>[^\\s]+)|GITHUB_JOB[=:] ?(?<job2>[^\\s]+)|JOB_NAME[=:] ?(?<job3>[^\\s]+)|Running on (?<runner>[^\\s]+) in ',
  ],
];

/** RuleSet is the compiled form the engine scans with. */
export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly patterns: readonly Pattern[];
  readonly roles: ReadonlyArray<readonly Role[]>;
  /** Literal id → pattern ids. */
  readonly literalPatterns: ReadonlyArray<readonly number[]>;
  /** Pattern ids that have no literal and run on every line (user rules only). */
  readonly unfiltered: readonly number[];
  readonly automaton: Automaton;
}

/** compileRuleSet builds the RuleSet for rules (ids must be unique; loadRules checks that). */
export function compileRuleSet(rules: readonly Rule[]): RuleSet {
  const patterns: Pattern[] = [];
  const roles: Role[][] = [];
  const bySource = new Map<string, number>();
  const add = (p: Pattern, role: Role) => {
    const key = `${p.re.flags}/${p.source}`;
    let id = bySource.get(key);
    if (id === undefined) {
      id = patterns.length;
      patterns.push(p);
      roles.push([]);
      bySource.set(key, id);
    }
    roles[id]!.push(role);
  };
  for (const [name, src, lits] of MARKERS)
    add({ source: src, re: new RegExp(src), literals: lits ?? literalsOf(src) }, { kind: 'marker', name });
  rules.forEach((r, i) => {
    for (const p of r.patterns) add(p, { kind: 'main', rule: i });
    r.with.forEach((p, j) => add(p, { kind: 'with', rule: i, index: j }));
    r.not.forEach((p, j) => add(p, { kind: 'not', rule: i, index: j }));
  });
  const literalIds = new Map<string, number>();
  const literalPatterns: number[][] = [];
  const unfiltered: number[] = [];
  patterns.forEach((p, id) => {
    if (p.literals.length === 0) {
      unfiltered.push(id);
      return;
    }
    for (const l of p.literals) {
      let li = literalIds.get(l);
      if (li === undefined) {
        li = literalPatterns.length;
        literalIds.set(l, li);
        literalPatterns.push([]);
      }
      literalPatterns[li]!.push(id);
    }
  });
  const automaton = createAutomaton([...literalIds.keys()]);
  return { rules, patterns, roles, literalPatterns, unfiltered, automaton };
}
