/**
 * No silent pass anywhere: rules that could not decide are shown and the resource is not
 * counted as passed; `--fail-on unknown`; a rule error is a visible result in every format and
 * makes `check` exit 2 unless its policy says `onError: ignore`; `onError: deny` makes it a deny.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-silent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (args: string[]) => runCli(['check', ...args]);
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

// Privileged from a parameter: no-privileged-containers (deny) cannot decide.
const undecided = write(
  'undecided.yaml',
  `Parameters:\n  Privileged: { Type: String }\nResources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: awsvpc\n      RequiresCompatibilities: [FARGATE]\n      TaskRoleArn: !GetAtt Role.Arn\n      ContainerDefinitions:\n        - Name: app\n          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${'a'.repeat(64)}\n          User: '1000'\n          ReadonlyRootFilesystem: true\n          LogConfiguration: { LogDriver: awslogs }\n          Privileged: !Ref Privileged\n  Role: { Type: AWS::IAM::Role }\n`,
);
const td = write(
  'td.json',
  JSON.stringify({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] }),
);
const policy = (onError: string, where: 'policy' | 'rule') =>
  write(
    `erroring-${onError}-${where}.yaml`,
    `apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: erroring }\nspec:\n${where === 'policy' ? `  onError: ${onError}\n` : ''}  customRules:\n    - id: needs-network-mode\n      appliesTo: [taskDefinition]\n      expression: "object.pidMode == 'task'"\n      message: pid mode must be task\n      severity: high\n      action: deny\n${where === 'rule' ? `      onError: ${onError}\n` : ''}`,
  );

describe('rules that could not decide', () => {
  it('are shown in the default text output, and the resource is undecided, not passed', async () => {
    const { status, stdout } = await check([undecided]);
    expect(stdout).toContain('UNKNOWN');
    expect(stdout).toContain('unknown  no-privileged-containers (deny): containerDefinitions[0].privileged is unknown (!Ref Privileged)');
    expect(stdout).toMatch(/1 resource checked \(recommended\) · 0 failed · 0 passed · 1 undecided/);
    // The default --fail-on deny does not count them; --fail-on unknown does.
    expect(status).toBe(0);
    expect((await check([undecided, '--fail-on', 'unknown'])).status).toBe(1);
  });

  it('are in JSON with the action they would have taken, and in SARIF as notifications', async () => {
    const json = JSON.parse((await check([undecided, '--format', 'json'])).stdout) as {
      results: { status: string; rules: { ruleId: string; status: string; action?: string }[] }[];
      summary: { undecided: number; passed: number };
    };
    expect(json.results[0]!.status).toBe('unknown');
    expect(json.results[0]!.rules).toContainEqual({
      ruleId: 'no-privileged-containers',
      status: 'unknown',
      action: 'deny',
      reason: 'containerDefinitions[0].privileged is unknown (!Ref Privileged)',
    });
    expect(json.summary).toMatchObject({ undecided: 1, passed: 0 });
    const sarif = (await check([undecided, '--format', 'sarif'])).stdout;
    expect(sarif).toContain('TD: no-privileged-containers could not decide: containerDefinitions[0].privileged is unknown (!Ref Privileged)');
  });
});

describe('rule errors', () => {
  it('make check exit 2 by default (onError: flag), visible in text, JSON and SARIF', async () => {
    const file = policy('flag', 'policy');
    const text = await check([td, '--policy', file]);
    expect(text.status).toBe(2);
    expect(text.stdout).toContain('flag  The rule could not be evaluated: rule threw: the expression failed at position 8: No such key: pidMode.');
    const json = JSON.parse((await check([td, '--policy', file, '--format', 'json'])).stdout) as {
      results: { status: string; findings: { ruleId: string; action: string; error?: boolean }[] }[];
    };
    expect(json.results[0]!.findings).toContainEqual(expect.objectContaining({ ruleId: 'needs-network-mode', action: 'flag', error: true }));
    const sarif = JSON.parse((await check([td, '--policy', file, '--format', 'sarif'])).stdout) as {
      runs: { results: { ruleId: string; level: string; properties: { ruleError?: boolean } }[] }[];
    };
    expect(sarif.runs[0]!.results).toContainEqual(
      expect.objectContaining({ ruleId: 'needs-network-mode', level: 'warning', properties: expect.objectContaining({ ruleError: true }) as unknown }),
    );
  });

  it('onError: deny makes the error a deny finding; onError: ignore shows it and does not count it', async () => {
    const deny = JSON.parse((await check([td, '--policy', policy('deny', 'rule'), '--format', 'json'])).stdout) as {
      results: { findings: { ruleId: string; action: string }[] }[];
    };
    expect(deny.results[0]!.findings).toContainEqual(expect.objectContaining({ ruleId: 'needs-network-mode', action: 'deny' }));
    const ignored = await check([td, '--policy', policy('ignore', 'policy'), '--fail-on', 'none']);
    expect(ignored.status).toBe(0);
    expect(ignored.stdout).toContain('error  needs-network-mode (ignored by policy): rule threw: the expression failed at position 8: No such key: pidMode');
  });
});
