/**
 * The scheduled sweep Lambda end to end against moto server: real SDK clients over HTTP, the
 * handler with middy and Powertools, a digest received on an SQS queue subscribed to the topic,
 * the state in the ledger table. A Region of its own (sa-east-1) keeps other test files' ECS
 * resources out of the sweep; the topic, queue and table are uniquely named.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { beforeAll, expect, it } from 'vitest';
import { awsSweepDependencies, createSweepHandler } from '../../src/lambda/sweep-handler.js';
import { readSweepConfig } from '../../src/lambda/sweep-settings.js';
import type { SweepDigest } from '../../src/render/digest/index.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import {
  awsClientConfig,
  defaultNetwork,
  describeWithMoto,
  freezeTaskStates,
  ledgerTable,
  subscribedTopic,
  uniqueName,
  type SnsDelivery,
} from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'sa-east-1';
const CONTEXT = {
  functionName: 'ecs-admission-sweep',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:ecs-admission-sweep`,
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
} as Context;
const POLICIES = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
const GOOD: ContainerDefinition = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'d'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
};

describeWithMoto('the sweep Lambda against moto server', () => {
  const aws = () => awsClientConfig();
  const ecs = new ECSClient({ ...awsClientConfig(), region: REGION });
  const dynamo = new DynamoDBClient(awsClientConfig());
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;
  let table: string;
  let network: { subnets: string[]; securityGroups: string[] };
  const cluster = uniqueName('apps');
  const family = uniqueName('web');
  let privileged: string;
  let good: string;
  let taskArn: string;

  const awsvpc = () => ({
    awsvpcConfiguration: { subnets: network.subnets.slice(0, 1), securityGroups: network.securityGroups, assignPublicIp: 'DISABLED' as const },
  });
  const register = async (name: string, containers: ContainerDefinition[], owner: string) =>
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: name,
          containerDefinitions: containers,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          tags: [{ key: 'Owner', value: owner }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;

  /** What the sweep must not change: revisions' status and tags, services' task definitions, network and tags, tasks' status. */
  const state = async (): Promise<string> => {
    const arns = [
      ...((await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }))).taskDefinitionArns ?? []),
      ...((await ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }))).taskDefinitionArns ?? []),
    ];
    const out: unknown[] = [];
    for (const arn of arns.sort()) {
      const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
      out.push([arn, td.taskDefinition!.status, td.tags]);
    }
    const services = await ecs.send(new DescribeServicesCommand({ cluster, services: ['web', 'api'], include: ['TAGS'] }));
    out.push(services.services?.map((s) => [s.serviceName, s.status, s.taskDefinition, s.networkConfiguration, s.tags]));
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn], include: ['TAGS'] }));
    out.push(tasks.tasks?.map((t) => [t.taskArn, t.desiredStatus, t.stoppedReason, t.tags]));
    return JSON.stringify(out);
  };

  beforeAll(async () => {
    // moto moves a task one state along on every DescribeTasks; real tasks keep running.
    await freezeTaskStates();
    const topic = await subscribedTopic('digest');
    topicArn = topic.topicArn;
    received = topic.received;
    table = await ledgerTable();

    network = await defaultNetwork(REGION);
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    good = await register(family, [GOOD], 'payments');
    privileged = await register(family, [{ ...GOOD, privileged: true }], 'payments');
    // A service on the privileged revision, and a standalone task of it.
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: privileged,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: awsvpc(),
        tags: [{ key: 'Owner', value: 'payments' }],
      }),
    );
    taskArn = (await ecs.send(new RunTaskCommand({ cluster, taskDefinition: privileged, launchType: 'FARGATE', networkConfiguration: awsvpc() }))).tasks![0]!
      .taskArn!;
  });

  function sweepHandler() {
    const config = readSweepConfig({
      AWS_REGION: 'us-east-1',
      ECS_ADMISSION_SWEEP_REGIONS: REGION,
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: POLICIES,
    });
    // A new handler each time: a new container, so only the ledger table remembers the previous sweep.
    const handler = createSweepHandler(config, {
      ...awsSweepDependencies(config, aws()),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(),
    });
    return () => handler({ id: uniqueName('scheduled'), source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, CONTEXT);
  }

  /** Every digest that reached the queue since the last call. */
  async function digests(): Promise<{ subject: string; digest: SweepDigest; attributes: SnsDelivery['attributes'] }[]> {
    return (await received()).map((d) => ({ subject: d.subject, digest: JSON.parse(d.message) as SweepDigest, attributes: d.attributes }));
  }

  it('publishes a digest of the violations, says on the next run that nothing changed, then what is new; and changes nothing', async () => {
    const before = await state();
    const serviceArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/web`;

    // First sweep: nothing to compare with.
    const first = await sweepHandler()();
    expect(first).toMatchObject({ account: ACCOUNT, regions: [REGION], failures: 0, newViolations: null, published: [topicArn] });
    const [one, ...more] = await digests();
    expect(more).toEqual([]);
    const d1 = one!.digest;
    expect(d1).toMatchObject({
      version: '1',
      kind: 'ecs-admission.sweep',
      account: ACCOUNT,
      regions: [REGION],
      policies: ['enforce-recommended'],
      changes: null,
      failures: [],
    });
    expect(d1.counts).toEqual({ accounts: 1, regions: 1, clusters: 1, services: 1, taskSets: 0, tasks: 1, taskDefinitions: 1 });
    // The revision (privileged), and the service and the task that run it.
    expect(d1.violations).toEqual({ total: 3, critical: 3, high: 0, medium: 0, low: 0 });
    expect(d1.byOwner).toEqual({ payments: { total: 3, critical: 3, high: 0, medium: 0, low: 0 } });
    // All critical, one rule each: by name (a task's id is hex, before `web`).
    expect(d1.worstOffenders.map((o) => [o.kind, o.arn, o.rules, o.enforcement[0]])).toEqual([
      ['task', taskArn, ['require-compliant-task-definition'], `Would stop task ${taskArn.split('/').pop()!}`],
      ['service', serviceArn, ['require-compliant-task-definition'], `Would roll service web back to ${family}:1`],
      ['taskDefinition', privileged, ['no-privileged-containers'], `Would deregister ${family}:2`],
    ]);
    expect(one!.subject).toBe('[SWEEP] 3 violations (3 critical) in 1 account, 1 region');
    expect(one!.attributes).toEqual({
      kind: { Type: 'String', Value: 'sweep' },
      severity: { Type: 'String', Value: 'critical' },
      account: { Type: 'String', Value: ACCOUNT },
      regions: { Type: 'String.Array', Value: JSON.stringify([REGION]) },
      violations: { Type: 'Number', Value: '3' },
      failures: { Type: 'Number', Value: '0' },
      rules: { Type: 'String.Array', Value: JSON.stringify(['require-compliant-task-definition', 'no-privileged-containers']) },
    });
    const item = (await dynamo.send(new GetItemCommand({ TableName: table, Key: { eventId: { S: `sweep#${ACCOUNT}` } } }))).Item!;
    expect(item.kind).toEqual({ S: 'sweep-digest-state' });
    expect((JSON.parse(item.state!.S!) as { keys: string[] }).keys).toEqual(
      [`${privileged}#no-privileged-containers`, `${serviceArn}#require-compliant-task-definition`, `${taskArn}#require-compliant-task-definition`].sort(),
    );

    // Second sweep, a new container: nothing changed.
    expect(await sweepHandler()()).toMatchObject({ newViolations: 0, resolved: 0 });
    const [two] = await digests();
    expect(two!.digest.changes).toEqual({ since: d1.finishedAt, newCount: 0, resolvedCount: 0, newViolations: [], resolved: [], notCompared: 0 });
    expect(two!.subject).toBe('[SWEEP] 3 violations (3 critical) in 1 account, 1 region - no change');
    expect(two!.attributes.newViolations).toEqual({ Type: 'Number', Value: '0' });

    // The sweep read, it never wrote: no tag, no deregistration, no rollback, no stopped task.
    expect(await state()).toBe(before);

    // A new violating service (a public IP, on a compliant revision): the third digest has it as new.
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'api',
        taskDefinition: good,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { ...awsvpc().awsvpcConfiguration, assignPublicIp: 'ENABLED' } },
        tags: [{ key: 'Owner', value: 'search' }],
      }),
    );
    const afterAdd = await state();
    expect(await sweepHandler()()).toMatchObject({ newViolations: 1, resolved: 0 });
    const [three] = await digests();
    expect(three!.digest.changes!.newViolations).toEqual([
      {
        arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/api`,
        ruleId: 'no-public-ip',
        account: ACCOUNT,
        region: REGION,
        kind: 'service',
        name: 'api',
        owner: 'search',
        severity: 'high',
      },
    ]);
    expect(three!.subject).toBe('[SWEEP] 4 violations (3 critical, 1 high) in 1 account, 1 region - 1 new');
    expect(three!.attributes.newViolations).toEqual({ Type: 'Number', Value: '1' });

    expect(await state()).toBe(afterAdd);
    expect(afterAdd).not.toContain('ecs-admission:');
    const tasks = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
    expect(tasks.taskArns).toEqual([taskArn]);
  });
});
