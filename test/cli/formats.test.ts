import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_USAGE } from '../../src/cli/commands/check.js';
import { SCAN_USAGE } from '../../src/cli/commands/scan.js';
import { OUTPUT_FORMATS, formatOption, sweepAsCheck, type FormatName } from '../../src/cli/formats/index.js';
import { UsageError } from '../../src/cli/io.js';
import { sampleReport } from '../sweep/sample-report.js';
import { runCli, scratch } from '../helpers/cli.js';

const NAMES = Object.keys(OUTPUT_FORMATS) as FormatName[];
const PRIVILEGED = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] });

describe('the output format registry', () => {
  it('is what both usage texts list and what --format accepts', () => {
    for (const usage of [CHECK_USAGE, SCAN_USAGE]) {
      const line = usage.split('\n').find((l) => l.startsWith('  --format '));
      expect(line?.split(/\s+/).filter((w) => NAMES.includes(w as FormatName))).toEqual(NAMES);
    }
    for (const name of NAMES) expect(formatOption(name)).toBe(name);
    expect(formatOption(undefined)).toBe('text');
    expect(() => formatOption('yaml')).toThrow(UsageError);
  });

  it.each(NAMES)('check --format %s renders through the registry', async (name) => {
    const dir = scratch({ 'td.json': PRIVILEGED });
    const { status, stdout } = await runCli(['check', `${dir}/td.json`, '--format', name, '--no-color']);
    expect(status).toBe(1);
    expect(stdout).toContain('no-privileged-containers');
    if (name === 'json' || name === 'sarif') expect(() => JSON.parse(stdout) as unknown).not.toThrow();
  });

  it.each(NAMES)('renders a sweep in %s with where each resource runs', (name) => {
    const sweep = sampleReport();
    const out = OUTPUT_FORMATS[name].render({
      report: sweepAsCheck(sweep, 'recommended'),
      sweep,
      exceptions: [],
      rules: [],
      cwd: '/',
      color: false,
      verbose: false,
    });
    const first = sweep.resources.find((r) => r.result.findings.length > 0)!;
    expect(out).toContain(first.result.resource.name);
    if (name !== 'sarif') expect(out).toContain(first.account);
  });

  it('check --output writes more formats from the one evaluation, and refuses what it cannot write', async () => {
    const dir = scratch({ 'td.json': PRIVILEGED });
    const { status, stdout } = await runCli([
      'check',
      `${dir}/td.json`,
      '--output',
      `sarif=${dir}/out/r.sarif`,
      '--output',
      `junit=${dir}/r.xml`,
      '--no-color',
    ]);
    expect(status).toBe(1);
    expect(stdout).toContain('no-privileged-containers');
    const sarif = JSON.parse(readFileSync(`${dir}/out/r.sarif`, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('no-privileged-containers');
    expect(readFileSync(`${dir}/r.xml`, 'utf8')).toContain('<failure type="no-privileged-containers"');
    expect((await runCli(['check', `${dir}/td.json`, '--output', 'sarif'])).stderr).toContain('--output must be <format>=<file>');
    expect((await runCli(['check', `${dir}/td.json`, '--output', 'yaml=x.yaml'])).status).toBe(2);
    const blocked = await runCli(['check', `${dir}/td.json`, '--output', `json=${dir}/td.json/x.json`]);
    expect(blocked.status).toBe(2);
    expect(blocked.stderr).toContain(`cannot write --output json=${dir}/td.json/x.json`);
  });

  it('says in text what enforcement could not do, not only in JSON', () => {
    const sweep = sampleReport();
    const swept = sweep.resources.find((r) => r.plan && r.plan.outcomes.some((o) => o.action.type === 'tagResource'))!;
    const note = 'no-public-ip: cannot roll web back: none of the 3 other ACTIVE revisions of web passes the deny rules. Flagged instead.';
    swept.plan = { ...swept.plan!, outcomes: swept.plan!.outcomes.filter((o) => o.action.type === 'tagResource'), notes: [note] };
    const text = OUTPUT_FORMATS.text.render({
      report: sweepAsCheck(sweep, 'recommended'),
      sweep,
      exceptions: [],
      rules: [],
      cwd: '/',
      color: false,
      verbose: false,
    });
    expect(text).toContain(`${swept.account}/${swept.region} ${swept.plan.resource.name}`);
    expect(text).toContain(note);
  });
});
