/**
 * A call a guardrail refused, end to end against moto server: with reportBlocked, the handler
 * alerts once per CloudTrail record (the ledger in DynamoDB), with the verdict `blocked` and the
 * rule whose guardrail matched, and calls no ECS API; without it, the event is ignored.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertDocument } from '../../src/render/alert/index.js';
import { readConfig } from '../../src/lambda/config.js';
import { awsDependencies, createHandler } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint, subscribedTopic, uniqueName, type SnsDelivery } from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CONTEXT = {
  functionName: 'ecs-admission',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;
const SCP_DENY = `User: arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci is not authorized to perform: ecs:RegisterTaskDefinition with an explicit deny in a service control policy`;

describeWithMoto('a blocked call, through the handler against moto server', () => {
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;
  let table: string;
  let policies: string;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    const topic = await subscribedTopic('blocked');
    topicArn = topic.topicArn;
    received = topic.received;
    table = await ledgerTable();
    policies = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
    proxy = await recordingProxy(motoEndpoint()!);
  });
  afterAll(() => proxy?.close());

  const handlerFor = (reportBlocked: 'true' | 'false') => {
    const config = readConfig({
      ECS_ADMISSION_MODE: 'enforce',
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
      ECS_ADMISSION_REPORT_BLOCKED: reportBlocked,
    });
    const handler = createHandler(config, {
      ...awsDependencies(config, { ...awsClientConfig(), endpoint: proxy.endpoint }),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(),
    });
    return (event: unknown) => handler(event, CONTEXT);
  };

  it('alerts once per record with the rule whose guardrail matched, and calls no ECS API', async () => {
    const family = uniqueName('web');
    const eventID = uniqueName('record');
    const refused = (id: string) =>
      eventBridgeEvent(
        {
          eventID,
          eventName: 'RegisterTaskDefinition',
          awsRegion: REGION,
          recipientAccountId: ACCOUNT,
          userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci` },
          errorCode: 'AccessDenied',
          errorMessage: SCP_DENY,
          requestParameters: { family, containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] },
          responseElements: null,
        },
        id,
      );

    expect(await handlerFor('false')(refused(uniqueName('event')))).toMatchObject({ status: 'ignored' });

    const before = proxy.all().length;
    const result = await handlerFor('true')(refused(uniqueName('event')));
    expect(result).toMatchObject({ status: 'decided', decisions: [{ verdict: 'blocked', mode: 'audit', actions: [] }] });
    // A second EventBridge event of the same record: the ledger has it.
    expect(await handlerFor('true')(refused(uniqueName('event')))).toMatchObject({ status: 'duplicate' });
    expect(
      proxy
        .all()
        .slice(before)
        .filter((c) => c.service === 'ecs'),
    ).toEqual([]);

    const deliveries = await received();
    expect(deliveries).toHaveLength(1);
    const message = JSON.parse(deliveries[0]!.message) as AlertDocument;
    expect(message).toMatchObject({
      verdict: 'blocked',
      eventName: 'RegisterTaskDefinition',
      cloudTrailEventId: eventID,
      principal: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci` },
      resource: { kind: 'taskDefinition', name: family },
      blocked: { errorCode: 'AccessDenied', errorMessage: SCP_DENY },
      actions: [],
    });
    expect(message.blocked!.rules).toContain('no-privileged-containers');
    expect(deliveries[0]!.subject).toContain(`[BLOCKED critical] ${family} task definition blocked by AWS`);
  });
});
