// Packages the service with the real `serverless package` and checks what would be deployed: the
// CloudFormation template (event rule, delivery retries and dead letters, the admission function,
// the scheduled sweep, topics, ledger, IAM), the Lambda zip, and cfn-lint's verdict on the template.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyFiles } from '../../src/adapters/policy-files.js';
import { root } from '../helpers/cli.js';
import { onlyResource, packageService, type PackagedService, type Template } from '../helpers/serverless-package.js';
import { readZip } from '../helpers/zip.js';

const ROLE = 'IamRoleLambdaExecution';
const roleArn = { 'Fn::GetAtt': [ROLE, 'Arn'] };
const dlqArn = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
const ecsArn = (resource: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}` });
/** In any Region of the account: the sweep reads the Regions of its `sweepRegions` param. */
const ecsArnAnyRegion = (resource: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ecs:*:\${AWS::AccountId}:${resource}` });
const ADMISSION = 'AdmissionLambdaFunction';
const SWEEP = 'SweepLambdaFunction';

// The only actions that may (and must, having no resource-level permissions) use Resource "*".
// ListTasks names container instances, but listing a cluster's tasks is authorized on "*".
const STAR_ACTIONS = ['ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions', 'ecs:DeregisterTaskDefinition', 'ecs:ListClusters', 'ecs:ListServices', 'ecs:ListTasks'];

// Every action the role grants besides the framework's logs permissions, with its resources.
const EXPECTED_GRANTS: Record<string, unknown[]> = {
  'ecs:DescribeTaskDefinition': ['*'],
  'ecs:ListTaskDefinitions': ['*'],
  'ecs:DeregisterTaskDefinition': ['*'],
  'ecs:ListClusters': ['*'],
  'ecs:ListServices': ['*'],
  'ecs:ListTasks': ['*'],
  'ecs:DescribeServices': [ecsArn('service/*'), ecsArnAnyRegion('service/*')],
  'ecs:UpdateService': [ecsArn('service/*')],
  'ecs:DescribeTaskSets': [ecsArn('task-set/*')],
  'ecs:DeleteTaskSet': [ecsArn('task-set/*')],
  'ecs:DescribeTasks': [ecsArn('task/*'), ecsArnAnyRegion('task/*')],
  'ecs:StopTask': [ecsArn('task/*')],
  'ecs:TagResource': [ecsArn('task-definition/*'), ecsArn('service/*'), ecsArn('task-set/*'), ecsArn('task/*')],
  'ecs:ListTagsForResource': [ecsArn('task-definition/*'), ecsArn('service/*'), ecsArn('task-set/*'), ecsArn('task/*')],
  'iam:PassRole': [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }],
  'sns:Publish': [{ Ref: 'AlertsTopic' }, { Ref: 'ChatbotTopic' }],
  'dynamodb:GetItem': [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }],
  'dynamodb:PutItem': [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }],
  'sqs:SendMessage': [dlqArn],
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const sortedByJson = (values: unknown[]) => [...values].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
/** The resources of a type, by logical id. */
const resourcesOf = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
/** The admission's rule: the one with an event pattern (the sweep's has a schedule). */
const admissionRule = () => {
  const rules = resourcesOf('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern !== undefined);
  expect(rules).toHaveLength(1);
  return rules[0]![1];
};

let pkg: PackagedService;
let template: Template;

beforeAll(async () => {
  pkg = await packageService();
  template = pkg.template;
  console.log(`serverless package: ${pkg.seconds.toFixed(1)} s (shared by the test files of this run)`);
}, 120_000);

describe('EventBridge rule', () => {
  const rule = () => admissionRule().Properties;

  it('matches successful CloudTrail-recorded ECS calls that create or change workloads, on the default bus', () => {
    const { EventPattern, EventBusName, State } = rule() as { EventPattern: Record<string, unknown>; EventBusName?: unknown; State: string };
    expect(EventBusName).toBeUndefined(); // the default bus, where CloudTrail delivers
    expect(State).toBe('ENABLED');
    expect(EventPattern.source).toEqual(['aws.ecs']);
    expect(EventPattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    const detail = EventPattern.detail as Record<string, unknown>;
    expect(detail.eventSource).toEqual(['ecs.amazonaws.com']);
    expect([...(detail.eventName as string[])].sort()).toEqual(
      ['CreateService', 'CreateTaskSet', 'RegisterTaskDefinition', 'RunTask', 'StartTask', 'UpdateService'],
    );
    expect(detail.errorCode).toEqual([{ exists: false }]);
    expect(Object.keys(EventPattern).sort()).toEqual(['detail', 'detail-type', 'source']);
  });

  it("excludes the function's own role and keeps calls that have no session issuer (IAM users, root)", () => {
    const detail = (rule().EventPattern as { detail: Record<string, unknown> }).detail;
    const issuerArn = (match: unknown) => ({ userIdentity: { sessionContext: { sessionIssuer: { arn: [match] } } } });
    expect(detail.$or).toEqual([issuerArn({ 'anything-but': roleArn }), issuerArn({ exists: false })]);
    expect(Object.keys(detail).sort()).toEqual(['$or', 'errorCode', 'eventName', 'eventSource']);
  });

  it('targets the function, with delivery retries for an hour and then the dead-letter queue', () => {
    const targets = rule().Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [ADMISSION, 'Arn'] });
    expect(targets[0]!.RetryPolicy).toEqual({ MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 });
    expect(targets[0]!.DeadLetterConfig).toEqual({ Arn: dlqArn });
  });

  it('may invoke the function (and only this rule may)', () => {
    const permissions = resourcesOf('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(ADMISSION));
    expect(permissions).toHaveLength(1);
    const permission = permissions[0]![1].Properties;
    expect(permission.Principal).toBe('events.amazonaws.com');
    expect(JSON.stringify(permission.SourceArn)).toContain(String(rule().Name));
  });
});

describe('dead-letter queue', () => {
  it('keeps messages 14 days, encrypted', () => {
    const queue = template.Resources.DeadLetterQueue!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.MessageRetentionPeriod).toBe(1209600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it("lets EventBridge send to it, for this rule only", () => {
    const policy = onlyResource(template, 'AWS::SQS::QueuePolicy').Properties;
    expect(policy.Queues).toEqual([{ Ref: 'DeadLetterQueue' }]);
    const statements = (policy.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements).toHaveLength(1);
    const ruleName = String(admissionRule().Properties.Name);
    expect(statements[0]).toEqual({
      Sid: 'EventBridgeDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: dlqArn,
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${ruleName}` } } },
    });
  });

  it("receives the function's failed asynchronous invocations after two retries", () => {
    // The admission function's only: a failed sweep is retried (Lambda's default, twice) and logged, its schedule event is worth nothing.
    const config = onlyResource(template, 'AWS::Lambda::EventInvokeConfig').Properties;
    expect(config.FunctionName).toEqual({ Ref: ADMISSION });
    expect(config.MaximumRetryAttempts).toBe(2);
    expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: dlqArn } });
  });
});

describe('function', () => {
  const fn = () => template.Resources[ADMISSION]!.Properties;

  it('is one of two: the admission function and the scheduled sweep', () => {
    expect(resourcesOf('AWS::Lambda::Function').map(([id]) => id).sort()).toEqual([ADMISSION, SWEEP]);
  });

  it('runs the bundled handler on Node.js 22, arm64, 256 MB, 30 s', () => {
    expect(fn()).toMatchObject({
      Handler: 'src/lambda/handler.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Role: roleArn,
    });
  });

  it('gets exactly the environment the handler reads, with CloudFormation references for the resources', () => {
    const variables = (fn().Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toEqual({
      ECS_ADMISSION_MODE: 'audit',
      ECS_ADMISSION_TOPIC_ARN: { Ref: 'AlertsTopic' },
      ECS_ADMISSION_CHATBOT_TOPIC_ARN: { Ref: 'ChatbotTopic' },
      ECS_ADMISSION_ALERT_FORMAT: 'json',
      ECS_ADMISSION_POLICIES: 'policies/recommended.yaml',
      ECS_ADMISSION_MAX_ACTIONS: '10',
      ECS_ADMISSION_OWNER_TAGS: 'Owner,owner,Team,team',
      ECS_ADMISSION_LEDGER_TABLE: { Ref: 'LedgerTable' },
      ECS_ADMISSION_ROLE_ARN: roleArn,
      POWERTOOLS_SERVICE_NAME: 'ecs-admission',
      POWERTOOLS_METRICS_NAMESPACE: 'ECSAdmission',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('keeps its logs 30 days (and so does the sweep)', () => {
    const groups = resourcesOf('AWS::Logs::LogGroup').map(([, r]) => r.Properties);
    expect(groups.map((g) => g.LogGroupName).sort()).toEqual(['/aws/lambda/ecs-admission-dev-admission', '/aws/lambda/ecs-admission-dev-sweep']);
    for (const group of groups) expect(group.RetentionInDays).toBe(30);
  });
});

describe('scheduled sweep', () => {
  const fn = () => template.Resources[SWEEP]!.Properties;
  const schedule = () => {
    const rules = resourcesOf('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression !== undefined);
    expect(rules).toHaveLength(1);
    return { logicalId: rules[0]![0], ...rules[0]![1] };
  };

  it('runs the bundled sweep handler with the same role, 512 MB, 15 minutes', () => {
    expect(fn()).toMatchObject({ Handler: 'src/lambda/sweep-handler.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 512, Timeout: 900, Role: roleArn });
  });

  it("gets the admission function's environment, and the Regions to sweep (by default the stack's)", () => {
    const admission = (template.Resources[ADMISSION]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const variables = (fn().Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toEqual({ ...admission, ECS_ADMISSION_SWEEP_REGIONS: 'us-east-1' });
  });

  it('is invoked daily by an enabled EventBridge schedule, and only by it', () => {
    const rule = schedule();
    expect(rule.Properties).toMatchObject({ Name: 'ecs-admission-dev-sweep', ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    expect(rule.Properties.EventPattern).toBeUndefined();
    expect(rule.Properties.Targets).toEqual([{ Arn: { 'Fn::GetAtt': [SWEEP, 'Arn'] }, Id: expect.any(String) as string }]);
    const permissions = resourcesOf('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(SWEEP));
    expect(permissions.map(([, r]) => r.Properties)).toEqual([{ FunctionName: { 'Fn::GetAtt': [SWEEP, 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [rule.logicalId, 'Arn'] } }]);
  });
});

describe('alerts and ledger', () => {
  it('encrypts both topics with the SNS key', () => {
    for (const id of ['AlertsTopic', 'ChatbotTopic']) {
      expect(template.Resources[id]?.Type).toBe('AWS::SNS::Topic');
      expect(template.Resources[id]?.Properties.KmsMasterKeyId).toBe('alias/aws/sns');
    }
  });

  it('subscribes an email address to the alerts topic only when one is given', () => {
    const subscription = onlyResource(template, 'AWS::SNS::Subscription');
    expect(subscription.Condition).toBe('HasAlertEmail');
    expect(subscription.Properties).toEqual({ TopicArn: { Ref: 'AlertsTopic' }, Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } });
    expect(template.Conditions?.HasAlertEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlertEmail' }, ''] }] });
    expect(template.Parameters?.AlertEmail?.Default).toBe(''); // the default params: no email
  });

  it('has a ledger table keyed by event id, with expiry and encryption', () => {
    const table = template.Resources.LedgerTable!;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'eventId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});

describe('IAM role', () => {
  const role = () => template.Resources[ROLE]!;
  const statements = () =>
    (role().Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);

  it('only allows, and names every action (no wildcard in any action)', () => {
    expect(role().Properties.ManagedPolicyArns).toBeUndefined();
    for (const s of statements()) {
      expect(s.Effect).toBe('Allow');
      expect(s.NotAction).toBeUndefined();
      expect(s.NotResource).toBeUndefined();
      for (const action of asArray(s.Action)) expect(action, action).not.toContain('*');
    }
  });

  it('uses Resource "*" only for the ECS actions that have no resource-level permissions', () => {
    for (const s of statements()) {
      const resources = asArray(s.Resource);
      if (resources.includes('*')) {
        expect(resources).toEqual(['*']);
        expect(STAR_ACTIONS).toEqual(expect.arrayContaining(asArray(s.Action)));
      }
    }
  });

  it('grants exactly the actions the handler needs, each on its resources', () => {
    const grants: Record<string, unknown[]> = {};
    for (const s of statements()) {
      for (const action of asArray(s.Action)) {
        if (action.startsWith('logs:')) continue;
        grants[action] = sortedByJson([...(grants[action] ?? []), ...asArray(s.Resource)]);
      }
    }
    const expected = Object.fromEntries(Object.entries(EXPECTED_GRANTS).map(([a, r]) => [a, sortedByJson(r)]));
    expect(grants).toEqual(expected);
  });

  it("limits the framework's logs permissions to the function's log group", () => {
    const logs = statements().filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
    expect(logs.length).toBeGreaterThan(0);
    for (const s of logs) {
      for (const resource of asArray(s.Resource)) {
        expect(JSON.stringify(resource)).toContain('log-group:/aws/lambda/ecs-admission-dev');
      }
    }
  });

  it('passes roles only to ECS tasks', () => {
    const passRole = statements().filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(asArray(passRole[0]!.Action)).toEqual(['iam:PassRole']);
    expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });
});

describe('Lambda package', () => {
  const entries = () => readZip(pkg.zipPath);

  it('holds the bundled handlers and the policy files, and no sources, tests or node_modules', () => {
    const files = entries();
    const names = [...files.keys()];
    for (const handler of ['handler', 'sweep-handler']) {
      expect(names).toContain(`src/lambda/${handler}.cjs`);
      expect(names).toContain(`src/lambda/${handler}.cjs.map`);
    }
    expect(files.get('policies/recommended.yaml')?.toString('utf8')).toBe(readFileSync(join(root, 'policies/recommended.yaml'), 'utf8'));
    expect(names.filter((n) => /node_modules\/|\.ts$|(^|\/)tests\/|\.test\.ya?ml$|\.schema\.json$/.test(n))).toEqual([]);
  });

  it('holds exactly the policy files the policy reader finds under policies/', () => {
    const packaged = [...entries().keys()].filter((n) => n.startsWith('policies/') && !n.endsWith('/'));
    const read = policyFiles([join(root, 'policies')]).files.map((f) => relative(root, f).split(sep).join('/'));
    expect(packaged.sort()).toEqual(read.sort());
  });

  it('loads in Node.js and exports the handler functions', async () => {
    // Unpack as Lambda does (/var/task) and require() it from there, as the runtime does for .cjs.
    const task = mkdtempSync(join(tmpdir(), 'ecs-admission-task-'));
    try {
      for (const [name, data] of entries()) {
        if (name.endsWith('/')) continue;
        mkdirSync(dirname(join(task, name)), { recursive: true });
        writeFileSync(join(task, name), data);
      }
      const variables = (template.Resources[SWEEP]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // The deployed environment, with made-up values where CloudFormation would fill them in.
      const env = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : `arn:aws:test:us-east-1:123456789012:${name}`]),
      );
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-e', "for (const f of ['handler', 'sweep-handler']) console.log(typeof require(`./src/lambda/${f}.cjs`).handler)"],
        {
          cwd: task,
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
          timeout: 20_000,
        },
      ).catch((error: { stderr?: string; message: string }) => {
        // Node prints the (minified, one-line) source around the error first: keep the end.
        throw new Error(`the bundle does not load:\n${(error.stderr ?? error.message).slice(-1500)}`);
      });
      expect(stdout.trim().split('\n')).toEqual(['function', 'function']);
    } finally {
      rmSync(task, { recursive: true, force: true });
    }
  }, 30_000);
});

// cfn-lint is a Python tool like moto: without it the check is skipped locally, but CI (which sets
// ECS_ADMISSION_REQUIRE_MOTO=1 for its external test tools) fails instead.
const hasCfnLint = spawnSync('cfn-lint', ['--version']).status === 0;
if (!hasCfnLint && process.env.ECS_ADMISSION_REQUIRE_MOTO !== '1') console.warn("cfn-lint not found: the template lint test is skipped; install with pip install cfn-lint");

describe('cfn-lint', () => {
  it.skipIf(!hasCfnLint && process.env.ECS_ADMISSION_REQUIRE_MOTO !== '1')(
    'finds no error or warning in the template',
    async () => {
      const started = Date.now();
      const result = await promisify(execFile)('cfn-lint', [pkg.templatePath], { timeout: 60_000 }).then(
        ({ stdout }) => ({ code: 0, output: stdout }),
        (error: { code?: number | string; stdout?: string; stderr?: string; message: string }) => ({
          code: error.code,
          output: `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
        }),
      );
      console.log(`cfn-lint: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    },
    60_000,
  );
});
