// Packages the service with the real `serverless package` and checks what would be deployed: the
// CloudFormation template (event rule, delivery retries and dead letters, the admission function,
// the scheduled sweep, topics, ledger, the kill switch), the Lambda zip with its compiled policies,
// and cfn-lint's verdict on the template. The roles are checked in iam.test.ts, the alarms in
// alarms.test.ts (the same package).
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/adapters/policy-files.js';
import { COMPILED_POLICIES } from '../../src/lambda/config.js';
import { toBundle, type PolicyBundle } from '../../src/policy/bundle.js';
import { builtinRules } from '../../src/rules/index.js';
import { onlyResource, packageService, type PackagedService, type Template } from '../helpers/serverless-package.js';
import { readZip } from '../helpers/zip.js';
import { required } from '../setup/prerequisites.js';

const ADMISSION_ROLE = 'AdmissionRole';
const SWEEP_ROLE = 'SweepRole';
const roleArn = { 'Fn::GetAtt': [ADMISSION_ROLE, 'Arn'] };
const dlqArn = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
const ADMISSION = 'AdmissionLambdaFunction';
const SWEEP = 'SweepLambdaFunction';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

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
    expect([...(detail.eventName as string[])].sort()).toEqual([
      'CreateDaemon',
      'CreateExpressGatewayService',
      'CreateService',
      'CreateTaskSet',
      'RegisterDaemonTaskDefinition',
      'RegisterTaskDefinition',
      'RunTask',
      'StartTask',
      'UpdateDaemon',
      'UpdateExpressGatewayService',
      'UpdateService',
    ]);
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
  it('keeps messages 14 days, encrypted, and is kept when the stack goes or replaces it', () => {
    const queue = template.Resources.DeadLetterQueue!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.MessageRetentionPeriod).toBe(1209600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('lets EventBridge send to it, for this rule only', () => {
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

  it('is one of two: the admission function and the scheduled sweep, each with its own role', () => {
    expect(
      resourcesOf('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    ).toEqual([ADMISSION, SWEEP]);
    expect(
      resourcesOf('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual([ADMISSION_ROLE, SWEEP_ROLE]);
  });

  it('runs the bundled handler on Node.js 22, arm64, 256 MB, 30 s, its own role, at most 10 at once', () => {
    expect(fn()).toMatchObject({
      Handler: 'src/lambda/handler.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Role: { 'Fn::Sub': `\${${ADMISSION_ROLE}.Arn}` },
      ReservedConcurrentExecutions: 10,
    });
  });

  it('gets exactly the environment the handler reads, with CloudFormation references for the resources', () => {
    const variables = (fn().Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toEqual({
      ...SHARED_ENVIRONMENT,
      ECS_ADMISSION_MODE: 'audit',
      ECS_ADMISSION_REPORT_BLOCKED: 'false',
      ECS_ADMISSION_MAX_ACTIONS: '10',
      ECS_ADMISSION_BUDGET_ACTIONS: '20',
      ECS_ADMISSION_BUDGET_WINDOW_SECONDS: '300',
      ECS_ADMISSION_MODE_PARAMETER: '/ecs-admission/dev/mode',
      ECS_ADMISSION_MODE_PARAMETER_MAX_AGE: '30',
      ECS_ADMISSION_ROLE_ARN: roleArn,
    });
  });

  it('keeps its logs 30 days (and so does the sweep)', () => {
    const groups = resourcesOf('AWS::Logs::LogGroup').map(([, r]) => r.Properties);
    expect(groups.map((g) => g.LogGroupName).sort()).toEqual(['/aws/lambda/ecs-admission-dev-admission', '/aws/lambda/ecs-admission-dev-sweep']);
    for (const group of groups) expect(group.RetentionInDays).toBe(30);
  });
});

/** What both functions read: topics, alert format, the compiled policies, owner tags, ledger, Powertools. */
const SHARED_ENVIRONMENT = {
  ECS_ADMISSION_TOPIC_ARN: { Ref: 'AlertsTopic' },
  ECS_ADMISSION_CHATBOT_TOPIC_ARN: { Ref: 'ChatbotTopic' },
  ECS_ADMISSION_ALERT_FORMAT: 'json',
  ECS_ADMISSION_POLICIES: COMPILED_POLICIES,
  ECS_ADMISSION_OWNER_TAGS: 'Owner,owner,Team,team',
  ECS_ADMISSION_LEDGER_TABLE: { Ref: 'LedgerTable' },
  POWERTOOLS_SERVICE_NAME: 'ecs-admission',
  POWERTOOLS_METRICS_NAMESPACE: 'ECSAdmission',
  NODE_OPTIONS: '--enable-source-maps',
};

describe('scheduled sweep', () => {
  const fn = () => template.Resources[SWEEP]!.Properties;
  const schedule = () => {
    const rules = resourcesOf('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression !== undefined);
    expect(rules).toHaveLength(1);
    return { logicalId: rules[0]![0], ...rules[0]![1] };
  };

  it('runs the bundled sweep handler with its own (read-only) role, 512 MB, 15 minutes', () => {
    expect(fn()).toMatchObject({
      Handler: 'src/lambda/sweep-handler.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 900,
      Role: { 'Fn::Sub': `\${${SWEEP_ROLE}.Arn}` },
    });
    expect(fn().ReservedConcurrentExecutions).toBeUndefined();
  });

  it("gets what both functions read and the Regions to sweep (by default the stack's), none of the admission's own settings", () => {
    const variables = (fn().Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toEqual({ ...SHARED_ENVIRONMENT, ECS_ADMISSION_SWEEP_REGIONS: 'us-east-1' });
  });

  it('is invoked daily by an enabled EventBridge schedule, and only by it', () => {
    const rule = schedule();
    expect(rule.Properties).toMatchObject({ Name: 'ecs-admission-dev-sweep', ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    expect(rule.Properties.EventPattern).toBeUndefined();
    expect(rule.Properties.Targets).toEqual([{ Arn: { 'Fn::GetAtt': [SWEEP, 'Arn'] }, Id: expect.any(String) as string }]);
    const permissions = resourcesOf('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(SWEEP));
    expect(permissions.map(([, r]) => r.Properties)).toEqual([
      {
        FunctionName: { 'Fn::GetAtt': [SWEEP, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [rule.logicalId, 'Arn'] },
      },
    ]);
  });
});

describe('alerts, ledger and kill switch', () => {
  it('encrypts both alert topics with the SNS key (only the functions publish there)', () => {
    for (const id of ['AlertsTopic', 'ChatbotTopic']) {
      expect(template.Resources[id]?.Type).toBe('AWS::SNS::Topic');
      expect(template.Resources[id]?.Properties.KmsMasterKeyId).toBe('alias/aws/sns');
    }
  });

  it('subscribes an email address to the alerts and alarm topics only when one is given', () => {
    const subscriptions = resourcesOf('AWS::SNS::Subscription').map(([, r]) => r);
    expect(subscriptions.map((s) => s.Properties.TopicArn)).toEqual([{ Ref: 'AlertsTopic' }, { Ref: 'AlarmTopic' }]);
    for (const subscription of subscriptions) {
      expect(subscription.Condition).toBe('HasAlertEmail');
      expect(subscription.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } });
    }
    expect(template.Conditions?.HasAlertEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlertEmail' }, ''] }] });
    expect(template.Parameters?.AlertEmail?.Default).toBe(''); // the default params: no email
  });

  it('has a ledger table keyed by event id, with expiry and encryption, kept when the stack goes or replaces it', () => {
    const table = template.Resources.LedgerTable!;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'eventId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('has the kill switch: an SSM parameter the function reads, set to the deployed mode', () => {
    const parameter = onlyResource(template, 'AWS::SSM::Parameter');
    expect(parameter.Properties).toMatchObject({ Name: '/ecs-admission/dev/mode', Type: 'String', Value: 'audit', AllowedPattern: '^(audit|enforce)$' });
    const variables = (template.Resources[ADMISSION]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.ECS_ADMISSION_MODE_PARAMETER).toBe(parameter.Properties.Name);
  });
});

describe('Lambda package', () => {
  const entries = () => readZip(pkg.zipPath);

  it('holds the bundled handlers and the compiled policies, and no policy file, source, test or node_modules', () => {
    const names = [...entries().keys()].filter((n) => !n.endsWith('/')).sort();
    expect(names).toEqual([
      COMPILED_POLICIES,
      'src/lambda/handler.cjs',
      'src/lambda/handler.cjs.map',
      'src/lambda/sweep-handler.cjs',
      'src/lambda/sweep-handler.cjs.map',
    ]);
  });

  it('holds the `policies` param compiled: what `ecs-admission compile` makes of policies/recommended.yaml', async () => {
    const packaged = JSON.parse(entries().get(COMPILED_POLICIES)!.toString('utf8')) as PolicyBundle;
    const { policies, errors } = await loadPolicies(['policies/recommended.yaml'], builtinRules, new Date());
    expect(errors).toEqual([]);
    expect(packaged).toEqual(toBundle(policies, { sources: ['policies/recommended.yaml'], compiledBy: packaged.compiledBy }));
    expect(packaged.compiledBy).toMatch(/^ecs-admission \d+\.\d+\.\d+/);
  });

  it('bundles no YAML reader and no policy file loader (read from the source maps: every file bundled)', () => {
    for (const handler of ['handler', 'sweep-handler']) {
      const { sources } = JSON.parse(entries().get(`src/lambda/${handler}.cjs.map`)!.toString('utf8')) as { sources: string[] };
      expect(
        sources.some((s) => s.includes('src/lambda/compiled-policies.ts')),
        `${handler}: the map lists the sources`,
      ).toBe(true);
      expect(
        sources.filter((s) => /node_modules\/(yaml|jsonc-parser)\/|src\/adapters\/policy-files\.ts|src\/policy\/load\.ts|src\/input\/parse\.ts/.test(s)),
        handler,
      ).toEqual([]);
    }
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
      const variables = (template.Resources[ADMISSION]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // The deployed environment, with made-up values where CloudFormation would fill them in.
      const env = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : `arn:aws:test:us-east-1:123456789012:${name}`]),
      );
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-e', "for (const f of ['handler', 'sweep-handler']) console.log(typeof require(`./src/lambda/${f}.cjs`).handler)"],
        {
          cwd: task,
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'testing',
            AWS_SECRET_ACCESS_KEY: 'testing',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...env,
          },
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

// cfn-lint is a Python tool like moto: without it the check is skipped locally (the skip summary at
// the end of `npm test` counts it), but CI (which sets ECS_ADMISSION_REQUIRE_CFN_LINT=1, and
// ECS_ADMISSION_REQUIRE_MOTO=1 for its external test tools) fails instead.
const hasCfnLint = spawnSync('cfn-lint', ['--version']).status === 0;
const requireCfnLint = required('cfn-lint') || required('moto');

describe('cfn-lint', { tags: ['cfn-lint'] }, () => {
  it.skipIf(!hasCfnLint && !requireCfnLint)(
    'finds no error or warning in the template, with no rule ignored',
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
      // No rule switched off in the template's metadata, nor in a config file next to it.
      expect(JSON.stringify(template)).not.toContain('cfn-lint');
    },
    60_000,
  );
});
