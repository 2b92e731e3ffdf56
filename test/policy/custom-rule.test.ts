/**
 * Custom CEL rules, compiled by compileCustomRule and run through the real loader and evaluator:
 * a rule must pass, fail, skip or error exactly as a built-in rule would, never pass by accident.
 */
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { buildRuleSet } from '../../src/core/rule-set.js';
import type { Rule } from '../../src/core/rule.js';
import type { Resource, RuleResult } from '../../src/core/types.js';
import { UnknownValueError } from '../../src/core/unknown.js';
import { loadResources } from '../../src/input/load.js';
import { CEL_COST_LIMIT, compileCustomRule, CustomRuleError, type CustomRuleSpec, type SpecLocation } from '../../src/policy/custom-rule.js';
import { builtinRules } from '../../src/rules/index.js';
import { cloudTrailRecord } from '../helpers/cloudtrail.js';

const where: SpecLocation = { file: 'policy.yaml', line: 12, column: 5 };
const builtinIds: ReadonlySet<string> = new Set(builtinRules.map((r) => r.id));

const custom = (spec: Partial<CustomRuleSpec> & { expression: string }): Rule =>
  compileCustomRule(
    { id: 'custom-test', appliesTo: ['taskDefinition'], message: 'custom rule failed', severity: 'medium', action: 'flag', ...spec },
    where,
    builtinIds,
  );

/** The custom rule's result for each resource of the input it applies to. */
function run(rule: Rule, input: unknown, source = 'input.json'): RuleResult[] {
  const resources = loadResources(typeof input === 'string' ? input : JSON.stringify(input), source);
  return runOn(
    rule,
    resources.filter((r) => rule.appliesTo.includes(r.kind)),
  );
}
function runOn(rule: Rule, resources: Resource[]): RuleResult[] {
  expect(resources.length, 'no resource the rule applies to').toBeGreaterThan(0);
  const evaluate = createEvaluator(buildRuleSet('test', [rule], () => ({ action: 'deny' })));
  return resources.map((r) => evaluate(r).rules.find((x) => x.ruleId === rule.id)!);
}
const statusOf = (rule: Rule, input: unknown): string => run(rule, input)[0]!.status;
const onlyResult = (rule: Rule, input: unknown): RuleResult => {
  const results = run(rule, input);
  expect(results).toHaveLength(1);
  return results[0]!;
};
const compileError = (spec: Partial<CustomRuleSpec> & { expression: string }): CustomRuleError => {
  try {
    custom(spec);
  } catch (error) {
    if (error instanceof CustomRuleError) return error;
    throw error;
  }
  throw new Error('expected a CustomRuleError');
};

const ecr = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
const container = (name: string, extra: object = {}) => ({ name, image: `${ecr}/${name}:1.0`, memory: 256, ...extra });
const td = (extra: object = {}) => ({ family: 'web', revision: 3, containerDefinitions: [container('app'), container('log')], ...extra });

describe('compileCustomRule: realistic rules', () => {
  it('require-owner-tag: passes with an Owner tag, fails with one finding without', () => {
    const rule = custom({
      id: 'require-owner-tag',
      expression: "has(object.tags) && object.tags.exists(t, t.key == 'Owner')",
      message: 'task definitions must carry an Owner tag',
      path: 'tags',
    });
    expect(
      onlyResult(
        rule,
        td({
          tags: [
            { key: 'Team', value: 'a' },
            { key: 'Owner', value: 'payments' },
          ],
        }),
      ),
    ).toEqual({ ruleId: 'require-owner-tag', status: 'pass', findings: [] });
    for (const input of [td(), td({ tags: [{ key: 'Team', value: 'a' }] })]) {
      const result = onlyResult(rule, input);
      expect(result.status).toBe('fail');
      expect(result.findings).toMatchObject([
        {
          ruleId: 'require-owner-tag',
          severity: 'medium',
          action: 'deny',
          path: 'tags',
          message: 'task definitions must carry an Owner tag',
          container: undefined,
          remediation: rule.remediation,
        },
      ]);
    }
  });

  it('no privileged containers: every container, absent or false passes', () => {
    const rule = custom({ expression: 'object.containerDefinitions.all(c, !has(c.privileged) || !c.privileged)' });
    expect(statusOf(rule, td())).toBe('pass');
    expect(statusOf(rule, td({ containerDefinitions: [container('app', { privileged: false })] }))).toBe('pass');
    expect(statusOf(rule, td({ containerDefinitions: [container('app'), container('side', { privileged: true })] }))).toBe('fail');
  });

  it('images from ECR, with startsWith and with matches', () => {
    const startsWith = custom({ expression: `object.containerDefinitions.all(c, c.image.startsWith('${ecr}/'))` });
    const matches = custom({
      expression: String.raw`object.containerDefinitions.all(c, c.image.matches('^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/'))`,
    });
    const fromHub = td({ containerDefinitions: [container('app'), { name: 'side', image: 'nginx:1.27' }] });
    const lookalike = td({ containerDefinitions: [{ name: 'app', image: `evil.example.com/${ecr}/app:1` }] });
    for (const rule of [startsWith, matches]) {
      expect(statusOf(rule, td())).toBe('pass');
      expect(statusOf(rule, fromHub)).toBe('fail');
      expect(statusOf(rule, lookalike)).toBe('fail');
    }
  });

  it("a service's enableExecuteCommand, and only services", () => {
    const rule = custom({
      id: 'no-exec',
      appliesTo: ['service'],
      expression: '!has(object.enableExecuteCommand) || object.enableExecuteCommand == false',
      messageExpression: "'service ' + object.serviceName + ' enables ECS Exec'",
      message: undefined,
      path: 'enableExecuteCommand',
    });
    expect(rule.appliesTo).toEqual(['service']);
    expect(statusOf(rule, { serviceName: 'web', taskDefinition: 'web:3' })).toBe('pass');
    expect(statusOf(rule, { serviceName: 'web', taskDefinition: 'web:3', enableExecuteCommand: false })).toBe('pass');
    const result = onlyResult(rule, { serviceName: 'web', taskDefinition: 'web:3', enableExecuteCommand: true });
    expect(result.findings).toMatchObject([{ path: 'enableExecuteCommand', message: 'service web enables ECS Exec' }]);
    // Not evaluated on the task definition of the same input.
    const resources = loadResources(JSON.stringify([td(), { serviceName: 'web', taskDefinition: 'web:3' }]), 'in.json');
    const evaluate = createEvaluator(buildRuleSet('test', [rule], () => ({ action: 'deny' })));
    expect(evaluate(resources[0]!).rules).toEqual([]);
  });

  it('compares JSON numbers with CEL int literals, and with ints from size()', () => {
    const memory = custom({ expression: 'object.containerDefinitions.all(c, has(c.memory) && c.memory >= 256)' });
    expect(statusOf(memory, td())).toBe('pass');
    expect(statusOf(memory, td({ containerDefinitions: [container('app', { memory: 128 })] }))).toBe('fail');
    expect(statusOf(custom({ expression: 'object.revision == 3 && object.revision in [1, 2, 3]' }), td())).toBe('pass');
    expect(statusOf(custom({ expression: 'size(object.containerDefinitions) <= 1' }), td())).toBe('fail');
    expect(statusOf(custom({ expression: 'int(object.revision) + 1 == 4' }), td())).toBe('pass');
  });

  it('offers optional chaining', () => {
    const rule = custom({ expression: "object.?tags.orValue([]).exists(t, t.key == 'Owner')" });
    expect(statusOf(rule, td({ tags: [{ key: 'Owner', value: 'x' }] }))).toBe('pass');
    expect(statusOf(rule, td())).toBe('fail');
  });
});

describe('compileCustomRule: the rule', () => {
  it('carries the metadata of the spec, with defaults saying where it comes from', () => {
    const rule = custom({ id: 'require-owner-tag', expression: 'true', severity: 'high', action: 'deny', appliesTo: ['taskDefinition', 'task'] });
    expect(rule).toMatchObject({
      id: 'require-owner-tag',
      title: 'Require owner tag',
      severity: 'high',
      recommended: 'deny',
      appliesTo: ['taskDefinition', 'task'],
      references: [{ title: 'custom rule in policy.yaml' }],
      defaultOptions: {},
    });
    expect(rule.description).toContain('`true`');
    expect(rule.rationale).toContain('custom rule of the policy policy.yaml');
    expect(rule.remediation).toContain('policy policy.yaml');
    expect(rule.options.safeParse({ extra: 1 }).success).toBe(false);
    const titled = custom({ expression: 'true', title: 'Owner tag', description: 'Every task definition has an owner.', remediation: 'Add an Owner tag.' });
    expect([titled.title, titled.remediation]).toEqual(['Owner tag', 'Add an Owner tag.']);
    expect(titled.description).toMatch(/^Every task definition has an owner\. .*`true`/);
  });

  it('reports the message of messageExpression, and keeps the finding with a generic message when it fails', () => {
    const base = { message: undefined, expression: 'object.containerDefinitions.all(c, c.image.startsWith("x/"))' };
    const good = custom({ ...base, messageExpression: "'family ' + object.family + ' pulls ' + object.containerDefinitions.map(c, c.image).join(', ')" });
    expect(onlyResult(good, td({ containerDefinitions: [container('app')] })).findings[0]!.message).toBe(`family web pulls ${ecr}/app:1.0`);
    for (const messageExpression of ["'family ' + object.containerDefinitions[5].name", 'dyn(object.revision)']) {
      const result = onlyResult(custom({ ...base, messageExpression }), td());
      expect(result.status).toBe('fail');
      expect(result.findings[0]!.message).toMatch(
        /^The task definition does not satisfy `object\.containerDefinitions.*` \(the messageExpression (failed at position \d+: .+|gave a double \(3\), not a non-empty string)\)\.$/,
      );
    }
    // A field the ECS shape does not have is found when the rule is compiled, not when it runs.
    expect(compileError({ ...base, messageExpression: "'family ' + object.nope" }).detail).toBe(
      'messageExpression, position 20: No such key: nope (checked against the ECS shape of a task definition)',
    );
  });

  it('gives request the API call where it is known, and an empty map offline', () => {
    const expression =
      "has(request.principalArn) && request.principalArn.endsWith(':assumed-role/deployer/ci') && request.eventName == 'RegisterTaskDefinition' && request.account == '123456789012' && request.region == 'eu-west-1'";
    const rule = custom({ expression, messageExpression: "'called by ' + request.principalArn", message: undefined });
    const record = (arn: string) => cloudTrailRecord({ userIdentity: { type: 'AssumedRole', arn }, requestParameters: td() });
    expect(statusOf(rule, record('arn:aws:sts::123456789012:assumed-role/deployer/ci'))).toBe('pass');
    expect(onlyResult(rule, record('arn:aws:sts::123456789012:assumed-role/admin/me')).findings[0]!.message).toBe(
      'called by arn:aws:sts::123456789012:assumed-role/admin/me',
    );
    expect(statusOf(rule, td())).toBe('fail');
    expect(statusOf(custom({ expression: 'size(request) == 0 && !has(request.principalArn)' }), td())).toBe('pass');
  });
});

describe('compileCustomRule: compile errors', () => {
  it('names file, line, column, rule and the position in the expression of a syntax error', () => {
    const error = compileError({ id: 'bad-syntax', expression: 'object.family ==' });
    expect(error.message).toBe('policy.yaml:12:5: customRules[bad-syntax]: expression, position 17: Unexpected token: EOF');
    expect(error).toMatchObject({ name: 'CustomRuleError', file: 'policy.yaml', line: 12, column: 5, ruleId: 'bad-syntax' });
    const noLine = (() => {
      try {
        compileCustomRule({ id: 'x', appliesTo: ['task'], expression: 'a b', message: 'm', severity: 'low', action: 'flag' }, { file: 'p.yaml' }, builtinIds);
      } catch (e) {
        return e as CustomRuleError;
      }
    })();
    expect(noLine?.message).toMatch(/^p\.yaml: customRules\[x\]: expression, position 3: /);
  });

  it('rejects type errors and undeclared variables at compile time', () => {
    expect(compileError({ expression: "object.containerDefinitions.size() > 0 && 1 + 'a' == 2" }).message).toBe(
      'policy.yaml:12:5: customRules[custom-test]: expression, position 43: no such overload: int + string',
    );
    expect(compileError({ expression: 'resource.family == "web"' }).detail).toBe('expression, position 1: Unknown variable: resource');
    expect(compileError({ expression: 'request + 1 == 2' }).detail).toMatch(/^expression, position 1: no such overload: map<dyn, dyn> \+ int/);
    expect(compileError({ expression: "'not a bool'" }).detail).toBe('expression gives string, but must give bool');
    expect(compileError({ expression: 'true', message: undefined, messageExpression: '42' }).detail).toBe('messageExpression gives int, but must give string');
    expect(compileError({ expression: 'true', message: undefined, messageExpression: "'a' +" }).detail).toMatch(/^messageExpression, position 6: /);
  });

  it('rejects an id of a built-in rule', () => {
    expect(compileError({ id: 'no-privileged-containers', expression: 'true' }).message).toBe(
      'policy.yaml:12:5: customRules[no-privileged-containers]: id "no-privileged-containers" is the id of a built-in rule; give the custom rule another id',
    );
    expect(() =>
      compileCustomRule(
        { id: 'no-privileged-containers', appliesTo: ['taskDefinition'], expression: 'true', message: 'm', severity: 'low', action: 'flag' },
        where,
        new Set(),
      ),
    ).not.toThrow();
  });

  it('wants exactly one of message and messageExpression', () => {
    expect(compileError({ expression: 'true', message: undefined }).detail).toBe('give a message or a messageExpression for the findings');
    expect(compileError({ expression: 'true', messageExpression: "'m'" }).detail).toBe('give message or messageExpression, not both');
  });

  it('checks the other fields a policy loader may pass unchecked', () => {
    expect(compileError({ expression: 'true', appliesTo: [] }).detail).toMatch(/^appliesTo must list one or more of/);
    expect(compileError({ expression: 'true', appliesTo: ['cluster' as 'task'] }).detail).toMatch(/^appliesTo: "cluster" is not one of/);
    expect(compileError({ expression: 'true', severity: 'urgent' as 'high' }).detail).toMatch(/^severity must be one of/);
    expect(compileError({ expression: ' ' }).detail).toBe('expression must be a non-empty CEL expression');
    expect(compileError({ id: '', expression: 'true' }).detail).toMatch(/^id must be a non-empty name/);
  });
});

describe('compileCustomRule: never a pass by accident', () => {
  it('a non-bool result is an error', () => {
    expect(onlyResult(custom({ expression: 'object.family' }), td())).toEqual({
      ruleId: 'custom-test',
      status: 'error',
      reason: 'rule threw: the expression must give a bool, but gave a string ("web")',
      action: 'deny',
      // Never a silent pass: the error is a finding, flagged by default (onError).
      findings: [expect.objectContaining({ error: true, action: 'flag' })],
    });
    expect(onlyResult(custom({ expression: 'object.tags' }), td({ tags: [] })).reason).toBe('rule threw: the expression must give a bool, but gave a list');
  });

  it('an evaluation error is an error, naming the position', () => {
    expect(onlyResult(custom({ expression: "object.networkMode == 'awsvpc'" }), td())).toEqual({
      ruleId: 'custom-test',
      status: 'error',
      reason: 'rule threw: the expression failed at position 8: No such key: networkMode',
      action: 'deny',
      findings: [expect.objectContaining({ error: true, action: 'flag' })],
    });
    // A pattern only known at run time fails there; a literal one fails to compile (see RE2 below).
    expect(onlyResult(custom({ expression: 'object.containerDefinitions.all(c, c.image.matches(object.family))' }), td({ family: '(' })).reason).toMatch(
      /^rule threw: the expression failed at position 36: Invalid regular expression \(RE2 syntax\): .*missing closing \)/,
    );
    expect(onlyResult(custom({ expression: 'object.revision + 1 == 4' }), td()).reason).toMatch(
      /^rule threw: the expression failed at position 1: no such overload: dyn<double> \+ int$/,
    );
  });

  describe('values unknown offline (CloudFormation)', () => {
    const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ImageUri: { Type: String }
Resources:
  AppTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      ContainerDefinitions:
        - Name: app
          Image: !Ref ImageUri
        - Name: side
          Image: ${ecr}/side:1.27
          Privileged: PRIVILEGED
`;
    const load = (privileged: boolean) => run(rule, template.replace('PRIVILEGED', String(privileged)), 'stack.yaml');
    const rule = custom({ expression: `object.containerDefinitions.all(c, c.image.startsWith('${ecr}/') && !(has(c.privileged) && c.privileged))` });

    it('unknown, naming the field, when the expression needs the unknown value', () => {
      expect(load(false)).toEqual([
        { ruleId: 'custom-test', status: 'unknown', reason: 'containerDefinitions[0].image is unknown (!Ref ImageUri)', action: 'deny', findings: [] },
      ]);
      expect(run(custom({ expression: "object.containerDefinitions[0].image.startsWith('x')" }), template, 'stack.yaml')[0]).toMatchObject({
        status: 'unknown',
        reason: 'containerDefinitions[0].image is unknown (!Ref ImageUri)',
      });
    });

    it('a verdict when the known values decide it, as CEL does', () => {
      // The privileged sidecar fails the rule whatever the image parameter is.
      expect(load(true)[0]).toMatchObject({ status: 'fail', findings: [{ message: 'custom rule failed' }] });
      expect(run(custom({ expression: "object.containerDefinitions.exists(c, c.image.endsWith('/side:1.27'))" }), template, 'stack.yaml')[0]!.status).toBe(
        'pass',
      );
    });

    it('unknown too when the unknown value is wrapped as the cause of another error', () => {
      const object = {
        get family(): string {
          throw new Error('cannot read', { cause: new UnknownValueError('family', '!Ref Family') });
        },
      };
      const [result] = runOn(custom({ expression: "object.family == 'web'" }), [{ kind: 'taskDefinition', name: 'x', object, origin: { source: 'x' } }]);
      expect(result).toEqual({ ruleId: 'custom-test', status: 'unknown', reason: 'family is unknown (!Ref Family)', action: 'deny', findings: [] });
    });
  });

  it('unknown when the expression asks about a field an UpdateService request leaves out', () => {
    const update = (params: object) => ({
      eventVersion: '1.08',
      eventID: 'e-1',
      eventTime: '2026-11-20T10:00:00Z',
      eventSource: 'ecs.amazonaws.com',
      eventName: 'UpdateService',
      awsRegion: 'eu-west-1',
      recipientAccountId: '123456789012',
      userIdentity: { arn: 'arn:aws:iam::123456789012:user/me' },
      requestParameters: { service: 'web', cluster: 'prod', ...params },
    });
    const rule = custom({ appliesTo: ['service'], expression: '!has(object.enableExecuteCommand) || !object.enableExecuteCommand' });
    const reason = 'enableExecuteCommand is unknown (not in the UpdateService request, so unchanged and unknown here)';
    expect(run(rule, update({ taskDefinition: 'web:5' }))).toEqual([{ ruleId: 'custom-test', status: 'unknown', reason, action: 'deny', findings: [] }]);
    expect(run(custom({ appliesTo: ['service'], expression: 'object.enableExecuteCommand == false' }), update({}))[0]).toMatchObject({
      status: 'unknown',
      reason,
    });
    expect(run(rule, update({ enableExecuteCommand: true }))[0]!.status).toBe('fail');
    expect(run(rule, update({ enableExecuteCommand: false }))[0]!.status).toBe('pass');
  });

  describe('cost limit', () => {
    const many = (n: number) => td({ containerDefinitions: Array.from({ length: n }, (_, i) => container(`c${i}`)) });
    const exceeded = `rule threw: the expression exceeded the cost limit of ${CEL_COST_LIMIT}`;

    it('is 1,000,000 units', () => {
      expect(CEL_COST_LIMIT).toBe(1_000_000);
    });

    it('stops nested comprehensions over a large input, in bounded time', () => {
      const rule = custom({ expression: 'object.containerDefinitions.all(a, object.containerDefinitions.all(b, a.name == b.name || a.image != b.image))' });
      expect(onlyResult(rule, many(20)).status).toBe('pass');
      const start = performance.now();
      expect(onlyResult(rule, many(2_000))).toEqual({
        ruleId: 'custom-test',
        status: 'error',
        reason: exceeded,
        action: 'deny',
        findings: [expect.objectContaining({ error: true, action: 'flag' })],
      });
      expect(performance.now() - start).toBeLessThan(2_000);
    });

    it('stops the work there: no field is read once over the limit', () => {
      let reads = 0;
      const containers = Array.from({ length: 2_000 }, (_, i) => ({
        get name(): string {
          reads++;
          return `c${i}`;
        },
      }));
      const rule = custom({ expression: 'object.containerDefinitions.all(a, object.containerDefinitions.all(b, a.name != b.name || a == b))' });
      const [result] = runOn(rule, [{ kind: 'taskDefinition', name: 'x', object: { containerDefinitions: containers }, origin: { source: 'x' } }]);
      expect(result!.reason).toBe(exceeded);
      // All pairs would be 8,000,000 reads; the limit allows at most one per cost unit.
      expect(reads).toBeGreaterThan(1_000);
      expect(reads).toBeLessThan(CEL_COST_LIMIT);
    });

    it('holds when the expression absorbs the error (`||`, exists)', () => {
      // CEL's `||` and exists() swallow errors that the other operand decides: not this one.
      const rule = custom({ expression: "object.containerDefinitions.exists(a, object.containerDefinitions.all(b, b.name != '') && false) || true" });
      expect(onlyResult(rule, many(3)).status).toBe('pass');
      expect(onlyResult(rule, many(2_000)).reason).toBe(exceeded);
    });

    it('counts the size of what is built, so doubling a value cannot escape it', () => {
      const doubled = (seed: string) => `${seed}${'.map(a, a + a)'.repeat(30)}[0].size() > 0`;
      expect(onlyResult(custom({ expression: doubled('[object.family]') }), td()).reason).toBe(exceeded);
      expect(onlyResult(custom({ expression: doubled('[object.containerDefinitions]') }), td()).reason).toBe(exceeded);
      expect(onlyResult(custom({ expression: `${'[object.family]'}${'.map(a, a + a)'.repeat(5)}[0].size() > 0` }), td()).status).toBe('pass');
    });

    it('limits the size of the expression at compile time', () => {
      expect(compileError({ expression: Array.from({ length: 1_200 }, () => 'true').join(' && ') }).detail).toMatch(/^expression, position \d+: .*AST/i);
    });
  });
});
