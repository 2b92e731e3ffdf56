/**
 * `ecs-admission redrive` against moto server, as an operator runs it: a dead-letter queue holding
 * both shapes AWS sends (an EventBridge dead letter, a Lambda invocation record) and junk, a real
 * DynamoDB ledger, real ECS resources, alerts on a subscribed queue, and every AWS call counted at
 * a recording proxy in front of moto.
 */
import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { RedriveItem } from '../../src/use-cases/redrive.js';
import { root, runCli } from '../helpers/cli.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint, subscribedTopic, uniqueName, type SnsDelivery } from '../helpers/moto.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PRIVILEGED: ContainerDefinition = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
  privileged: true,
};
const DOCS_RECORD = JSON.parse(
  readFileSync(join(root, 'test/fixtures/dead-letters/awsdocs-lambda-developer-guide__invocation-record-retries-exhausted.json'), 'utf8'),
) as Record<string, unknown>;
const string = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

interface JsonReport {
  dryRun: boolean;
  messages: RedriveItem[];
  summary: { messages: number; deleted: number; kept: number; outcomes: Record<string, number> };
}

describeWithMoto('ecs-admission redrive against moto server', () => {
  const ecs = new ECSClient(awsClientConfig());
  let sqs: SQSClient;
  let proxy: RecordingProxy;
  let policies: string;
  let table: string;
  let topicArn: string;
  let received: () => Promise<SnsDelivery[]>;

  beforeAll(async () => {
    proxy = await recordingProxy(motoEndpoint()!);
    // Queues created through the proxy have its address in their URL, so the CLI's calls pass it too.
    sqs = new SQSClient({ ...awsClientConfig(), endpoint: proxy.endpoint });
    policies = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
    // The CLI builds its own clients from the environment, as it does for an operator.
    vi.stubEnv('AWS_ENDPOINT_URL', proxy.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    table = await ledgerTable();
    ({ topicArn, received } = await subscribedTopic('redrive-alerts'));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await proxy.close();
  });

  /** The deployed function's settings, as an operator exports them. */
  const settings = (extra: Record<string, string> = {}) => ({
    AWS_REGION: REGION,
    ECS_ADMISSION_MODE: 'enforce',
    ECS_ADMISSION_TOPIC_ARN: topicArn,
    ECS_ADMISSION_LEDGER_TABLE: table,
    ECS_ADMISSION_POLICIES: policies,
    ...extra,
  });
  const redrive = async (queueUrl: string, env: Record<string, string>, ...args: string[]) => {
    const run = await runCli(['redrive', '--queue-url', queueUrl, '--format', 'json', ...args], { env });
    return { ...run, report: run.stdout ? (JSON.parse(run.stdout) as JsonReport) : undefined };
  };
  const byMessage = (report: JsonReport | undefined) => new Map(report!.messages.map((m) => [m.messageId, m]));

  /** A privileged revision registered in moto, and the event CloudTrail would record for it. */
  async function privilegedRegistration() {
    const family = uniqueName('redrive');
    const input = {
      family,
      containerDefinitions: [PRIVILEGED],
      networkMode: 'awsvpc' as const,
      requiresCompatibilities: ['FARGATE' as const],
      cpu: '256',
      memory: '512',
    };
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    const arn = out.taskDefinition!.taskDefinitionArn!;
    const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
    const event = eventBridgeEvent(
      {
        eventID: randomUUID(),
        eventName: 'RegisterTaskDefinition',
        awsRegion: REGION,
        recipientAccountId: ACCOUNT,
        userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci` },
        requestParameters: json(input),
        responseElements: json(out),
      },
      randomUUID(),
    );
    return { family, arn, event, status: async () => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!.status };
  }

  const newQueue = async () => (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }))).QueueUrl!;
  /** What EventBridge puts in the queue when it cannot deliver the event to the function. */
  const sendEventBridgeDeadLetter = async (queueUrl: string, event: object) =>
    (
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(event),
          MessageAttributes: {
            RULE_ARN: string(`arn:aws:events:${REGION}:${ACCOUNT}:rule/ecs-admission-dev-ecs-calls`),
            TARGET_ARN: string(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission-dev-admission`),
            ERROR_CODE: string('CONNECTION_FAILURE'),
            ERROR_MESSAGE: string('Rate exceeded'),
            EXHAUSTED_RETRY_CONDITION: string('MaximumRetryAttempts'),
            RETRY_ATTEMPTS: string('4'),
          },
        }),
      )
    ).MessageId!;
  /** What Lambda's on-failure destination puts in the queue: AWS's documented record around the event. */
  const sendInvocationRecord = async (queueUrl: string, event: object) =>
    (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ ...DOCS_RECORD, requestPayload: event }) }))).MessageId!;
  const sendJunk = async (queueUrl: string, body: string) => (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))).MessageId!;
  /** What the queue holds, left visible. */
  const inQueue = async (queueUrl: string) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }))).Messages ?? [];
  const deregistrations = (family: string) => proxy.calls('DeregisterTaskDefinition', `${family}:`).length;
  const alertedFamilies = async () =>
    (await received()).map((d) => (JSON.parse(d.message) as { resource: { arn: string } }).resource.arn.replace(/^.*task-definition\/([^:]+):.*$/, '$1'));

  it('runs both shapes through the handler and deletes them; keeps junk with its id; a re-sent event is a duplicate, acted on and alerted once', async () => {
    const a = await privilegedRegistration();
    const b = await privilegedRegistration();
    const queueUrl = await newQueue();
    const fromEventBridge = await sendEventBridgeDeadLetter(queueUrl, a.event);
    const fromLambda = await sendInvocationRecord(queueUrl, b.event);
    const junk = await sendJunk(queueUrl, 'this is not an event');
    // An EventBridge envelope the handler cannot parse: it throws, as the Lambda does.
    const broken = await sendEventBridgeDeadLetter(queueUrl, { ...eventBridgeEvent({ eventID: randomUUID() }, randomUUID()), time: 'yesterday' });

    const first = await redrive(queueUrl, settings());
    expect(first.status).toBe(1);
    const items = byMessage(first.report);
    expect(items.get(fromEventBridge)).toMatchObject({
      origin: 'eventbridge',
      eventId: a.event.id,
      cloudTrailEventId: (a.event.detail as { eventID: string }).eventID,
      outcome: 'decided',
      deleted: true,
    });
    expect(items.get(fromEventBridge)!.detail).toContain(`deregisterTaskDefinition ${a.family}:1`);
    expect(items.get(fromLambda)).toMatchObject({
      origin: 'lambda',
      eventId: b.event.id,
      outcome: 'decided',
      deleted: true,
      failure: expect.stringContaining('RetriesExhausted after 3 attempts') as string,
    });
    expect(items.get(junk)).toMatchObject({ outcome: 'unreadable', deleted: false, detail: expect.stringContaining('not JSON') as string });
    expect(items.get(broken)).toMatchObject({
      origin: 'eventbridge',
      outcome: 'failed',
      deleted: false,
      detail: expect.stringContaining('MalformedEventError') as string,
    });
    expect(first.report!.summary).toEqual({ messages: 4, deleted: 2, kept: 2, outcomes: { decided: 2, unreadable: 1, failed: 1 } });
    expect(first.stderr).toBe('');

    // Only what was kept is left, visible at once for the next reader (not hidden for the visibility timeout).
    const left = await inQueue(queueUrl);
    expect(left.map((m) => m.MessageId).sort()).toEqual([junk, broken].sort());
    expect([await a.status(), await b.status()]).toEqual(['INACTIVE', 'INACTIVE']);
    expect([deregistrations(a.family), deregistrations(b.family)]).toEqual([1, 1]);
    expect((await alertedFamilies()).sort()).toEqual([a.family, b.family].sort());

    // The operator reads what was kept and deletes it; the same event is dead-lettered again.
    for (const m of left) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    const again = await sendEventBridgeDeadLetter(queueUrl, a.event);
    const second = await redrive(queueUrl, settings());
    expect(second.status).toBe(0);
    expect(byMessage(second.report).get(again)).toMatchObject({ eventId: a.event.id, outcome: 'duplicate', deleted: true });
    expect(await inQueue(queueUrl)).toEqual([]);
    expect(deregistrations(a.family)).toBe(1);
    expect(await alertedFamilies()).toEqual([]);
  });

  it('an event whose handling throws stays in the queue (exit 1); once the setting is fixed, it is redriven', async () => {
    const c = await privilegedRegistration();
    const queueUrl = await newQueue();
    const message = await sendEventBridgeDeadLetter(queueUrl, c.event);

    const broken = await redrive(queueUrl, settings({ ECS_ADMISSION_LEDGER_TABLE: uniqueName('no-such-table') }));
    expect(broken.status).toBe(1);
    expect(byMessage(broken.report).get(message)).toMatchObject({
      outcome: 'failed',
      deleted: false,
      detail: expect.stringMatching(/ResourceNotFound/) as string,
    });
    expect(broken.stdout + broken.stderr).not.toMatch(/\n\s+at /);
    expect((await inQueue(queueUrl)).map((m) => m.MessageId)).toEqual([message]);
    expect(await c.status()).toBe('ACTIVE');
    expect(deregistrations(c.family)).toBe(0);

    const fixed = await redrive(queueUrl, settings());
    expect(fixed.status).toBe(0);
    expect(byMessage(fixed.report).get(message)).toMatchObject({ outcome: 'decided', deleted: true });
    expect(await inQueue(queueUrl)).toEqual([]);
    expect(await c.status()).toBe('INACTIVE');
    expect(await alertedFamilies()).toEqual([c.family]);
  });

  it('--dry-run lists each message and why it was dead-lettered; it needs no settings, runs nothing and deletes nothing', async () => {
    const d = await privilegedRegistration();
    const queueUrl = await newQueue();
    const record = await sendInvocationRecord(queueUrl, d.event);
    const junk = await sendJunk(queueUrl, JSON.stringify({ hello: 'world' }));

    const { status, stdout } = await runCli(['redrive', '--queue-url', queueUrl, '--dry-run'], { env: { AWS_REGION: REGION } });
    expect(status).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Dry run, nothing is run or deleted: ${queueUrl}`);
    expect(lines).toContain(
      `  ${record}  would-redrive  event ${String(d.event.id)} (CloudTrail ${(d.event.detail as { eventID: string }).eventID}): Lambda: RetriesExhausted after 3 attempts: RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request`,
    );
    expect(lines).toContain(`  ${junk}  unreadable     neither an EventBridge event nor a Lambda invocation record (keys: hello)`);
    expect(lines.at(-1)).toBe('2 message(s): 1 would-redrive, 1 unreadable');

    expect((await inQueue(queueUrl)).map((m) => m.MessageId).sort()).toEqual([record, junk].sort());
    expect(await d.status()).toBe('ACTIVE');
    expect(proxy.calls('DescribeTaskDefinition', d.family)).toEqual([]);
  });

  it('a queue that cannot be read: exit 2 naming it, nothing else done', async () => {
    const queueUrl = (await newQueue()).replace(/[^/]+$/, uniqueName('missing'));
    const { status, stdout, stderr } = await runCli(['redrive', '--queue-url', queueUrl], { env: settings() });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^ecs-admission redrive: cannot read ${queueUrl}: .*(QueueDoesNotExist|NonExistentQueue)`));
  });
});
