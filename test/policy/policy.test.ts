import { describe, expect, it } from 'vitest';
import type { Resource, TaskDefinition } from '../../src/core/types.js';
import { loadResources } from '../../src/input/load.js';
import { compilePolicies, createPolicyEngine, presetPolicy, type CompiledPolicy } from '../../src/policy/engine.js';
import type { PolicyError } from '../../src/policy/errors.js';
import { parsePolicyFile, type ParsedPolicy } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';

const NOW = new Date('2026-11-23T10:00:00Z');

function compile(files: Record<string, string>, now = NOW): { policies: CompiledPolicy[]; errors: PolicyError[] } {
  const parsed: ParsedPolicy[] = [];
  const errors: PolicyError[] = [];
  const read = (file: string) => {
    const text = files[file];
    if (text === undefined) throw new Error('no such file');
    return parsePolicyFile(text, file);
  };
  for (const file of Object.keys(files).filter((f) => !f.startsWith('base/'))) {
    const result = read(file);
    parsed.push(...result.policies);
    errors.push(...result.errors);
  }
  const compiled = compilePolicies(parsed, { builtinRules, now, readExtended: (path) => read(path).policies });
  return { policies: compiled.policies, errors: [...errors, ...compiled.errors] };
}

const policy = (name: string, spec: string): string =>
  `apiVersion: ecs-admission/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;

const td = (extra: Partial<TaskDefinition> & Record<string, unknown> = {}): Resource =>
  loadResources(JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }], ...extra }), 'td.json')[0]!;

const ruleOf = (resource: Resource, policies: CompiledPolicy[], ruleId: string, options: { forceAudit?: boolean } = {}) => {
  const result = createPolicyEngine(policies, { now: NOW, ...options }).evaluate(resource);
  return { result, rule: result.rules.find((r) => r.ruleId === ruleId) };
};

describe('parsePolicyFile', () => {
  it('reports unknown fields with file, line, column and a suggestion', () => {
    const { errors } = parsePolicyFile(policy('p', 'rules:\n  no-privileged-containers: { acton: deny }\nmatch: { acounts: ["1"] }'), 'p.yaml');
    expect(errors.map((e) => e.message)).toEqual([
      'p.yaml:7:33: spec.rules.no-privileged-containers.acton: unknown field "acton" (did you mean "action"?)',
      'p.yaml:8:12: spec.match.acounts: unknown field "acounts" (did you mean "accounts"?)',
    ]);
  });

  it('reports a wrong value with the field and its line', () => {
    const { errors } = parsePolicyFile(policy('p', 'mode: enforse\nrules: { no-privileged-containers: dny }'), 'p.yaml');
    expect(errors.map((e) => e.message)).toEqual([
      'p.yaml:6:9: spec.mode: Invalid option: expected one of "audit"|"enforce"',
      'p.yaml:7:38: spec.rules.no-privileged-containers: Invalid option: expected one of "deny"|"flag"|"off"',
    ]);
  });

  it('fills defaults: audit mode, no extends, no rules', () => {
    const { policies } = parsePolicyFile(policy('p', 'match: { regions: ["eu-*"] }'), 'p.yaml');
    expect(policies[0]!.policy.spec).toMatchObject({ mode: 'audit', extends: [], rules: {}, customRules: [], exceptions: [] });
  });
});

describe('compilePolicies', () => {
  it('resolves presets and policy files in extends, then the policy’s own rules', () => {
    const { policies, errors } = compile({
      'base/team.yaml': policy('team', 'extends: [recommended]\nrules:\n  require-healthcheck: flag'),
      'p.yaml': policy(
        'p',
        'extends: [base/team.yaml]\nrules:\n  require-readonly-root-filesystem: { action: deny, severity: high }\n  no-privileged-containers: off',
      ),
    });
    expect(errors).toEqual([]);
    const choices = policies[0]!.choices;
    expect(choices.get('require-healthcheck')).toEqual({ action: 'flag' });
    expect(choices.get('require-readonly-root-filesystem')).toEqual({ action: 'deny', severity: 'high' });
    expect(choices.get('no-privileged-containers')).toEqual({ action: 'off' });
    expect(choices.get('no-host-network-mode')).toEqual({ action: 'deny' });
  });

  it('rejects an unknown rule (with a suggestion), bad options, a missing base and a cycle', () => {
    const { errors } = compile({
      'a.yaml': policy(
        'a',
        'extends: [base/missing.yaml]\nrules:\n  require-healthchek: deny\n  require-approved-registries: { options: { registries: "x" } }',
      ),
      'base/loop.yaml': policy('loop', 'extends: [base/loop.yaml]'),
      'b.yaml': policy('b', 'extends: [base/loop.yaml]'),
    });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^a\.yaml:6:13: spec\.extends\[0\]: cannot extend "base\/missing\.yaml": no such file; use recommended, strict or a policy file path$/,
      ),
      'a.yaml:8:5: spec.rules.require-healthchek: unknown rule "require-healthchek" (did you mean "require-healthcheck"?)',
      expect.stringMatching(/^a\.yaml:9:\d+: spec\.rules\.require-approved-registries\.options: registries: /),
      expect.stringMatching(/^base\/loop\.yaml:6:\d+: spec\.extends\[0\]: extends itself through base\/loop\.yaml$/),
    ]);
  });

  it('rejects two policies with one name, and exceptions beyond maxExceptionDays', () => {
    const exception =
      'maxExceptionDays: 30\nexceptions:\n  - rules: [no-privileged-containers]\n    reason: the agent needs it for eBPF\n    expires: 2027-06-01';
    const { errors } = compile({ 'a.yaml': policy('same', exception), 'b.yaml': policy('same', 'mode: audit') });
    expect(errors.map((e) => e.message)).toEqual([
      'a.yaml:8:7: spec.exceptions[0].expires: 2027-06-01 is more than maxExceptionDays (30) from today',
      'b.yaml:4:9: metadata.name: policy "same" is already defined in a.yaml',
    ]);
  });
});

describe('createPolicyEngine: scope', () => {
  const { policies } = compile({
    'prod.yaml': policy(
      'prod',
      'mode: enforce\nextends: [recommended]\nmatch:\n  accounts: ["111122223333"]\n  regions: ["eu-*"]\n  tags: { env: prod }\nexclude:\n  families: ["sandbox-*"]',
    ),
  });
  const arn = (account: string, region: string, family = 'web') => `arn:aws:ecs:${region}:${account}:task-definition/${family}:1`;
  const prodTags = [{ key: 'env', value: 'prod' }];

  it('applies where every condition holds, from the ARN', () => {
    const { rule } = ruleOf(td({ taskDefinitionArn: arn('111122223333', 'eu-west-1'), tags: prodTags }), policies, 'no-privileged-containers');
    expect(rule).toMatchObject({ status: 'fail', findings: [{ action: 'deny', mode: 'enforce', decidedBy: 'prod' }] });
  });

  it('does not apply to another account or region, to missing tags, to excluded families', () => {
    for (const resource of [
      td({ taskDefinitionArn: arn('999988887777', 'eu-west-1'), tags: prodTags }),
      td({ taskDefinitionArn: arn('111122223333', 'us-east-1'), tags: prodTags }),
      td({ taskDefinitionArn: arn('111122223333', 'eu-west-1') }),
      td({ taskDefinitionArn: arn('111122223333', 'eu-west-1', 'sandbox-web'), family: 'sandbox-web', tags: prodTags }),
    ]) {
      const { result } = ruleOf(resource, policies, 'no-privileged-containers');
      expect(result).toMatchObject({ status: 'skip', rules: [], findings: [] });
    }
  });

  it('never widens a scope with what is unknown: no account offline means no match', () => {
    expect(ruleOf(td({ tags: prodTags }), policies, 'no-privileged-containers').rule).toBeUndefined();
  });

  it('takes the account and region of the call from CloudTrail', () => {
    const resource = td({ tags: prodTags });
    resource.request = { account: '111122223333', region: 'eu-central-1' };
    expect(ruleOf(resource, policies, 'no-privileged-containers').rule?.status).toBe('fail');
  });
});

describe('createPolicyEngine: scope by organizational unit', () => {
  const { policies, errors } = compile({
    'prod.yaml': policy(
      'prod',
      'mode: enforce\nrules:\n  no-privileged-containers: deny\nmatch:\n  organizationalUnits: ["ou-ab12-prod*"]\nexclude:\n  organizationalUnits: ["ou-ab12-prodlab1"]',
    ),
  });
  const inOus = (...organizationalUnits: string[]) => {
    const resource = td();
    resource.request = { account: '111122223333', organizationalUnits };
    return ruleOf(resource, policies, 'no-privileged-containers').rule?.status;
  };

  it('accepts OU ids and globs, and refuses what is not an OU id (an OU name, an account), with its line', () => {
    expect(errors).toEqual([]);
    const { errors: bad } = parsePolicyFile(policy('p', 'match:\n  organizationalUnits: ["Production", "111122223333"]'), 'p.yaml');
    expect(bad.map((e) => e.message)).toEqual([
      'p.yaml:7:27: spec.match.organizationalUnits[0]: expected organizational unit ids: ou-<root>-<unit> (glob characters allowed)',
      'p.yaml:7:41: spec.match.organizationalUnits[1]: expected organizational unit ids: ou-<root>-<unit> (glob characters allowed)',
    ]);
  });

  it('applies to an account under a matching OU, at any depth, and not under another or an excluded one', () => {
    expect(inOus('ou-ab12-prod0001')).toBe('fail');
    expect(inOus('ou-ab12-team0001', 'ou-ab12-prod0001')).toBe('fail');
    expect(inOus('ou-ab12-dev00001')).toBeUndefined();
    expect(inOus()).toBeUndefined();
    expect(inOus('ou-ab12-prodlab1', 'ou-ab12-prod0001')).toBeUndefined();
  });

  it('never widens a scope with what is unknown: no OUs offline means no match', () => {
    const resource = td();
    resource.request = { account: '111122223333' };
    expect(ruleOf(resource, policies, 'no-privileged-containers').rule).toBeUndefined();
  });

  it('suspends by OU in an exception, too', () => {
    const { policies: excepted } = compile({
      'p.yaml': policy(
        'p',
        'rules:\n  no-privileged-containers: deny\nexceptions:\n  - rules: [no-privileged-containers]\n    match: { organizationalUnits: ["ou-ab12-lab*"] }\n    reason: the lab runs eBPF agents\n    expires: 2027-01-31',
      ),
    });
    const resource = td();
    resource.request = { organizationalUnits: ['ou-ab12-lab00001'] };
    expect(createPolicyEngine(excepted, { now: NOW }).evaluate(resource).findings[0]?.exception).toMatchObject({ policy: 'p' });
  });
});

describe('createPolicyEngine: several policies', () => {
  const { policies } = compile({
    'audit.yaml': policy('a-audit', 'mode: audit\nrules:\n  require-readonly-root-filesystem: deny\n  no-privileged-containers: flag'),
    'enforce.yaml': policy(
      'b-enforce',
      'mode: enforce\nrules:\n  require-readonly-root-filesystem: deny\n  no-privileged-containers: deny\n  require-healthcheck: flag',
    ),
  });

  it('takes the strictest action for each rule, then enforce over audit, and names the policy that decided', () => {
    const result = createPolicyEngine(policies, { now: NOW }).evaluate(td());
    const decided = Object.fromEntries(result.findings.map((f) => [f.ruleId, [f.action, f.mode, f.decidedBy]]));
    expect(decided).toEqual({
      'no-privileged-containers': ['deny', 'enforce', 'b-enforce'],
      'require-readonly-root-filesystem': ['deny', 'enforce', 'b-enforce'],
      'require-healthcheck': ['flag', 'enforce', 'b-enforce'],
    });
  });

  it('forces audit over every policy when asked', () => {
    const result = createPolicyEngine(policies, { now: NOW, forceAudit: true }).evaluate(td());
    expect(new Set(result.findings.map((f) => f.mode))).toEqual(new Set(['audit']));
    expect(result.findings.find((f) => f.ruleId === 'no-privileged-containers')?.action).toBe('deny');
  });

  it('judges a service by its task definition under the task definition’s own policies', () => {
    const resources = loadResources(
      JSON.stringify([
        { family: 'web', containerDefinitions: [{ name: 'app', privileged: true }] },
        { serviceName: 'web', taskDefinition: 'web' },
      ]),
      'x.json',
    );
    const { policies: preset } = { policies: [presetPolicy('recommended', builtinRules)] };
    const engine = createPolicyEngine(preset, {
      now: NOW,
      resolveTaskDefinition: (ref) => (ref === 'web' ? (resources[0] as Resource<'taskDefinition'>) : 'missing'),
    });
    expect(engine.evaluate(resources[1]!).findings.map((f) => [f.ruleId, f.severity])).toEqual([['require-compliant-task-definition', 'critical']]);
  });
});

describe('exceptions', () => {
  const spec = (expires: string, extra = '') =>
    policy(
      'team',
      `extends: [recommended]\nexceptions:\n  - rules: [no-privileged-containers]\n    match: { families: ["agent-*"] }\n    reason: eBPF agent, approved in SEC-1234\n    owner: platform\n    expires: ${expires}${extra}`,
    );
  const agent = () => td({ family: 'agent-ebpf' });

  it('suspends the findings it names, until the day it expires', () => {
    const { policies } = compile({ 'p.yaml': spec('2027-01-31') });
    const engine = createPolicyEngine(policies, { now: NOW });
    const finding = engine.evaluate(agent()).findings.find((f) => f.ruleId === 'no-privileged-containers');
    expect(finding?.exception).toEqual({ policy: 'team', reason: 'eBPF agent, approved in SEC-1234', owner: 'platform', expires: '2027-01-31' });
    expect(engine.exceptions()).toMatchObject([{ status: 'active', applied: 1 }]);
    // A family the exception does not name is not suspended.
    expect(engine.evaluate(td({ family: 'web' })).findings.find((f) => f.ruleId === 'no-privileged-containers')?.exception).toBeUndefined();
  });

  it('stops applying on its date and is reported as expired', () => {
    const { policies } = compile({ 'p.yaml': spec('2026-11-23') });
    const engine = createPolicyEngine(policies, { now: NOW });
    expect(engine.evaluate(agent()).findings.find((f) => f.ruleId === 'no-privileged-containers')?.exception).toBeUndefined();
    expect(engine.exceptions()).toMatchObject([{ status: 'expired', applied: 0 }]);
  });

  it('is reported as expiring within 14 days, and as unused when it matched nothing', () => {
    const { policies } = compile({ 'p.yaml': spec('2026-12-07') });
    const engine = createPolicyEngine(policies, { now: NOW });
    expect(engine.exceptions()).toMatchObject([{ status: 'unused' }]);
    engine.evaluate(agent());
    expect(engine.exceptions()).toMatchObject([{ status: 'expiring', applied: 1 }]);
  });

  it('narrows to containers when it lists them', () => {
    const { policies } = compile({ 'p.yaml': spec('2027-01-31', '\n    containers: ["sidecar"]') });
    const finding = createPolicyEngine(policies, { now: NOW })
      .evaluate(agent())
      .findings.find((f) => f.ruleId === 'no-privileged-containers');
    expect(finding?.exception).toBeUndefined();
  });

  it('cannot be granted by the workload itself: tags and fields exempt nothing', () => {
    const { policies } = compile({ 'p.yaml': policy('team', 'extends: [recommended]') });
    const self = td({ family: 'agent-ebpf', tags: [{ key: 'ecs-admission:exception', value: 'no-privileged-containers' }] });
    expect(
      createPolicyEngine(policies, { now: NOW })
        .evaluate(self)
        .findings.find((f) => f.ruleId === 'no-privileged-containers')?.exception,
    ).toBeUndefined();
  });
});
