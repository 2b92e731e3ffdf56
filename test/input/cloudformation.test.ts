/**
 * CloudFormation as people write it: intrinsics are unknown per field, conditions are judged
 * branch by branch, presence is known where the value is not, NoEcho and literal text are seen,
 * and transforms are never a silent zero.
 */
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { presetRuleSet } from '../../src/core/presets.js';
import { indexTaskDefinitions } from '../../src/core/task-definition-index.js';
import type { ResourceResult, RuleResult } from '../../src/core/types.js';
import { loadDocument } from '../../src/input/load.js';
import { builtinRules } from '../../src/rules/index.js';

const strict = presetRuleSet('strict', builtinRules);

function judge(yaml: string): ResourceResult[] {
  const { resources } = loadDocument(yaml, 'stack.yaml');
  const evaluate = createEvaluator(strict, { resolveTaskDefinition: indexTaskDefinitions(resources) });
  return resources.map(evaluate);
}
const rule = (result: ResourceResult, id: string): RuleResult => result.rules.find((r) => r.ruleId === id)!;

/** A template with one task definition whose first container gets `container` and the task `task`. */
const template = (container: string, task = '', head = ''): string => `AWSTemplateFormatVersion: '2010-09-09'
${head}Resources:
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
${task}      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.0
          Memory: 256
${container}`;

describe('unknown is per field, never per object', () => {
  it('an intrinsic Family or container Name changes nothing for the rules that do not read it, and labels fall back to the path', () => {
    const [result] = judge(
      `Parameters:\n  Name: { Type: String }\nResources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: !Sub '\${Name}-web'\n      ContainerDefinitions:\n        - Name: !Ref Name\n          Image: nginx:1.27\n          Privileged: true\n          User: '1000'\n`,
    );
    expect(result!.resource.name).toBe('TD');
    expect(rule(result!, 'no-privileged-containers')).toMatchObject({
      status: 'fail',
      findings: [{ message: 'Container containerDefinitions[0] runs privileged.', container: undefined }],
    });
    expect(rule(result!, 'require-non-root-user').status).toBe('pass');
    expect(rule(result!, 'require-drop-all-capabilities').status).toBe('fail');
  });

  it('a service names the task definition it runs by a !Ref of a resource, whatever that task definition’s family is', () => {
    const results = judge(
      `Parameters:\n  Name: { Type: String }\nResources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: !Ref Name\n      ContainerDefinitions: [{ Name: app, Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.0, Privileged: true }]\n  Svc:\n    Type: AWS::ECS::Service\n    Properties: { TaskDefinition: !Ref TD }\n`,
    );
    expect(rule(results[1]!, 'require-compliant-task-definition')).toMatchObject({
      status: 'fail',
      findings: [{ message: 'Service runs task definition TD, which breaks no-privileged-containers.' }],
    });
  });
});

describe('conditions are evaluated, not skipped', () => {
  const conditions = `Parameters:\n  Env: { Type: String, AllowedValues: [dev, prod] }\n  Public: { Type: String }\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Equals [!Ref Env, dev]\n  UsePublic: !Equals [!Ref Public, 'yes']\n`;

  it('a scalar in Fn::If fails in the branch that violates, and the finding names the condition and its line', () => {
    const yaml = template('          Privileged: !If [IsProd, true, false]\n', '', conditions);
    const [result] = judge(yaml);
    const privileged = rule(result!, 'no-privileged-containers');
    expect(privileged).toMatchObject({ status: 'fail', findings: [{ path: 'containerDefinitions[0].privileged', when: 'IsProd' }] });
    const line = yaml.split('\n').findIndex((l) => l.includes('Privileged:')) + 1;
    expect(privileged.findings[0]!.at?.line ?? result!.resource.origin.locate?.(privileged.findings[0]!.path)?.line).toBe(line);
  });

  it('points a finding of the second branch at that branch’s line', () => {
    const yaml = template('          Privileged: !If\n            - IsProd\n            - false\n            - true\n', '', conditions);
    const finding = rule(judge(yaml)[0]!, 'no-privileged-containers').findings[0]!;
    expect(finding.when).toBe('not IsProd');
    expect(finding.at?.line).toBe(yaml.split('\n').findIndex((l) => l.trim() === '- true') + 1);
  });

  it('passes only when every branch passes, and a violation in both branches names no condition', () => {
    expect(rule(judge(template('          Privileged: !If [IsProd, false, false]\n', '', conditions))[0]!, 'no-privileged-containers').status).toBe('pass');
    expect(
      rule(judge(template('          Privileged: !If [IsProd, true, true]\n', '', conditions))[0]!, 'no-privileged-containers').findings.map((f) => f.when),
    ).toEqual([undefined]);
  });

  it('is unknown only when a branch is itself unknown', () => {
    const [result] = judge(
      template(
        '          Privileged: !If [IsProd, false, !Ref Flag]\n',
        '',
        `${conditions}  Flag: { Type: String }\n`.replace('Conditions:', 'Parameters2:').replace('Parameters2:', 'Conditions:'),
      ),
    );
    expect(rule(result!, 'no-privileged-containers')).toMatchObject({ status: 'unknown', reason: 'containerDefinitions[0].privileged is unknown (!Ref Flag)' });
  });

  it('list items, whole lists and whole Properties in Fn::If; AWS::NoValue removes the item in its branch', () => {
    const items = template('', '', conditions).replace(
      '      ContainerDefinitions:\n',
      '      ContainerDefinitions:\n        - !If [UsePublic, { Name: debug, Image: busybox:1.36, Privileged: true }, !Ref AWS::NoValue]\n',
    );
    expect(rule(judge(items)[0]!, 'no-privileged-containers').findings).toMatchObject([{ container: 'debug', when: 'UsePublic' }]);
    const wholeList = `${conditions}Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: web\n      ContainerDefinitions: !If\n        - IsProd\n        - [{ Name: app, Image: nginx:1.27 }]\n        - [{ Name: app, Image: nginx:1.27 }, { Name: shell, Image: busybox:1.36, LinuxParameters: { Capabilities: { Add: [SYS_ADMIN] } } }]\n`;
    expect(rule(judge(wholeList)[0]!, 'no-dangerous-capabilities').findings).toMatchObject([{ container: 'shell', when: 'not IsProd' }]);
    const wholeProperties = `${conditions}Resources:\n  Svc:\n    Type: AWS::ECS::Service\n    Properties: !If\n      - UsePublic\n      - { NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: ENABLED, Subnets: [a] } } }\n      - { NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: DISABLED, Subnets: [a] } } }\n`;
    expect(rule(judge(wholeProperties)[0]!, 'no-public-ip').findings).toMatchObject([{ when: 'UsePublic' }]);
  });

  it('AssignPublicIp: !If [Pub, ENABLED, DISABLED] fails when Pub', () => {
    const yaml = `${conditions}Resources:\n  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          Subnets: [a]\n          AssignPublicIp: !If [UsePublic, ENABLED, DISABLED]\n`;
    expect(rule(judge(yaml)[0]!, 'no-public-ip')).toMatchObject({ status: 'fail', findings: [{ when: 'UsePublic' }] });
  });

  it('an Fn::If whose condition is not a name stays unknown, and shows no value of its branches', () => {
    const yaml = `Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - !If [[not, a, name], { Name: app, Image: nginx, Environment: [{ Name: DB_PASSWORD, Value: hunter2pass }] }, !Ref AWS::NoValue]\n`;
    const reason = rule(judge(yaml)[0]!, 'no-privileged-containers').reason!;
    expect(reason).toMatch(/^containerDefinitions\[0\] is unknown \(!If \[\["not","a","name"\],\{"Name":"\[masked: 3 characters\]"/);
    expect(reason).not.toContain('hunter2');
  });

  it('judges only reachable branches: IsProd and IsDev cannot both hold', () => {
    const yaml = template('          Privileged: !If [IsProd, !If [IsDev, true, false], false]\n', '', conditions);
    const [result] = judge(yaml);
    expect(result!.resource.scenarios!.every((s) => !(s.conditions.IsProd && s.conditions.IsDev))).toBe(true);
    expect(rule(result!, 'no-privileged-containers').status).toBe('pass');
  });

  it('a resource with a Condition of its own is judged only where it exists', () => {
    const yaml = template('          Privileged: !If [IsProd, true, false]\n', '', conditions).replace(
      '    Type: AWS::ECS::TaskDefinition\n',
      '    Type: AWS::ECS::TaskDefinition\n    Condition: IsDev\n',
    );
    expect(rule(judge(yaml)[0]!, 'no-privileged-containers').status).toBe('pass');
  });

  it('keeps the number of scenarios linear in the number of Fn::If: 8 independent conditions, not 256 scenarios', () => {
    const params = Array.from({ length: 8 }, (_, i) => `  P${i}: { Type: String }`).join('\n');
    const conds = Array.from({ length: 8 }, (_, i) => `  C${i}: !Equals [!Ref P${i}, 'on']`).join('\n');
    const containers = Array.from({ length: 8 }, (_, i) => `        - { Name: c${i}, Image: nginx:1.27, Privileged: !If [C${i}, true, false] }`).join('\n');
    const yaml = `Parameters:\n${params}\nConditions:\n${conds}\nResources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n${containers}\n`;
    const [result] = judge(yaml);
    expect(result!.resource.scenarios!.length).toBeLessThanOrEqual(1 + 2 * 8);
    expect(rule(result!, 'no-privileged-containers').findings.map((f) => f.when)).toEqual(Array.from({ length: 8 }, (_, i) => `C${i}`));
  });
});

describe('presence is knowable', () => {
  it('a task role from !GetAtt, !Ref, !Sub or !ImportValue is a task role; a log configuration from !If with both branches present is one', () => {
    for (const role of ['!GetAtt Role.Arn', '!Ref RoleArn', "!Sub 'arn:aws:iam::${AWS::AccountId}:role/app'", '!ImportValue shared-role']) {
      const [result] = judge(template('', `      TaskRoleArn: ${role}\n`, 'Parameters:\n  RoleArn: { Type: String }\n'));
      expect(rule(result!, 'require-task-role').status, role).toBe('pass');
    }
    const [logs] = judge(
      template(
        '          LogConfiguration: !If [C, { LogDriver: awslogs }, { LogDriver: !Ref Driver }]\n',
        '',
        'Parameters:\n  Driver: { Type: String }\nConditions:\n  C: !Equals [a, b]\n',
      ),
    );
    expect(rule(logs!, 'require-log-configuration').status).toBe('pass');
  });

  it('a NoEcho parameter in a plain-text variable fails; references and pseudo parameters are never credentials', () => {
    const head = 'Parameters:\n  DbPassword: { Type: String, NoEcho: true }\n  Plain: { Type: String }\n';
    const env = (value: string) => `          Environment:\n            - { Name: DB_PASSWORD, Value: ${value} }\n`;
    expect(rule(judge(template(env('!Ref DbPassword'), '', head))[0]!, 'no-secrets-in-environment').findings[0]!.message).toContain(
      'NoEcho parameter DbPassword',
    );
    expect(rule(judge(template(env("!Sub 'postgres://app:${DbPassword}@db/app'"), '', head))[0]!, 'no-secrets-in-environment').status).toBe('fail');
    for (const reference of ['!Ref AWS::Region', '!GetAtt Secret.Arn', "!Sub 'arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db'"]) {
      expect(rule(judge(template(env(reference), '', head))[0]!, 'no-secrets-in-environment').status, reference).toBe('pass');
    }
  });

  it('scans the literal text of !Sub and !Join: a GitHub token prefix, a password in a URL', () => {
    const head = 'Parameters:\n  Suffix: { Type: String }\n  Host: { Type: String }\n';
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}a1B2c3`;
    const sub = template(`          Environment:\n            - { Name: CLONE, Value: !Sub '${token}\${Suffix}' }\n`, '', head);
    expect(rule(judge(sub)[0]!, 'no-secrets-in-environment').findings[0]!.message).toBe(
      'Container "app" has environment variable "CLONE" whose value contains a GitHub token.',
    );
    const join = template(
      "          Environment:\n            - { Name: DATABASE_URL, Value: !Join ['', ['postgres://app:s3cr3t-pw@', !Ref Host, '/app']] }\n",
      '',
      head,
    );
    expect(rule(judge(join)[0]!, 'no-secrets-in-environment').findings[0]!.message).toBe(
      'Container "app" has environment variable "DATABASE_URL" whose value contains a URL with a password.',
    );
  });
});

describe('transforms are never a silent zero', () => {
  it('expands Fn::ForEach over a literal list into one resource per item', () => {
    const yaml = `Transform: AWS::LanguageExtensions\nResources:\n  'Fn::ForEach::Workers':\n    - Name\n    - [billing, reports]\n    - 'TD\${Name}':\n        Type: AWS::ECS::TaskDefinition\n        Properties:\n          Family: !Sub 'worker-\${Name}'\n          ContainerDefinitions: [{ Name: !Ref Name, Image: nginx:1.27, Privileged: true }]\n`;
    const results = judge(yaml);
    expect(results.map((r) => r.resource.name)).toEqual(['TDbilling', 'TDreports']);
    expect(results.map((r) => rule(r, 'no-privileged-containers').findings[0]!.message)).toEqual([
      'Container "billing" runs privileged.',
      'Container "reports" runs privileged.',
    ]);
    expect(results[0]!.resource.origin.locate?.('containerDefinitions[0].privileged')?.line).toBe(10);
  });

  it('a loop over a parameter is a resource not judged, with the reason', () => {
    const yaml = `Transform: AWS::LanguageExtensions\nParameters:\n  Names: { Type: CommaDelimitedList }\nResources:\n  'Fn::ForEach::Workers':\n    - Name\n    - !Ref Names\n    - 'TD\${Name}':\n        Type: AWS::ECS::TaskDefinition\n        Properties: { ContainerDefinitions: [{ Name: app, Image: nginx:1.27 }] }\n`;
    const [result] = judge(yaml);
    expect(result).toMatchObject({
      status: 'unknown',
      reason: 'Fn::ForEach::Workers cannot be expanded: its collection !Ref Names is not a literal list, so its items are not known offline',
    });
  });

  it('AWS::Include in Resources is reported as not judged; in Properties the resource is not judged; a macro makes every resource undecided', () => {
    const include = `Resources:\n  'Fn::Transform': { Name: AWS::Include, Parameters: { Location: s3://bucket/ecs.yaml } }\n  Topic: { Type: AWS::SNS::Topic }\n`;
    expect(loadDocument(include, 'stack.yaml').unjudged).toEqual([
      { source: 'stack.yaml', line: 2, message: 'resources included by Fn::Transform (AWS::Include or a macro) are not known offline and not judged' },
    ]);
    const properties = `Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      'Fn::Transform': { Name: AWS::Include, Parameters: { Location: s3://bucket/td.yaml } }\n`;
    expect(judge(properties)[0]!).toMatchObject({
      status: 'unknown',
      reason: 'its properties come from Fn::Transform (AWS::Include or a macro), which is not known offline',
    });
    const macro = template(
      '          User: "1000"\n          ReadonlyRootFilesystem: true\n',
      '      TaskRoleArn: arn:aws:iam::1:role/r\n',
      'Transform: [MyMacro]\n',
    );
    const [macroResult] = judge(macro);
    expect(['fail', 'unknown']).toContain(macroResult!.status);
    expect(macroResult!.resource.caveat).toBe(
      "the template's transform MyMacro can rewrite it before deployment, so what is judged may not be what is deployed",
    );
  });

  it('SAM and CodeDeploy blue/green transforms leave ECS resources as written', () => {
    const [result] = judge(template('          Privileged: true\n', '', 'Transform: AWS::Serverless-2016-10-31\n'));
    expect(result!.resource.caveat).toBeUndefined();
    expect(rule(result!, 'no-privileged-containers').status).toBe('fail');
  });
});
