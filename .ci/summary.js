// Prints "N passed, N failed" from vitest's JSON report. A test file that failed to load counts as
// a failure, and a missing report (build, type check or lint failed before the tests) counts as
// one, so CI never reads a broken run as green.
import { existsSync, readFileSync } from 'node:fs';

const file = '.vitest-results.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const brokenFiles = report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || !report.success ? 1 : 0);
