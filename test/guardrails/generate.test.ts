import { describe, expect, it } from 'vitest';
import { SCP_LIMIT } from '../../src/guardrails/documents.js';
import { generateGuardrails } from '../../src/guardrails/generate.js';
import { GuardrailError } from '../../src/guardrails/types.js';
import { presetPolicy, type CompiledPolicy } from '../../src/policy/engine.js';
import { builtinRules } from '../../src/rules/index.js';
import { policyText, runCli, scratch } from '../helpers/cli.js';
import { namingProblems } from './simulate.js';

interface Report {
  documents: {
    name: string;
    targets: { kind: string; ids?: string[] };
    size: number;
    document: {
      Statement: { Sid: string; Action: string[]; Resource?: unknown; NotResource?: string[]; Condition?: Record<string, Record<string, unknown>> }[];
    };
  }[];
  preventive: { policy: string; rule: string; actions: string[]; keys: string[]; gaps: string[] }[];
  detectiveOnly: { policy: string; rule: string; reason: string }[];
  reports: string[];
  notes: string[];
}

async function guardrails(spec: string, args: string[] = ['--format', 'json']): Promise<{ status: number; stdout: string; stderr: string }> {
  const dir = scratch({ 'policy.yaml': policyText('team', spec) });
  return runCli(['guardrails', '--policy', `${dir}/policy.yaml`, ...args]);
}

async function report(spec: string): Promise<Report> {
  const { status, stdout, stderr } = await guardrails(spec);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return JSON.parse(stdout) as Report;
}

const statements = (r: Report) => r.documents.flatMap((d) => d.document.Statement);

describe('guardrails', () => {
  it('turns accounts and OUs into attachment targets, and regions into a condition', async () => {
    const r = await report(`mode: enforce\nmatch: { accounts: ['111122223333'], regions: ['eu-*'] }\nrules: { no-privileged-containers: deny }`);
    expect(r.documents.map((d) => d.targets)).toEqual([{ kind: 'ids', ids: ['111122223333'] }]);
    const privileged = statements(r).find((s) => s.Sid === 'NoPrivilegedContainers')!;
    expect(privileged.Condition).toEqual({ StringEquals: { 'ecs:privileged': 'true' }, StringLike: { 'aws:RequestedRegion': 'eu-*' } });
    const ou = await report(`mode: enforce\nmatch: { organizationalUnits: ['ou-ab12-cd34ef56'] }\nrules: { no-public-ip: deny }`);
    expect(ou.documents[0]!.targets).toEqual({ kind: 'ids', ids: ['ou-ab12-cd34ef56'] });
  });

  it('leaves excluded families and excepted families out with NotResource (task definitions) or ArnNotLike (services), printing the expiry', async () => {
    const r = await report(`mode: enforce
exclude: { families: ['sandbox-*'] }
rules: { no-privileged-containers: deny, no-public-ip: deny }
exceptions:
  - rules: [no-privileged-containers, no-public-ip]
    match: { families: [legacy-agent] }
    reason: host access until the agent is replaced
    expires: 2099-01-01`);
    const privileged = statements(r).find((s) => s.Sid === 'NoPrivilegedContainers')!;
    expect(privileged.Resource).toBeUndefined();
    expect(privileged.NotResource).toContain('arn:aws:ecs:*:*:task-definition/sandbox-*:*');
    expect(privileged.NotResource).toContain('arn:aws:ecs:*:*:task-definition/legacy-agent:*');
    const publicIp = statements(r).find((s) => s.Sid === 'NoPublicIp')!;
    expect(publicIp.Condition!.ArnNotLike).toEqual({
      'ecs:task-definition': ['arn:aws:ecs:*:*:task-definition/sandbox-*:*', 'arn:aws:ecs:*:*:task-definition/legacy-agent:*'],
    });
    expect(r.notes.join('\n')).toContain('until 2099-01-01');
    expect(r.preventive.find((p) => p.rule === 'no-public-ip')!.gaps.join('\n')).toContain('names no task definition');
  });

  it('reports, and does not emit, what IAM cannot say exactly', async () => {
    const clusters = await report(`mode: enforce\nmatch: { clusters: [prod] }\nrules: { no-privileged-containers: deny }`);
    expect(statements(clusters).map((s) => s.Sid)).toEqual(['QuarantineDeniedRevisions', 'ProtectAdmissionTags']);
    expect(clusters.reports).toEqual([expect.stringContaining('match.clusters')]);
    const tags = await report(`mode: enforce\nmatch: { tags: { env: prod } }\nrules: { no-privileged-containers: deny }`);
    expect(tags.reports).toEqual([expect.stringContaining('match.tags')]);
    const byContainer = await report(`mode: enforce
rules: { no-privileged-containers: deny }
exceptions:
  - rules: [no-privileged-containers]
    containers: [agent]
    reason: the agent container needs host access
    expires: 2099-01-01`);
    expect(byContainer.reports).toEqual([expect.stringContaining('containers, which IAM cannot express')]);
    const both = await report(
      `mode: enforce\nmatch: { families: ['pay-*'] }\nexclude: { families: ['pay-sandbox-*'] }\nrules: { no-privileged-containers: deny, no-public-ip: deny }`,
    );
    expect(both.reports).toEqual([expect.stringContaining('Resource and NotResource')]);
    expect(statements(both).find((s) => s.Sid === 'NoPublicIp')!.Condition).toMatchObject({ ArnLike: {}, ArnNotLike: {} });
  });

  it('says why every other rule stays detective-only', async () => {
    const r = await report(`mode: enforce\nextends: [recommended]\nrules: { no-execute-command: flag }`);
    const reason = (rule: string) => r.detectiveOnly.find((d) => d.rule === rule)?.reason;
    expect(reason('no-execute-command')).toMatch(/action flag/);
    expect(reason('no-host-network-mode')).toMatch(/networkMode/);
    expect(reason('limit-task-size')).toBe('off');
    expect(r.preventive.map((p) => p.rule).sort()).toEqual(['no-privileged-containers', 'no-public-ip']);
    const audit = await report(`mode: audit\nrules: { no-privileged-containers: deny }`);
    expect(audit.detectiveOnly.find((d) => d.rule === 'no-privileged-containers')!.reason).toMatch(/audit-only/);
  });

  it('groups actions into one statement per condition, with no duplicates', async () => {
    const r = await report(`mode: enforce\nrules: { no-execute-command: deny }`);
    const exec = statements(r).filter((s) => JSON.stringify(s.Condition).includes('enable-execute-command'));
    expect(exec).toHaveLength(1);
    expect(exec[0]!.Action).toEqual(['ecs:CreateService', 'ecs:RunTask', 'ecs:StartTask', 'ecs:UpdateService']);
  });

  it('splits documents under the SCP size limit, counting minified JSON', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `cost-center-${i}`);
    const r = await report(`mode: enforce\nrules:\n  require-tags: { action: deny, options: { keys: [${keys.join(', ')}] } }`);
    expect(r.documents.length).toBeGreaterThan(1);
    for (const d of r.documents) {
      expect(d.size).toBe(JSON.stringify(d.document).length);
      expect(d.size).toBeLessThanOrEqual(SCP_LIMIT);
    }
    expect(statements(r).filter((s) => JSON.stringify(s.Condition).includes('aws:RequestTag/'))).toHaveLength(60);
    for (const d of r.documents) expect(await namingProblems(d.document as never)).toEqual([]);
  });

  it('refuses a statement for an exception without an expiry', () => {
    const policy: CompiledPolicy = { ...presetPolicy('recommended', builtinRules), mode: 'enforce' };
    policy.exceptions = [
      {
        policy: 'p',
        file: 'p.yaml',
        index: 0,
        applied: 0,
        missed: 0,
        spec: { rules: ['no-privileged-containers'], reason: 'no expiry given here', expires: '' },
      },
    ];
    expect(() => generateGuardrails([policy], { today: '2026-01-01' })).toThrow(GuardrailError);
  });
});

describe('guardrails output formats', () => {
  const spec = `mode: enforce\nmatch: { accounts: ['111122223333'] }\nrules: { no-privileged-containers: deny, no-public-ip: deny }`;

  it('scp: each document minified under a header naming its targets, then the layers', async () => {
    const { status, stdout } = await guardrails(spec, []);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^# ecs-admission-guardrails: \d+ of 5120 characters; attach to 111122223333\n\{"Version":"2012-10-17"/);
    expect(stdout).toContain('# preventive: team/no-public-ip: ecs:CreateService, ecs:UpdateService (ecs:auto-assign-public-ip)');
    expect(stdout).toContain('#   gap: RunTask and StartTask: AWS does not evaluate ecs:auto-assign-public-ip for them');
  });

  it('iam: an identity policy or permissions boundary', async () => {
    const { stdout } = await guardrails(spec, ['--format', 'iam']);
    expect(stdout).toContain('of 6144 characters; attach to the deploying roles');
  });

  it('cloudformation: AWS::Organizations::Policy resources targeted at the scope', async () => {
    const { stdout } = await guardrails(spec, ['--format', 'cloudformation']);
    const template = JSON.parse(stdout) as { Resources: Record<string, { Type: string; Properties: { Type: string; TargetIds: unknown[]; Content: object } }> };
    const [resource] = Object.values(template.Resources);
    expect(resource).toMatchObject({ Type: 'AWS::Organizations::Policy', Properties: { Type: 'SERVICE_CONTROL_POLICY', TargetIds: ['111122223333'] } });
    const root = JSON.parse((await guardrails(`mode: enforce\nrules: { no-public-ip: deny }`, ['--format', 'cloudformation'])).stdout) as {
      Parameters: object;
      Resources: object;
    };
    expect(root.Parameters).toHaveProperty('OrganizationRootId');
    expect(JSON.stringify(root.Resources)).toContain('{"Ref":"OrganizationRootId"}');
  });

  it('rejects an unknown format and stray arguments with status 2', async () => {
    expect((await guardrails(spec, ['--format', 'yaml'])).status).toBe(2);
    expect((await runCli(['guardrails', 'policies'])).status).toBe(2);
    expect((await guardrails(spec, ['--admin-role-arns', 'ecs-admission'])).status).toBe(2);
  });

  it('names a typo in an action or a condition key (the simulator data is the reference)', async () => {
    const typo = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Deny' as const, Action: ['ecs:RegisterTaskDefinitions'], Resource: '*' }] };
    expect(await namingProblems(typo)).toEqual(['unknown action ecs:RegisterTaskDefinitions']);
    const key = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Deny' as const, Action: ['ecs:RegisterTaskDefinition'], Resource: '*', Condition: { StringEquals: { 'ecs:privilege': 'true' } } }],
    };
    expect(await namingProblems(key)).toEqual(['unknown condition key ecs:privilege']);
    const wrongAction = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Deny' as const, Action: ['ecs:RunTask'], Resource: '*', Condition: { Bool: { 'ecs:auto-assign-public-ip': 'true' } } }],
    };
    expect(await namingProblems(wrongAction)).toEqual(['ecs:auto-assign-public-ip is evaluated by none of ecs:RunTask']);
  });
});
