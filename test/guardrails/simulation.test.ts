// Every generated statement, run through an IAM policy simulator (@cloud-copilot/iam-simulate):
// what the policy denies is denied, what it allows or excepts is allowed, and every action and
// condition key is one the simulator's IAM reference data knows.
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../src/guardrails/types.js';
import { policyText, runCli, scratch } from '../helpers/cli.js';
import { ADMISSION_ROLE, decide, namingProblems, serviceArn, taskDefinitionArn } from './simulate.js';

const POLICY = policyText(
  'prod',
  `mode: enforce
rules:
  no-privileged-containers: deny
  no-execute-command: deny
  no-public-ip: deny
  limit-task-size: { action: deny, options: { maxCpu: 4096, maxMemory: 16384 } }
  require-tags: { action: deny, options: { keys: [owner] } }
exceptions:
  - rules: [no-privileged-containers]
    match: { families: ['legacy-*'] }
    reason: the legacy agent needs host access until it is replaced
    expires: 2099-01-01`,
);

async function documents(format: 'json' = 'json', extra: string[] = []): Promise<PolicyDocument[]> {
  const dir = scratch({ 'policy.yaml': POLICY });
  const { status, stdout, stderr } = await runCli(['guardrails', '--policy', `${dir}/policy.yaml`, '--format', format, ...extra]);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return (JSON.parse(stdout) as { documents: { document: PolicyDocument }[] }).documents.map((d) => d.document);
}

const docs = await documents();
const owner = { 'aws:RequestTag/owner': 'payments', 'aws:TagKeys': ['owner'] };
const register = (family: string, context: Record<string, string | string[]>) =>
  decide(docs, { action: 'ecs:RegisterTaskDefinition', resource: taskDefinitionArn(`${family}:1`), context: { ...owner, ...context } });

describe('guardrails under simulation', () => {
  it('names only actions and condition keys the IAM reference data knows, each evaluated by an action of its statement', async () => {
    for (const document of docs) expect(await namingProblems(document)).toEqual([]);
  });

  it('denies a privileged RegisterTaskDefinition, and allows a non-privileged one', async () => {
    expect(await register('web', { 'ecs:privileged': 'true' })).toBe('ExplicitlyDenied');
    expect(await register('web', { 'ecs:privileged': 'false' })).toBe('Allowed');
    expect(await register('web', {})).toBe('Allowed');
  });

  it('allows a privileged task definition in a family the exception names', async () => {
    expect(await register('legacy-agent', { 'ecs:privileged': 'true' })).toBe('Allowed');
  });

  it('denies a task definition without the required tag', async () => {
    expect(await decide(docs, { action: 'ecs:RegisterTaskDefinition', resource: taskDefinitionArn('web:1'), context: {} })).toBe('ExplicitlyDenied');
  });

  it('denies a task size over the limits at registration (services are not judged by the rule, so not denied)', async () => {
    expect(await register('web', { 'ecs:task-cpu': '8192' })).toBe('ExplicitlyDenied');
    expect(await register('web', { 'ecs:task-memory': '32768' })).toBe('ExplicitlyDenied');
    expect(await register('web', { 'ecs:task-cpu': '4096', 'ecs:task-memory': '16384' })).toBe('Allowed');
    expect(await decide(docs, { action: 'ecs:CreateService', resource: serviceArn('web'), context: { 'ecs:task-cpu': '8192' } })).toBe('Allowed');
  });

  it('denies a service with a public IP, and allows one without', async () => {
    const service = (value: string) =>
      decide(docs, { action: 'ecs:CreateService', resource: serviceArn('web'), context: { 'ecs:auto-assign-public-ip': value } });
    expect(await service('true')).toBe('ExplicitlyDenied');
    expect(await service('false')).toBe('Allowed');
    expect(await decide(docs, { action: 'ecs:UpdateService', resource: serviceArn('web'), context: { 'ecs:auto-assign-public-ip': 'true' } })).toBe(
      'ExplicitlyDenied',
    );
  });

  it('denies ECS Exec on services and tasks', async () => {
    const exec = { 'ecs:enable-execute-command': 'true' };
    expect(await decide(docs, { action: 'ecs:UpdateService', resource: serviceArn('web'), context: exec })).toBe('ExplicitlyDenied');
    expect(await decide(docs, { action: 'ecs:RunTask', resource: taskDefinitionArn('web:1'), context: exec })).toBe('ExplicitlyDenied');
    expect(await decide(docs, { action: 'ecs:StartTask', resource: taskDefinitionArn('web:1'), context: exec })).toBe('ExplicitlyDenied');
    expect(await decide(docs, { action: 'ecs:RunTask', resource: taskDefinitionArn('web:1'), context: { 'ecs:enable-execute-command': 'false' } })).toBe(
      'Allowed',
    );
  });

  describe('the quarantine', () => {
    const quarantined = { 'aws:ResourceTag/ecs-admission:verdict': 'denied' };
    it('denies RunTask and StartTask of a denied revision to everyone, the ecs-admission role included', async () => {
      for (const principal of [undefined, ADMISSION_ROLE]) {
        for (const action of ['ecs:RunTask', 'ecs:StartTask']) {
          expect(await decide(docs, { action, resource: taskDefinitionArn('web:7'), principal, context: quarantined })).toBe('ExplicitlyDenied');
        }
      }
      const flagged = { 'aws:ResourceTag/ecs-admission:verdict': 'flagged' };
      expect(await decide(docs, { action: 'ecs:RunTask', resource: taskDefinitionArn('web:7'), context: flagged })).toBe('Allowed');
    });

    it('denies removing or changing the tag to a deployer, and allows it to the ecs-admission role', async () => {
      const untag = {
        action: 'ecs:UntagResource',
        resource: taskDefinitionArn('web:7'),
        context: { ...quarantined, 'aws:TagKeys': ['ecs-admission:verdict'] },
      };
      const retag = {
        action: 'ecs:TagResource',
        resource: taskDefinitionArn('web:7'),
        context: { ...quarantined, 'aws:TagKeys': ['ecs-admission:verdict'], 'aws:RequestTag/ecs-admission:verdict': 'flagged' },
      };
      expect(await decide(docs, untag)).toBe('ExplicitlyDenied');
      expect(await decide(docs, retag)).toBe('ExplicitlyDenied');
      expect(await decide(docs, { ...untag, principal: ADMISSION_ROLE })).toBe('Allowed');
      expect(await decide(docs, { ...retag, principal: ADMISSION_ROLE })).toBe('Allowed');
      expect(await decide(docs, { ...untag, context: { 'aws:TagKeys': ['owner'] } })).toBe('Allowed');
    });

    it('holds for the role patterns given with --admin-role-arns', async () => {
      const custom = await documents('json', ['--admin-role-arns', 'arn:aws:iam::*:role/platform-guard']);
      const untag = { action: 'ecs:UntagResource', resource: taskDefinitionArn('web:7'), context: { 'aws:TagKeys': ['ecs-admission:verdict'] } };
      expect(await decide(custom, { ...untag, principal: ADMISSION_ROLE })).toBe('ExplicitlyDenied');
      expect(await decide(custom, { ...untag, principal: 'arn:aws:iam::111122223333:role/platform-guard' })).toBe('Allowed');
    });
  });
});
