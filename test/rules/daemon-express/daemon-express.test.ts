/**
 * Every rule that applies to a daemon task definition, a daemon or an Express service, over a
 * resource built to break it: it fails at the right path and line, or, where the kind has no such
 * field in the ECS API, it is skipped with a reason naming the field (never a pass).
 */
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../../src/core/evaluate.js';
import { buildRuleSet } from '../../../src/core/rule-set.js';
import { indexTaskDefinitions } from '../../../src/core/task-definition-index.js';
import { locateFinding, type ResourceKind, type ResourceResult } from '../../../src/core/types.js';
import { loadResources } from '../../../src/input/load.js';
import { builtinRules, ruleById } from '../../../src/rules/index.js';

type Expect = { path: string } | { skip: RegExp };
interface Row {
  rule: string;
  /** The document: the resource under test comes first. */
  doc: unknown;
  expect: Expect;
  options?: unknown;
  /** Rules run alongside (require-compliant-task-definition needs a deny finding on what the resource runs). */
  with?: string[];
}

/** Evaluates `doc` (pretty-printed, so each field has its line) with one rule; the first resource's result. */
function judge(row: Row): { result: ResourceResult; text: string } {
  const rule = ruleById(row.rule)!;
  const text = JSON.stringify(row.doc, null, 2);
  const resources = loadResources(text, 'input.json');
  const rules = [rule, ...(row.with ?? []).map((id) => ruleById(id)!)];
  const ruleSet = buildRuleSet('test', rules, (r) => ({ action: 'deny', options: r === rule ? row.options : undefined }));
  const evaluate = createEvaluator(ruleSet, { resolveTaskDefinition: indexTaskDefinitions(resources) });
  return { result: evaluate(resources[0]!), text };
}

function check(row: Row): void {
  const { result, text } = judge(row);
  const ruleResult = result.rules.find((r) => r.ruleId === row.rule);
  expect(ruleResult, `${row.rule} did not run on ${result.resource.kind}`).toBeDefined();
  if ('skip' in row.expect) {
    expect(ruleResult!.status).toBe('skip');
    expect(ruleResult!.reason).toMatch(row.expect.skip);
    return;
  }
  expect(ruleResult!.status, ruleResult!.reason).toBe('fail');
  const finding = ruleResult!.findings.find((f) => f.path === (row.expect as { path: string }).path);
  expect(finding, `no finding at ${row.expect.path}: ${ruleResult!.findings.map((f) => f.path).join(', ')}`).toBeDefined();
  // The line of the finding holds the last named field of its path (or its list, for an item);
  // a field that is absent is found at the object that lacks it.
  const line = locateFinding(result.resource, finding!)?.line;
  expect(line).toBeGreaterThan(0);
  const lastKey = /([A-Za-z]+)(?:\[\d+\])?$/.exec(row.expect.path)![1]!;
  const lines = text.split('\n');
  const keyLine = lines.findIndex((l) => l.includes(`"${lastKey}"`)) + 1;
  if (keyLine === 0) return;
  // An item of a list is on a line after its list's key; a field on its key's line.
  if (/\]$/.test(row.expect.path)) expect(line!).toBeGreaterThan(keyLine);
  else expect(lines[line! - 1]).toContain(`"${lastKey}"`);
}

const DIGEST = 'registry.example.com/agent@sha256:3f1c2b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';
const daemonTd = (container: Record<string, unknown>, task: Record<string, unknown> = {}): unknown => ({
  daemonTaskDefinition: { family: 'agent', revision: 1, containerDefinitions: [{ name: 'agent', image: DIGEST, ...container }], ...task },
});
const express = (container: Record<string, unknown>, service: Record<string, unknown> = {}): unknown => ({
  serviceName: 'web',
  infrastructureRoleArn: 'arn:aws:iam::111122223333:role/infra',
  primaryContainer: { image: DIGEST, ...container },
  ...service,
});
const C = 'containerDefinitions[0]';
const P = 'primaryContainer';
const lacks = (field: string): { skip: RegExp } => ({ skip: new RegExp(`primary container has no \`${field.replaceAll('.', '\\.')}\``) });

const DAEMON_TASK_DEFINITION: Row[] = [
  {
    rule: 'no-aws-credentials-in-environment',
    doc: daemonTd({ environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY' }] }),
    expect: { path: `${C}.environment[0].name` },
  },
  {
    rule: 'no-secrets-in-environment',
    doc: daemonTd({ environment: [{ name: 'DB_PASSWORD', value: 'Zq8#pW2!rT6vLm' }] }),
    expect: { path: `${C}.environment[0].value` },
  },
  { rule: 'no-mutable-image-tags', doc: daemonTd({ image: 'nginx:latest' }), expect: { path: `${C}.image` } },
  { rule: 'require-approved-registries', doc: daemonTd({ image: 'nginx:1.27' }), expect: { path: `${C}.image` } },
  { rule: 'require-image-digest', doc: daemonTd({ image: 'nginx:1.27' }), expect: { path: `${C}.image` } },
  {
    rule: 'no-dangerous-capabilities',
    doc: daemonTd({ linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } } }),
    expect: { path: `${C}.linuxParameters.capabilities.add[0]` },
  },
  { rule: 'require-drop-all-capabilities', doc: daemonTd({}), expect: { path: `${C}.linuxParameters.capabilities.drop` } },
  {
    rule: 'no-host-devices',
    doc: daemonTd({ linuxParameters: { devices: [{ hostPath: '/dev/kmsg' }] } }),
    expect: { path: `${C}.linuxParameters.devices[0]` },
  },
  { rule: 'no-interactive-containers', doc: daemonTd({ interactive: true }), expect: { path: `${C}.interactive` } },
  { rule: 'no-privileged-containers', doc: daemonTd({ privileged: true }), expect: { path: `${C}.privileged` } },
  { rule: 'require-healthcheck', doc: daemonTd({ essential: true }), expect: { path: `${C}.healthCheck` } },
  { rule: 'require-log-configuration', doc: daemonTd({}), expect: { path: `${C}.logConfiguration` } },
  { rule: 'require-memory-limit', doc: daemonTd({}), expect: { path: `${C}.memory` } },
  { rule: 'require-non-root-user', doc: daemonTd({ user: 'root' }), expect: { path: `${C}.user` } },
  { rule: 'require-readonly-root-filesystem', doc: daemonTd({}), expect: { path: `${C}.readonlyRootFilesystem` } },
  { rule: 'require-non-blocking-logs', doc: daemonTd({ logConfiguration: { logDriver: 'awslogs' } }), expect: { path: `${C}.logConfiguration.options.mode` } },
  {
    rule: 'restrict-sysctls',
    doc: daemonTd({ systemControls: [{ namespace: 'net.ipv4.ip_forward', value: '1' }] }),
    expect: { path: `${C}.systemControls[0].namespace` },
  },
  { rule: 'no-unconfined-security-options', doc: daemonTd({}), expect: { skip: /daemon task definition's containers have no `dockerSecurityOptions`/ } },
  { rule: 'require-non-admin-windows-user', doc: daemonTd({}), expect: { skip: /not a Windows/ } },
  // Task-level fields.
  { rule: 'no-host-pid-mode', doc: daemonTd({}, { pidMode: 'shared' }), expect: { path: 'pidMode' } },
  { rule: 'no-host-ipc-mode', doc: daemonTd({}, { ipcMode: 'shared' }), expect: { path: 'ipcMode' } },
  {
    rule: 'no-host-path-volumes',
    doc: daemonTd({}, { volumes: [{ name: 'sock', host: { sourcePath: '/var/run/docker.sock' } }] }),
    expect: { path: 'volumes[0].host.sourcePath' },
  },
  {
    rule: 'no-sensitive-host-path-volumes',
    doc: daemonTd({}, { volumes: [{ name: 'sock', host: { sourcePath: '/var/run/docker.sock' } }] }),
    expect: { path: 'volumes[0].host.sourcePath' },
  },
  { rule: 'require-task-role', doc: daemonTd({}), expect: { path: 'taskRoleArn' } },
  {
    rule: 'no-shared-task-and-execution-role',
    doc: daemonTd({}, { taskRoleArn: 'arn:aws:iam::111122223333:role/x', executionRoleArn: 'arn:aws:iam::111122223333:role/x' }),
    expect: { path: 'taskRoleArn' },
  },
  { rule: 'limit-task-size', doc: daemonTd({}, { cpu: '2048' }), options: { maxCpu: 1024 }, expect: { path: 'cpu' } },
  { rule: 'no-host-network-mode', doc: daemonTd({}), expect: { skip: /daemon task definition has no `networkMode`/ } },
  { rule: 'require-awsvpc-network-mode', doc: daemonTd({}), expect: { skip: /daemon task definition has no `networkMode`/ } },
  { rule: 'require-efs-iam-authorization', doc: daemonTd({}), expect: { skip: /has no `volumes\.efsVolumeConfiguration`/ } },
  { rule: 'require-efs-transit-encryption', doc: daemonTd({}), expect: { skip: /has no `volumes\.efsVolumeConfiguration`/ } },
];

const EXPRESS_SERVICE: Row[] = [
  {
    rule: 'no-aws-credentials-in-environment',
    doc: express({ environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY' }] }),
    expect: { path: `${P}.environment[0].name` },
  },
  {
    rule: 'no-secrets-in-environment',
    doc: express({ environment: [{ name: 'DB_PASSWORD', value: 'Zq8#pW2!rT6vLm' }] }),
    expect: { path: `${P}.environment[0].value` },
  },
  { rule: 'no-mutable-image-tags', doc: express({ image: 'nginx:latest' }), expect: { path: `${P}.image` } },
  { rule: 'require-approved-registries', doc: express({ image: 'nginx:1.27' }), expect: { path: `${P}.image` } },
  { rule: 'require-image-digest', doc: express({ image: 'nginx:1.27' }), expect: { path: `${P}.image` } },
  {
    rule: 'no-shared-task-and-execution-role',
    doc: express({}, { taskRoleArn: 'arn:aws:iam::111122223333:role/x', executionRoleArn: 'arn:aws:iam::111122223333:role/x' }),
    expect: { path: 'taskRoleArn' },
  },
  { rule: 'no-dangerous-capabilities', doc: express({}), expect: lacks('linuxParameters.capabilities') },
  { rule: 'require-drop-all-capabilities', doc: express({}), expect: lacks('linuxParameters.capabilities') },
  { rule: 'no-host-devices', doc: express({}), expect: lacks('linuxParameters.devices') },
  { rule: 'no-interactive-containers', doc: express({}), expect: lacks('interactive') },
  { rule: 'no-privileged-containers', doc: express({}), expect: lacks('privileged') },
  { rule: 'no-unconfined-security-options', doc: express({}), expect: lacks('dockerSecurityOptions') },
  { rule: 'require-healthcheck', doc: express({}), expect: lacks('healthCheck') },
  { rule: 'require-log-configuration', doc: express({}), expect: lacks('logConfiguration') },
  { rule: 'require-non-blocking-logs', doc: express({}), expect: lacks('logConfiguration') },
  { rule: 'require-memory-limit', doc: express({}), expect: lacks('memory') },
  { rule: 'require-non-root-user', doc: express({}), expect: lacks('user') },
  { rule: 'require-non-admin-windows-user', doc: express({}), expect: lacks('user') },
  { rule: 'require-readonly-root-filesystem', doc: express({}), expect: lacks('readonlyRootFilesystem') },
  { rule: 'restrict-sysctls', doc: express({}), expect: lacks('systemControls') },
  { rule: 'no-execute-command', doc: express({}), expect: { skip: /Express service has no `enableExecuteCommand`/ } },
  { rule: 'no-public-ip', doc: express({}), expect: { skip: /Express service has no `networkConfiguration\.awsvpcConfiguration\.assignPublicIp`/ } },
  { rule: 'require-compliant-task-definition', doc: express({}), expect: { skip: /names no task definition \(its primary container is judged instead\)/ } },
];

const badDaemonTd = {
  daemonTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:daemon-task-definition/agent:1',
  family: 'agent',
  revision: 1,
  containerDefinitions: [{ name: 'agent', image: DIGEST, privileged: true }],
};
const DAEMON: Row[] = [
  {
    rule: 'no-execute-command',
    doc: { daemonName: 'agent', daemonTaskDefinitionArn: 'agent:1', enableExecuteCommand: true },
    expect: { path: 'enableExecuteCommand' },
  },
  { rule: 'no-public-ip', doc: { daemonName: 'agent', daemonTaskDefinitionArn: 'agent:1' }, expect: { skip: /daemon has no `networkConfiguration/ } },
  {
    rule: 'require-compliant-task-definition',
    // The daemon's daemon task definition, checked with it, breaks a deny rule.
    doc: [{ daemonName: 'agent', daemonTaskDefinitionArn: badDaemonTd.daemonTaskDefinitionArn, capacityProviderArns: ['cp'] }, badDaemonTd],
    with: ['no-privileged-containers'],
    expect: { path: 'daemonTaskDefinitionArn' },
  },
];

describe('rules on daemon task definitions, daemons and Express services', () => {
  const byKind: [ResourceKind, Row[]][] = [
    ['daemonTaskDefinition', DAEMON_TASK_DEFINITION],
    ['expressService', EXPRESS_SERVICE],
    ['daemon', DAEMON],
  ];

  for (const [kind, rows] of byKind) {
    it.each(rows.map((row) => [row.rule, row] as const))(`${kind}: %s`, (_id, row) => check(row));

    it(`${kind}: every rule that applies to it is in the table`, () => {
      const applying = builtinRules.filter((r) => r.appliesTo.includes(kind)).map((r) => r.id);
      expect(rows.map((r) => r.rule).sort()).toEqual(applying.sort());
    });
  }

  it('the rules that read containers apply to both new container holders', () => {
    const holders = builtinRules.filter((r) => r.appliesTo.includes('taskDefinition') && r.appliesTo.includes('expressService')).map((r) => r.id);
    expect(holders.length).toBeGreaterThanOrEqual(19);
    for (const id of holders) expect(ruleById(id)!.appliesTo).toContain('daemonTaskDefinition');
  });
});
