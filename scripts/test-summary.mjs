// Reads vitest JSON reports and prints one line `N passed, N failed` (sum over reports).
// A skipped or todo test counts as failed: CI never hides a missing dependency behind a skip.
// A missing or unreadable report counts as one failure. Exit status 1 if anything failed.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`test-summary: cannot read ${file}: ${e.message}`);
    failed += 1;
    continue;
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (skipped > 0) console.error(`test-summary: ${file}: ${skipped} skipped/todo tests counted as failed`);
  // Suites that failed to load contribute no test results; count each as a failure.
  const brokenSuites = (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
  ).length;
  if (brokenSuites > 0) console.error(`test-summary: ${file}: ${brokenSuites} test files failed to run`);
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + skipped + brokenSuites;
  if (report.success === false && (report.numFailedTests ?? 0) + skipped + brokenSuites === 0) failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
