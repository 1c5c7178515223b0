/**
 * bundleSource renders the bundled-rules module: the text of every rule file under
 * src/triage/rules, so that the built CLI carries its knowledge base without reading
 * files at run time. The YAML files are the source of truth; a test checks that
 * rules/bundled.ts is up to date (UPDATE_GOLDEN=1 regenerates it).
 */
export function bundleSource(files: ReadonlyArray<{ name: string; text: string }>): string {
  const lines = [
    '// Generated from src/triage/rules/*.yaml by src/triage/rules/rules.test.ts (UPDATE_GOLDEN=1). Do not edit.',
    "import type { RuleSource } from '../rule-file.js';",
    '',
    '/** BUNDLED_RULES are the rule files of the knowledge base, by repository path. */',
    'export const BUNDLED_RULES: readonly RuleSource[] = [',
  ];
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`  { file: ${JSON.stringify('src/triage/rules/' + f.name)}, text: ${JSON.stringify(f.text)} },`);
  }
  lines.push('];', '');
  return lines.join('\n');
}
