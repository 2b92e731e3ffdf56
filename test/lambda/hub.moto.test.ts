/**
 * A hub (account 123456789012, us-east-1) deciding events of member accounts 222222222222 and
 * 333333333333 in us-east-1 and eu-west-1, against moto server through a recording proxy. moto's
 * AssumeRole gives credentials that act in the role's account, so where a call landed is what
 * moto says afterwards, and AssumeRole calls are counted at the proxy.
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
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/lambda/config.js';
import { awsDependencies, createHandler } from '../../src/lambda/handler.js';
import type { AlertDocument } from '../../src/render/alert/index.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint, subscribedTopic, uniqueName, type SnsDelivery } from '../helpers/moto.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

const HUB = '123456789012';
const HUB_REGION = 'us-east-1';
const MEMBERS = ['222222222222', '333333333333'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const FUNCTION_ARN = `arn:aws:lambda:${HUB_REGION}:${HUB}:function:ecs-admission`;
const GOOD: ContainerDefinition = {
  name: 'app',
  image: `${HUB}.dkr.ecr.${HUB_REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
};
const PRIVILEGED: ContainerDefinition = { ...GOOD, privileged: true };

describeWithMoto('the hub acts in the event’s account and Region', () => {
  let proxy: RecordingProxy;
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;
  let policies: string;

  beforeAll(async () => {
    proxy = await recordingProxy(motoEndpoint()!);
    ({ topicArn, received } = await subscribedTopic('hub-alerts'));
    policies = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
  });
  afterAll(() => proxy.close());

  function hub(mode: 'audit' | 'enforce', table: string) {
    const config = readConfig({
      ECS_ADMISSION_MODE: mode,
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
      ECS_ADMISSION_MEMBER_ROLE_NAME: 'ecs-admission-member',
    });
    const handler = createHandler(config, {
      ...awsDependencies(config, { ...awsClientConfig(), region: HUB_REGION, endpoint: proxy.endpoint, maxAttempts: 1 }),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date(),
    });
    process.env.AWS_REGION = HUB_REGION;
    return (event: unknown) =>
      handler(event, { awsRequestId: uniqueName('request'), invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 30_000 } as never);
  }

  /** An ECS client acting in a member account, as a deployer there (moto: credentials of a role in that account). */
  async function memberEcs(account: string, region: string): Promise<ECSClient> {
    const sts = new STSClient(awsClientConfig());
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/deployer`, RoleSessionName: 'deployer' }))).Credentials!;
    return new ECSClient({
      ...awsClientConfig(),
      region,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
  }

  const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  async function registered(account: string, region: string, family: string, containers: ContainerDefinition[]) {
    const ecs = await memberEcs(account, region);
    const input: RegisterTaskDefinitionCommandInput = {
      family,
      containerDefinitions: containers,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
    };
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    const arn = out.taskDefinition!.taskDefinitionArn!;
    const event = eventBridgeEvent(
      {
        eventID: uniqueName('record'),
        eventName: 'RegisterTaskDefinition',
        awsRegion: region,
        recipientAccountId: account,
        requestParameters: json(input),
        responseElements: json(out),
      },
      uniqueName('eb'),
    );
    const status = async () => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!.status;
    return { arn, event, status };
  }
  const alertsFor = async (family: string) =>
    (await received()).map((d: SnsDelivery) => JSON.parse(d.message) as AlertDocument).filter((a) => a.resource.family === family);

  it('deregisters the violating revision in its own account and Region, in two accounts × two Regions, and nowhere else', async () => {
    const handle = hub('enforce', await ledgerTable());
    const family = uniqueName('hub');
    for (const account of MEMBERS) {
      for (const region of REGIONS) {
        const bad = await registered(account, region, family, [PRIVILEGED]);
        const before = proxy.calls('DeregisterTaskDefinition').length;
        const result = await handle(bad.event);
        expect(result.status, `${account}/${region}`).toBe('decided');
        expect(await bad.status(), `${account}/${region}`).toBe('INACTIVE');
        // Exactly one deregistration, and it named this account's and Region's revision.
        const calls = proxy.calls('DeregisterTaskDefinition').slice(before);
        expect(calls.map((c) => JSON.parse(c.body) as { taskDefinition: string }).map((b) => b.taskDefinition)).toEqual([bad.arn]);
        expect(bad.arn).toContain(`:ecs:${region}:${account}:task-definition/`);
      }
    }
    // The hub's own account holds no such family: nothing was read or changed there.
    const own = new ECSClient({ ...awsClientConfig(), region: HUB_REGION });
    await expect(own.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:1` }))).rejects.toThrow();
    // One AssumeRole per member account, shared by its Regions.
    for (const account of MEMBERS) expect(proxy.calls('AssumeRole', `${account}%3Arole%2Fecs-admission-member`).length).toBeGreaterThanOrEqual(1);
    const alerts = await alertsFor(family);
    expect(alerts.map((a) => `${a.account}/${a.region}`).sort()).toEqual(MEMBERS.flatMap((m) => REGIONS.map((r) => `${m}/${r}`)).sort());
  });

  it('in audit mode changes nothing anywhere, and says what it would have done', async () => {
    const handle = hub('audit', await ledgerTable());
    const family = uniqueName('hub-audit');
    const bad = await registered(MEMBERS[1]!, 'eu-west-1', family, [PRIVILEGED]);
    const before = proxy.all().filter((c) => ['DeregisterTaskDefinition', 'TagResource', 'UpdateService', 'StopTask'].includes(c.action)).length;
    const result = await handle(bad.event);
    expect(result.status).toBe('decided');
    expect(await bad.status()).toBe('ACTIVE');
    expect(proxy.all().filter((c) => ['DeregisterTaskDefinition', 'TagResource', 'UpdateService', 'StopTask'].includes(c.action)).length).toBe(before);
    const [alert] = await alertsFor(family);
    expect(alert?.mode).toBe('audit');
  });

  it('alerts Unverified, naming the account, when the member role cannot be assumed; never a silent pass', async () => {
    const handle = hub('enforce', await ledgerTable());
    const family = uniqueName('hub-refused');
    const account = '444455556666';
    const bad = await registered(account, 'us-east-1', family, [PRIVILEGED]);
    proxy.inject({ action: 'AssumeRole', contains: account, refuse: 'AccessDenied', times: 5 });
    const result = await handle(bad.event);
    expect(result.status).toBe('decided');
    expect(await bad.status()).toBe('ACTIVE');
    const alerts = (await received()).map((d) => JSON.parse(d.message) as AlertDocument).filter((a) => a.account === account);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.verdict).toBe('unverified');
    expect(JSON.stringify(alerts[0])).toMatch(/deploy the member stack in 444455556666/);
  });

  it('ignores the calls its own member role makes in a member account (no loop)', async () => {
    const handle = hub('enforce', await ledgerTable());
    const event = eventBridgeEvent({
      eventName: 'UpdateService',
      recipientAccountId: MEMBERS[0],
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${MEMBERS[0]}:assumed-role/ecs-admission-member/ecs-admission-hub`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${MEMBERS[0]}:role/ecs-admission-member` } },
      },
      requestParameters: { cluster: 'apps', service: 'web' },
    });
    const result = await handle(event);
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('member role') as unknown });
  });
});
