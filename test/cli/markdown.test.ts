// `check --format markdown`: the verdict, the findings table, errors and what was not judged,
// passing resources folded; hostile text escaped; a report over GitHub's comment limit cut, saying what.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_MAX_CHARS, md, toMarkdown } from '../../src/cli/formats/markdown.js';
import { checkDocuments } from '../../src/use-cases/check.js';
import { policyEvaluator } from '../../src/policy/evaluator.js';
import { presetPolicy } from '../../src/policy/engine.js';
import { builtinRules } from '../../src/rules/index.js';
import { root, runCli, scratch } from '../helpers/cli.js';

const PRIVILEGED = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] });
const CLEAN = JSON.stringify({
  family: 'clean',
  networkMode: 'awsvpc',
  memory: '512',
  taskRoleArn: 'arn:aws:iam::111122223333:role/clean',
  containerDefinitions: [
    {
      name: 'app',
      image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`,
      user: '1000',
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: 'awslogs', options: {} },
    },
  ],
});

/** The rows of the findings table, as cells. */
const tableRows = (out: string): string[][] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| resource'))
    .map((l) => l.slice(2, -2).split(/(?<!\\) \| /));

describe('check --format markdown', () => {
  it('heads with the verdict, tables every finding, lists errors, folds passing resources', async () => {
    const dir = scratch({ 'td.json': PRIVILEGED, 'clean.json': CLEAN, 'notes.json': '{"hello": 1}' });
    const { status, stdout } = await runCli(['check', dir, '--format', 'markdown']);
    expect(status).toBe(2);
    expect(stdout.split('\n')[0]).toBe('## ecs-admission: ⛔ errors: not everything could be judged');
    expect(stdout).toMatch(/### Errors \(1\)\n\n- [^\n]*notes\.json:1: not an ECS document/);
    const rows = tableRows(stdout);
    const privileged = rows.find((r) => r[1] === 'no-privileged-containers')!;
    expect(privileged.slice(0, 4)).toEqual(['web (task definition)', 'no-privileged-containers', 'critical', 'deny']);
    expect(privileged[4]).toMatch(/td\.json:1$/);
    // Worst first.
    expect(rows[0]![2]).toBe('critical');
    expect(stdout).toMatch(/<details>\n<summary>1 passing resource<\/summary>\n\n- [^\n]*clean\.json › clean \(task definition\)\n\n<\/details>/);
  });

  it('says denied when something is denied and nothing errored', async () => {
    const dir = scratch({ 'td.json': PRIVILEGED });
    const { status, stdout } = await runCli(['check', join(dir, 'td.json'), '--format', 'markdown']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^## ecs-admission: ❌ \d+ findings? would be denied\n/);
    expect(stdout).not.toContain('<details>');
  });

  it('lists deny rules that could not decide under "Not judged or undecided"', async () => {
    const stack = `Parameters:\n  PublicIp: { Type: String }\nResources:\n  Web:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: web:1\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          AssignPublicIp: !Ref PublicIp\n`;
    const dir = scratch({ 'stack.yaml': stack });
    const { stdout } = await runCli(['check', join(dir, 'stack.yaml'), '--format', 'markdown']);
    expect(stdout).toMatch(/^## ecs-admission: ⚠️ no denial, but not everything could be decided/);
    expect(stdout).toMatch(/- [^\n]*stack\.yaml › Web: no-public-ip \(deny\) could not decide: [^\n]*\\!Ref PublicIp/);
  });

  it('escapes table pipes, backticks, HTML and line breaks from the inputs', () => {
    expect(md('a|b `c` <img src=x onerror=alert(1)> **d** [e](f) $x$\nnext')).toBe(
      'a\\|b \\`c\\` &lt;img src=x onerror=alert(1)&gt; \\*\\*d\\*\\* \\[e\\](f) \\$x\\$ next',
    );
    const name = 'web|`x`<script>';
    const report = judge([
      { source: 'td.json', text: JSON.stringify({ family: name, containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] }) },
    ]);
    const out = toMarkdown(report, root);
    expect(out).not.toContain('<script>');
    for (const row of tableRows(out)) expect(row).toHaveLength(6);
    expect(out).toContain('| web\\|\\`x\\`&lt;script&gt; (task definition) |');
  });

  it(`cuts a huge report to GitHub's ${GITHUB_COMMENT_MAX_CHARS}-character limit and says what was cut`, () => {
    const inputs = Array.from({ length: 600 }, (_, i) => ({ source: `services/td-${i}.json`, text: PRIVILEGED.replace('"web"', `"web-${i}"`) }));
    const report = judge(inputs);
    const full = toMarkdown(report, root, Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_MAX_CHARS);
    const out = toMarkdown(report, root);
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    const shown = tableRows(out).length;
    const total = report.summary.findings;
    expect(shown).toBeGreaterThan(0);
    expect(out).toContain(`### Findings (${total})`);
    expect(out).toContain(`**Cut to fit 65,536 characters** (GitHub's comment limit): ${total - shown} of ${total} findings not shown.`);
    // The table is still a table: the cut falls between rows.
    expect(
      out
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .every((l) => l.endsWith('|')),
    ).toBe(true);
  });
});

function judge(inputs: { source: string; text: string }[]) {
  const evaluator = policyEvaluator([presetPolicy('recommended', builtinRules)], { now: new Date(), audit: false });
  return checkDocuments(inputs, 'recommended', evaluator.makeEvaluate);
}
