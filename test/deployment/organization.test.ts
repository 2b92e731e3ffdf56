// The organization's deployment: serverless.yml in its two shapes and the member stack.
//  - `shape=single` (the default) is the single-account deployment, with nothing of the hub's.
//  - `shape=hub` (with organizationId) adds the organization's event bus, puts the admission rule on
//    it, names the member role to the functions and lets their roles assume it (deploy/hub.yml).
//  - deploy/member.yaml (StackSets, every member account and Region) forwards the same calls to the
//    hub's bus and creates the member role: only the hub's roles may assume it, and it grants no
//    action they do not have themselves.
//  - The hub also has a versioned policy bucket, and lets both roles read its object and the OUs of
//    an account (the sweep also lists the accounts); `policiesFrom=bucket` (hub only) points both
//    functions at that object instead of a packaged file, and packages no policies.
// The hub shape is packaged twice more (the default package is shared with the other test files):
// policies from the package and from the bucket; these templates and the member template go through
// cfn-lint.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TAG_KEYS } from '../../src/admission/types.js';
import { parseDocuments } from '../../src/input/parse.js';
import { cfnLint, runCfnLint } from '../helpers/cfn-lint.js';
import { root } from '../helpers/cli.js';
import { cloudTrailRecord } from '../helpers/cloudtrail.js';
import { awsClientConfig, describeWithMoto, uniqueName } from '../helpers/moto.js';
import { copyService, onlyResource, packageService, runServerless, type PackagedService, type Template } from '../helpers/serverless-package.js';
import { readZip } from '../helpers/zip.js';
import { DAEMON_EXPRESS_ACTIONS } from '../helpers/ecs-stub-server.js';

const ORGANIZATION = 'o-a1b2c3d4e5';
const HUB_PARAMS = { shape: 'hub', organizationId: ORGANIZATION };
const HUB_BUCKET_PARAMS = { ...HUB_PARAMS, policiesFrom: 'bucket' };
/** Where the functions read the policies: the packaged file, or (policiesFrom=bucket) the hub bucket's object. */
const PACKAGED_POLICIES = 'compiled/policies.json';
const POLICY_OBJECT = { 'Fn::Sub': 's3://${PolicyBucket}/policies.json' };
const MEMBER_ROLE = 'ecs-admission-member';
const ADMISSION = 'AdmissionLambdaFunction';
const SWEEP = 'SweepLambdaFunction';
const RULE_NAME = 'ecs-admission-dev-ecs-calls';
const BUS_NAME = 'ecs-admission-dev';
/** The session names the hub's sweep must use in a member account; a session so named may not write. */
const SWEEP_SESSION = 'ecs-admission-sweep*';
const NOT_SWEEP = { StringNotLike: { 'aws:userid': `*:${SWEEP_SESSION}` } };
const IN_REGIONS = { StringEquals: { 'aws:RequestedRegion': { 'Fn::Split': [',', { Ref: 'Regions' }] } } };
// The only actions that may (and must, having no resource-level permissions) use Resource "*".
const STAR_ACTIONS = [
  'ecs:DescribeTaskDefinition',
  'ecs:ListTaskDefinitions',
  'ecs:DeregisterTaskDefinition',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:ListTasks',
  // Daemon and Express service actions whose resource-level permissions are not confirmed (as in the hub's role).
  ...DAEMON_EXPRESS_ACTIONS,
];

type Resource = Template['Resources'][string];
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Pattern {
  source: unknown;
  'detail-type': unknown;
  detail: Record<string, unknown> & { $or: unknown[]; eventName: string[] };
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const resourcesOf = (template: Template, type: string): [string, Resource][] => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
/** The admission's rule: the one with an event pattern (the sweep's has a schedule). */
const admissionRule = (template: Template): Resource => {
  const rules = resourcesOf(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern !== undefined);
  expect(rules).toHaveLength(1);
  return rules[0]![1];
};
const variables = (template: Template, fn: string) => (template.Resources[fn]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const inlineStatements = (role: Resource): Statement[] =>
  ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
/** Every permission statement of the template: roles' inline policies and policies of their own. */
const permissionStatements = (template: Template): Statement[] => [
  ...resourcesOf(template, 'AWS::IAM::Role').flatMap(([, r]) => inlineStatements(r)),
  ...resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement),
];
/** A template without what differs between two packages of the same code: the upload key, the versions' hashed ids. */
const comparable = (template: Template): Template => {
  const copy = structuredClone(template);
  for (const [id, resource] of Object.entries(copy.Resources)) {
    if (resource.Type === 'AWS::Lambda::Version') delete copy.Resources[id];
    const code = resource.Properties.Code as { S3Key?: string } | undefined;
    if (code?.S3Key) code.S3Key = '<key>';
  }
  for (const id of Object.keys(copy.Outputs ?? {})) if (id.endsWith('QualifiedArn')) delete copy.Outputs![id];
  return copy;
};

/** Each role's actions, from its inline policies and the policies attached to it (AWS::IAM::Policy). */
const actionsByRole = (template: Template): Record<string, string[]> => {
  const byRole: Record<string, string[]> = {};
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) byRole[id] = inlineStatements(role).flatMap((s) => asArray(s.Action));
  for (const [, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
    const actions = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((s) => asArray(s.Action));
    for (const role of policy.Properties.Roles as { Ref: string }[]) byRole[role.Ref]!.push(...actions);
  }
  return byRole;
};

let single: Template;
let hub: PackagedService;
let hubBucket: PackagedService;
let member: Template;

beforeAll(async () => {
  [single, hub, hubBucket] = await Promise.all([packageService().then((p) => p.template), packageService(HUB_PARAMS), packageService(HUB_BUCKET_PARAMS)]);
  console.log(`serverless package (hub shape): ${hub.seconds.toFixed(1)} s; with policiesFrom=bucket: ${hubBucket.seconds.toFixed(1)} s (in parallel)`);
  member = parseDocuments(readFileSync(join(root, 'deploy/member.yaml'), 'utf8'), 'deploy/member.yaml')[0]!.value as Template;
}, 180_000);

/** The member pattern's `Fn::If` on ReportBlocked, as CloudFormation resolves it with the default ('false'). */
const isReportBlockedIf = (value: unknown): value is { 'Fn::If': [string, unknown, unknown] } =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as Record<string, unknown>)['Fn::If']) &&
  (value as { 'Fn::If': unknown[] })['Fn::If'][0] === 'ReportBlocked';
const reportBlockedOff = (value: unknown): unknown => (isReportBlockedIf(value) ? value['Fn::If'][2] : value);

describe('single shape (the default)', () => {
  it('has no event bus, no member role, no AssumeRole grant and no organization in it', () => {
    expect(resourcesOf(single, 'AWS::Events::EventBus')).toEqual([]);
    expect(resourcesOf(single, 'AWS::IAM::Policy')).toEqual([]);
    expect(admissionRule(single).Properties.EventBusName).toBeUndefined();
    expect(permissionStatements(single).flatMap((s) => asArray(s.Action))).not.toContain('sts:AssumeRole');
    for (const fn of [ADMISSION, SWEEP]) expect(variables(single, fn)).not.toHaveProperty('ECS_ADMISSION_MEMBER_ROLE_NAME');
    expect(JSON.stringify(single)).not.toMatch(/OrgID|MEMBER_ROLE|ecs-admission-member/);
  });

  it('has no policy bucket, reads the packaged policies, and may neither read S3 nor call Organizations', () => {
    expect(resourcesOf(single, 'AWS::S3::Bucket').map(([id]) => id)).toEqual(['ServerlessDeploymentBucket']); // the framework's, for the package
    expect(single.Outputs).not.toHaveProperty('PolicyBucket');
    for (const fn of [ADMISSION, SWEEP]) {
      expect(variables(single, fn).ECS_ADMISSION_POLICIES).toBe(PACKAGED_POLICIES);
      expect(variables(single, fn)).not.toHaveProperty('ECS_ADMISSION_POLICIES_CHECK_SECONDS');
    }
    expect(
      permissionStatements(single)
        .flatMap((s) => asArray(s.Action))
        .filter((a) => /^(s3|organizations):/.test(a)),
    ).toEqual([]);
  });
});

describe('hub shape (--param="shape=hub" --param="organizationId=…")', () => {
  const template = () => hub.template;

  it('has an event bus on which only the organization may put events', () => {
    const bus = onlyResource(template(), 'AWS::Events::EventBus');
    expect(bus.logicalId).toBe('EventBus');
    expect(bus.Properties.Name).toBe(BUS_NAME);
    expect((bus.Properties.Policy as { Statement: Statement[] }).Statement).toEqual([
      {
        Sid: 'OrganizationPutsEvents',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${BUS_NAME}` },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } },
      },
    ]);
  });

  it("puts the admission rule on that bus, with the single shape's pattern, target, retries and dead letters", () => {
    const rule = admissionRule(template()).Properties;
    expect(rule.EventBusName).toEqual({ Ref: 'EventBus' });
    expect({ ...rule, EventBusName: undefined }).toEqual({ ...admissionRule(single).Properties, EventBusName: undefined });
  });

  it('lets the rule on the bus (by its ARN) invoke the function and send to the dead-letter queue, and alarms on its failed deliveries', () => {
    const permission = resourcesOf(template(), 'AWS::Lambda::Permission').find(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(ADMISSION))![1];
    expect(JSON.stringify(permission.Properties.SourceArn)).toContain(JSON.stringify(['rule', { Ref: 'EventBus' }, RULE_NAME]));
    const queuePolicy = onlyResource(template(), 'AWS::SQS::QueuePolicy').Properties.PolicyDocument as { Statement: Statement[] };
    expect(queuePolicy.Statement[0]!.Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${BUS_NAME}/${RULE_NAME}` } },
    });
    // EventBridge reports a rule on a custom bus under the bus's name and the rule's.
    expect(template().Resources.EventRuleFailedInvocationsAlarm!.Properties.Dimensions).toEqual([
      { Name: 'EventBusName', Value: BUS_NAME },
      { Name: 'RuleName', Value: RULE_NAME },
    ]);
  });

  it("names the member role to both functions, and lets both functions' roles assume it, by name, in the organization only", () => {
    for (const fn of [ADMISSION, SWEEP]) expect(variables(template(), fn).ECS_ADMISSION_MEMBER_ROLE_NAME).toBe(MEMBER_ROLE);
    // Policies of the hub's own: the member role; the hub's reads and the sweep's list of accounts (below).
    expect(resourcesOf(template(), 'AWS::IAM::Policy').map(([id]) => id)).toEqual(
      expect.arrayContaining(['HubReadPolicy', 'MemberRoleAccessPolicy', 'SweepAccountsPolicy']),
    );
    const policy = template().Resources.MemberRoleAccessPolicy!.Properties;
    expect(policy.Roles).toEqual([{ Ref: 'AdmissionRole' }, { Ref: 'SweepRole' }]);
    expect((policy.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${MEMBER_ROLE}` },
        Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION } },
      },
    ]);
    // The roles' own policies are the single shape's.
    for (const role of ['AdmissionRole', 'SweepRole']) expect(template().Resources[role]).toEqual(single.Resources[role]);
  });

  it('outputs what the member stacks take as parameters', () => {
    const outputs = template().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.HubEventBusArn!.Value).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
    expect(outputs.HubAdmissionRoleArn!.Value).toEqual({ 'Fn::GetAtt': ['AdmissionRole', 'Arn'] });
    expect(outputs.HubSweepRoleArn!.Value).toEqual({ 'Fn::GetAtt': ['SweepRole', 'Arn'] });
    for (const name of ['HubEventBusArn', 'HubAdmissionRoleArn', 'HubSweepRoleArn']) expect(member.Parameters).toHaveProperty(name);
    expect(member.Parameters!.MemberRoleName!.Default).toBe(MEMBER_ROLE);
  });

  it('changes nothing else of the single shape', () => {
    const [a, b] = [comparable(single), comparable(template())];
    const changed = ['EventRuleFailedInvocationsAlarm', 'DeadLetterQueuePolicy', ADMISSION, SWEEP];
    const rule = Object.keys(a.Resources).find((id) => a.Resources[id]!.Properties.EventPattern)!;
    const permission = Object.keys(a.Resources).find(
      (id) => a.Resources[id]!.Type === 'AWS::Lambda::Permission' && JSON.stringify(a.Resources[id]!.Properties.SourceArn).includes(RULE_NAME),
    )!;
    const hubOnly = [
      'EventBus',
      'MemberRoleAccessPolicy',
      'PolicyBucket',
      'PolicyBucketPolicy',
      'HubReadPolicy',
      'SweepAccountsPolicy',
      'PolicyLoadFailedAlarm',
    ];
    // The organization sweep (deploy/org-sweep.yml, deploy/sweep-schedule.yml; test/deployment/org-sweep.test.ts):
    // its state machine, and its schedule, which starts the state machine instead of the function.
    const sweepSchedule = Object.keys(a.Resources).filter(
      (id) =>
        a.Resources[id]!.Properties.ScheduleExpression !== undefined ||
        (a.Resources[id]!.Type === 'AWS::Lambda::Permission' && JSON.stringify(a.Resources[id]!.Properties.FunctionName).includes(SWEEP)),
    );
    hubOnly.push('SweepOrganizationPolicy', 'SweepStateMachine', 'SweepStateMachineRole', 'SweepScheduleRule', 'SweepScheduleRole', ...sweepSchedule);
    for (const id of [...changed, rule, permission, ...hubOnly]) {
      delete a.Resources[id];
      delete b.Resources[id];
    }
    expect(b.Resources).toEqual(a.Resources);
    expect(
      Object.keys(template().Outputs ?? {})
        .filter((k) => !(k in (single.Outputs ?? {})))
        .sort(),
    ).toEqual(['HubAdmissionRoleArn', 'HubEventBusArn', 'HubSweepRoleArn', 'PolicyBucket', 'SweepStateMachineArn']);
    for (const fn of [ADMISSION, SWEEP]) {
      expect({
        ...variables(template(), fn),
        ECS_ADMISSION_MEMBER_ROLE_NAME: undefined,
        ...(fn === SWEEP ? { ECS_ADMISSION_SWEEP_ACCOUNTS: undefined, ECS_ADMISSION_SWEEP_FAN_OUT: undefined } : {}),
      }).toEqual(variables(single, fn));
    }
  });
});

describe("the hub's policy bucket and reads (policies without a redeploy, OU scopes, the organization's accounts)", () => {
  const bucket = () => hub.template.Resources.PolicyBucket!;
  /** The statements granting any s3: action, in every role's inline policies and every attached policy. */
  const s3Statements = (template: Template) => permissionStatements(template).filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));

  it('is versioned, encrypted, private, TLS-only and kept when the stack goes; old versions expire, the newest ten stay', () => {
    expect(bucket().Type).toBe('AWS::S3::Bucket');
    expect({ DeletionPolicy: bucket().DeletionPolicy, UpdateReplacePolicy: bucket().UpdateReplacePolicy }).toEqual({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const properties = bucket().Properties;
    expect(properties.BucketName).toBeUndefined(); // CloudFormation names it: bucket names are global
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'expire-old-policy-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90, NewerNoncurrentVersions: 10 } }],
    });

    const policies = resourcesOf(hub.template, 'AWS::S3::BucketPolicy').filter(
      ([, r]) => JSON.stringify(r.Properties.Bucket) === JSON.stringify({ Ref: 'PolicyBucket' }),
    );
    expect(policies.map(([id]) => id)).toEqual(['PolicyBucketPolicy']);
    const policy = policies[0]![1];
    expect((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [{ 'Fn::GetAtt': ['PolicyBucket', 'Arn'] }, { 'Fn::Sub': '${PolicyBucket.Arn}/*' }],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(policy).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('alarms when a pushed version does not load (the alert topics name its file and line)', () => {
    expect(single.Resources.PolicyLoadFailedAlarm).toBeUndefined();
    expect(hub.template.Resources.PolicyLoadFailedAlarm!.Properties).toMatchObject({
      AlarmName: 'ecs-admission-dev-policy-load-failed',
      Namespace: 'ECSAdmission',
      MetricName: 'PolicyLoadFailed',
      Dimensions: [{ Name: 'service', Value: 'ecs-admission' }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
  });

  it('outputs the bucket, which `ecs-admission policy push --bucket` takes', () => {
    const output = (hub.template.Outputs as Record<string, { Value: unknown; Description: string }>).PolicyBucket!;
    expect(output.Value).toEqual({ Ref: 'PolicyBucket' });
    expect(output.Description).toContain('ecs-admission policy push');
  });

  it('with the default policiesFrom (package), the hub reads the packaged policies, as the single shape', () => {
    for (const fn of [ADMISSION, SWEEP]) {
      expect(variables(hub.template, fn).ECS_ADMISSION_POLICIES).toBe(PACKAGED_POLICIES);
      expect(variables(hub.template, fn)).not.toHaveProperty('ECS_ADMISSION_POLICIES_CHECK_SECONDS');
    }
    expect([...readZip(hub.zipPath).keys()]).toContain(PACKAGED_POLICIES);
  });

  it("with policiesFrom=bucket, both functions follow the bucket's object, checked every 60 s, and the package holds no policies; nothing else changes", () => {
    for (const fn of [ADMISSION, SWEEP]) {
      expect(variables(hubBucket.template, fn).ECS_ADMISSION_POLICIES).toEqual(POLICY_OBJECT);
      expect(variables(hubBucket.template, fn).ECS_ADMISSION_POLICIES_CHECK_SECONDS).toBe('60');
    }
    const names = [...readZip(hubBucket.zipPath).keys()].filter((n) => !n.endsWith('/')).sort();
    expect(names).toEqual(['src/lambda/handler.cjs', 'src/lambda/handler.cjs.map', 'src/lambda/sweep-handler.cjs', 'src/lambda/sweep-handler.cjs.map']);

    const withoutPolicies = (template: Template): Template => {
      const copy = comparable(template);
      for (const fn of [ADMISSION, SWEEP]) {
        const vars = variables(copy, fn);
        delete vars.ECS_ADMISSION_POLICIES;
        delete vars.ECS_ADMISSION_POLICIES_CHECK_SECONDS;
      }
      return copy;
    };
    expect(withoutPolicies(hubBucket.template)).toEqual(withoutPolicies(hub.template));
  });

  it('lets both roles read that object and its versions (and list the bucket, for S3 to say the object is missing), nothing else of S3, in either mode', () => {
    for (const template of [hub.template, hubBucket.template]) {
      expect(s3Statements(template)).toEqual([
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: { 'Fn::Sub': '${PolicyBucket.Arn}/policies.json' } },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': ['PolicyBucket', 'Arn'] } },
      ]);
      expect(template.Resources.HubReadPolicy!.Properties.Roles).toEqual([{ Ref: 'AdmissionRole' }, { Ref: 'SweepRole' }]);
    }
    // The object the grant names is the one the functions read.
    const granted = (s3Statements(hubBucket.template)[0]!.Resource as { 'Fn::Sub': string })['Fn::Sub'].replace('${PolicyBucket.Arn}/', '');
    expect(POLICY_OBJECT['Fn::Sub']).toBe(`s3://\${PolicyBucket}/${granted}`);
  });

  it('lets both roles look up the OUs of an account, and the sweep list the accounts; no other Organizations action, in the hub only', () => {
    /** Role → its Organizations actions, for the roles that have any. */
    const organizations = (template: Template) =>
      Object.fromEntries(
        Object.entries(actionsByRole(template))
          .map(([role, actions]) => [role, actions.filter((a) => a.startsWith('organizations:')).sort()] as const)
          .filter(([, actions]) => actions.length > 0),
      );
    expect(organizations(hub.template)).toEqual({
      AdmissionRole: ['organizations:ListParents'],
      SweepRole: ['organizations:ListAccounts', 'organizations:ListParents'],
    });
    expect(organizations(hubBucket.template)).toEqual(organizations(hub.template));
    expect(organizations(single)).toEqual({});
    // No resource-level scoping: the only organization the hub can see is its own.
    for (const s of permissionStatements(hub.template))
      if (asArray(s.Action).some((a) => a.startsWith('organizations:'))) expect(s).toMatchObject({ Effect: 'Allow', Resource: '*' });
    expect(hub.template.Resources.SweepAccountsPolicy!.Properties.Roles).toEqual([{ Ref: 'SweepRole' }]);
  });
});

describe('the hub shape needs the organization', () => {
  type Plugin = { hooks: Record<string, () => void>; checkParams(params: Record<string, string>): void };
  const EcsAdmissionPlugin = createRequire(import.meta.url)(join(root, 'scripts/serverless-plugin.cjs')) as new (
    serverless: unknown,
    options: unknown,
    utils: unknown,
  ) => Plugin;
  class ServerlessError extends Error {}
  const problems = (params: Record<string, string>): string[] => {
    const plugin = new EcsAdmissionPlugin(
      { service: { custom: {} }, configurationInput: { params: { default: params } }, classes: { Error: ServerlessError } },
      {},
      { log: { notice: () => undefined } },
    );
    try {
      plugin.checkParams(params);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(ServerlessError);
      return (error as Error).message.replace(/^ecs-admission: /, '').split('\n');
    }
  };
  const SHAPE_DEFAULTS = { shape: 'single', organizationId: '', memberRoleName: MEMBER_ROLE };

  it('accepts the single shape without an organization, and a hub with one', () => {
    expect(problems(SHAPE_DEFAULTS)).toEqual([]);
    expect(problems({ ...SHAPE_DEFAULTS, ...HUB_PARAMS, memberRoleName: 'ecs-admission+prod.member' })).toEqual([]);
  });

  it('names a bad shape, organization id or role name, and a hub without an organization or an organization without a hub', () => {
    expect(problems({ shape: 'organization', organizationId: 'O-ABC', memberRoleName: 'path/role' })).toEqual([
      'param "shape" is "organization": expected single or hub',
      'param "organizationId" is "O-ABC": expected an AWS Organizations id (o- and 10 to 32 lowercase letters or digits), or nothing',
      'param "memberRoleName" is "path/role": expected an IAM role name (up to 64 letters, digits and +=,.@_-)',
    ]);
    expect(problems({ ...SHAPE_DEFAULTS, shape: 'hub' })).toEqual([
      'param "organizationId" is "": the hub shape needs the organization\'s id (o-..., from `aws organizations describe-organization`): only its accounts may put events on the hub\'s bus and be acted in',
    ]);
    expect(problems({ ...SHAPE_DEFAULTS, organizationId: ORGANIZATION })).toEqual([
      `param "organizationId" is "${ORGANIZATION}" but param "shape" is "single", which has no use for it: add --param="shape=hub" for a hub, or leave organizationId out`,
    ]);
  });

  it('takes policies from the package or (hub only) from the bucket, checked every so many seconds; names anything else', () => {
    const POLICY_DEFAULTS = { ...SHAPE_DEFAULTS, policiesFrom: 'package', policiesCheckSeconds: '60' };
    expect(problems(POLICY_DEFAULTS)).toEqual([]);
    expect(problems({ ...POLICY_DEFAULTS, ...HUB_PARAMS, policiesFrom: 'bucket', policiesCheckSeconds: '0' })).toEqual([]);
    expect(problems({ ...POLICY_DEFAULTS, policiesFrom: 's3', policiesCheckSeconds: '1m' })).toEqual([
      'param "policiesFrom" is "s3": expected package or bucket',
      'param "policiesCheckSeconds" is "1m": expected a whole number, 0 or more (0: every invocation checks)',
    ]);
    expect(problems({ ...POLICY_DEFAULTS, policiesFrom: 'bucket' })).toEqual([
      'param "policiesFrom" is "bucket" but param "shape" is "single": the policy bucket is the hub\'s (deploy/hub.yml); add --param="shape=hub" --param="organizationId=o-..." for a hub, or leave policiesFrom out to compile the "policies" param into the package',
    ]);
  });

  it('refuses policiesFrom=bucket in the single shape on package (the hook), and compiles nothing for a hub that takes them from the bucket', () => {
    const notices: string[] = [];
    const prepare = (params: Record<string, string>) => {
      const serverless = {
        service: { custom: { ecsAdmission: { params, compiledPolicies: 'compiled/policies.json' } } },
        configurationInput: { params: { default: params } },
        classes: { Error: ServerlessError },
        serviceDir: '/nonexistent',
      };
      const plugin = new EcsAdmissionPlugin(serverless, {}, { log: { notice: (text: string) => notices.push(text) } });
      plugin.hooks['before:package:cleanup']!();
    };
    const base = { ...SHAPE_DEFAULTS, policies: 'policies/recommended.yaml', policiesFrom: 'bucket', policiesCheckSeconds: '60' };
    expect(() => prepare(base)).toThrow(/^ecs-admission: param "policiesFrom" is "bucket" but param "shape" is "single": the policy bucket is the hub's/);
    expect(notices).toEqual([]);
    // A policies param that would not compile: nothing is compiled, and the notice says what to push, and when.
    prepare({ ...base, ...HUB_PARAMS, policies: 'policies/does-not-exist.yaml' });
    expect(notices).toEqual([
      expect.stringMatching(
        /^ecs-admission: policiesFrom=bucket: no policies in the package; the functions read s3:\/\/<stack output PolicyBucket>\/policies\.json\. Before the first event .*: ecs-admission policy push <policy files> --bucket <PolicyBucket>$/,
      ),
    ]);
  });

  it('stops `serverless package --param="shape=hub"` without organizationId before anything is bundled', { timeout: 60_000 }, async () => {
    const work = mkdtempSync(join(inject('runDir'), 'hub-without-organization-'));
    copyService(work);
    const failure = await runServerless(work, ['package', '--package', 'out', '--param=shape=hub'], { timeoutMs: 45_000 }).then(
      () => 'packaged',
      (error: Error) => error.message,
    );
    expect(failure).toContain('ecs-admission: param "organizationId" is "": the hub shape needs the organization\'s id');
    expect({ bundled: existsSync(join(work, '.esbuild')), packaged: existsSync(join(work, 'out')) }).toEqual({ bundled: false, packaged: false });
  });
});

describe('member stack (deploy/member.yaml)', () => {
  const forwardRule = () => onlyResource(member, 'AWS::Events::Rule').Properties;
  const memberRole = () => member.Resources.MemberRole!;
  const memberStatements = () => inlineStatements(memberRole());
  /** The role the member stack creates, as its own rule pattern names it. */
  const memberRoleArn = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${MemberRoleName}' };

  it("forwards the calls the hub's rule takes: same source, detail type, event names, error filter and loop guard", () => {
    const hubPattern = admissionRule(hub.template).Properties.EventPattern as Pattern;
    const memberPattern = forwardRule().EventPattern as Pattern;
    // The loop guard's role ARNs aside (below), the patterns are the same (ReportBlocked at its default).
    const guardless = (pattern: Pattern): unknown =>
      JSON.parse(JSON.stringify(pattern), (key, value: unknown) => (key === 'anything-but' ? '<own roles>' : reportBlockedOff(value)));
    expect(guardless(memberPattern)).toEqual(guardless(hubPattern));
    expect(memberPattern.source).toEqual(['aws.ecs']);
    expect(memberPattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect([...memberPattern.detail.eventName].sort()).toEqual([...hubPattern.detail.eventName].sort());
    expect(Object.keys(memberPattern).sort()).toEqual(Object.keys(hubPattern).sort());

    // The hub's rule leaves out its admission role's calls; the member's leaves out the calls the hub
    // makes there (through the member role), and the hub admission role's (in the hub's own account).
    const issuer = (match: unknown) => ({ userIdentity: { sessionContext: { sessionIssuer: { arn: [match] } } } });
    expect(hubPattern.detail.$or).toEqual([issuer({ 'anything-but': { 'Fn::GetAtt': ['AdmissionRole', 'Arn'] } }), issuer({ exists: false })]);
    expect(memberPattern.detail.$or).toEqual([issuer({ 'anything-but': [memberRoleArn, { Ref: 'HubAdmissionRoleArn' }] }), issuer({ exists: false })]);
  });

  it("delivers to the hub's bus with a role that may only put events there, retries for an hour, then parks them in its own queue", () => {
    const rule = forwardRule();
    expect(rule.EventBusName).toBeUndefined(); // the default bus, where CloudTrail delivers
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toEqual([
      {
        Id: 'hub',
        Arn: { Ref: 'HubEventBusArn' },
        RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] },
        RetryPolicy: (admissionRule(hub.template).Properties.Targets as { RetryPolicy: unknown }[])[0]!.RetryPolicy,
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] } },
      },
    ]);
    const forwardRole = member.Resources.ForwardRole!.Properties;
    expect((forwardRole.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(inlineStatements(member.Resources.ForwardRole!)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'HubEventBusArn' } }]);
    expect(member.Resources.ForwardRole!.Properties.RoleName).toBeUndefined(); // one per Region's stack: generated names never collide

    expect(member.Resources.ForwardDeadLetterQueue!.Properties).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    const queuePolicy = onlyResource(member, 'AWS::SQS::QueuePolicy').Properties;
    expect((queuePolicy.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Sid: 'EventBridgeDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ForwardRule', 'Arn'] } } },
      },
    ]);
  });

  it('creates the member role once per account, in RoleRegion, under the name the hub assumes', () => {
    expect(resourcesOf(member, 'AWS::IAM::Role').map(([id, r]) => [id, r.Condition])).toEqual([
      ['MemberRole', 'IsRoleRegion'],
      ['ForwardRole', undefined],
    ]);
    expect(member.Conditions).toEqual({
      IsRoleRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'RoleRegion' }] },
      ReportBlocked: { 'Fn::Equals': [{ Ref: 'ReportBlocked' }, 'true'] },
      HasScanPrincipals: { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'ScanPrincipalArns' }] }, ''] }] },
    });
    expect(memberRole().Properties.RoleName).toEqual({ Ref: 'MemberRoleName' });
  });

  it("lets only the hub's admission and sweep roles assume the member role, from the organization; the sweep (and scan's optional principals) under its read-only session name", () => {
    const trust = (memberRole().Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement;
    const inOrganization = { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } };
    const readOnly = { ...inOrganization, StringLike: { 'sts:RoleSessionName': SWEEP_SESSION } };
    expect(trust).toEqual([
      { Sid: 'HubAdmission', Effect: 'Allow', Principal: { AWS: { Ref: 'HubAdmissionRoleArn' } }, Action: 'sts:AssumeRole', Condition: inOrganization },
      { Sid: 'HubSweep', Effect: 'Allow', Principal: { AWS: { Ref: 'HubSweepRoleArn' } }, Action: 'sts:AssumeRole', Condition: readOnly },
      // Only when ScanPrincipalArns is given: people running `ecs-admission scan`, read-only as the sweep.
      {
        'Fn::If': [
          'HasScanPrincipals',
          { Sid: 'Scan', Effect: 'Allow', Principal: { AWS: { Ref: 'ScanPrincipalArns' } }, Action: 'sts:AssumeRole', Condition: readOnly },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ]);
  });

  it("grants the hub's own ECS and PassRole actions, no other: what its admission role enforces with and what its sweep reads", () => {
    const hubActions = new Set(['AdmissionRole', 'SweepRole'].flatMap((id) => inlineStatements(single.Resources[id]!).flatMap((s) => asArray(s.Action))));
    const granted = memberStatements().flatMap((s) => asArray(s.Action));
    expect(granted.filter((a) => !hubActions.has(a))).toEqual([]);
    expect(new Set(granted)).toEqual(new Set([...hubActions].filter((a) => /^(ecs|iam):/.test(a))));
    expect(resourcesOf(member, 'AWS::IAM::Role').flatMap(([, r]) => [r.Properties.ManagedPolicyArns, r.Properties.PermissionsBoundary])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("holds every ECS action to the Regions of `Regions` and this account, and writes to sessions other than the sweep's", () => {
    const sweepActions = new Set(inlineStatements(single.Resources.SweepRole!).flatMap((s) => asArray(s.Action)));
    const admissionReads = /^ecs:(Describe|List)/;
    for (const s of memberStatements()) {
      const actions = asArray(s.Action);
      expect(s.Effect).toBe('Allow');
      for (const action of actions) expect(action, action).not.toContain('*');
      const resources = asArray(s.Resource);
      if (resources.includes('*')) expect(STAR_ACTIONS).toEqual(expect.arrayContaining(actions));
      else for (const r of resources) expect(JSON.stringify(r), actions.join()).toMatch(/:\$\{AWS::AccountId\}:|Fn::Split/);
      if (actions.some((a) => a.startsWith('ecs:'))) expect(s.Condition, actions.join()).toMatchObject(IN_REGIONS);
      const writes = actions.filter((a) => !sweepActions.has(a) && !admissionReads.test(a));
      if (writes.length > 0) expect(s.Condition, writes.join()).toMatchObject(NOT_SWEEP);
      else expect(s.Condition?.StringNotLike, actions.join()).toBeUndefined();
    }
  });

  it("tags with the product's own tag keys only, and passes roles to ECS tasks only, as the hub's admission role", () => {
    const hubStatement = (action: string) => inlineStatements(single.Resources.AdmissionRole!).find((s) => asArray(s.Action).includes(action))!;
    const memberStatement = (action: string) => memberStatements().find((s) => asArray(s.Action).includes(action))!;
    const tagging = memberStatement('ecs:TagResource').Condition!;
    expect(tagging['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': Object.values(TAG_KEYS) });
    expect(tagging['ForAllValues:StringEquals']).toEqual(hubStatement('ecs:TagResource').Condition!['ForAllValues:StringEquals']);
    expect(tagging.Null).toEqual(hubStatement('ecs:TagResource').Condition!.Null);
    expect(memberStatement('iam:PassRole').Condition!.StringEquals).toEqual(hubStatement('iam:PassRole').Condition!.StringEquals);
    expect(memberStatement('iam:PassRole').Resource).toEqual({ 'Fn::Split': [',', { Ref: 'PassRoleArns' }] });
  });
});

describe('cfn-lint', { tags: ['cfn-lint'] }, () => {
  it.skipIf(!runCfnLint)(
    'finds no error or warning in the member template nor in the hub-shape templates (policies packaged, from the bucket), with no rule ignored',
    { timeout: 90_000 },
    async () => {
      const [memberLint, hubLint, hubBucketLint] = await Promise.all([
        cfnLint(join(root, 'deploy/member.yaml')),
        cfnLint(hub.templatePath),
        cfnLint(hubBucket.templatePath),
      ]);
      console.log(
        `cfn-lint: member ${memberLint.seconds.toFixed(1)} s, hub ${hubLint.seconds.toFixed(1)} s, hub with policiesFrom=bucket ${hubBucketLint.seconds.toFixed(1)} s (in parallel)`,
      );
      expect(memberLint).toMatchObject({ output: '', code: 0 });
      expect(hubLint).toMatchObject({ output: '', code: 0 });
      expect(hubBucketLint).toMatchObject({ output: '', code: 0 });
      expect(readFileSync(join(root, 'deploy/member.yaml'), 'utf8') + JSON.stringify(hub.template) + JSON.stringify(hubBucket.template)).not.toContain(
        'cfn-lint',
      );
    },
  );
});

describeWithMoto("the member's forwarding rule in moto's EventBridge", () => {
  // A member account with the default role name, and a hub whose admission role CloudFormation named.
  const MEMBER_ACCOUNT = '222222222222';
  const HUB_ADMISSION_ROLE = 'arn:aws:iam::123456789012:role/ecs-admission-prod-AdmissionRole-Q2W3E4R5T6Y7';
  const events = new EventBridgeClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  // On a bus of its own, as in event-pattern.test.ts: other files' rules must not see these events.
  const name = uniqueName('member-rule');
  let queueUrl: string;

  /** A call by a role's session, as the member account's CloudTrail records it. */
  const byRole = (roleArn: string) => {
    const [, , , , account, resource] = roleArn.split(':');
    const roleName = resource!.replace('role/', '');
    return {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/s`,
      accountId: account,
      sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: account, userName: roleName } },
    };
  };
  const call = (eventName: string, userIdentity: Record<string, unknown>) =>
    cloudTrailRecord({ eventID: randomUUID(), eventName, recipientAccountId: MEMBER_ACCOUNT, userIdentity });

  beforeAll(async () => {
    // The template's intrinsics as CloudFormation resolves them in the member account.
    let replaced = 0;
    const pattern = JSON.stringify(onlyResource(member, 'AWS::Events::Rule').Properties.EventPattern, (_key, value: unknown) => {
      if (isReportBlockedIf(value)) return reportBlockedOff(value);
      if (JSON.stringify(value) === JSON.stringify({ Ref: 'HubAdmissionRoleArn' })) return (replaced++, HUB_ADMISSION_ROLE);
      if (JSON.stringify(value) === JSON.stringify({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${MemberRoleName}' }))
        return (replaced++, `arn:aws:iam::${MEMBER_ACCOUNT}:role/${MEMBER_ROLE}`);
      return value;
    });
    expect(replaced).toBe(2);
    expect(pattern).not.toMatch(/Fn::|"Ref"/);
    await events.send(new CreateEventBusCommand({ Name: name }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: pattern, State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn }] }));
  });

  afterAll(async () => {
    await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: name, Ids: ['queue'] }));
    await events.send(new DeleteRuleCommand({ Name: name, EventBusName: name }));
    await events.send(new DeleteEventBusCommand({ Name: name }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  });

  it("forwards the account's own calls (roles, IAM users) and none the hub made, there or through the member role", async () => {
    const calls = {
      deployer: call('RegisterTaskDefinition', byRole(`arn:aws:iam::${MEMBER_ACCOUNT}:role/deployer`)),
      iamUser: call('CreateService', { type: 'IAMUser', arn: `arn:aws:iam::${MEMBER_ACCOUNT}:user/alice`, accountId: MEMBER_ACCOUNT, userName: 'alice' }),
      lookalike: call('UpdateService', byRole(`arn:aws:iam::${MEMBER_ACCOUNT}:role/${MEMBER_ROLE}-other`)),
      memberRole: call('UpdateService', byRole(`arn:aws:iam::${MEMBER_ACCOUNT}:role/${MEMBER_ROLE}`)),
      hubAdmissionRole: call('UpdateService', byRole(HUB_ADMISSION_ROLE)),
      failed: call('RunTask', { ...byRole(`arn:aws:iam::${MEMBER_ACCOUNT}:role/deployer`) }),
    };
    calls.failed.errorCode = 'AccessDenied';
    const put = await events.send(
      new PutEventsCommand({
        Entries: Object.values(calls).map((detail) => ({
          EventBusName: name,
          Source: 'aws.ecs',
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    expect(put.FailedEntryCount).toBe(0);

    const expected = ['deployer', 'iamUser', 'lookalike'];
    const byId = new Map(Object.entries(calls).map(([who, detail]) => [String(detail.eventID), who]));
    const arrived: string[] = [];
    // Delivered before PutEvents returns; a few looks, then one more for a straggler.
    for (let attempt = 0; attempt < 10 && arrived.length < expected.length; attempt++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: attempt ? 1 : 0 }));
      for (const m of Messages ?? []) {
        arrived.push(byId.get((JSON.parse(m.Body!) as { detail: { eventID: string } }).detail.eventID) ?? 'unknown');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(Messages ?? []).toEqual([]);
    expect(arrived.sort()).toEqual(expected);
  });
});
