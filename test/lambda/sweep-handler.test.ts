/** The sweep Lambda's own contract, with an in-memory ECS: settings, what it publishes, stores, logs and emits, and its error contract. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { memoryDigestState } from '../../src/adapters/aws/digest-state.js';
import { ConfigError } from '../../src/lambda/config.js';
import { createSweepHandler } from '../../src/lambda/sweep-handler.js';
import { readSweepConfig, type SweepDependencies } from '../../src/lambda/sweep-settings.js';
import type { Message as DigestMessage } from '../../src/core/channel.js';
import { topicRoutes } from '../../src/lambda/channels.js';
import type { DigestChatbotNotification, SweepDigest } from '../../src/render/digest/index.js';
import type { EcsInventory, SweepTarget } from '../../src/sweep/types.js';
import { ACCOUNT, FakeEcs, REGION } from '../helpers/fake-ecs.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { captureLambdaOutput } from '../helpers/lambda-output.js';

const CONTEXT = {
  functionName: 'ecs-admission-sweep',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission-sweep`,
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
} as Context;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;
const CHAT = `arn:aws:sns:${REGION}:${ACCOUNT}:chatbot`;
const SCHEDULED = { id: 'sched-1', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const GOOD = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs' },
  memory: 256,
};

const POLICIES = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
const { lines } = captureLambdaOutput();
/** The fake ECS as the sweep reads it: one cluster, its services and tasks. */
function inventory(ecs: FakeEcs): EcsInventory {
  return {
    describeTaskDefinition: (ref) => ecs.describeTaskDefinition(ref),
    describeService: (c, s) => ecs.describeService(c, s),
    describeTaskSet: (c, s, t) => ecs.describeTaskSet(c, s, t),
    describeTasks: (c, t) => ecs.describeTasks(c, t),
    listActiveRevisions: (f, n) => ecs.listActiveRevisions(f, n),
    listClusters: () => Promise.resolve([`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`]),
    listServices: () => Promise.resolve([...ecs.services.keys()]),
    describeServices: (_c, names) => Promise.resolve(names.map((n) => structuredClone(ecs.services.get(n)!))),
    listTasks: () => Promise.resolve([...ecs.tasks.keys()]),
    listActiveTaskDefinitions: () => Promise.resolve([...ecs.taskDefinitions.keys()]),
  };
}

function setup(env: Record<string, string> = {}, options: { failRegion?: string } = {}) {
  const ecs = new FakeEcs();
  const published: { topic: string; message: DigestMessage }[] = [];
  const state = memoryDigestState();
  let failPublish = false;
  const config = readSweepConfig({
    AWS_REGION: REGION,
    ECS_ADMISSION_POLICIES: POLICIES,
    ECS_ADMISSION_TOPIC_ARN: TOPIC,
    ECS_ADMISSION_CHATBOT_TOPIC_ARN: CHAT,
    ...env,
  });
  const deps: SweepDependencies = {
    targets: (regions) =>
      Promise.resolve(
        regions.map(
          (region): SweepTarget => ({
            account: ACCOUNT,
            region,
            open: () =>
              region === options.failRegion
                ? Promise.reject(Object.assign(new Error('not authorized to perform ecs:ListClusters'), { name: 'AccessDeniedException' }))
                : Promise.resolve(inventory(ecs)),
          }),
        ),
      ),
    state,
    channels: topicRoutes(config, (name, topic) => ({
      name,
      destination: topic,
      send: (message) => {
        if (failPublish) return Promise.reject(new Error('SNS unavailable'));
        published.push({ topic, message });
        return Promise.resolve();
      },
    })),
    logger: new Logger({ serviceName: 'ecs-admission', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
    now: () => new Date('2026-11-23T06:00:00Z'),
  };
  const handler = createSweepHandler(config, deps);
  return { ecs, published, state, deps, failPublish: (on: boolean) => (failPublish = on), invoke: () => handler(SCHEDULED, CONTEXT) };
}

describe('readSweepConfig', () => {
  it("sweeps the Lambda's own Region by default, and the listed Regions when set", () => {
    expect(readSweepConfig({ AWS_REGION: 'eu-west-1' })).toMatchObject({ regions: ['eu-west-1'], policies: 'compiled/policies.json', alertFormat: 'json' });
    expect(readSweepConfig({ AWS_REGION: 'eu-west-1', ECS_ADMISSION_SWEEP_REGIONS: ' us-east-1, eu-central-2 ,us-east-1,' }).regions).toEqual([
      'us-east-1',
      'eu-central-2',
    ]);
    expect(readSweepConfig({ AWS_REGION: 'eu-west-1', ECS_ADMISSION_SWEEP_REGIONS: '' }).regions).toEqual(['eu-west-1']);
    expect(readSweepConfig({ ECS_ADMISSION_SWEEP_REGIONS: 'us-gov-west-1,cn-north-1' }).regions).toEqual(['us-gov-west-1', 'cn-north-1']);
  });

  it('names the variable when a Region is not one, or when there is none', () => {
    expect(() => readSweepConfig({ ECS_ADMISSION_SWEEP_REGIONS: 'us-east-1,Frankfurt' })).toThrow(ConfigError);
    expect(() => readSweepConfig({ ECS_ADMISSION_SWEEP_REGIONS: 'us-east-1,Frankfurt' })).toThrow(
      /ECS_ADMISSION_SWEEP_REGIONS="us-east-1,Frankfurt": expected AWS Region names/,
    );
    expect(() => readSweepConfig({})).toThrow(/ECS_ADMISSION_SWEEP_REGIONS is not set and neither is AWS_REGION/);
    // The admission settings are checked too.
    expect(() => readSweepConfig({ AWS_REGION: 'eu-west-1', ECS_ADMISSION_ALERT_FORMAT: 'html' })).toThrow(/ECS_ADMISSION_ALERT_FORMAT/);
  });
});

describe('the sweep Lambda', () => {
  it('publishes the digest to both topics, stores the state, logs a summary and emits metrics; it changes nothing', async () => {
    const { ecs, published, state, invoke } = setup();
    const bad = ecs.register('web', [{ ...GOOD, privileged: true }], { tags: [{ key: 'Owner', value: 'payments' }] });
    ecs.addService('web', bad);
    const result = await invoke();

    expect(result).toMatchObject({
      account: ACCOUNT,
      regions: [REGION],
      resources: 2,
      violations: { total: 2, critical: 2 },
      newViolations: null,
      resolved: null,
      failures: 0,
      published: [TOPIC, CHAT],
    });
    expect(published.map((p) => p.topic)).toEqual([TOPIC, CHAT]);
    const json = JSON.parse(published[0]!.message.message) as SweepDigest;
    expect(json).toMatchObject({ kind: 'ecs-admission.sweep', account: ACCOUNT, regions: [REGION], policies: ['enforce-recommended'], changes: null });
    expect(json.worstOffenders.map((o) => `${o.name}: ${o.enforcement[0]}`)).toEqual([
      'web: Would tag web with ecs-admission:verdict, ecs-admission:rules, ecs-admission:event',
      'web:1: Would deregister web:1',
    ]);
    const chat = JSON.parse(published[1]!.message.message) as DigestChatbotNotification;
    expect(chat.metadata.threadId).toBe(`ecs-admission/sweep/${ACCOUNT}`);
    expect(published[0]!.message.subject).toBe('[SWEEP] 2 violations (2 critical) in 1 account, 1 region');
    expect(published[0]!.message.attributes.kind).toEqual({ DataType: 'String', StringValue: 'sweep' });
    // Enforce-mode policies, and still nothing written: the sweep only reads.
    expect(ecs.writes).toEqual([]);
    expect(JSON.parse(state.states.get(ACCOUNT)!)).toMatchObject({
      version: 1,
      scope: [`${ACCOUNT}/${REGION}`],
      keys: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web#require-compliant-task-definition`, `${bad}#no-privileged-containers`],
    });

    const logged = lines();
    expect(logged.find((l) => l.message === 'sweep finished')).toMatchObject({
      level: 'INFO',
      account: ACCOUNT,
      resources: 2,
      violations: { total: 2 },
      function_request_id: 'req-1',
      eventId: 'sched-1',
    });
    const metrics = logged.filter((l) => l._aws);
    expect(metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Severity: 'critical', SweepViolations: 2 }),
        expect.objectContaining({ Severity: 'low', SweepViolations: 0 }),
        expect.objectContaining({ SweepResources: 2, SweepFailures: 0 }),
      ]),
    );
  });

  it('the next digest says what changed since', async () => {
    const { ecs, published, invoke } = setup();
    ecs.addService('web', ecs.register('web', [{ ...GOOD, privileged: true }]));
    await invoke();
    expect((await invoke()).newViolations).toBe(0);
    ecs.addService('api', ecs.register('api', [GOOD]), { enableExecuteCommand: true });
    const third = await invoke();
    expect(third).toMatchObject({ newViolations: 1, resolved: 0 });
    const digest = JSON.parse(published.at(-2)!.message.message) as SweepDigest;
    expect(digest.changes!.newViolations).toEqual([expect.objectContaining({ name: 'api', ruleId: 'no-execute-command' })]);
    expect(published.at(-2)!.message.subject).toMatch(/- 1 new$/);
  });

  it('reports a Region it cannot read in the digest instead of failing', async () => {
    const { published, invoke } = setup({ ECS_ADMISSION_SWEEP_REGIONS: `${REGION},ap-south-2` }, { failRegion: 'ap-south-2' });
    const result = await invoke();
    expect(result.failures).toBe(1);
    const digest = JSON.parse(published[0]!.message.message) as SweepDigest;
    expect(digest.failures).toEqual([
      { account: ACCOUNT, region: 'ap-south-2', operation: 'connect', code: 'AccessDeniedException', message: 'not authorized to perform ecs:ListClusters' },
    ]);
    expect(published[0]!.message.subject).toContain('1 region unreadable');
    expect(lines().find((l) => l.message === 'could not sweep')).toMatchObject({ level: 'WARN', region: 'ap-south-2', code: 'AccessDeniedException' });
  });

  it('throws when the digest cannot be published (Lambda retries), and keeps the previous state for the retry', async () => {
    const { ecs, state, invoke, failPublish } = setup();
    ecs.addService('web', ecs.register('web', [{ ...GOOD, privileged: true }]));
    await invoke();
    const before = state.states.get(ACCOUNT);
    ecs.addService('api', ecs.register('api', [GOOD]), { enableExecuteCommand: true });
    failPublish(true);
    await expect(invoke()).rejects.toThrow('SNS unavailable');
    expect(state.states.get(ACCOUNT)).toBe(before);
    expect(lines().find((l) => l.message === 'sweep failed; the invocation will be retried')).toMatchObject({ level: 'ERROR' });
    failPublish(false);
    expect(await invoke()).toMatchObject({ newViolations: 1 });
  });

  it('logs a state that cannot be stored, without failing: the digest went out', async () => {
    const { deps, published, invoke } = setup();
    deps.state.put = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    await expect(invoke()).resolves.toMatchObject({ published: [TOPIC, CHAT] });
    expect(published).toHaveLength(2);
    expect(lines().find((l) => l.level === 'ERROR')).toMatchObject({
      message: 'the sweep state could not be stored; the next digest may repeat these changes',
    });
  });

  it('reads only the compiled policies: a missing bundle, or a policy file in its place, stops every run naming the setting and the fix', async () => {
    for (const [path, why] of [
      ['compiled/none.json', 'no such file'],
      ['test/fixtures/policies/enforce-recommended.yaml', 'is not JSON'],
    ] as const) {
      const { published, invoke } = setup({ ECS_ADMISSION_POLICIES: path });
      const failure = invoke();
      await expect(failure).rejects.toThrow(ConfigError);
      await expect(failure).rejects.toThrow(`ECS_ADMISSION_POLICIES: ${path} ${why}`);
      await expect(failure).rejects.toThrow('compile the policies with `ecs-admission compile <policy files> --out <file>`');
      expect(published).toEqual([]);
    }
  });

  it('sends the Chatbot format to the main topic when asked, and only logs without topics', async () => {
    const chatOnly = setup({ ECS_ADMISSION_ALERT_FORMAT: 'chatbot', ECS_ADMISSION_CHATBOT_TOPIC_ARN: '' });
    await chatOnly.invoke();
    expect(chatOnly.published.map((p) => [p.topic, (JSON.parse(p.message.message) as { source?: string }).source])).toEqual([[TOPIC, 'custom']]);

    const none = setup({ ECS_ADMISSION_TOPIC_ARN: '', ECS_ADMISSION_CHATBOT_TOPIC_ARN: '' });
    await expect(none.invoke()).resolves.toMatchObject({ published: [] });
    expect(lines().some((l) => l.level === 'WARN' && String(l.message).startsWith('no alert topic is set'))).toBe(true);
  });
});
