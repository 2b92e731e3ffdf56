/**
 * Terraform plans (`terraform show -json`): resources judged as they will be after apply, values
 * known only after apply unknown per field, destroyed resources gone, services judged with their
 * task definitions by address, lines from the plan file, bad input one clear error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { presetRuleSet } from '../../src/core/presets.js';
import { indexTaskDefinitions } from '../../src/core/task-definition-index.js';
import { locateFinding, type ResourceResult, type RuleResult } from '../../src/core/types.js';
import { loadDocument } from '../../src/input/load.js';
import { presetPolicy } from '../../src/policy/engine.js';
import { policyEvaluator } from '../../src/policy/evaluator.js';
import { builtinRules } from '../../src/rules/index.js';
import { checkDocuments } from '../../src/use-cases/check.js';
import { root, runCli, scratch } from '../helpers/cli.js';

const strict = presetRuleSet('strict', builtinRules);
const fixtures = join(root, 'test/fixtures/terraform');
const webPlan = 'test/fixtures/terraform/web.plan.json';
const webText = readFileSync(join(root, webPlan), 'utf8');

function judge(text: string, source = 'plan.json'): ResourceResult[] {
  const { resources } = loadDocument(text, source);
  const evaluate = createEvaluator(strict, { resolveTaskDefinition: indexTaskDefinitions(resources) });
  return resources.map(evaluate);
}
const rule = (result: ResourceResult, id: string): RuleResult => result.rules.find((r) => r.ruleId === id)!;
const byName = (results: ResourceResult[], name: string): ResourceResult => {
  const found = results.find((r) => r.resource.name === name);
  if (!found) throw new Error(`no resource ${name} among ${results.map((r) => r.resource.name).join(', ')}`);
  return found;
};
/** The 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string, after = 0): number => text.split('\n').findIndex((l, i) => i >= after && l.includes(needle)) + 1;

/** A plan of the given resource changes (`[address, type, after, after_unknown?, actions?]`). */
const plan = (...changes: [string, string, Record<string, unknown>, Record<string, unknown>?, string[]?][]): string =>
  JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.8',
      resource_changes: changes.map(([address, type, after, afterUnknown, actions]) => ({
        address,
        mode: 'managed',
        type,
        name: address.split('.').at(-1),
        change: { actions: actions ?? ['create'], before: null, after, after_unknown: afterUnknown ?? {} },
      })),
    },
    null,
    2,
  );
const containers = (...list: object[]): string => JSON.stringify(list);

describe('a plan is judged as it will be after apply', () => {
  const results = judge(webText, webPlan);

  it('reads every ECS resource it creates, updates or replaces, named by address (module and for_each keys kept); a destroyed one is not listed', () => {
    expect(results.map((r) => `${r.resource.kind} ${r.resource.name}`).sort()).toEqual([
      'service aws_ecs_service.api["blue"]',
      'service module.web.aws_ecs_service.this',
      'taskDefinition aws_ecs_task_definition.worker',
      'taskDefinition module.web.aws_ecs_task_definition.this',
    ]);
    expect(results.some((r) => r.resource.name.includes('legacy'))).toBe(false);
  });

  it('a privileged container in container_definitions fails no-privileged-containers, at the line of container_definitions', () => {
    const td = byName(results, 'module.web.aws_ecs_task_definition.this');
    expect(rule(td, 'no-privileged-containers')).toMatchObject({
      status: 'fail',
      findings: [{ path: 'containerDefinitions[0].privileged', container: 'app' }],
    });
    const finding = rule(td, 'no-privileged-containers').findings[0]!;
    expect(locateFinding(td.resource, finding)?.line).toBe(lineOf(webText, '"container_definitions": "[{\\"name\\":\\"app\\"'));
    expect(td.resource.origin).toMatchObject({ source: webPlan, logicalId: 'module.web.aws_ecs_task_definition.this' });
    // Read from the JSON text: the digest-pinned image passes, the sidecar's tag does not.
    expect(rule(td, 'require-image-digest').findings.map((f) => f.container)).toEqual(['log-router']);
  });

  it('a service assigning public IPs fails no-public-ip at the line of assign_public_ip in its network_configuration block', () => {
    const service = byName(results, 'module.web.aws_ecs_service.this');
    const finding = rule(service, 'no-public-ip').findings[0]!;
    expect(rule(service, 'no-public-ip').status).toBe('fail');
    expect(finding.path).toBe('networkConfiguration.awsvpcConfiguration.assignPublicIp');
    expect(locateFinding(service.resource, finding)?.line).toBe(lineOf(webText, '"assign_public_ip": true'));
  });

  it('a service in a child module is judged with its task definition, found by address through the configuration (its ARN is known only after apply)', () => {
    const service = byName(results, 'module.web.aws_ecs_service.this');
    expect(service.resource.taskDefinitionRef).toBe('#module.web.aws_ecs_task_definition.this');
    expect(rule(service, 'require-compliant-task-definition')).toMatchObject({
      status: 'fail',
      findings: [{ message: 'Service runs task definition module.web.aws_ecs_task_definition.this, which breaks no-privileged-containers.' }],
    });
  });

  it('a for_each service finds its task definition at the root the same way', () => {
    const api = byName(results, 'aws_ecs_service.api["blue"]');
    expect(api.resource.taskDefinitionRef).toBe('#aws_ecs_task_definition.worker');
    expect(rule(api, 'require-compliant-task-definition').findings[0]?.message).toContain('breaks no-host-network-mode');
  });

  it('container_definitions known only after apply: the container rules are unknown, the task-level rules still decide', () => {
    const worker = byName(results, 'aws_ecs_task_definition.worker');
    expect(rule(worker, 'require-image-digest')).toMatchObject({ status: 'unknown', reason: 'containerDefinitions is unknown (known after apply)' });
    expect(rule(worker, 'no-privileged-containers').status).toBe('unknown');
    expect(rule(worker, 'no-host-network-mode').status).toBe('fail');
    expect(rule(worker, 'require-task-role').status).toBe('pass');
  });

  it('after_unknown is per field: an unknown security group leaves assign_public_ip decided', () => {
    const text = plan([
      'aws_ecs_service.web',
      'aws_ecs_service',
      { name: 'web', network_configuration: [{ assign_public_ip: false, subnets: ['subnet-1'] }] },
      { network_configuration: [{ security_groups: true }], task_definition: true },
    ]);
    const [service] = judge(text);
    expect(rule(service!, 'no-public-ip').status).toBe('pass');
  });
});

describe('a real plan of the format', () => {
  it("OpenTofu's show -json golden output (modules, count, no ECS resource) reads as no resources, not an error", () => {
    const text = readFileSync(join(fixtures, 'opentofu-show-json-modules.json'), 'utf8');
    expect(loadDocument(text, 'modules.json')).toEqual({ resources: [], unjudged: [] });
  });
});

describe('bad input', () => {
  it('malformed container_definitions JSON is an error of that resource naming its address, not a crash; the other resources are judged', () => {
    const text = plan(
      ['aws_ecs_task_definition.broken', 'aws_ecs_task_definition', { family: 'broken', container_definitions: '[{"name": "app", "image": "nginx",}]' }],
      [
        'aws_ecs_task_definition.fine',
        'aws_ecs_task_definition',
        { family: 'fine', container_definitions: containers({ name: 'app', image: 'nginx', privileged: true }) },
      ],
    );
    const evaluator = policyEvaluator([presetPolicy('strict', builtinRules)], { now: new Date(), audit: false });
    const report = checkDocuments([{ source: 'plan.json', text }], 'strict', evaluator.makeEvaluate);
    expect(report.errors).toEqual([]);
    const broken = byName(report.results, 'aws_ecs_task_definition.broken');
    // Other rules may fail it too (fail outranks error); a container rule cannot read the containers.
    expect(['error', 'fail']).toContain(broken.status);
    expect(rule(broken, 'no-privileged-containers').status).toBe('error');
    expect(broken.resource.problems?.map((p) => p.path)).toEqual(['containerDefinitions']);
    expect(broken.resource.problems?.[0]?.message).toMatch(/^container_definitions is not valid JSON: .*line 1, column \d+/);
    expect(broken.resource.origin.locate?.('containerDefinitions')?.line).toBe(lineOf(text, '"container_definitions"'));
    expect(rule(byName(report.results, 'aws_ecs_task_definition.fine'), 'no-privileged-containers').status).toBe('fail');
  });

  it('values of the wrong type are problems at their path: the resource errors, never passes', () => {
    const text = plan(
      [
        'aws_ecs_task_definition.typo',
        'aws_ecs_task_definition',
        { family: 'typo', network_mode: 'AWSVPC', container_definitions: containers({ name: 'app', image: 'nginx', privileged: 'yes' }) },
      ],
      ['aws_ecs_service.typo', 'aws_ecs_service', { name: 'typo', network_configuration: [{ assign_public_ip: 'maybe' }], desired_count: 'two' }],
    );
    const [td, service] = judge(text);
    expect(td!.resource.problems?.map((p) => p.path).sort()).toEqual(['containerDefinitions[0].privileged', 'networkMode']);
    expect(['error', 'fail']).toContain(td!.status);
    expect(rule(td!, 'no-privileged-containers').status).toBe('error');
    expect(service!.resource.problems?.map((p) => p.path).sort()).toEqual(['desiredCount', 'networkConfiguration.awsvpcConfiguration.assignPublicIp']);
    expect(service!.resource.origin.locate?.('desiredCount')?.line).toBe(lineOf(text, '"desired_count"'));
  });

  it('a plan of an unsupported major format version is refused by name and line', () => {
    expect(() => loadDocument(JSON.stringify({ format_version: '2.0', resource_changes: [] }), 'plan.json')).toThrow(
      'plan.json:1: Terraform plan: format_version 2.0 is not supported (1.x is)',
    );
  });

  it('the CLI reports the broken resource by address and exits non-zero, without a stack trace', async () => {
    const dir = scratch({
      'plan.json': plan(['module.app.aws_ecs_task_definition.this', 'aws_ecs_task_definition', { family: 'x', container_definitions: '[{' }]),
    });
    const { status, stdout, stderr } = await runCli(['check', '--preset', 'strict', join(dir, 'plan.json')]);
    const out = stdout + stderr;
    expect(status).not.toBe(0);
    expect(out).toContain('module.app.aws_ecs_task_definition.this');
    expect(out).toContain('container_definitions is not valid JSON');
    expect(out).not.toMatch(/\n\s+at /);
  });
});

describe('the CLI', () => {
  it('checks a plan file: findings named by address with the plan line, a deny fails the run', async () => {
    const { status, stdout } = await runCli(['check', '--preset', 'strict', '--format', 'json', webPlan]);
    const report = JSON.parse(stdout) as { results: { name: string; findings: { ruleId: string; line?: number }[] }[]; errors: unknown[] };
    expect(report.errors).toEqual([]);
    const service = report.results.find((r) => r.name === 'module.web.aws_ecs_service.this')!;
    expect(service.findings.find((f) => f.ruleId === 'no-public-ip')?.line).toBe(lineOf(webText, '"assign_public_ip": true'));
    expect(status).toBe(1);
  });
});

describe('plans without resource changes', () => {
  it('planned_values alone: read, but never a pass (it leaves out what is known only after apply)', () => {
    const text = JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          child_modules: [
            {
              address: 'module.web',
              resources: [
                {
                  address: 'module.web.aws_ecs_task_definition.this',
                  mode: 'managed',
                  type: 'aws_ecs_task_definition',
                  name: 'this',
                  values: { family: 'web', network_mode: 'awsvpc', container_definitions: containers({ name: 'app', image: 'nginx:1.27', privileged: true }) },
                },
              ],
            },
          ],
        },
      },
    });
    const [td] = judge(text);
    expect(td!.resource.name).toBe('module.web.aws_ecs_task_definition.this');
    expect(td!.resource.caveat).toMatch(/planned_values/);
    expect(rule(td!, 'no-privileged-containers').status).toBe('fail');
  });

  it('a state (terraform show -json of the state): its values are all known, so no caveat; a task set maps to the API shape', () => {
    const text = JSON.stringify({
      format_version: '1.0',
      terraform_version: '1.9.8',
      values: {
        root_module: {
          resources: [
            {
              address: 'aws_ecs_task_set.green',
              mode: 'managed',
              type: 'aws_ecs_task_set',
              name: 'green',
              values: {
                service: 'web',
                cluster: 'main',
                task_definition: 'web:7',
                launch_type: 'FARGATE',
                external_id: 'green',
                scale: [{ unit: 'PERCENT', value: 100 }],
                network_configuration: [{ assign_public_ip: false, subnets: ['subnet-1'], security_groups: [] }],
                tags: { team: 'payments' },
              },
            },
          ],
        },
      },
    });
    const [taskSet] = judge(text);
    expect(taskSet!.resource).toMatchObject({
      kind: 'taskSet',
      name: 'aws_ecs_task_set.green',
      taskDefinitionRef: 'web:7',
      object: {
        service: 'web',
        launchType: 'FARGATE',
        externalId: 'green',
        scale: { unit: 'PERCENT', value: 100 },
        networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED', subnets: ['subnet-1'] } },
        tags: [{ key: 'team', value: 'payments' }],
      },
    });
    expect(taskSet!.resource.caveat).toBeUndefined();
    expect(rule(taskSet!, 'no-public-ip').status).toBe('pass');
  });
});
