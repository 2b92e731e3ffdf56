/**
 * A vitest reporter (`npm test` adds it after the default one): one summary, at the very end, of the
 * tests that did not run and why — per missing tool (test/setup/prerequisites.ts), how many tests it
 * left unrun and the command that installs it — so that a green run with skipped tests says so.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { PREREQUISITES, type Prerequisite } from './prerequisites.js';

export interface SkipCounts {
  /** Skipped tests per missing tool (tag). */
  byPrerequisite: Map<Prerequisite['tag'], number>;
  /** Skipped tests that need no tool (`it.skip`, `it.todo`, a `skipIf` of their own). */
  other: number;
}

/** Counts the skipped tests of a run by the prerequisite their tags name. */
export function countSkips(tests: Iterable<{ skipped: boolean; tags: readonly string[] }>): SkipCounts {
  const byPrerequisite = new Map<Prerequisite['tag'], number>();
  let other = 0;
  for (const test of tests) {
    if (!test.skipped) continue;
    const prerequisite = PREREQUISITES.find((p) => test.tags.includes(p.tag));
    if (prerequisite) byPrerequisite.set(prerequisite.tag, (byPrerequisite.get(prerequisite.tag) ?? 0) + 1);
    else other++;
  }
  return { byPrerequisite, other };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The summary's lines. */
export function skipSummary({ byPrerequisite, other }: SkipCounts): string[] {
  const missing = PREREQUISITES.filter((p) => byPrerequisite.has(p.tag));
  if (missing.length === 0 && other === 0) return ['Skipped: nothing; every test ran.'];
  const total = [...byPrerequisite.values()].reduce((a, b) => a + b, 0) + other;
  const lines = [`Skipped: ${plural(total, 'test')} did not run.`];
  for (const p of missing) {
    lines.push(`  ${plural(byPrerequisite.get(p.tag)!, 'test')}: ${p.tool} was not found (${p.tests})`);
    lines.push(`      install: ${p.install}`);
  }
  if (other > 0) lines.push(`  ${plural(other, 'test')}: skipped by the tests themselves (it.skip, it.todo or a condition of their own)`);
  if (missing.length > 0) lines.push(`  To fail instead of skipping, as CI does: ${missing.map((p) => `${p.require}=1`).join(' ')}`);
  return lines;
}

export default class SkipSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests = testModules
      .flatMap((module) => [...module.children.allTests()])
      .map((test) => ({ skipped: test.result().state === 'skipped', tags: test.tags }));
    const lines = skipSummary(countSkips(tests));
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
