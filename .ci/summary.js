// Prints "N passed, N failed" from vitest's JSON report. A test file that failed to load counts as
// a failure, and a missing report (build, type check or lint failed before the tests) counts as
// one, so CI never reads a broken run as green. So does a test that needs a tool from outside npm
// (tagged moto, cfn-lint or chromium: test/setup/prerequisites.ts) and was skipped: CI requires them.
import { existsSync, readFileSync } from 'node:fs';

const REQUIRED_TAGS = ['moto', 'cfn-lint', 'chromium'];

const file = '.vitest-results.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const brokenFiles = report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
const unrun = report.testResults
  .flatMap((r) => r.assertionResults)
  .filter((t) => ['skipped', 'pending', 'todo'].includes(t.status) && (t.tags ?? []).some((tag) => REQUIRED_TAGS.includes(tag)));
if (unrun.length > 0)
  console.log(
    `${unrun.length} test(s) that CI requires were skipped (a tool is missing): ${unrun
      .slice(0, 3)
      .map((t) => t.fullName)
      .join('; ')}${unrun.length > 3 ? '; …' : ''}`,
  );
const failed = report.numFailedTests + brokenFiles + unrun.length;
const skipped = report.numPendingTests + report.numTodoTests - unrun.length;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || !report.success ? 1 : 0);
