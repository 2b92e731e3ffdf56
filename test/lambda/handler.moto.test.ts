/**
 * The Lambda end to end against moto server: real SDK clients over HTTP, one test per handled
 * event name. Each test creates the resource in moto, builds the EventBridge event from the real
 * API response as CloudTrail would, runs the handler (middy, Powertools and all) and asserts
 * moto's state afterwards and the alert received on an SQS queue subscribed to the topic.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDocument } from '../../src/render/alert/index.js';
import { readConfig } from '../../src/lambda/config.js';
import { awsDependencies, createHandler } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { grantedActions } from '../helpers/docs.js';
import { DAEMON_EXPRESS_ACTIONS } from '../helpers/ecs-stub-server.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';
import {
  awsClientConfig,
  defaultNetwork,
  describeWithMoto,
  ledgerTable,
  motoEndpoint,
  subscribedTopic,
  uniqueName,
  type SnsDelivery,
} from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CONTEXT = {
  functionName: 'ecs-admission',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;

const GOOD: ContainerDefinition = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
};
const PRIVILEGED: ContainerDefinition = { ...GOOD, privileged: true };

describeWithMoto('the admission Lambda against moto server', () => {
  const aws = () => awsClientConfig();
  let ecs: ECSClient;
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;
  let table: string;
  let cluster: string;
  let network: { subnets: string[]; securityGroups: string[] };
  let policies: string;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    ecs = new ECSClient(aws());
    const topic = await subscribedTopic('alerts');
    topicArn = topic.topicArn;
    received = topic.received;
    table = await ledgerTable();
    cluster = uniqueName('prod');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    network = await defaultNetwork();
    policies = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
    proxy = await recordingProxy(motoEndpoint()!);
  });
  afterAll(() => proxy?.close());

  function handlerFor(mode: 'audit' | 'enforce', extra: Record<string, string> = {}) {
    const config = readConfig({
      ECS_ADMISSION_MODE: mode,
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
      ...extra,
    });
    // Through a recording proxy: the last test checks every call made here against the role.
    const handler = createHandler(config, {
      ...awsDependencies(config, { ...aws(), endpoint: proxy.endpoint }),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(),
    });
    return (event: unknown) => handler(event, CONTEXT);
  }

  /** Every alert that reached the queue since the last call. */
  async function alerts(): Promise<{ subject: string; message: AlertDocument; attributes: Record<string, string> }[]> {
    return (await received()).map((d) => ({
      subject: d.subject,
      message: JSON.parse(d.message) as AlertDocument,
      attributes: Object.fromEntries(Object.entries(d.attributes).map(([k, v]) => [k, v.Value])),
    }));
  }

  const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const caller = {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
    sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/deployer` } },
  };
  const event = (eventName: string, requestParameters: unknown, responseElements: unknown) =>
    eventBridgeEvent(
      {
        eventID: uniqueName('record'),
        eventName,
        awsRegion: REGION,
        recipientAccountId: ACCOUNT,
        userIdentity: caller,
        requestParameters: json(requestParameters),
        responseElements: json(responseElements),
      },
      uniqueName('event'),
    );

  async function register(family: string, containers: ContainerDefinition[], extra: Partial<RegisterTaskDefinitionCommandInput> = {}) {
    const input: RegisterTaskDefinitionCommandInput = {
      family,
      containerDefinitions: containers,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'Owner', value: 'team-payments' }],
      ...extra,
    };
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    return { input, out, arn: out.taskDefinition!.taskDefinitionArn! };
  }
  const describeTd = async (arn: string) => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
  const awsvpc = () => ({
    awsvpcConfiguration: { subnets: network.subnets.slice(0, 1), securityGroups: network.securityGroups, assignPublicIp: 'DISABLED' as const },
  });

  describe('RegisterTaskDefinition', () => {
    it('deregisters and tags a privileged revision in enforce mode, and alerts with filterable attributes', async () => {
      const family = uniqueName('web');
      const { input, out, arn } = await register(family, [PRIVILEGED]);
      const e = event('RegisterTaskDefinition', input, out);
      const result = await handlerFor('enforce')(e);
      expect(result).toMatchObject({
        status: 'decided',
        decisions: [{ verdict: 'deny', mode: 'enforce', actions: [`done deregisterTaskDefinition ${family}:1`, `done tagResource ${family}:1`] }],
      });

      const after = await describeTd(arn);
      expect(after.taskDefinition!.status).toBe('INACTIVE');
      expect(after.tags).toEqual(
        expect.arrayContaining([
          { key: 'ecs-admission:verdict', value: 'denied' },
          { key: 'ecs-admission:rules', value: 'no-privileged-containers' },
          { key: 'ecs-admission:event', value: e.id },
        ]),
      );

      const [alert, ...more] = await alerts();
      expect(more).toEqual([]);
      expect(alert!.subject).toBe(`[DENY critical] ${family}:1 task definition deregistered - no-privileged-containers`);
      expect(alert!.message).toMatchObject({
        version: '1',
        eventId: e.id,
        eventName: 'RegisterTaskDefinition',
        account: ACCOUNT,
        region: REGION,
        verdict: 'deny',
        mode: 'enforce',
        principal: { arn: caller.arn },
        resource: { arn, owner: 'team-payments' },
      });
      expect(alert!.message.findings).toEqual([
        expect.objectContaining({ ruleId: 'no-privileged-containers', severity: 'critical', path: 'containerDefinitions[0].privileged' }),
      ]);
      expect(alert!.attributes).toMatchObject({
        severity: 'critical',
        verdict: 'deny',
        account: ACCOUNT,
        region: REGION,
        family,
        owner: 'team-payments',
        rules: '["no-privileged-containers"]',
      });
    });

    it('changes nothing in audit mode, and the alert says what would have been done', async () => {
      const { input, out, arn } = await register(uniqueName('web'), [PRIVILEGED]);
      await handlerFor('audit')(event('RegisterTaskDefinition', input, out));
      const after = await describeTd(arn);
      expect(after.taskDefinition!.status).toBe('ACTIVE');
      expect(after.tags).toEqual([{ key: 'Owner', value: 'team-payments' }]);
      const [alert] = await alerts();
      expect(alert!.subject).toContain('would deregister');
      expect(alert!.message.actions).toEqual([
        expect.objectContaining({ type: 'deregisterTaskDefinition', status: 'would' }),
        expect.objectContaining({ type: 'tagResource', status: 'would' }),
      ]);
    });

    it('acts once and alerts once when the same event is delivered twice', async () => {
      const { input, out } = await register(uniqueName('web'), [PRIVILEGED]);
      const e = event('RegisterTaskDefinition', input, out);
      const handler = handlerFor('enforce');
      expect((await handler(e)).status).toBe('decided');
      // A second container (no shared memory): only the ledger table knows the event was handled.
      expect(await handlerFor('enforce')(e)).toMatchObject({ status: 'duplicate', reason: 'already decided, acted on and alerted' });
      expect(await alerts()).toHaveLength(1);
    });
  });

  it('alerting on two topics: when the second fails, the retry sends to it alone (the ledger records each sent alert)', async () => {
    const chatbotName = uniqueName('chatbot');
    const chatbotTopicArn = topicArn.replace(/[^:]+$/, chatbotName);
    const { input, out } = await register(uniqueName('web'), [PRIVILEGED]);
    const e = event('RegisterTaskDefinition', input, out);
    // The Chatbot topic does not exist yet: its publish fails after the JSON topic's succeeded.
    await expect(handlerFor('enforce', { ECS_ADMISSION_CHATBOT_TOPIC_ARN: chatbotTopicArn })(e)).rejects.toThrow();
    const chatbot = await subscribedTopic('chatbot', REGION, chatbotName);
    // The retry, in another container: only the ledger table knows what was sent.
    expect(await handlerFor('enforce', { ECS_ADMISSION_CHATBOT_TOPIC_ARN: chatbotTopicArn })(e)).toMatchObject({
      status: 'duplicate',
      reason: 'resumed an unfinished decision',
    });
    expect(await alerts()).toHaveLength(1);
    const slack = await chatbot.received();
    expect(slack).toHaveLength(1);
    expect(JSON.parse(slack[0]!.message)).toMatchObject({ version: '1.0', source: 'custom' });
    expect((await describeTd(out.taskDefinition!.taskDefinitionArn!)).taskDefinition!.status).toBe('INACTIVE');
  });

  describe('services', () => {
    it('CreateService on a denied revision: rolled back to the newest compliant revision', async () => {
      const family = uniqueName('api');
      await register(family, [GOOD]);
      const good = await register(family, [{ ...GOOD, memory: 512 }]);
      const bad = await register(family, [PRIVILEGED]);
      const input = {
        cluster,
        serviceName: uniqueName('api'),
        taskDefinition: bad.arn,
        desiredCount: 1,
        launchType: 'FARGATE' as const,
        networkConfiguration: awsvpc(),
      };
      const out = await ecs.send(new CreateServiceCommand(input));
      const result = await handlerFor('enforce')(event('CreateService', input, out));
      expect(result).toMatchObject({ status: 'decided', decisions: [{ verdict: 'deny', rules: ['require-compliant-task-definition'] }] });
      const service = (await ecs.send(new DescribeServicesCommand({ cluster, services: [input.serviceName] }))).services![0]!;
      expect(service.taskDefinition).toBe(good.arn);
      const [alert] = await alerts();
      expect(alert!.message.actions[0]).toMatchObject({ type: 'updateService', status: 'done' });
      expect(alert!.message.actions[0]!.summary).toContain(`${family}:2`);
    });

    it('UpdateService to a denied revision: put back; in audit mode only reported', async () => {
      const family = uniqueName('api');
      const good = await register(family, [GOOD]);
      const bad = await register(family, [PRIVILEGED]);
      const serviceName = uniqueName('api');
      await ecs.send(
        new CreateServiceCommand({ cluster, serviceName, taskDefinition: good.arn, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: awsvpc() }),
      );
      const update = { cluster, service: serviceName, taskDefinition: bad.arn };
      const out = await ecs.send(new UpdateServiceCommand(update));
      const current = async () => (await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }))).services![0]!.taskDefinition;

      await handlerFor('audit')(event('UpdateService', update, out));
      expect(await current()).toBe(bad.arn);
      expect((await alerts())[0]!.message.actions[0]).toMatchObject({ type: 'updateService', status: 'would' });

      await handlerFor('enforce')(event('UpdateService', update, out));
      expect(await current()).toBe(good.arn);
      expect((await alerts())[0]!.message.actions[0]).toMatchObject({ type: 'updateService', status: 'done' });
    });

    it('UpdateService that turns a public IP on: the property is put back', async () => {
      const { arn } = await register(uniqueName('api'), [GOOD]);
      const serviceName = uniqueName('api');
      await ecs.send(
        new CreateServiceCommand({ cluster, serviceName, taskDefinition: arn, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: awsvpc() }),
      );
      const update = {
        cluster,
        service: serviceName,
        networkConfiguration: { awsvpcConfiguration: { ...awsvpc().awsvpcConfiguration, assignPublicIp: 'ENABLED' as const } },
      };
      const out = await ecs.send(new UpdateServiceCommand(update));
      await handlerFor('enforce')(event('UpdateService', update, out));
      const service = (await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }))).services![0]!;
      expect(service.networkConfiguration!.awsvpcConfiguration!.assignPublicIp).toBe('DISABLED');
      expect((await alerts())[0]!.message.findings).toEqual([expect.objectContaining({ ruleId: 'no-public-ip' })]);
    });

    it('CreateTaskSet on a denied revision: the task set is deleted', async () => {
      const bad = await register(uniqueName('api'), [PRIVILEGED]);
      const good = await register(uniqueName('api'), [GOOD]);
      const serviceName = uniqueName('api');
      await ecs.send(new CreateServiceCommand({ cluster, serviceName, taskDefinition: good.arn, desiredCount: 1, deploymentController: { type: 'EXTERNAL' } }));
      const input = { cluster, service: serviceName, taskDefinition: bad.arn, launchType: 'FARGATE' as const, networkConfiguration: awsvpc() };
      const out = await ecs.send(new CreateTaskSetCommand(input));
      await handlerFor('enforce')(event('CreateTaskSet', input, out));
      const left = await ecs.send(new DescribeTaskSetsCommand({ cluster, service: serviceName, taskSets: [out.taskSet!.taskSetArn!] }));
      expect(left.taskSets).toEqual([]);
      expect((await alerts())[0]!.message.actions[0]).toMatchObject({ type: 'deleteTaskSet', status: 'done' });
    });
  });

  describe('tasks', () => {
    it('RunTask of a denied revision: the task is stopped with a reason naming the rule', async () => {
      const bad = await register(uniqueName('job'), [PRIVILEGED]);
      const input = { cluster, taskDefinition: bad.arn, launchType: 'FARGATE' as const, networkConfiguration: awsvpc() };
      const out = await ecs.send(new RunTaskCommand(input));
      const e = event('RunTask', input, out);
      await handlerFor('enforce')(e);
      const task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [out.tasks![0]!.taskArn!] }))).tasks![0]!;
      expect(task.desiredStatus ?? task.lastStatus).toBe('STOPPED');
      expect(task.stoppedReason).toBe(`ecs-admission: breaks require-compliant-task-definition (event ${String(e.id)})`);
      const [alert] = await alerts();
      expect(alert!.attributes).toMatchObject({ verdict: 'deny', decisionId: alert!.message.decisionId });
      expect(alert!.message.eventName).toBe('RunTask');
    });

    it('StartTask of a denied revision on a container instance: the task is stopped', async () => {
      const instanceId = await runEc2Instance();
      const instance = await ecs.send(
        new RegisterContainerInstanceCommand({ cluster, instanceIdentityDocument: JSON.stringify({ instanceId, region: REGION, accountId: ACCOUNT }) }),
      );
      const bad = await register(uniqueName('daemon'), [PRIVILEGED], {
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        cpu: undefined,
        memory: undefined,
      });
      const input = { cluster, taskDefinition: bad.arn, containerInstances: [instance.containerInstance!.containerInstanceArn!] };
      const out = await ecs.send(new StartTaskCommand(input));
      await handlerFor('enforce')(event('StartTask', input, out));
      const task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [out.tasks![0]!.taskArn!] }))).tasks![0]!;
      expect(task.stoppedReason).toContain('require-compliant-task-definition');
      expect((await alerts())[0]!.message).toMatchObject({ eventName: 'StartTask', resource: { kind: 'task' }, verdict: 'deny' });
    });
  });

  it('throws a malformed event and an AWS failure alike, so that both are retried and dead-lettered, never dropped', async () => {
    await expect(handlerFor('enforce')({ id: 'broken-1', source: 'aws.ecs' })).rejects.toThrow('event broken-1: not an EventBridge');
    const { input, out } = await register(uniqueName('web'), [PRIVILEGED]);
    const broken = handlerFor('enforce', { ECS_ADMISSION_LEDGER_TABLE: 'no-such-table' });
    // The error names the resource and the setting, not a bare exception name.
    await expect(broken(event('RegisterTaskDefinition', input, out))).rejects.toThrow(
      'the decision ledger, DynamoDB table "no-such-table" (ECS_ADMISSION_LEDGER_TABLE) does not exist in Region us-east-1',
    );
  });

  // Runs last (tests run in order within a file): by then every kind of event has been handled.
  it('calls nothing its role does not grant, and is granted no ECS action it never calls (IAM table of docs/lambda.md)', () => {
    const granted = grantedActions('admission');
    const called = new Set(proxy.all().map((c) => `${c.service}:${c.action}`));
    expect([...called].filter((action) => !granted.has(action))).toEqual([]);
    // Daemons and Express services are not in moto: test/lambda/daemon-express.moto.test.ts checks their grants.
    const elsewhere = new Set<string>(DAEMON_EXPRESS_ACTIONS);
    expect([...granted].filter((action) => action.startsWith('ecs:') && !called.has(action) && !elsewhere.has(action))).toEqual([]);
    expect(called).toEqual(
      new Set(
        [...granted].filter(
          (a) => !['iam:PassRole', 'sqs:SendMessage', 'ssm:GetParameter', 'logs:CreateLogStream', 'logs:PutLogEvents'].includes(a) && !elsewhere.has(a),
        ),
      ),
    );
  });
});

/** An EC2 instance in moto (RegisterContainerInstance checks it exists); EC2's query API by hand. */
async function runEc2Instance(): Promise<string> {
  const response = await fetch(motoEndpoint()!, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: 'AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'RunInstances', ImageId: 'ami-12c6146b', MinCount: '1', MaxCount: '1', Version: '2016-11-15' }).toString(),
  });
  const id = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(await response.text())?.[1];
  if (!id) throw new Error('moto did not start an EC2 instance');
  return id;
}
