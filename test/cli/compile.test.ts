// `ecs-admission compile`: policy files checked as `validate` checks them, written as one JSON bundle
// that the Lambda reads (src/policy/bundle.ts), or nothing written and exit 2.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBundle } from '../../src/policy/bundle.js';
import { compileCustomRule } from '../../src/policy/custom-rule.js';
import { builtinRules } from '../../src/rules/index.js';
import { VERSION } from '../../src/cli/version.js';
import { root, runCli, scratch } from '../helpers/cli.js';

const policies = join(root, 'policies');

describe('ecs-admission compile', () => {
  it('writes every policy of the paths to one bundle the Lambda reads, creating the folder', async () => {
    const out = join(scratch(), 'compiled/policies.json');
    const { status, stdout, stderr } = await runCli(['compile', policies, join(root, 'test/fixtures/policies/enforce-recommended.yaml'), '--out', out]);
    expect(stderr).toBe('');
    expect(stdout).toBe(`7 policies compiled to ${out}: org-registries, ownership, payments-prod, billing, recommended, strict, enforce-recommended\n`);
    expect(status).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { compiledBy: string; sources: string[] };
    expect(bundle).toMatchObject({
      format: 'ecs-admission/compiled-policies',
      version: 1,
      compiledBy: `ecs-admission ${VERSION}`,
      sources: [policies, join(root, 'test/fixtures/policies/enforce-recommended.yaml')],
    });
    expect(fromBundle(bundle, out, builtinRules, { compileCustomRule }).map((p) => p.name)).toEqual([
      'org-registries',
      'ownership',
      'payments-prod',
      'billing',
      'recommended',
      'strict',
      'enforce-recommended',
    ]);
  });

  it('reports problems as validate does (file:line:column, exit 2) and writes nothing', async () => {
    const dir = scratch({
      'p.yaml': 'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec:\n  rules:\n    no-privileged-containers: { acton: deny }\n',
    });
    const out = join(dir, 'out.json');
    const compiled = await runCli(['compile', dir, '--out', out]);
    const validated = await runCli(['validate', dir]);
    expect(compiled.status).toBe(2);
    expect(compiled.stderr).toBe(
      `${join(dir, 'p.yaml')}:6:33: spec.rules.no-privileged-containers.acton: unknown field "acton" (did you mean "action"?)\n1 problem in ${dir}: nothing written\n`,
    );
    expect(compiled.stderr.split('\n')[0]).toBe(validated.stderr.split('\n')[0]);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a CEL error of a custom rule at its line, and a path that does not exist', async () => {
    const dir = scratch({
      'p.yaml':
        'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec:\n  customRules:\n    - { id: x, appliesTo: [task], expression: "object.", message: m, severity: low }\n',
    });
    const out = join(dir, 'out.json');
    const cel = await runCli(['compile', join(dir, 'p.yaml'), '--out', out]);
    expect(cel.status).toBe(2);
    expect(cel.stderr).toMatch(new RegExp(`^${join(dir, 'p.yaml')}:6:\\d+: customRules\\[x\\]: expression, position \\d+: `));
    const missing = await runCli(['compile', join(dir, 'nope.yaml'), '--out', out]);
    expect(missing).toMatchObject({
      status: 2,
      stderr: `${join(dir, 'nope.yaml')}: no such file or directory\n1 problem in ${join(dir, 'nope.yaml')}: nothing written\n`,
    });
    expect(existsSync(out)).toBe(false);
  });

  it('keeps the previous bundle when a compilation fails', async () => {
    const dir = scratch({ 'bad.yaml': 'apiVersion: ecs-admission/v1\nkind: Policy\n' });
    const out = join(dir, 'out.json');
    writeFileSync(out, 'previous');
    expect((await runCli(['compile', join(dir, 'bad.yaml'), '--out', out])).status).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  it('needs --out and at least one path', async () => {
    expect(await runCli(['compile', policies])).toMatchObject({ status: 2, stderr: expect.stringContaining('--out <file> is required') as string });
    expect(await runCli(['compile', '--out', 'x.json'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('name the policy files or directories to compile') as string,
    });
  });
});
