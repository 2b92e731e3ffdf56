/**
 * The Lambda's guarantees against moto server, counted at a recording proxy between the handlers'
 * SDK clients and moto (never in the handlers' own results): one action set and one alert per
 * CloudTrail record under concurrent and repeated deliveries, partial failures injected by the
 * proxy, the exact revision, unverified calls, the action budget and the kill switch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDocument } from '../../src/render/alert/index.js';
import { LeaseHeldError } from '../../src/admission/lease.js';
import { readConfig } from '../../src/lambda/config.js';
import { awsDependencies, createHandler } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint, subscribedTopic, uniqueName, type SnsDelivery } from '../helpers/moto.js';
import { grantedActions } from '../helpers/docs.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

const ACCOUNT = '123456789012';
/** A ledger write of that stage by the lease holder; its release (the lease set to 0) does not match. */
const held = (stage: string) => new RegExp(`"stage":\\{"S":"${stage}"\\}.*"leaseUntil":\\{"N":"[1-9]`);
/** Attempts the handlers' SDK clients make per call here: a fault of `times: ATTEMPTS` fails one call for good. */
const ATTEMPTS = 2;
const REGION = 'us-east-1';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`;
const GOOD: ContainerDefinition = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
};
const PRIVILEGED: ContainerDefinition = { ...GOOD, privileged: true };

describeWithMoto('exactly once, never open: the admission Lambda against moto, counted at a proxy', () => {
  let proxy: RecordingProxy;
  let ecs: ECSClient;
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;
  let policies: string;

  beforeAll(async () => {
    proxy = await recordingProxy(motoEndpoint()!);
    ecs = new ECSClient(awsClientConfig());
    ({ topicArn, received } = await subscribedTopic('alerts'));
    policies = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
  });
  afterAll(() => proxy.close());

  /** A new Lambda container: its own clients (through the proxy), its own caches. */
  function container(table: string, env: Record<string, string> = {}) {
    const config = readConfig({
      ECS_ADMISSION_MODE: 'enforce',
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
      ...env,
    });
    const handler = createHandler(config, {
      ...awsDependencies(config, { ...awsClientConfig(), endpoint: proxy.endpoint, maxAttempts: ATTEMPTS }),
      home: { account: ACCOUNT, region: REGION },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(),
    });
    return (event: unknown, requestId = uniqueName('request')) =>
      handler(event, { awsRequestId: requestId, invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 30_000 } as never);
  }

  async function register(family: string, containers: ContainerDefinition[]) {
    const input: RegisterTaskDefinitionCommandInput = {
      family,
      containerDefinitions: containers,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
    };
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    return { input, out, arn: out.taskDefinition!.taskDefinitionArn! };
  }
  const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  /** The CloudTrail record of a call, delivered by EventBridge under the id given. */
  const record = (recordId: string, input: unknown, output: unknown, eventBridgeId = uniqueName('eb')) =>
    eventBridgeEvent(
      {
        eventID: recordId,
        eventName: 'RegisterTaskDefinition',
        awsRegion: REGION,
        recipientAccountId: ACCOUNT,
        requestParameters: json(input),
        responseElements: json(output),
      },
      eventBridgeId,
    );
  const status = async (arn: string) => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!.status;
  /** Alerts received since the last call, for this family only (other tests share the topic). */
  const alertsFor = async (family: string) =>
    (await received()).map((d) => ({ ...d, doc: JSON.parse(d.message) as AlertDocument })).filter((a) => a.doc.resource.family === family);
  const counts = (family: string) => ({
    deregister: proxy.calls('DeregisterTaskDefinition', family).length,
    tag: proxy.calls('TagResource', family).length,
    publish: proxy.calls('Publish', family).length,
  });

  it('50 concurrent deliveries of one record, in 50 containers: one deregistration, one tag, one alert; their retries and a replay add nothing', async () => {
    const table = await ledgerTable();
    const family = uniqueName('burst');
    const { input, out, arn } = await register(family, [PRIVILEGED]);
    const id = uniqueName('record');
    const deliveries = Array.from({ length: 50 }, () => ({ invoke: container(table), event: record(id, input, out) }));
    const results = await Promise.allSettled(deliveries.map((d) => d.invoke(d.event)));
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ status: string }>).value.status)).toEqual(['decided']);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual(Array(49).fill(expect.stringContaining('LeaseHeldError')));
    expect(counts(family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
    expect(await status(arn)).toBe('INACTIVE');

    // Lambda retries the 49 that failed: each finds the decision made.
    const retried = await Promise.all(deliveries.slice(1).map((d) => d.invoke(d.event)));
    expect(new Set(retried.map((r) => r.status))).toEqual(new Set(['duplicate']));
    // The same CloudTrail record under a new EventBridge id (a replay from an archive): nothing more.
    expect(await container(table)(record(id, input, out, uniqueName('replay')))).toMatchObject({ status: 'duplicate' });
    expect(counts(family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
    const alerts = await alertsFor(family);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.attributes.decisionId?.Value).toBe(alerts[0]!.doc.decisionId);
  }, 60_000);

  describe('partial failures, injected by the proxy', () => {
    async function scenario(prepare: (family: string) => void) {
      const table = await ledgerTable();
      const family = uniqueName('fault');
      const { input, out, arn } = await register(family, [PRIVILEGED]);
      const event = record(uniqueName('record'), input, out);
      prepare(family);
      const first = await container(table)(event).then(
        () => 'succeeded',
        (error: Error) => error.message,
      );
      // Lambda's retry: another attempt, in another container.
      const retry = await container(table)(event);
      return { family, arn, first, retry, alerts: await alertsFor(family) };
    }

    it('the ledger write after acting fails: the retry re-checks, calls nothing again, and alerts once', async () => {
      // Every attempt the SDK makes at the `acted` write fails; the lease release that follows gets through.
      const s = await scenario(() => proxy.inject({ action: 'PutItem', contains: held('acted'), times: ATTEMPTS }));
      expect(s.first).toContain('fault injected');
      expect(s.retry).toMatchObject({ status: 'duplicate', reason: 'resumed an unfinished decision' });
      expect(counts(s.family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
      expect(s.alerts[0]!.doc.actions.map((a) => a.status)).toEqual(['done', 'done']);
    });

    it('the acted write and the release both fail (the lease runs to the deadline): a later retry takes over and calls nothing again', async () => {
      const table = await ledgerTable();
      const family = uniqueName('fault');
      const { input, out, arn } = await register(family, [PRIVILEGED]);
      const event = record(uniqueName('record'), input, out);
      // The write and the release that follows it: two calls.
      proxy.inject({ action: 'PutItem', contains: '"acted"', times: 2 * ATTEMPTS });
      const invoke = container(table);
      await expect(invoke(event, 'dies')).rejects.toThrow('fault injected');
      // Before its deadline, a retry by another invocation waits (LeaseHeld)…
      await expect(container(table)(event)).rejects.toThrow(LeaseHeldError);
      // …after it (a deadline 30 s on, seen from a clock 31 s on), it takes over.
      const late = createLate(table);
      expect(await late(event)).toMatchObject({ status: 'duplicate', reason: 'resumed an unfinished decision' });
      expect(counts(family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
      const [alert] = await alertsFor(family);
      expect(alert!.doc.actions.map((a) => [a.type, a.status])).toEqual([
        ['deregisterTaskDefinition', 'unneeded'],
        ['tagResource', 'unneeded'],
      ]);
      expect(await status(arn)).toBe('INACTIVE');
    });

    it('the ledger write after publishing fails: the release that follows records the alert as sent; the retry sends nothing', async () => {
      const s = await scenario(() => proxy.inject({ action: 'PutItem', contains: held('alerted'), times: ATTEMPTS }));
      expect(s.first).toContain('fault injected');
      expect(s.retry).toMatchObject({ status: 'duplicate', reason: 'already decided, acted on and alerted' });
      expect(counts(s.family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
    });

    it('every ledger write after publishing fails: the takeover alerts again — the documented duplicate, same decisionId — and acts not again', async () => {
      const table = await ledgerTable();
      const family = uniqueName('fault');
      const { input, out } = await register(family, [PRIVILEGED]);
      const event = record(uniqueName('record'), input, out);
      proxy.inject({ action: 'PutItem', contains: '"alerted"', times: 2 * ATTEMPTS });
      await expect(container(table)(event)).rejects.toThrow('fault injected');
      expect(await createLate(table)(event)).toMatchObject({ status: 'duplicate', reason: 'resumed an unfinished decision' });
      expect(counts(family)).toEqual({ deregister: 1, tag: 1, publish: 2 });
      const alerts = await alertsFor(family);
      expect(alerts).toHaveLength(2);
      expect(new Set(alerts.map((a) => a.doc.decisionId)).size).toBe(1);
    });

    it('SNS answers 500 after publishing (the SDK retries): the documented duplicate, with the same decisionId, and nothing else', async () => {
      const s = await scenario((family) => proxy.inject({ action: 'Publish', contains: family, when: 'after' }));
      expect(s.first).toBe('succeeded');
      expect(s.retry).toMatchObject({ status: 'duplicate', reason: 'already decided, acted on and alerted' });
      expect(counts(s.family)).toEqual({ deregister: 1, tag: 1, publish: 2 });
      expect(new Set(s.alerts.map((a) => a.doc.decisionId)).size).toBe(1);
    });

    it('DeregisterTaskDefinition fails at AWS: the retry deregisters, once', async () => {
      const s = await scenario((family) => proxy.inject({ action: 'DeregisterTaskDefinition', contains: family, times: ATTEMPTS }));
      expect(s.first).toContain('fault injected');
      expect(counts(s.family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
      expect(await status(s.arn)).toBe('INACTIVE');
    });

    it('TagResource fails after the deregistration: the retry tags, and does not deregister again', async () => {
      const s = await scenario((family) => proxy.inject({ action: 'TagResource', contains: family, times: ATTEMPTS }));
      expect(s.first).toContain('fault injected');
      expect(counts(s.family)).toEqual({ deregister: 1, tag: 1, publish: 1 });
      expect(s.alerts[0]!.doc.actions.map((a) => [a.type, a.status])).toEqual([
        ['deregisterTaskDefinition', 'done'],
        ['tagResource', 'done'],
      ]);
    });
  });

  /** A container whose clock runs 31 s ahead: the leases of the others have ended for it. */
  function createLate(table: string) {
    const config = readConfig({
      ECS_ADMISSION_MODE: 'enforce',
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
    });
    const handler = createHandler(config, {
      ...awsDependencies(config, { ...awsClientConfig(), endpoint: proxy.endpoint, maxAttempts: ATTEMPTS }),
      home: { account: ACCOUNT, region: REGION },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(Date.now() + 31_000),
    });
    return (event: unknown) =>
      handler(event, { awsRequestId: uniqueName('late'), invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 30_000 } as never);
  }

  it('a RegisterTaskDefinition without its response: the revision it registered is judged (privileged rev 1, then clean rev 2)', async () => {
    const table = await ledgerTable();
    const family = uniqueName('noresponse');
    const bad = await register(family, [PRIVILEGED]);
    const good = await register(family, [GOOD]);
    const result = await container(table)(record(uniqueName('record'), bad.input, null));
    expect(result).toMatchObject({ status: 'decided', decisions: [{ resource: bad.arn, verdict: 'deny' }] });
    expect(await status(bad.arn)).toBe('INACTIVE');
    expect(await status(good.arn)).toBe('ACTIVE');
    expect(counts(family).deregister).toBe(1);
  });

  it('a call it cannot verify (another Region, a revision that does not exist) is alerted as unverified, and nothing changes', async () => {
    const table = await ledgerTable();
    const family = uniqueName('unverified');
    const { input, out } = await register(family, [PRIVILEGED]);
    const elsewhere = record(uniqueName('record'), input, out);
    (elsewhere.detail as Record<string, unknown>).awsRegion = 'eu-central-1';
    expect(await container(table)(elsewhere)).toMatchObject({
      status: 'decided',
      decisions: [{ verdict: 'unverified', unverified: [expect.stringContaining('Region eu-central-1')] }],
    });
    const missing = record(
      uniqueName('record'),
      { family },
      { taskDefinition: { taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:9` } },
    );
    expect(await container(table)(missing)).toMatchObject({
      decisions: [{ verdict: 'unverified', unverified: [`task definition arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:9 cannot be found`] }],
    });
    const alerts = await alertsFor(family);
    expect(alerts.map((a) => [a.subject, a.attributes.verdict?.Value])).toEqual([
      [`[UNVERIFIED] ${family}:1 task definition could not be verified`, 'unverified'],
      [`[UNVERIFIED] ${family}:9 task definition could not be verified`, 'unverified'],
    ]);
    expect(counts(family)).toEqual({ deregister: 0, tag: 0, publish: 2 });
  });

  it('the action budget holds across concurrent containers: 6 violating records at once, a budget of 2 → 2 deregistrations, 4 flagged', async () => {
    const table = await ledgerTable();
    const family = uniqueName('budget');
    const registered = [];
    for (let i = 0; i < 6; i++) registered.push(await register(`${family}-${i}`, [PRIVILEGED]));
    const results = await Promise.all(
      registered.map((r) => container(table, { ECS_ADMISSION_BUDGET_ACTIONS: '2' })(record(uniqueName('record'), r.input, r.out))),
    );
    expect(proxy.calls('DeregisterTaskDefinition', family)).toHaveLength(2);
    expect(proxy.calls('TagResource', family)).toHaveLength(6);
    expect(results.reduce((n, r) => n + ('overBudget' in r ? r.overBudget : 0), 0)).toBe(4);
  });

  it("the kill switch: set to audit, enforcement stops within the parameter's cache time, without a redeploy", async () => {
    const table = await ledgerTable();
    const ssm = new SSMClient(awsClientConfig());
    const name = `/ecs-admission/${uniqueName('stage')}/mode`;
    await ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: 'enforce' }));
    const invoke = container(table, { ECS_ADMISSION_MODE_PARAMETER: name, ECS_ADMISSION_MODE_PARAMETER_MAX_AGE: '1' });
    const family = uniqueName('switch');
    const first = await register(`${family}-a`, [PRIVILEGED]);
    expect(await invoke(record(uniqueName('record'), first.input, first.out))).toMatchObject({ mode: 'enforce', decisions: [{ mode: 'enforce' }] });

    await ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: 'audit', Overwrite: true }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await register(`${family}-b`, [PRIVILEGED]);
    expect(await invoke(record(uniqueName('record'), second.input, second.out))).toMatchObject({ mode: 'audit', decisions: [{ mode: 'audit' }] });
    expect(await status(second.arn)).toBe('ACTIVE');
    expect(proxy.calls('DeregisterTaskDefinition', family)).toHaveLength(1);
    // One GetParameter per cache period, not one per event.
    expect(proxy.calls('GetParameter', name)).toHaveLength(2);
  });

  // Runs last: the kill switch's GetParameter and the budget's writes are among the calls by then.
  it('calls nothing its role does not grant (IAM table of docs/lambda.md)', () => {
    const granted = grantedActions('admission');
    expect(
      proxy
        .all()
        .map((c) => `${c.service}:${c.action}`)
        .filter((action) => !granted.has(action)),
    ).toEqual([]);
    expect(proxy.calls('GetParameter').length).toBeGreaterThan(0);
  });
});
