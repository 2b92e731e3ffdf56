/** The handler's own contract, with in-memory AWS: what it logs, what metrics it emits, what it returns. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { memoryLedger } from '../../src/adapters/memory-ledger.js';
import { ConfigError, readConfig } from '../../src/lambda/config.js';
import { createHandler } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { captureLambdaOutput } from '../helpers/lambda-output.js';
import { ACCOUNT, FakeAlerts, FakeEcs, REGION } from '../helpers/fake-ecs.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CONTEXT = { functionName: 'ecs-admission', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:ecs-admission', memoryLimitInMB: '256', functionVersion: '$LATEST' } as Context;

const { lines, text } = captureLambdaOutput();

function setup(env: Record<string, string> = {}) {
  const ecs = new FakeEcs();
  const alerts = new FakeAlerts();
  const config = readConfig({ ECS_ADMISSION_MODE: 'enforce', ECS_ADMISSION_POLICIES: 'test/fixtures/policies/enforce-recommended.yaml', ...env });
  const handler = createHandler(config, { ecs, alerts, ledger: memoryLedger(), logger: new Logger({ serviceName: 'ecs-admission', logLevel: 'INFO' }), metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }), now: () => new Date('2026-11-23T12:00:00Z') });
  return { ecs, alerts, invoke: (event: unknown) => handler(event, CONTEXT) };
}

describe('the Lambda handler', () => {
  it('logs each decision as JSON and emits metrics by rule, severity and action, with no secret value anywhere', async () => {
    const { ecs, alerts, invoke } = setup();
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx:latest', privileged: true, environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }] }]);
    const event = eventBridgeEvent({ eventName: 'RegisterTaskDefinition', recipientAccountId: ACCOUNT, awsRegion: REGION, requestParameters: { family: 'web', containerDefinitions: [{ environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }] }] }, responseElements: { taskDefinition: { taskDefinitionArn: arn } } });
    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'decided', decisions: [{ resource: arn, verdict: 'deny', mode: 'enforce' }] });
    const logged = lines();
    const decision = logged.find((l) => l.message === 'admission decided')!;
    expect(decision).toMatchObject({ level: 'INFO', service: 'ecs-admission', eventId: event.id, eventName: 'RegisterTaskDefinition', function_request_id: 'req-1' });
    expect((decision.decisions as { rules: string[] }[])[0]!.rules).toEqual(expect.arrayContaining(['no-privileged-containers', 'no-aws-credentials-in-environment']));
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

  it('logs a malformed event with its id and drops it; counts it', async () => {
    const { invoke } = setup();
    expect(await invoke({ id: 'bad-1', 'detail-type': 'Scheduled Event' })).toMatchObject({ status: 'malformed', eventId: 'bad-1' });
    expect(lines()).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'ERROR', message: 'malformed event dropped', eventId: 'bad-1' }), expect.objectContaining({ MalformedEvents: 1 })]));
  });

  it('logs an ignored event (its own call) and does nothing', async () => {
    const role = 'arn:aws:iam::111122223333:role/ecs-admission';
    const { ecs, invoke } = setup({ ECS_ADMISSION_ROLE_ARN: role });
    const event = eventBridgeEvent({ eventName: 'UpdateService', userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: role } } }, requestParameters: { service: 'api' } });
    expect(await invoke(event)).toMatchObject({ status: 'ignored', reason: 'UpdateService was made by ecs-admission itself' });
    expect(ecs.writes).toEqual([]);
  });

  it('throws on an AWS failure, after logging it with the event id, so the event is retried', async () => {
    const { ecs, invoke } = setup();
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx', privileged: true }]);
    ecs.failNext = { type: 'deregisterTaskDefinition' };
    const event = eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters: {}, responseElements: { taskDefinition: { taskDefinitionArn: arn } } });
    await expect(invoke(event)).rejects.toThrow('deregisterTaskDefinition: service unavailable');
    expect(lines()).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'ERROR', message: 'admission failed; the event will be retried', eventId: event.id })]));
  });

  it('refuses to run with policies that do not load, naming the file (the event goes to retry, not dropped)', async () => {
    const { ecs, invoke } = setup({ ECS_ADMISSION_POLICIES: 'test/fixtures/policies/missing.yaml' });
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx' }]);
    const event = eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters: {}, responseElements: { taskDefinition: { taskDefinitionArn: arn } } });
    await expect(invoke(event)).rejects.toThrow('policies in test/fixtures/policies/missing.yaml do not load: test/fixtures/policies/missing.yaml: no such file or directory');
  });
  it('reads the policies again on the next invocation after they failed to load (a container is not stuck on one bad read)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-late-policy-'));
    const file = join(dir, 'policy.yaml');
    try {
      const { ecs, invoke } = setup({ ECS_ADMISSION_POLICIES: file });
      const arn = ecs.register('web', [{ name: 'app', image: 'nginx', privileged: true }]);
      const event = eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters: {}, responseElements: { taskDefinition: { taskDefinitionArn: arn } } });
      await expect(invoke(event)).rejects.toThrow('no such file or directory');
      copyFileSync('test/fixtures/policies/enforce-recommended.yaml', file);
      await expect(invoke(event)).resolves.toMatchObject({ status: 'decided', decisions: [{ verdict: 'deny' }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a rule that errors, in enforce mode', () => {
  /** An enforce policy with one deny custom rule that errors on every task definition without pidMode. */
  function erroringPolicy(onError?: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-erroring-'));
    const file = join(dir, 'erroring.yaml');
    writeFileSync(
      file,
      `apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: erroring }\nspec:\n  mode: enforce\n  customRules:\n    - id: pid-mode-task\n      appliesTo: [taskDefinition]\n      expression: "object.pidMode == 'task'"\n      message: pid mode must be task\n      severity: high\n      action: deny\n${onError ? `      onError: ${onError}\n` : ''}`,
    );
    return file;
  }
  const register = (ecs: FakeEcs) => {
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx:1.27' }]);
    return { arn, event: eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters: {}, responseElements: { taskDefinition: { taskDefinitionArn: arn } } }) };
  };

  it('is never a quiet pass: by default (onError: flag) it is alerted like a finding, and nothing is changed but a tag', async () => {
    const { ecs, alerts, invoke } = setup({ ECS_ADMISSION_POLICIES: erroringPolicy() });
    const { arn, event } = register(ecs);
    expect(await invoke(event)).toMatchObject({ status: 'decided', decisions: [{ resource: arn, verdict: 'flag' }] });
    expect(alerts.published[0]!.findings).toEqual([expect.objectContaining({ ruleId: 'pid-mode-task', action: 'flag', error: true, message: expect.stringContaining('The rule could not be evaluated') as unknown })]);
    expect(ecs.writes.filter((w) => w.startsWith('deregisterTaskDefinition'))).toEqual([]);
  });

  it('with onError: deny, the error denies: the revision is deregistered', async () => {
    const { ecs, alerts, invoke } = setup({ ECS_ADMISSION_POLICIES: erroringPolicy('deny') });
    const { arn, event } = register(ecs);
    expect(await invoke(event)).toMatchObject({ status: 'decided', decisions: [{ resource: arn, verdict: 'deny' }] });
    expect(ecs.writes).toContain(`deregisterTaskDefinition ${arn}`);
    expect(alerts.published).toHaveLength(1);
  });
});

describe('readConfig', () => {
  it('defaults to audit mode, the bundled recommended policy and the usual owner tags', () => {
    expect(readConfig({})).toEqual({ mode: 'audit', topicArn: undefined, chatbotTopicArn: undefined, alertFormat: 'json', policies: ['policies/recommended.yaml'], maxActions: 10, ownerTags: ['Owner', 'owner', 'Team', 'team'], ledgerTable: undefined, ownRoleArn: undefined });
  });

  it('names every bad variable and its value', () => {
    expect(() => readConfig({ ECS_ADMISSION_MODE: 'enforced', ECS_ADMISSION_MAX_ACTIONS: '-1' })).toThrow(ConfigError);
    expect(() => readConfig({ ECS_ADMISSION_MODE: 'enforced', ECS_ADMISSION_MAX_ACTIONS: '-1' })).toThrow(
      /ECS_ADMISSION_MODE="enforced": Invalid option: expected one of "audit"\|"enforce"; ECS_ADMISSION_MAX_ACTIONS="-1": Too small/,
    );
  });

  it('reads lists and treats empty variables as unset', () => {
    expect(readConfig({ ECS_ADMISSION_OWNER_TAGS: ' owner , cost-center ', ECS_ADMISSION_POLICIES: 'a.yaml,dir', ECS_ADMISSION_TOPIC_ARN: '' })).toMatchObject({ ownerTags: ['owner', 'cost-center'], policies: ['a.yaml', 'dir'], topicArn: undefined });
  });
});
