/**
 * Policies in S3 against moto server: a versioned bucket, bundles uploaded with `ecs-admission
 * policy push` (broken ones with PutObject, as push refuses them), and the admission handler
 * following the object: a new version applies at the next check, a broken one leaves the last good
 * set serving and is reported once (log, PolicyLoadFailed, the alert callback).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ECSClient, RegisterTaskDefinitionCommand, type ContainerDefinition, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { lambdaPolicies, s3PolicyObjects, type BadPolicyVersion } from '../../src/lambda/compiled-policies.js';
import { readConfig } from '../../src/lambda/config.js';
import { awsDependencies, createHandler, type InvocationResult } from '../../src/lambda/handler.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { policyText, runCli, scratch } from '../helpers/cli.js';
import { captureLambdaOutput } from '../helpers/lambda-output.js';
import { awsClientConfig, describeWithMoto, motoEndpoint, subscribedTopic, uniqueName } from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CONTEXT = {
  functionName: 'ecs-admission',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;
const PRIVILEGED: ContainerDefinition = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
  privileged: true,
};

const { lines } = captureLambdaOutput();

describeWithMoto('policies in S3, followed by version', () => {
  let s3: S3Client;
  let ecs: ECSClient;
  let bucket: string;

  beforeAll(() => {
    s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true });
    ecs = new ECSClient(awsClientConfig());
  });
  beforeEach(async () => {
    // The CLI builds its S3 client from the environment, as it does for an operator.
    vi.stubEnv('AWS_ENDPOINT_URL', motoEndpoint()!);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    bucket = uniqueName('policies');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  });

  /** Pushes one policy file with the given spec; the new version id. */
  async function push(spec: string): Promise<string> {
    const dir = scratch({ 'policies/prod.yaml': policyText('prod', spec) });
    const { status, stdout, stderr } = await runCli(['policy', 'push', `${dir}/policies`, '--bucket', bucket, '--region', REGION]);
    expect(status, stderr).toBe(0);
    return /^version (\S+)$/m.exec(stdout)![1]!;
  }
  const putRaw = async (body: string) => (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'policies.json', Body: body }))).VersionId!;

  /** A bundle that reads as JSON and as a bundle, naming a rule this ecs-admission does not have. */
  const unknownRuleBundle = () =>
    JSON.stringify({
      format: 'ecs-admission/compiled-policies',
      version: 1,
      compiledBy: 'a newer ecs-admission',
      sources: ['policies'],
      customRules: [],
      policies: [
        {
          name: 'prod',
          file: 'policies/prod.yaml',
          mode: 'enforce',
          rules: [{ id: 'require-something-new', action: 'deny' }],
          customRules: [],
          exceptions: [],
        },
      ],
    });

  it('the loader: a new version applies at the next check; a broken one keeps the last good set and is reported once', async () => {
    const v1 = await push('mode: enforce\nextends: [recommended]');
    let clock = 0;
    const bad: BadPolicyVersion[] = [];
    const load = lambdaPolicies(`s3://${bucket}/policies.json`, {
      logger: new Logger({ logLevel: 'SILENT' }),
      checkSeconds: 60,
      now: () => clock,
      openObject: s3PolicyObjects(awsClientConfig()),
      onBadVersion: (problem) => void bad.push(problem),
    });
    const modes = async () => (await load()).map((p) => `${p.name}:${p.mode}`);
    expect(await modes()).toEqual(['prod:enforce']);

    await push('mode: audit\nextends: [recommended]');
    clock += 30_000;
    expect(await modes(), 'before the next check').toEqual(['prod:enforce']);
    clock += 30_000;
    expect(await modes(), 'at the next check').toEqual(['prod:audit']);

    const broken = await putRaw(unknownRuleBundle());
    for (let i = 0; i < 3; i++) {
      clock += 60_000;
      expect(await modes()).toEqual(['prod:audit']);
    }
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ object: `s3://${bucket}/policies.json`, version: broken, file: 'policies/prod.yaml' });
    expect(bad[0]!.serving).not.toBe(v1);
    expect(bad[0]!.message).toContain('unknown rule "require-something-new"');
    expect(bad[0]!.message).toContain('policy "prod" in policies/prod.yaml');

    await push('mode: enforce\nextends: [strict]');
    clock += 60_000;
    expect(await modes(), 'a later good version').toEqual(['prod:enforce']);
  });

  it('the admission handler judges with the version current at its check, alerts once on a broken one, and recovers', async () => {
    await push('mode: enforce\nextends: [recommended]');
    // The alert goes out on the alert topic, as decisions do.
    const { topicArn, received } = await subscribedTopic('policy-alerts');
    // A check on every invocation (0 s): the test needs no clock.
    const config = readConfig({
      ECS_ADMISSION_MODE: 'audit',
      ECS_ADMISSION_POLICIES: `s3://${bucket}/policies.json`,
      ECS_ADMISSION_POLICIES_CHECK_SECONDS: '0',
      ECS_ADMISSION_TOPIC_ARN: topicArn,
    });
    const handler = createHandler(config, {
      ...awsDependencies(config, awsClientConfig()),
      logger: new Logger({ serviceName: 'ecs-admission', logLevel: 'INFO' }),
      metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
      now: () => new Date(),
    });
    const privilegedRegistered = async (): Promise<string[]> => {
      const input: RegisterTaskDefinitionCommandInput = {
        family: uniqueName('web'),
        containerDefinitions: [PRIVILEGED],
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
      };
      const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
      const event = eventBridgeEvent(
        {
          eventID: uniqueName('record'),
          eventName: 'RegisterTaskDefinition',
          awsRegion: REGION,
          recipientAccountId: ACCOUNT,
          requestParameters: JSON.parse(JSON.stringify(input)),
          responseElements: JSON.parse(JSON.stringify(out)),
        },
        uniqueName('event'),
      );
      const result = (await handler(event, CONTEXT)) as Exclude<InvocationResult, { status: 'ignored' }>;
      return result.decisions.flatMap((d) => d.rules);
    };

    expect(await privilegedRegistered()).toContain('no-privileged-containers');
    await push('extends: [recommended]\nrules:\n  no-privileged-containers: off');
    expect(await privilegedRegistered(), 'the new version').not.toContain('no-privileged-containers');

    const broken = await putRaw('{ "format": "ecs-admission/compiled-policies", ');
    expect(await privilegedRegistered(), 'the last good version').not.toContain('no-privileged-containers');
    expect(await privilegedRegistered(), 'still the last good version').not.toContain('no-privileged-containers');
    const alerts = (await received())
      .map((d) => JSON.parse(d.message) as { kind?: string; version?: string; message?: string; serving?: string })
      .filter((a) => a.kind === 'policy-load-failed');
    expect(alerts.map((a) => a.version)).toEqual([broken]);
    expect(alerts[0]!.message).toMatch(/is not JSON/);
    expect(alerts[0]!.serving).toBeTruthy();
    const logged = lines();
    const reported = logged.filter((l) => l.message === 'a new version of the policies does not load: the last good version keeps serving');
    expect(reported).toEqual([expect.objectContaining({ level: 'ERROR', object: `s3://${bucket}/policies.json`, version: broken })]);
    expect(reported[0]!.error).toMatch(/is not JSON/);
    expect(logged.filter((l) => l.PolicyLoadFailed !== undefined)).toEqual([expect.objectContaining({ PolicyLoadFailed: 1 })]);

    await push('mode: enforce\nextends: [recommended]');
    expect(await privilegedRegistered(), 'recovered').toContain('no-privileged-containers');
  });

  it('a first load that fails is a ConfigError: the event is retried', async () => {
    await putRaw('not json');
    const config = readConfig({ ECS_ADMISSION_POLICIES: `s3://${bucket}/policies.json` });
    const handler = createHandler(config, {
      ...awsDependencies(config, awsClientConfig()),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'ECSAdmission' }),
      now: () => new Date(),
    });
    const event = eventBridgeEvent(
      {
        eventID: uniqueName('record'),
        eventName: 'RegisterTaskDefinition',
        awsRegion: REGION,
        recipientAccountId: ACCOUNT,
        requestParameters: { family: 'web' },
        responseElements: { taskDefinition: { taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:1`, family: 'web', revision: 1 } },
      },
      uniqueName('event'),
    );
    await expect(handler(event, CONTEXT)).rejects.toThrow(/^ECS_ADMISSION_POLICIES: s3:\/\/.+ \(version .+\) is not JSON/);
    const missing = readConfig({ ECS_ADMISSION_POLICIES: `s3://${bucket}/no-such.json` });
    const handler2 = createHandler(missing, {
      ...awsDependencies(missing, awsClientConfig()),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'ECSAdmission' }),
      now: () => new Date(),
    });
    await expect(handler2(event, CONTEXT)).rejects.toThrow(`ECS_ADMISSION_POLICIES: s3://${bucket}/no-such.json: no such object`);
  });
});
