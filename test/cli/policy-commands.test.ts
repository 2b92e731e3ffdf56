import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runCli, scratch } from '../helpers/cli.js';

const policies = join(root, 'policies');

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });
const tmp = (): string => scratch();

describe('ecs-admission test', () => {
  it('runs the shipped policies’ suites, and every expectation holds', async () => {
    const { status, stdout } = await run(['test', policies]);
    expect(stdout).toMatch(/\n(\d+) passed, 0 failed \(7 suites\)\n$/);
    expect(Number(/(\d+) passed/.exec(stdout)![1])).toBeGreaterThanOrEqual(15);
    expect(status).toBe(0);
  });

  it('reports each mismatch and exits 1', async () => {
    const dir = tmp();
    cpSync(join(policies, 'examples/ecr-allow-list'), dir, { recursive: true });
    const suite = join(dir, 'tests/ecr-allow-list.test.yaml');
    writeFileSync(
      suite,
      readFileSync(suite, 'utf8')
        .replace('require-approved-registries: pass', 'require-approved-registries: fail')
        .replace('count: 1, action: deny', 'count: 2, action: flag'),
    );
    const { status, stdout } = await run(['test', dir]);
    expect(status).toBe(1);
    expect(stdout).toContain(
      "✗ an image from the organization's ECR passes (org-ecr-image.json › search)\n      require-approved-registries: expected fail, got pass",
    );
    expect(stdout).toContain('require-approved-registries: expected 2 finding(s), got 1');
    expect(stdout).toContain('require-approved-registries: expected action flag, got deny');
    expect(stdout).toMatch(/1 passed, 2 failed/);
  });

  it('exits 2 for a suite it cannot read, naming the file and line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'typo.test.yaml'), 'apiVersion: ecs-admission/v1\nkind: PolicyTest\npolicies: [recommended]\ncase: []\n');
    const { status, stderr } = await run(['test', dir]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/typo\.test\.yaml: .*case/);
  });

  it('counts every case whose fixture cannot be used, and still runs the others (exit 2)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] }));
    const cases = [
      '  - name: missing\n    resource: missing.json\n    expect: { no-privileged-containers: pass }',
      '  - name: outside\n    resource: ../../../etc/passwd\n    expect: { no-privileged-containers: pass }',
      '  - name: fine\n    resource: ok.json\n    expect: { no-privileged-containers: pass }',
    ];
    writeFileSync(join(dir, 'broken.test.yaml'), `apiVersion: ecs-admission/v1\nkind: PolicyTest\npolicies: [recommended]\ncases:\n${cases.join('\n')}\n`);
    const { status, stdout } = await run(['test', dir]);
    expect(status).toBe(2);
    expect(stdout).toContain('✗ missing: cannot use missing.json: no such file');
    // A fixture outside the suite's directory is never read, and what it holds is never printed.
    expect(stdout).toMatch(/✗ outside: cannot use \.\.\/\.\.\/\.\.\/etc\/passwd: \.\.\/\.\.\/\.\.\/etc\/passwd is outside /);
    expect(stdout).not.toContain('root:');
    expect(stdout).toContain('✓ fine');
    expect(stdout).toContain('1 passed, 0 failed, 2 cases with an unreadable fixture (1 suite)');
  });
});

describe('ecs-admission validate', () => {
  it('accepts the shipped policies', async () => {
    const { status, stdout } = await run(['validate', policies]);
    expect(status).toBe(0);
    expect(stdout).toBe('6 policies valid: org-registries, ownership, payments-prod, billing, recommended, strict\n');
  });

  it('exits 2 and names file, line and column of each problem', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'p.yaml'),
      'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec:\n  rules:\n    no-privileged-containers: { acton: deny }\n',
    );
    const { status, stderr } = await run(['validate', dir]);
    expect(status).toBe(2);
    expect(stderr).toContain(`${join(dir, 'p.yaml')}:6:33: spec.rules.no-privileged-containers.acton: unknown field "acton" (did you mean "action"?)`);
  });

  it('notes that a scope by organizational unit matches nothing offline (check), and what does match it', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'p.yaml'),
      'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: prod }\nspec:\n  match: { organizationalUnits: ["ou-ab12-prod0001"] }\n',
    );
    const { status, stdout } = await run(['validate', dir]);
    expect(status).toBe(0);
    expect(stdout).toBe(
      `${join(dir, 'p.yaml')}: note: policy "prod" scopes by organizationalUnits: the Lambdas look each account's OUs up (Organizations ListParents); offline (check) an account's OUs are unknown and such a scope matches nothing\n1 policy valid: prod\n`,
    );
    const checked = await run(['check', join(policies, 'tests/host-network-privileged.json'), '--policy', join(dir, 'p.yaml'), '--format', 'json']);
    expect((JSON.parse(checked.stdout) as { results: { policies?: string[] }[] }).results[0]!.policies).toEqual([]);
  });
});

describe('ecs-admission check --policy', () => {
  interface Report {
    results: {
      name: string;
      status: string;
      policies?: string[];
      findings: { ruleId: string; action: string; mode: string; decidedBy: string; exception?: { policy: string } }[];
    }[];
    exceptions: { policy: string; status: string; applied: number }[];
  }
  const fixture = join(policies, 'examples/team-exception/tests/legacy-billing.json');

  it('names the deciding policy, its mode and any exception applied per finding', async () => {
    const { status, stdout } = await run(['check', fixture, '--policy', join(policies, 'examples/team-exception/policy.yaml'), '--format', 'json']);
    const report = JSON.parse(stdout) as Report;
    const finding = report.results[0]!.findings.find((f) => f.ruleId === 'require-readonly-root-filesystem')!;
    expect(finding).toMatchObject({ action: 'deny', mode: 'enforce', decidedBy: 'billing', exception: { policy: 'billing' } });
    expect(report.exceptions).toMatchObject([{ policy: 'billing', applied: 1 }]);
    // The only deny finding is suspended: nothing reaches the default threshold.
    expect(status).toBe(0);
  });

  it('forces audit with --audit or ECS_ADMISSION_MODE=audit', async () => {
    for (const [args, env] of [
      [['--audit'], {}],
      [[], { ECS_ADMISSION_MODE: 'audit' }],
    ] as const) {
      const { stdout } = await run(['check', fixture, '--policy', join(policies, 'examples/team-exception/policy.yaml'), '--format', 'json', ...args], env);
      const modes = new Set((JSON.parse(stdout) as Report).results[0]!.findings.map((f) => f.mode));
      expect(modes).toEqual(new Set(['audit']));
    }
  });

  it('lists the policies that applied, and says when none did', async () => {
    const { stdout } = await run([
      'check',
      fixture,
      join(root, 'docs/examples/web-task-definition.json'),
      '--policy',
      join(policies, 'examples/team-exception/policy.yaml'),
      '--format',
      'json',
    ]);
    expect((JSON.parse(stdout) as Report).results.map((r) => [r.name, r.status, r.policies])).toEqual([
      ['legacy-billing', 'fail', ['billing']],
      ['web', 'skip', []],
    ]);
    const text = (
      await run(['check', join(root, 'docs/examples/web-task-definition.json'), '--policy', join(policies, 'examples/team-exception/policy.yaml'), '--verbose'])
    ).stdout;
    expect(text).toContain('no policy applies (outside every scope)');
  });

  it('reports expired, expiring and unused exceptions at the end of the text report', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'p.yaml'),
      'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec:\n  extends: [recommended]\n  exceptions:\n    - { rules: [no-privileged-containers], reason: expired exception here, expires: 2020-01-01 }\n    - { rules: [no-host-pid-mode], reason: nothing uses this one, expires: 2099-01-01 }\n',
    );
    const { stdout } = await run(['check', fixture, '--policy', join(dir, 'p.yaml')]);
    expect(stdout).toContain(`expired exception ${join(dir, 'p.yaml')} › p spec.exceptions[0] (no-privileged-containers, expires 2020-01-01)`);
    expect(stdout).toContain(`unused exception ${join(dir, 'p.yaml')} › p spec.exceptions[1] (no-host-pid-mode, expires 2099-01-01)`);
  });

  it('refuses --preset with --policy rather than ignore one', async () => {
    const { status, stderr } = await run(['check', fixture, '--policy', policies, '--preset', 'strict']);
    expect(status).toBe(2);
    expect(stderr).toContain('--preset and --policy exclude each other');
  });

  it('exits 2 when a policy is invalid', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'p.yaml'), 'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec: { mode: enforse }\n');
    const { status, stderr } = await run(['check', fixture, '--policy', dir]);
    expect(status).toBe(2);
    expect(stderr).toContain('spec.mode: Invalid option: expected one of "audit"|"enforce"');
  });
});
