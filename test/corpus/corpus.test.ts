/**
 * Real public files, as people write them (provenance in PROVENANCE.md): task definitions,
 * CloudFormation, SAM, Copilot renders, CDK output, ecspresso definitions and vendor agents.
 *
 * Two checks. The verdict of every strict-preset rule on every resource is held to
 * verdicts.json (reviewed when it was generated; `npm run generate` rewrites it). And the facts
 * that make each file worth keeping are asserted by hand, independently of that file: the
 * privileged agents fail no-privileged-containers, a `!Ref` container name hides no rule, a
 * condition is named in its finding, and so on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictsOf, type FileVerdicts } from '../../src/use-cases/corpus-verdicts.js';
import { builtinRules } from '../../src/rules/index.js';

interface Entry {
  file: string;
  repository: string;
  kind: string;
  features: string[];
}

const dir = import.meta.dirname;
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[];
const expected = JSON.parse(readFileSync(join(dir, 'verdicts.json'), 'utf8')) as Record<string, FileVerdicts>;
const actual = new Map(manifest.map((e) => [e.file, verdictsOf(readFileSync(join(dir, e.file), 'utf8'), e.file, builtinRules)]));

/** Every verdict of a rule across the resources of a file. */
const verdicts = (file: string, ruleId: string): string[] => (actual.get(file)?.resources ?? []).map((r) => r.rules[ruleId] ?? 'off');
const file = (needle: string): string => {
  const found = manifest.filter((e) => e.file.includes(needle));
  expect(found, needle).toHaveLength(1);
  return found[0]!.file;
};

describe('the corpus of real files', () => {
  it('holds at least 40 files from at least 15 repositories, of every kind asked for', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(40);
    expect(new Set(manifest.map((e) => e.repository)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(manifest.map((e) => e.kind))).toEqual(new Set(['task-definition-json', 'describe-task-definition', 'cloudformation', 'sam', 'copilot', 'cdk', 'ecspresso-service', 'ecspresso-task', 'vendor-agent', 'other']));
  });

  it('reads every file: no crash, no input error, and no ECS resource left out', () => {
    for (const [name, result] of actual) {
      expect(result.error, name).toBeUndefined();
      // Only the SAM parent has no ECS resource of its own.
      if (!name.includes('parent.yml')) expect(result.resources?.length, name).toBeGreaterThan(0);
    }
  });

  for (const entry of manifest) {
    it(`gives the reviewed verdict of every rule on every resource: ${entry.file}`, () => {
      expect(actual.get(entry.file)).toEqual(expected[entry.file]);
    });
  }
});

describe('what each file is kept for', () => {
  it('privileged agents, host namespaces and the Docker socket fail their rules', () => {
    for (const needle of ['nri-ecs__deploy_task_definition_example', 'nri-ecs__deploy_cloudformation_task_task', 'falcon-ecs-ec2-daemon']) {
      expect(verdicts(file(needle), 'no-privileged-containers'), needle).toContainEqual(expect.stringMatching(/^fail/));
      expect(verdicts(file(needle), 'no-host-network-mode'), needle).toContainEqual(expect.stringMatching(/^fail/));
    }
    expect(verdicts(file('falcon-ecs-ec2-daemon'), 'no-host-pid-mode')).toContainEqual(expect.stringMatching(/^fail/));
    expect(verdicts(file('falcon-ecs-ec2-daemon'), 'no-host-ipc-mode')).toContainEqual(expect.stringMatching(/^fail/));
    for (const needle of ['datadog-agent-ecs.json', 'datadog-agent-sysprobe-ecs.json', 'nri-ecs__deploy_task_definition_example']) {
      expect(verdicts(file(needle), 'no-sensitive-host-path-volumes'), needle).toContainEqual(expect.stringMatching(/^fail/));
    }
    expect(verdicts(file('datadog-agent-sysprobe-ecs.json'), 'no-dangerous-capabilities')[0]).toMatch(/^fail/);
    expect(verdicts(file('neuron-test.yml'), 'no-host-devices')[0]).toMatch(/^fail/);
  });

  it('a container name or family that is an intrinsic hides no rule that does not read it', () => {
    for (const entry of manifest.filter((e) => e.features.some((f) => /(Ref|Sub|Join) in (container Name|Family)/.test(f)))) {
      for (const resource of actual.get(entry.file)!.resources!.filter((r) => r.kind === 'taskDefinition')) {
        for (const ruleId of ['no-privileged-containers', 'require-non-root-user', 'require-readonly-root-filesystem', 'require-drop-all-capabilities', 'no-host-devices']) {
          expect(resource.rules[ruleId], `${entry.file} ${ruleId}`).not.toBe('unknown');
        }
      }
    }
  });

  it('conditions are judged branch by branch, and the finding names its condition', () => {
    const falcon = actual.get(file('falcon-ecs-ec2-daemon'))!.resources!;
    expect(falcon.find((r) => r.kind === 'taskDefinition')!.rules).toMatchObject({
      'require-task-role': 'fail:1 when not IsTaskRoleRequired',
      'require-log-configuration': 'fail:2 when not IsLoggingEnabled',
    });
    expect(falcon.find((r) => r.kind === 'service')!.rules['no-execute-command']).toBe('fail:1 when IsExecuteCommandEnabled');
  });

  it('public IPs and ECS Exec on services, task sets and ecspresso definitions fail', () => {
    for (const needle of ['private-subnet-public-service.json', 'simple-template.yml', 'socket.io-chat', 'ecs-sam-dice', 'BlueGreen', 'ecspresso__tests_ci_ecs-service-def.json', 'ecspresso__tests_ecs-service-def.json']) {
      expect(verdicts(file(needle), 'no-public-ip'), needle).toContainEqual(expect.stringMatching(/^fail/));
    }
    expect(verdicts(file('ecs-sam-dice'), 'no-execute-command')).toContainEqual(expect.stringMatching(/^fail/));
  });

  it('an ecspresso service definition, a container-definitions file and a resources fragment are judged', () => {
    expect(actual.get(file('ecspresso__tests_ci_ecs-service-def-daemon'))!.resources!.map((r) => [r.kind, r.name])).toEqual([['service', 'service in kayac__ecspresso__tests_ci_ecs-service-def-daemon.json']]);
    expect(actual.get(file('terraform-aws-ecs__task-definitions_nginx'))!.resources!.map((r) => r.kind)).toEqual(['taskDefinition']);
    expect(actual.get(file('inject-config-files'))!.resources!.map((r) => r.name)).toEqual(['TaskDefinition']);
  });

  it('a provisioning token from a parameter in the environment is a secret in plain text', () => {
    expect(actual.get(file('falcon-ecs-ec2-daemon'))!.resources![0]!.rules['no-secrets-in-environment']).toMatch(/^fail/);
    // Placeholders for an API key (`<YOUR_DATADOG_API_KEY>`) are not.
    expect(verdicts(file('datadog-agent-ecs.json'), 'no-secrets-in-environment')).toEqual(['pass']);
  });
});
