/**
 * The admission Lambda on daemons and Express services, with the real SDK over HTTP: ECS's daemon
 * and Express calls at the stub server (test/helpers/ecs-stub-server.ts; moto has none of them),
 * the ledger and the alerts in moto behind it (through a recording proxy that serializes DynamoDB).
 * Calls are counted at the stub, never in the handler's own results. The CloudTrail records are
 * constructed from the documented record structure (test/helpers/cloudtrail.ts) with each call's
 * documented request and response.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertDocument } from '../../src/render/alert/index.js';
import { readConfig } from '../../src/lambda/config.js';
import { awsDependencies, createHandler, type InvocationResult } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { grantedActions } from '../helpers/docs.js';
import { DAEMON_EXPRESS_ACTIONS, ecsStubServer, type EcsStub } from '../helpers/ecs-stub-server.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint, subscribedTopic, uniqueName, type SnsDelivery } from '../helpers/moto.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/agent@sha256:${'b'.repeat(64)}`;
const GOOD = {
  name: 'agent',
  image: IMAGE,
  essential: true,
  memory: 256,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'agent' } },
};
const PRIVILEGED = { ...GOOD, privileged: true };
const AWS_KEY = { name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describeWithMoto('daemons and Express services: the admission Lambda, ECS at the stub server, the ledger and alerts in moto', () => {
  let proxy: RecordingProxy;
  let stub: EcsStub;
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;
  let policies: string;
  let table: string;

  beforeAll(async () => {
    proxy = await recordingProxy(motoEndpoint()!);
    stub = await ecsStubServer(proxy.endpoint);
    ({ topicArn, received } = await subscribedTopic('daemon-alerts'));
    policies = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
    table = await ledgerTable();
  });
  afterAll(async () => {
    await stub.close();
    await proxy.close();
  });

  function container(mode: 'enforce' | 'audit' = 'enforce') {
    const config = readConfig({
      ECS_ADMISSION_MODE: mode,
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
    });
    const handler = createHandler(config, {
      ...awsDependencies(config, { ...awsClientConfig(), endpoint: stub.endpoint, maxAttempts: 2 }),
      home: { account: ACCOUNT, region: REGION },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(),
    });
    return (event: unknown, requestId = uniqueName('request')) =>
      handler(event, {
        awsRequestId: requestId,
        invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
        getRemainingTimeInMillis: () => 30_000,
      } as never);
  }
  const record = (eventName: string, requestParameters: unknown, responseElements: unknown, recordId = uniqueName('record')) =>
    eventBridgeEvent({ eventID: recordId, eventName, awsRegion: REGION, recipientAccountId: ACCOUNT, requestParameters, responseElements }, uniqueName('eb'));
  const alertFor = async (name: string) =>
    (await received()).map((d) => ({ ...d, doc: JSON.parse(d.message) as AlertDocument })).filter((a) => a.doc.resource.name.includes(name));
  const decisionOf = (result: InvocationResult) => ('decisions' in result ? result.decisions[0] : undefined);

  /** A daemon task definition registered at the stub, and the CloudTrail record of its registration. */
  const register = (family: string, container: object) => {
    const arn = stub.addDaemonTaskDefinition(family, { containerDefinitions: [container] });
    return { arn, event: record('RegisterDaemonTaskDefinition', { family, containerDefinitions: [container] }, { daemonTaskDefinitionArn: arn }) };
  };

  it('RegisterDaemonTaskDefinition: a violating one is deleted once (ECS has no deregister step); audit says "would delete"; a compliant one is left alone', async () => {
    const bad = register(uniqueName('agent'), PRIVILEGED);
    const result = await container()(bad.event);
    expect(decisionOf(result)).toMatchObject({ verdict: 'deny', mode: 'enforce' });
    expect(stub.calls('DeleteDaemonTaskDefinition', bad.arn)).toHaveLength(1);
    expect(stub.daemonTaskDefinition(bad.arn)!.status).toBe('DELETE_IN_PROGRESS');
    expect((await alertFor(bad.arn.split('/').pop()!))[0]!.doc.verdict).toBe('deny');

    const audited = register(uniqueName('agent'), PRIVILEGED);
    const audit = await container('audit')(audited.event);
    expect(decisionOf(audit)!.actions.join('\n')).toMatch(/would deleteDaemonTaskDefinition/);
    expect(stub.calls('DeleteDaemonTaskDefinition', audited.arn)).toHaveLength(0);
    expect(JSON.stringify((await alertFor(audited.arn.split('/').pop()!))[0]!.doc)).toMatch(/Would delete daemon task definition/);

    const good = register(uniqueName('agent'), GOOD);
    expect(await container()(good.event)).toMatchObject({ status: 'passed' });
    expect(stub.calls('DeleteDaemonTaskDefinition', good.arn)).toHaveLength(0);
  });

  it('20 concurrent deliveries of one RegisterDaemonTaskDefinition record: one DeleteDaemonTaskDefinition', async () => {
    const bad = register(uniqueName('burst'), PRIVILEGED);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => container()(bad.event)));
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(stub.calls('DeleteDaemonTaskDefinition', bad.arn)).toHaveLength(1);
  });

  it.each(['CreateDaemon', 'UpdateDaemon'])(
    '%s onto a violating revision: one UpdateDaemon back to the last compliant revision, or flagged when there is none',
    async (eventName) => {
      const family = uniqueName('agent');
      const good = stub.addDaemonTaskDefinition(family, { containerDefinitions: [GOOD] });
      const bad = stub.addDaemonTaskDefinition(family, { containerDefinitions: [PRIVILEGED] });
      const daemon = stub.addDaemon(uniqueName('daemon'), [bad]);
      const event = record(
        eventName,
        { daemonArn: daemon, daemonTaskDefinitionArn: bad },
        eventName === 'CreateDaemon' ? { daemonArn: daemon, status: 'ACTIVE' } : {},
      );
      expect(decisionOf(await container()(event))).toMatchObject({ verdict: 'deny' });
      const updates = stub.calls('UpdateDaemon', daemon);
      expect(updates).toHaveLength(1);
      expect(JSON.parse(updates[0]!.body)).toMatchObject({
        daemonTaskDefinitionArn: good,
        capacityProviderArns: [expect.stringContaining('capacity-provider/')],
      });

      // Nothing compliant to go back to: never rolled blindly, flagged and said.
      const lone = stub.addDaemonTaskDefinition(uniqueName('lone'), { containerDefinitions: [PRIVILEGED] });
      const alone = stub.addDaemon(uniqueName('daemon'), [lone]);
      const flagged = decisionOf(await container()(record(eventName, { daemonArn: alone }, { daemonArn: alone })))!;
      expect(stub.calls('UpdateDaemon', alone)).toHaveLength(0);
      expect(flagged.notes.join('\n')).toMatch(/cannot roll daemon .* back: .*no other ACTIVE daemon task definition/);

      // Audit: none, and the decision says what would have been done.
      const daemon2 = stub.addDaemon(uniqueName('daemon'), [bad]);
      const audit = decisionOf(await container('audit')(record(eventName, { daemonArn: daemon2 }, { daemonArn: daemon2 })))!;
      expect(stub.calls('UpdateDaemon', daemon2)).toHaveLength(0);
      expect(audit.actions.join('\n')).toMatch(/would updateDaemon/);
    },
  );

  it.each(['CreateExpressGatewayService', 'UpdateExpressGatewayService'])(
    '%s violating: back to the previous active configuration once, flagged when ECS lists none; a compliant one is left alone',
    async (eventName) => {
      const clean = { primaryContainer: { image: IMAGE, containerPort: 8080 } };
      const leaky = { primaryContainer: { image: IMAGE, containerPort: 8080, environment: [AWS_KEY] } };
      const response = (arn: string) => (eventName.startsWith('Create') ? { service: { serviceArn: arn } } : { service: { serviceArn: arn } });

      const rolling = stub.addExpressService(uniqueName('web'), [clean, leaky]);
      expect(decisionOf(await container()(record(eventName, { serviceArn: rolling }, response(rolling))))).toMatchObject({ verdict: 'deny' });
      const restores = stub.calls('UpdateExpressGatewayService', rolling);
      expect(restores).toHaveLength(1);
      expect((JSON.parse(restores[0]!.body) as { primaryContainer?: unknown }).primaryContainer).toEqual(clean.primaryContainer);

      const fresh = stub.addExpressService(uniqueName('web'), [leaky]);
      const flagged = decisionOf(await container()(record(eventName, { serviceArn: fresh }, response(fresh))))!;
      expect(stub.calls('UpdateExpressGatewayService', fresh)).toHaveLength(0);
      expect(flagged.notes.join('\n')).toMatch(/no previous active configuration/);

      const fine = stub.addExpressService(uniqueName('web'), [clean]);
      expect(await container()(record(eventName, { serviceArn: fine }, response(fine)))).toMatchObject({ status: 'passed' });
      expect(stub.calls('UpdateExpressGatewayService', fine)).toHaveLength(0);
    },
  );

  it('not found and AccessDenied at ECS: unverified, nothing done, for each of the five calls', async () => {
    const missingTd = `arn:aws:ecs:${REGION}:${ACCOUNT}:daemon-task-definition/${uniqueName('gone')}:1`;
    const missingDaemon = `arn:aws:ecs:${REGION}:${ACCOUNT}:daemon/managed/${uniqueName('gone')}`;
    const missingService = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/default/${uniqueName('gone')}`;
    const events = [
      record('RegisterDaemonTaskDefinition', { family: 'x' }, { daemonTaskDefinitionArn: missingTd }),
      record('CreateDaemon', {}, { daemonArn: missingDaemon }),
      record('UpdateDaemon', { daemonArn: missingDaemon }, {}),
      record('CreateExpressGatewayService', {}, { service: { serviceArn: missingService } }),
      record('UpdateExpressGatewayService', { serviceArn: missingService }, {}),
    ];
    for (const event of events)
      expect(decisionOf(await container()(event))).toMatchObject({ verdict: 'unverified', unverified: [expect.stringMatching(/cannot be found/)] });

    const bad = register(uniqueName('denied'), PRIVILEGED);
    const daemon = stub.addDaemon(uniqueName('denied'), [bad.arn]);
    const service = stub.addExpressService(uniqueName('denied'), [{}]);
    for (const action of ['DescribeDaemonTaskDefinition', 'DescribeDaemon', 'DescribeExpressGatewayService'])
      stub.refuse({ action, error: 'AccessDeniedException' });
    try {
      const refused = [bad.event, record('UpdateDaemon', { daemonArn: daemon }, {}), record('UpdateExpressGatewayService', { serviceArn: service }, {})];
      for (const event of refused)
        expect(decisionOf(await container()(event))).toMatchObject({ verdict: 'unverified', unverified: [expect.stringMatching(/AccessDenied/)] });
    } finally {
      stub.clearRefusals();
    }
    for (const action of ['DeleteDaemonTaskDefinition', 'UpdateDaemon', 'UpdateExpressGatewayService']) {
      expect(
        stub.calls(action).filter((c) => [missingTd, missingDaemon, missingService, bad.arn, daemon, service].some((arn) => c.body.includes(arn))),
      ).toEqual([]);
    }
  });

  // Runs last: by then every daemon and Express call has been made.
  it('calls nothing its role does not grant, and every daemon and Express grant is called (IAM table of docs/lambda.md)', () => {
    const granted = grantedActions('admission');
    const ecsCalls = new Set(
      stub
        .all()
        .filter((c) => DAEMON_EXPRESS_ACTIONS.includes(`ecs:${c.action}` as never) || c.action === 'TagResource')
        .map((c) => `ecs:${c.action}`),
    );
    expect([...ecsCalls].filter((a) => !granted.has(a))).toEqual([]);
    expect(DAEMON_EXPRESS_ACTIONS.filter((a) => !ecsCalls.has(a))).toEqual([]);
    expect(DAEMON_EXPRESS_ACTIONS.filter((a) => !granted.has(a))).toEqual([]);
    const forwarded = proxy.all().map((c) => `${c.service}:${c.action}`);
    expect(forwarded.filter((a) => !granted.has(a))).toEqual([]);
  });
});
