/**
 * Package triage: from a red CI log to a named cause. A knowledge base of rules (YAML
 * data under src/triage/rules, plus the user's own with --rules) is compiled into one
 * Aho–Corasick pre-filter and a set of regular expressions; the log is streamed through
 * it once with bounded memory; the matches are ranked so that the root cause wins over
 * its consequences; modules, hosts and versions are extracted from the evidence.
 *
 * Invariants: `unknown` when no rule matched (never a guess); memory does not grow with
 * the log's size; rule files with errors are reported with file:line:col and not used.
 */
import { Scanner } from './engine.js';
import { decide } from './rank.js';
import { loadRules, type RuleFileError, type RuleSource } from './rule-file.js';
import { compileRuleSet, type RuleSet } from './rule-set.js';
import { BUNDLED_RULES } from './rules/bundled.js';
import type { TriageResult } from './types.js';

export * from './types.js';
export {
  formatRuleFileError,
  loadRules,
  parseRuleFile,
  readRuleDir,
  type RuleFileError,
  type RuleSource,
} from './rule-file.js';
export { compileRuleSet, type RuleSet } from './rule-set.js';
export { decompressIfGzip, readLogFile } from './input.js';
export { normalizeLine } from './normalize.js';
export { BUNDLED_RULES } from './rules/bundled.js';

/**
 * loadRuleSet compiles the bundled rules plus extra sources (user rule files). It returns
 * the rule set and every rule-file error; with errors the faulty files are left out.
 */
export function loadRuleSet(extra: readonly RuleSource[] = []): { ruleSet: RuleSet; errors: RuleFileError[] } {
  const { rules, errors } = loadRules([...BUNDLED_RULES, ...extra]);
  return { ruleSet: compileRuleSet(rules), errors };
}

let bundled: RuleSet | undefined;

/** bundledRuleSet returns the compiled bundled rules (compiled once). */
export function bundledRuleSet(): RuleSet {
  if (!bundled) {
    const { ruleSet, errors } = loadRuleSet();
    if (errors.length > 0)
      throw new Error(
        `bundled triage rules are invalid: ${errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('; ')}`,
      );
    bundled = ruleSet;
  }
  return bundled;
}

/** Triage is a streaming triage: write() the log's bytes, then end() for the result. */
export interface Triage {
  write(chunk: Uint8Array): void;
  end(): TriageResult;
}

/** createTriage starts a streaming triage with ruleSet (default: the bundled rules). */
export function createTriage(ruleSet: RuleSet = bundledRuleSet()): Triage {
  const scanner = new Scanner(ruleSet);
  return {
    write: (chunk) => scanner.write(chunk),
    end: () => decide(scanner.end()),
  };
}

/** triageStream triages a log given as byte chunks (see decompressIfGzip for gzip'd input). */
export async function triageStream(
  source: AsyncIterable<Uint8Array>,
  ruleSet: RuleSet = bundledRuleSet(),
  signal?: AbortSignal,
): Promise<TriageResult> {
  const t = createTriage(ruleSet);
  for await (const chunk of source) {
    signal?.throwIfAborted();
    t.write(chunk);
  }
  return t.end();
}

/** triageText triages a log held in a string (tests, small inputs). */
export function triageText(text: string, ruleSet: RuleSet = bundledRuleSet()): TriageResult {
  const t = createTriage(ruleSet);
  t.write(new TextEncoder().encode(text));
  return t.end();
}
