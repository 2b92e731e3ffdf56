// The summary `npm test` ends with: the tests each missing tool left unrun, and how to install it.
import { describe, expect, it } from 'vitest';
import { PREREQUISITES } from '../setup/prerequisites.js';
import { countSkips, skipSummary } from '../setup/skip-summary.js';

const test = (skipped: boolean, ...tags: string[]) => ({ skipped, tags });

describe('the skip summary', () => {
  it('counts skipped tests by the tool their tags name, and the rest apart', () => {
    const counts = countSkips([test(true, 'moto'), test(true, 'moto'), test(false, 'moto'), test(true, 'chromium'), test(true), test(false)]);
    expect(Object.fromEntries(counts.byPrerequisite)).toEqual({ moto: 2, chromium: 1 });
    expect(counts.other).toBe(1);
  });

  it('names each missing tool, its tests and the command that installs it', () => {
    const text = skipSummary(countSkips([test(true, 'moto'), test(true, 'moto'), test(true, 'cfn-lint')])).join('\n');
    expect(text).toContain('Skipped: 3 tests did not run.');
    expect(text).toContain('2 tests: moto server (moto_server on PATH) was not found');
    expect(text).toContain("install: pip install 'moto[server]'");
    expect(text).toContain('1 test: cfn-lint (on PATH) was not found');
    expect(text).toContain('install: pip install cfn-lint');
    expect(text).not.toContain('Chromium');
    expect(text).toContain('ECS_ADMISSION_REQUIRE_MOTO=1 ECS_ADMISSION_REQUIRE_CFN_LINT=1');
  });

  it('says so in one line when every test ran', () => {
    expect(skipSummary(countSkips([test(false, 'moto'), test(false)]))).toEqual(['Skipped: nothing; every test ran.']);
  });

  it('knows the three tools the README lists, each with its install command', () => {
    expect(PREREQUISITES.map((p) => [p.tag, p.install])).toEqual([
      ['moto', "pip install 'moto[server]'"],
      ['cfn-lint', 'pip install cfn-lint'],
      ['chromium', 'apt-get install chromium'],
    ]);
  });
});
