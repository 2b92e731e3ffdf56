/**
 * Types are checked against the ECS API shape: a wrong type is an error at its path, the
 * resource is `error`, and the rule that reads the field errors — never a pass. CloudFormation
 * converts what its schemas allow (`"true"`, numeric strings); the API takes JSON as it is.
 */
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { presetRuleSet } from '../../src/core/presets.js';
import type { ResourceResult } from '../../src/core/types.js';
import { InputError } from '../../src/input/errors.js';
import { loadResources } from '../../src/input/load.js';
import { builtinRules } from '../../src/rules/index.js';

const evaluate = createEvaluator(presetRuleSet('strict', builtinRules));
const judge = (value: unknown, source = 'td.json'): ResourceResult =>
  evaluate(loadResources(typeof value === 'string' ? value : JSON.stringify(value), source)[0]!);
const td = (container: object, task: object = {}) => ({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', ...container }], ...task });
const status = (result: ResourceResult, ruleId: string) => result.rules.find((r) => r.ruleId === ruleId)!.status;

describe('wrong JSON types are errors, never passes', () => {
  it.each([
    [{ privileged: 'true' }, 'containerDefinitions[0].privileged: expected a boolean, found the string "true"', 'no-privileged-containers'],
    [{ privileged: 'yes' }, 'containerDefinitions[0].privileged: expected a boolean, found the string "yes"', 'no-privileged-containers'],
    [{ privileged: 1 }, 'containerDefinitions[0].privileged: expected a boolean, found the number 1', 'no-privileged-containers'],
    [{ environment: { DB_PASSWORD: 'x' } }, 'containerDefinitions[0].environment: expected a list, found an object', 'no-secrets-in-environment'],
    [{ environment: 'DB_PASSWORD=x' }, 'containerDefinitions[0].environment: expected a list, found a string of 13 characters', 'no-secrets-in-environment'],
    [
      { linuxParameters: { capabilities: { add: 'SYS_ADMIN' } } },
      'containerDefinitions[0].linuxParameters.capabilities.add: expected a list, found a string of 9 characters',
      'no-dangerous-capabilities',
    ],
  ])('%j', (container, problem, ruleId) => {
    const result = judge(td(container));
    expect(result.resource.problems?.map((p) => `${p.path}: ${p.message}`)).toEqual([problem]);
    expect(status(result, ruleId)).toBe('error');
    expect(['error', 'fail']).toContain(result.status);
    expect(result.status).not.toBe('pass');
  });

  it('enumerations are compared as ECS compares them: exactly', () => {
    expect(judge(td({}, { networkMode: 'HOST' })).resource.problems).toEqual([
      { path: 'networkMode', message: 'expected one of bridge, host, awsvpc, none (ECS compares them exactly, case included), found the string "HOST"' },
    ]);
    const service = judge({
      serviceName: 'web',
      enableExecuteCommand: 'true',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['a'], assignPublicIp: 'enabled' } },
    });
    expect(service.resource.problems?.map((p) => p.path)).toEqual(['networkConfiguration.awsvpcConfiguration.assignPublicIp', 'enableExecuteCommand']);
    expect([status(service, 'no-public-ip'), status(service, 'no-execute-command')]).toEqual(['error', 'error']);
  });

  it('CloudFormation accepts "true"/"false" and numeric strings, as its schemas do, and rejects the rest', () => {
    const cfn = (privileged: string) =>
      `Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - { Name: app, Image: nginx:1.27, Memory: '512', Privileged: ${privileged} }\n`;
    const yes = judge(cfn("'true'"), 'stack.yaml');
    expect([yes.resource.problems, status(yes, 'no-privileged-containers'), status(yes, 'require-memory-limit')]).toEqual([undefined, 'fail', 'pass']);
    expect(judge(cfn("'yes'"), 'stack.yaml').resource.problems).toEqual([
      { path: 'containerDefinitions[0].privileged', message: 'expected a boolean (true or false), found the string "yes"' },
    ]);
  });

  it('the value of a sensitive field, or one that looks like a secret, is never quoted in the message', () => {
    expect(judge(td({ environment: [{ name: 'A', value: 42 }] })).resource.problems).toEqual([
      { path: 'containerDefinitions[0].environment[0].value', message: 'expected a string, found the number 42' },
    ]);
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}a1B2c3`;
    expect(judge(td({ user: { name: token } })).resource.problems![0]!.message).toBe('expected a string, found an object');
    expect(judge(td({ privileged: token })).resource.problems![0]!.message).toBe('expected a boolean, found a string of 40 characters');
  });
});

describe('duplicate keys are errors', () => {
  it('in JSON: the last would win, and `privileged: true` would read as false', () => {
    const text = '{"family":"x","containerDefinitions":[{"name":"a","image":"i","privileged":true,\n"privileged":false}]}';
    expect(() => loadResources(text, 'dup.json')).toThrow(new InputError('dup.json', 'duplicate key "privileged": a key may appear once in an object', 2));
  });

  it('in YAML', () => {
    expect(() => loadResources('family: x\ncontainerDefinitions:\n  - name: a\n    privileged: true\n    privileged: false\n', 'dup.yaml')).toThrow(
      /^dup\.yaml:5: not valid YAML: Map keys must be unique/,
    );
  });
});
