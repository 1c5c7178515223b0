/**
 * The data of triage: categories, classes, rules as loaded from the YAML knowledge base,
 * and the result document (the `--json` shape, schemaVersion 1).
 */
import type { ProxyErrorCode, ProxyErrorKind } from '../proxy/errors.js';

/** CATEGORIES are the failure categories, exactly the ids of the shared triage corpus, plus `unknown`. */
export const CATEGORIES = [
  'proxy-unreachable',
  'proxy-tls',
  'proxy-http-error',
  'checksum-mismatch',
  'missing-gosum',
  'sumdb-private',
  'private-auth',
  'unknown-revision',
  'module-path-mismatch',
  'ambiguous-import/package-not-provided',
  'go-version',
  'retracted-or-deprecated',
  'vendor-inconsistent',
  'gomod-syntax',
  'disk-or-cache',
  'infra',
  'code',
] as const;

/** Category is a rule category id; `unknown` is reported when nothing matched (never guessed). */
export type Category = (typeof CATEGORIES)[number];
export type Verdict = Category | 'unknown';

/** CLASSES are the failure classes of seed chapter 1 (plus `dependency` for go mod supply problems). */
export const CLASSES = ['dependency', 'environment', 'code', 'infra'] as const;
export type FailureClass = (typeof CLASSES)[number];

/** MODULE_CATEGORIES are the categories that name a go mod failure (not `code`, not `infra`). */
export const MODULE_CATEGORIES: readonly Category[] = CATEGORIES.filter((c) => c !== 'code' && c !== 'infra');

/**
 * PRECEDENCE ranks categories: when several rules match, the higher number is the root
 * cause and the others are reported as secondary (docs/triage.md has the table and why).
 */
export const PRECEDENCE: Readonly<Record<Category, number>> = {
  infra: 100,
  'disk-or-cache': 95,
  'proxy-tls': 90,
  'proxy-unreachable': 88,
  'sumdb-private': 85,
  'private-auth': 80,
  'checksum-mismatch': 75,
  'go-version': 70,
  'unknown-revision': 65,
  'module-path-mismatch': 62,
  'proxy-http-error': 60,
  'gomod-syntax': 55,
  'vendor-inconsistent': 50,
  'missing-gosum': 45,
  'ambiguous-import/package-not-provided': 40,
  'retracted-or-deprecated': 35,
  code: 10,
};

/** Step is one numbered next step: a title and, when there is one, the exact command. */
export interface Step {
  readonly title: string;
  readonly command?: string;
}

/** Pattern is one compiled regular expression with the literals that pre-filter it. */
export interface Pattern {
  readonly source: string;
  readonly re: RegExp;
  /** Lower-cased substrings, one of which every matching line contains. */
  readonly literals: readonly string[];
}

/** CaptureCondition keeps a hit only when a named capture matches (or does not match) a regex. */
export interface CaptureCondition {
  readonly match?: RegExp;
  readonly notMatch?: RegExp;
}

/** Rule is one loaded, validated and compiled triage rule. */
export interface Rule {
  readonly id: string;
  readonly category: Category;
  readonly class: FailureClass;
  /** What the rule detects, one line. */
  readonly summary: string;
  readonly severity: 'error' | 'warning';
  readonly confidence: number;
  /** Rank used to pick the root cause: PRECEDENCE[category] + the rule's priority offset. */
  readonly rank: number;
  readonly patterns: readonly Pattern[];
  /**
   * For a proxy-body rule (`proxyCodes:` in YAML): the modrescue proxy error codes it
   * classifies. Its hits are lines holding a proxy error body with one of these codes
   * (parsed by src/proxy/errors.ts), never demoted as quoted; empty for other rules.
   */
  readonly proxyCodes: readonly ProxyErrorCode[];
  /** Patterns that must all occur within `window` lines of a hit. */
  readonly with: readonly Pattern[];
  /** Patterns that cancel a hit when they occur within `window` lines. */
  readonly not: readonly Pattern[];
  readonly window: number;
  /** Whether a hit inside a quoted server response (`server response:`) is demoted to secondary. */
  readonly quotable: boolean;
  readonly where: Readonly<Record<string, CaptureCondition>>;
  /** One real log line that motivates the rule. */
  readonly example: string;
  readonly explanation: string;
  readonly causes: readonly string[];
  readonly steps: readonly Step[];
  /** Where the rule was defined (`file:line:col`). */
  readonly origin: string;
}

/** Evidence is one log line (1-based original line number) shown to support the verdict. */
export interface Evidence {
  readonly line: number;
  readonly text: string;
}

/** ModuleRef is a module path with its version when the log names one. */
export interface ModuleRef {
  readonly path: string;
  readonly version?: string;
}

/** SecondaryFinding is another category whose rules matched, ranked below the primary. */
export interface SecondaryFinding {
  readonly category: Category;
  readonly ruleId: string;
  readonly line: number;
}

/** Hit is one matched rule with its evidence block, kept for formatting and notices. */
export interface RuleHit {
  readonly ruleId: string;
  readonly category: Category;
  readonly line: number;
  /** True when the match is inside a quoted server response (a consequence, not the cause). */
  readonly quoted: boolean;
  readonly captures: Readonly<Record<string, string>>;
  readonly timestamp?: string;
}

/**
 * ProxyFinding is a `modrescue proxy serve` error body found in the log (src/proxy/errors.ts
 * `<kind>: <subject>[ from <upstream>]: <reason> [<code>]`): which upstream failed, how.
 */
export interface ProxyFinding {
  readonly code: ProxyErrorCode;
  readonly kind: ProxyErrorKind;
  /** What was asked for (`rsc.io/quote@v1.5.2.zip`, `rsc.io/quote/@v/list`, …). */
  readonly subject?: string;
  /** The upstream that failed or served the refused content (credentials redacted by the proxy). */
  readonly upstream?: string;
  readonly reason: string;
  /** The modrescue proxy's base URL, from the request the go command reported. */
  readonly url?: string;
  /** The log line of the body. */
  readonly line: number;
}

/** TriageResult is what triage concludes about one log (the `--json` document without schemaVersion). */
export interface TriageResult {
  readonly category: Verdict;
  readonly class: FailureClass | 'unknown';
  /** 0..1; 0 when the verdict is `unknown`. */
  readonly confidence: number;
  readonly ruleId?: string;
  readonly title: string;
  readonly secondary: readonly SecondaryFinding[];
  readonly evidence: readonly Evidence[];
  /** Every line the primary rule matched (up to 32), for annotations. */
  readonly matches: readonly Evidence[];
  readonly modules: readonly ModuleRef[];
  readonly hosts: readonly string[];
  readonly urls: readonly string[];
  /** The go version the failure mentions (required or running), when any. */
  readonly goVersion?: string;
  /** Line number of the first error-severity match. */
  readonly firstErrorAt?: number;
  /** The log's timestamp on or just before the first error line (ISO 8601), when the log has timestamps. */
  readonly firstErrorTime?: string;
  readonly summary: string;
  readonly causes: readonly string[];
  readonly nextSteps: readonly Step[];
  /** True when nothing at error level matched and the log reports success. */
  readonly notFailure: boolean;
  /** Lines read (the original numbering, for the report). */
  readonly lines: number;
  /** Impact hints read from the log (job, pipeline, branch), when present. */
  readonly context: Readonly<Record<string, string>>;
  /** The modrescue proxy error body behind the verdict (else the first in the log), when there is one. */
  readonly proxy?: ProxyFinding;
}
