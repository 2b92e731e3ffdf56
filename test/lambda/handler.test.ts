/** The handler's own contract, with in-memory AWS: what it logs, what metrics it emits, what it returns. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { memoryBudget, memoryLedger } from '../../src/adapters/memory-ledger.js';
import { ConfigError, readConfig } from '../../src/lambda/config.js';
import { createHandler, type HandlerDependencies } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { captureLambdaOutput } from '../helpers/lambda-output.js';
import { ACCOUNT, FakeAlerts, FakeEcs, REGION } from '../helpers/fake-ecs.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CONTEXT = {
  functionName: 'ecs-admission',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:ecs-admission',
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;

const { lines, text } = captureLambdaOutput();

const ENFORCE_RECOMMENDED = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');

function setup(env: Record<string, string> = {}, extra: Partial<HandlerDependencies> = {}) {
  const ecs = new FakeEcs();
  const alerts = new FakeAlerts();
  const config = readConfig({ ECS_ADMISSION_MODE: 'enforce', ECS_ADMISSION_POLICIES: ENFORCE_RECOMMENDED, ...env });
  const handler = createHandler(config, {
    ecs,
    alerts,
    ledger: memoryLedger(),
    budget: memoryBudget(config.budget),
    ...extra,
    logger: new Logger({ serviceName: 'ecs-admission', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
    now: () => new Date('2026-11-23T12:00:00Z'),
  });
  return { ecs, alerts, invoke: (event: unknown) => handler(event, CONTEXT) };
}

describe('the Lambda handler', () => {
  it('logs each decision as JSON and emits metrics by rule, severity and action, with no secret value anywhere', async () => {
    const { ecs, alerts, invoke } = setup();
    const arn = ecs.register('web', [
      { name: 'app', image: 'nginx:latest', privileged: true, environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }] },
    ]);
    const event = eventBridgeEvent({
      eventName: 'RegisterTaskDefinition',
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      requestParameters: { family: 'web', containerDefinitions: [{ environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }] }] },
      responseElements: { taskDefinition: { taskDefinitionArn: arn } },
    });
    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'decided', decisions: [{ resource: arn, verdict: 'deny', mode: 'enforce' }] });
    const logged = lines();
    const decision = logged.find((l) => l.message === 'admission decided')!;
    expect(decision).toMatchObject({
      level: 'INFO',
      service: 'ecs-admission',
      eventId: event.id,
      eventName: 'RegisterTaskDefinition',
      function_request_id: 'req-1',
    });
    expect((decision.decisions as { rules: string[] }[])[0]!.rules).toEqual(
      expect.arrayContaining(['no-privileged-containers', 'no-aws-credentials-in-environment']),
    );
    const metrics = logged.filter((l) => l._aws);
    expect(metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Rule: 'no-aws-credentials-in-environment', Severity: 'critical', Findings: 1 }),
        expect.objectContaining({ Action: 'deregisterTaskDefinition', Status: 'done', EnforcementActions: 1 }),
        expect.objectContaining({ Evaluations: 1 }),
      ]),
    );
    expect(text()).not.toContain(SECRET);
    expect(JSON.stringify(alerts.published)).not.toContain(SECRET);
    expect(ecs.writes.join('\n')).not.toContain(SECRET);
  });

  it('logs a malformed event with its id, counts it, and throws it to the retry and dead-letter path (never dropped)', async () => {
    const { invoke } = setup();
    await expect(invoke({ id: 'bad-1', 'detail-type': 'Scheduled Event' })).rejects.toThrow(
      'event bad-1: not an EventBridge "AWS API Call via CloudTrail" event',
    );
    expect(lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'ERROR', message: 'malformed event: left to retries and the dead-letter queue', eventId: 'bad-1' }),
        expect.objectContaining({ MalformedEvents: 1 }),
      ]),
    );
  });

  it('logs an ignored event (its own call) and does nothing', async () => {
    const role = 'arn:aws:iam::111122223333:role/ecs-admission';
    const { ecs, invoke } = setup({ ECS_ADMISSION_ROLE_ARN: role });
    const event = eventBridgeEvent({
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      eventName: 'UpdateService',
      userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: role } } },
      requestParameters: { service: 'api' },
    });
    expect(await invoke(event)).toMatchObject({ status: 'ignored', reason: 'UpdateService was made by ecs-admission itself' });
    expect(ecs.writes).toEqual([]);
  });

  it('throws on an AWS failure, after logging it with the event id, so the event is retried', async () => {
    const { ecs, invoke } = setup();
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx', privileged: true }]);
    ecs.failNext = { type: 'deregisterTaskDefinition' };
    const event = eventBridgeEvent({
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      eventName: 'RegisterTaskDefinition',
      requestParameters: {},
      responseElements: { taskDefinition: { taskDefinitionArn: arn } },
    });
    await expect(invoke(event)).rejects.toThrow('deregisterTaskDefinition: service unavailable');
    expect(lines()).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'ERROR', message: 'admission failed; the event will be retried', eventId: event.id })]),
    );
  });

  it('refuses to run with policies that do not load, naming the file (the event goes to retry, not dropped)', async () => {
    const { ecs, invoke } = setup({ ECS_ADMISSION_POLICIES: 'test/fixtures/policies/missing.json' });
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx' }]);
    const event = eventBridgeEvent({
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      eventName: 'RegisterTaskDefinition',
      requestParameters: {},
      responseElements: { taskDefinition: { taskDefinitionArn: arn } },
    });
    await expect(invoke(event)).rejects.toThrow('ECS_ADMISSION_POLICIES: test/fixtures/policies/missing.json no such file');
  });

  it('reads the policies again on the next invocation after they failed to load (a container is not stuck on one bad read)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-late-policy-'));
    const file = join(dir, 'policies.json');
    try {
      const { ecs, invoke } = setup({ ECS_ADMISSION_POLICIES: file });
      const arn = ecs.register('web', [{ name: 'app', image: 'nginx', privileged: true }]);
      const event = eventBridgeEvent({
        recipientAccountId: ACCOUNT,
        awsRegion: REGION,
        eventName: 'RegisterTaskDefinition',
        requestParameters: {},
        responseElements: { taskDefinition: { taskDefinitionArn: arn } },
      });
      await expect(invoke(event)).rejects.toThrow('no such file');
      copyFileSync(ENFORCE_RECOMMENDED, file);
      await expect(invoke(event)).resolves.toMatchObject({ status: 'decided', decisions: [{ verdict: 'deny' }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('never silent, never twice', () => {
  const privileged = (ecs: FakeEcs, family = 'web') => {
    const arn = ecs.register(family, [{ name: 'app', image: 'nginx', privileged: true }]);
    return eventBridgeEvent({
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      eventName: 'RegisterTaskDefinition',
      requestParameters: {},
      responseElements: { taskDefinition: { taskDefinitionArn: arn } },
    });
  };

  it('an event of another account is alerted as unverified, logged at warn level with its id, and counted', async () => {
    const { ecs, alerts, invoke } = setup();
    const event = privileged(ecs);
    (event.detail as Record<string, unknown>).recipientAccountId = '999988887777';
    const result = await invoke(event);
    expect(result).toMatchObject({ status: 'decided', decisions: [{ verdict: 'unverified', unverified: [expect.stringContaining('account 999988887777')] }] });
    expect(alerts.published).toHaveLength(1);
    expect(ecs.writes).toEqual([]);
    expect(lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'WARN', message: 'admission could not verify everything', eventId: event.id }),
        expect.objectContaining({ Unverified: 1 }),
        // Per account and Region too: a hub decides for many.
        expect.objectContaining({ Account: '999988887777', Region: REGION, AccountUnverified: 1 }),
        expect.objectContaining({ Account: '999988887777', Region: REGION, AccountEvaluations: 1 }),
      ]),
    );
  });

  it('a delivery that finds another invocation deciding the record throws to be retried, counted as LeaseHeld, not as an error', async () => {
    const ecs = new FakeEcs();
    const alerts = new FakeAlerts();
    const ledger = memoryLedger();
    const config = readConfig({ ECS_ADMISSION_MODE: 'enforce', ECS_ADMISSION_POLICIES: ENFORCE_RECOMMENDED });
    const handler = createHandler(config, {
      ecs,
      alerts,
      ledger,
      budget: memoryBudget(config.budget),
      logger: new Logger({ serviceName: 'ecs-admission', logLevel: 'INFO' }),
      metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
      now: () => new Date('2026-11-23T12:00:00Z'),
    });
    const event = privileged(ecs);
    // The first invocation holds the lease while its alert is slow to go out.
    let publish!: () => void;
    alerts.publish = (decision) => new Promise<void>((resolve) => (publish = () => (alerts.byChannel.set('topic', [decision]), resolve())));
    const first = handler(event, { ...CONTEXT, awsRequestId: 'first', getRemainingTimeInMillis: () => 30_000 });
    await vi.waitFor(() => expect(publish).toBeTypeOf('function'));
    await expect(handler(event, { ...CONTEXT, awsRequestId: 'second', getRemainingTimeInMillis: () => 30_000 })).rejects.toThrow(
      /being decided by invocation first/,
    );
    publish();
    await expect(first).resolves.toMatchObject({ status: 'decided' });
    expect(ecs.writes.filter((w) => w.startsWith('deregister'))).toHaveLength(1);
    const logged = lines();
    expect(logged).toEqual(expect.arrayContaining([expect.objectContaining({ LeaseHeld: 1 })]));
    expect(logged.some((l) => 'Errors' in l)).toBe(false);
  });

  it('counts the destructive actions the budget refused', async () => {
    const { ecs, invoke } = setup({ ECS_ADMISSION_BUDGET_ACTIONS: '0' });
    expect(await invoke(privileged(ecs))).toMatchObject({ overBudget: 1, decisions: [{ actions: [expect.stringMatching(/^done tagResource/)] }] });
    expect(lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'WARN', message: 'the action budget is spent: resources flagged instead of enforced' }),
        expect.objectContaining({ BudgetSpent: 1 }),
      ]),
    );
  });

  it('the kill switch: audit there makes an enforce deployment audit; a value that is no mode counts as audit, with a warning', async () => {
    let value: 'audit' | 'enforce' | 'enforcee' = 'audit';
    const modeSwitch = () => Promise.resolve(value === 'enforcee' ? { invalid: value } : { mode: value });
    const { ecs, invoke } = setup({}, { modeSwitch });
    expect(await invoke(privileged(ecs, 'a'))).toMatchObject({
      mode: 'audit',
      decisions: [{ mode: 'audit', actions: [expect.stringMatching(/^would deregister/), expect.stringMatching(/^would tag/)] }],
    });
    value = 'enforcee';
    const second = privileged(ecs, 'b');
    (second.detail as Record<string, unknown>).eventID = 'second';
    expect(await invoke(second)).toMatchObject({ mode: 'audit' });
    expect(lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'WARN', message: 'the mode parameter holds neither audit nor enforce: running in audit mode', value: 'enforcee' }),
      ]),
    );
    value = 'enforce';
    const third = privileged(ecs, 'c');
    (third.detail as Record<string, unknown>).eventID = 'third';
    expect(await invoke(third)).toMatchObject({
      mode: 'enforce',
      decisions: [{ actions: [expect.stringMatching(/^done deregister/), expect.stringMatching(/^done tag/)] }],
    });
    expect(ecs.writes.filter((w) => w.startsWith('deregister'))).toHaveLength(1);
  });
});

describe('a rule that errors, in enforce mode', () => {
  /** An enforce policy with one deny custom rule that errors on every task definition without pidMode. */
  function erroringPolicy(onError?: string): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-erroring-'));
    const file = join(dir, 'erroring.yaml');
    writeFileSync(
      file,
      `apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: erroring }\nspec:\n  mode: enforce\n  customRules:\n    - id: pid-mode-task\n      appliesTo: [taskDefinition]\n      expression: "object.pidMode == 'task'"\n      message: pid mode must be task\n      severity: high\n      action: deny\n${onError ? `      onError: ${onError}\n` : ''}`,
    );
    return compiledPolicies(file);
  }
  const register = (ecs: FakeEcs) => {
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx:1.27' }]);
    return {
      arn,
      event: eventBridgeEvent({
        recipientAccountId: ACCOUNT,
        awsRegion: REGION,
        eventName: 'RegisterTaskDefinition',
        requestParameters: {},
        responseElements: { taskDefinition: { taskDefinitionArn: arn } },
      }),
    };
  };

  it('is never a quiet pass: by default (onError: flag) it is alerted like a finding, and nothing is changed but a tag', async () => {
    const { ecs, alerts, invoke } = setup({ ECS_ADMISSION_POLICIES: await erroringPolicy() });
    const { arn, event } = register(ecs);
    expect(await invoke(event)).toMatchObject({ status: 'decided', decisions: [{ resource: arn, verdict: 'flag' }] });
    expect(alerts.published[0]!.findings).toEqual([
      expect.objectContaining({
        ruleId: 'pid-mode-task',
        action: 'flag',
        error: true,
        message: expect.stringContaining('The rule could not be evaluated') as unknown,
      }),
    ]);
    expect(ecs.writes.filter((w) => w.startsWith('deregisterTaskDefinition'))).toEqual([]);
  });

  it('with onError: deny, the error denies: the revision is deregistered', async () => {
    const { ecs, alerts, invoke } = setup({ ECS_ADMISSION_POLICIES: await erroringPolicy('deny') });
    const { arn, event } = register(ecs);
    expect(await invoke(event)).toMatchObject({ status: 'decided', decisions: [{ resource: arn, verdict: 'deny' }] });
    expect(ecs.writes).toContain(`deregisterTaskDefinition ${arn}`);
    expect(alerts.published).toHaveLength(1);
  });
});

describe('readConfig', () => {
  it('defaults to audit mode, the compiled policies of the package, the usual owner tags, a budget and no kill switch', () => {
    expect(readConfig({})).toEqual({
      mode: 'audit',
      topicArn: undefined,
      chatbotTopicArn: undefined,
      alertFormat: 'json',
      policies: 'compiled/policies.json',
      policiesCheckSeconds: 60,
      maxActions: 10,
      budget: { actions: 20, windowSeconds: 300 },
      modeParameter: undefined,
      ownerTags: ['Owner', 'owner', 'Team', 'team'],
      ledgerTable: undefined,
      ownRoleArn: undefined,
      reportBlocked: false,
    });
    expect(readConfig({ ECS_ADMISSION_REPORT_BLOCKED: 'true' }).reportBlocked).toBe(true);
    expect(
      readConfig({ ECS_ADMISSION_MODE_PARAMETER: '/ecs-admission/prod/mode', ECS_ADMISSION_BUDGET_ACTIONS: '5', ECS_ADMISSION_BUDGET_WINDOW_SECONDS: '60' }),
    ).toMatchObject({
      modeParameter: { name: '/ecs-admission/prod/mode', maxAgeSeconds: 30 },
      budget: { actions: 5, windowSeconds: 60 },
    });
  });

  it('names every bad variable and its value', () => {
    expect(() => readConfig({ ECS_ADMISSION_MODE: 'enforced', ECS_ADMISSION_MAX_ACTIONS: '-1' })).toThrow(ConfigError);
    expect(() => readConfig({ ECS_ADMISSION_MODE: 'enforced', ECS_ADMISSION_MAX_ACTIONS: '-1' })).toThrow(
      /ECS_ADMISSION_MODE="enforced": Invalid option: expected one of "audit"\|"enforce"; ECS_ADMISSION_MAX_ACTIONS="-1": Too small/,
    );
  });

  it('reads lists and treats empty variables as unset', () => {
    expect(readConfig({ ECS_ADMISSION_OWNER_TAGS: ' owner , cost-center ', ECS_ADMISSION_TOPIC_ARN: '' })).toMatchObject({
      ownerTags: ['owner', 'cost-center'],
      topicArn: undefined,
    });
  });
});
