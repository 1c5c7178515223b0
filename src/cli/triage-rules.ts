/**
 * The triage knowledge base of a command run: the bundled rules plus the rule
 * directories of the config file (src/cli/config.ts) and of `--rules`, in that order.
 * triage and respond both load it here.
 */
import { CodedError } from '../shared/errors.js';
import {
  bundledRuleSet,
  formatRuleFileError,
  loadRuleSet,
  readRuleDir,
  type RuleSet,
  type RuleSource,
} from '../triage/index.js';
import { loadCliConfig } from './config.js';
import type { CliContext } from './context.js';

/**
 * triageRuleSet loads the rules for this run. Every error of every rule file is printed
 * (`modrescue: file:line:col: message`) before it throws ERR_TRIAGE_RULES_INVALID (exit 3);
 * an unreadable directory throws ERR_TRIAGE_RULES_DIR, a bad config file ERR_CONFIG_*.
 */
export async function triageRuleSet(ctx: CliContext, flagDirs: readonly string[]): Promise<RuleSet> {
  const config = await loadCliConfig(ctx.io);
  const dirs = [...config.triageRules, ...flagDirs.map((d) => ctx.resolve(d))];
  if (dirs.length === 0) return bundledRuleSet();
  const extra: RuleSource[] = [];
  for (const dir of dirs) extra.push(...(await readRuleDir(dir)));
  const { ruleSet, errors } = loadRuleSet(extra);
  if (errors.length > 0) {
    for (const e of errors) ctx.err(`modrescue: ${formatRuleFileError(e)}`);
    throw new CodedError(
      'ERR_TRIAGE_RULES_INVALID',
      `${errors.length} error(s) in rule files; fix them, or leave the file out of --rules and the config file`,
      { count: errors.length },
    );
  }
  return ruleSet;
}
