// Where the Lambdas' policies come from (a file, or an S3 object: ECS_ADMISSION_POLICIES and its
// check interval), and the account's organizational units the handler looks up — only when a policy
// scopes by them. In memory; S3 and Organizations themselves are in the moto tests
// (test/lambda/policies-s3.moto.test.ts, test/adapters/organization.moto.test.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { memoryBudget, memoryLedger } from '../../src/adapters/memory-ledger.js';
import { lambdaPolicies } from '../../src/lambda/compiled-policies.js';
import { ConfigError, readConfig } from '../../src/lambda/config.js';
import { createHandler } from '../../src/lambda/handler.js';
import { createSweepHandler } from '../../src/lambda/sweep-handler.js';
import { readSweepConfig } from '../../src/lambda/sweep-settings.js';
import { memoryDigestState } from '../../src/adapters/aws/digest-state.js';
import type { EcsInventory } from '../../src/sweep/types.js';
import type { VersionedBundle } from '../../src/policy/bundle-versions.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { policyText, scratch } from '../helpers/cli.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { ACCOUNT, FakeAlerts, FakeEcs, REGION } from '../helpers/fake-ecs.js';

const CONTEXT = {
  functionName: 'ecs-admission',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;
const silent = () => new Logger({ logLevel: 'SILENT' });

describe('ECS_ADMISSION_POLICIES and ECS_ADMISSION_POLICIES_CHECK_SECONDS', () => {
  it('takes a file or s3://bucket/key, checked every 60 seconds unless set', () => {
    expect(readConfig({})).toMatchObject({ policies: 'compiled/policies.json', policiesCheckSeconds: 60 });
    expect(readConfig({ ECS_ADMISSION_POLICIES: 's3://hub-policies/prod/policies.json', ECS_ADMISSION_POLICIES_CHECK_SECONDS: '300' })).toMatchObject({
      policies: 's3://hub-policies/prod/policies.json',
      policiesCheckSeconds: 300,
    });
  });

  it('refuses an S3 address without a key, and a negative interval', () => {
    expect(() => readConfig({ ECS_ADMISSION_POLICIES: 's3://hub-policies' })).toThrow(ConfigError);
    expect(() => readConfig({ ECS_ADMISSION_POLICIES: 's3://hub-policies' })).toThrow(
      'ECS_ADMISSION_POLICIES="s3://hub-policies": expected s3://<bucket>/<key> or a file path',
    );
    expect(() => readConfig({ ECS_ADMISSION_POLICIES_CHECK_SECONDS: '-1' })).toThrow(/ECS_ADMISSION_POLICIES_CHECK_SECONDS="-1": Too small/);
  });
});

describe('lambdaPolicies', () => {
  it('reads a file path as today: once, and a missing file is a ConfigError', async () => {
    let opened = 0;
    const openObject = (): Promise<VersionedBundle> => (opened++, Promise.reject(new Error('not for files')));
    const file = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
    const load = lambdaPolicies(file, { logger: silent(), openObject });
    expect((await load()).map((p) => p.name)).toEqual(['enforce-recommended']);
    expect(await load()).toBe(await load());
    await expect(lambdaPolicies('no/such/policies.json', { logger: silent(), openObject })()).rejects.toThrow(
      'ECS_ADMISSION_POLICIES: no/such/policies.json no such file',
    );
    expect(opened).toBe(0);
  });

  it('names the policy file behind a bad bundle in the first load’s ConfigError', async () => {
    const bundle = {
      format: 'ecs-admission/compiled-policies',
      version: 1,
      compiledBy: 'x',
      sources: [],
      customRules: [],
      policies: [{ name: 'prod', file: 'policies/prod.yaml', mode: 'audit', rules: [{ id: 'no-such-rule', action: 'deny' }], customRules: [], exceptions: [] }],
    };
    const object: VersionedBundle = {
      name: 's3://hub-policies/policies.json',
      currentVersion: () => Promise.resolve('v7'),
      read: () => Promise.resolve(JSON.stringify(bundle)),
    };
    const load = lambdaPolicies('s3://hub-policies/policies.json', { logger: silent(), openObject: () => Promise.resolve(object) });
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'ECS_ADMISSION_POLICIES: s3://hub-policies/policies.json (version v7): policies[0].rules[0].id: unknown rule "no-such-rule": compile the policies again with this version of ecs-admission (ecs-admission compile) (policy "prod" in policies/prod.yaml)',
    );
  });
});

describe('organizational units in the admission handler', () => {
  const OU_SCOPED = scratch({
    'prod.yaml': policyText('prod', 'mode: enforce\nrules:\n  no-privileged-containers: deny\nmatch:\n  organizationalUnits: ["ou-ab12-prod*"]'),
  });

  function invokeWith(policies: string, path: readonly string[] | Error) {
    const ecs = new FakeEcs();
    const asked: string[] = [];
    const config = readConfig({ ECS_ADMISSION_MODE: 'audit', ECS_ADMISSION_POLICIES: policies });
    const handler = createHandler(config, {
      ecs,
      alerts: new FakeAlerts(),
      ledger: memoryLedger(),
      budget: memoryBudget(config.budget),
      organizationalUnits: (account) => {
        asked.push(account);
        return path instanceof Error ? Promise.reject(path) : Promise.resolve(path);
      },
      logger: silent(),
      metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
      now: () => new Date('2026-11-23T12:00:00Z'),
    });
    const arn = ecs.register('web', [{ name: 'app', image: 'nginx:1.27', privileged: true }]);
    const event = eventBridgeEvent({
      eventName: 'RegisterTaskDefinition',
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      requestParameters: { family: 'web' },
      responseElements: { taskDefinition: { taskDefinitionArn: arn } },
    });
    return { result: handler(event, CONTEXT), asked };
  }

  it('applies a policy scoped to an OU the account is under (at any depth), and not otherwise', async () => {
    const policies = await compiledPolicies(`${OU_SCOPED}/prod.yaml`);
    const inProd = invokeWith(policies, ['ou-ab12-team0001', 'ou-ab12-prod0001']);
    expect(await inProd.result).toMatchObject({ status: 'decided', decisions: [{ verdict: 'deny', rules: ['no-privileged-containers'] }] });
    expect(inProd.asked).toEqual([ACCOUNT]);
    const elsewhere = invokeWith(policies, ['ou-ab12-dev00001']);
    expect(await elsewhere.result).toMatchObject({ status: 'passed' });
  });

  it('looks nothing up when no policy scopes by OU', async () => {
    const { result, asked } = invokeWith(await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml'), new Error('must not be called'));
    expect((await result).status).toBe('decided');
    expect(asked).toEqual([]);
  });

  it('throws (the event is retried) when the OUs cannot be looked up: never judged without them', async () => {
    const { result } = invokeWith(await compiledPolicies(`${OU_SCOPED}/prod.yaml`), new Error('AccessDeniedException'));
    await expect(result).rejects.toThrow('AccessDeniedException');
  });
});

describe('organizational units in the sweep Lambda', () => {
  const OU_SCOPED = scratch({
    'prod.yaml': policyText('prod', 'mode: enforce\nrules:\n  no-privileged-containers: deny\nmatch:\n  organizationalUnits: ["ou-ab12-prod*"]'),
  });

  async function sweepUnder(path: readonly string[]) {
    const ecs = new FakeEcs();
    ecs.addService('agent', ecs.register('agent', [{ name: 'app', image: 'nginx:1.27', privileged: true }]));
    const inventory: EcsInventory = {
      describeTaskDefinition: (ref) => ecs.describeTaskDefinition(ref),
      describeService: (c, s) => ecs.describeService(c, s),
      describeTaskSet: (c, s, t) => ecs.describeTaskSet(c, s, t),
      describeTasks: (c, t) => ecs.describeTasks(c, t),
      listActiveRevisions: (f, n) => ecs.listActiveRevisions(f, n),
      listClusters: () => Promise.resolve([`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`]),
      listServices: () => Promise.resolve([...ecs.services.keys()]),
      describeServices: (_c, names) => Promise.resolve(names.map((n) => structuredClone(ecs.services.get(n)!))),
      listTasks: () => Promise.resolve([]),
      listActiveTaskDefinitions: () => Promise.resolve([...ecs.taskDefinitions.keys()]),
    };
    const asked: string[] = [];
    const config = readSweepConfig({ AWS_REGION: REGION, ECS_ADMISSION_POLICIES: await compiledPolicies(`${OU_SCOPED}/prod.yaml`) });
    const handler = createSweepHandler(config, {
      targets: (regions) => Promise.resolve(regions.map((region) => ({ account: ACCOUNT, region, open: () => Promise.resolve(inventory) }))),
      state: memoryDigestState(),
      channels: [],
      organizationalUnits: (account) => (asked.push(account), Promise.resolve(path)),
      logger: silent(),
      metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
      now: () => new Date('2026-11-23T06:00:00Z'),
    });
    const result = await handler({ id: 'sched-1', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, CONTEXT);
    return { total: result.violations.total, asked };
  }

  it('sweeps an account with the policies scoped to its OUs, and not with the others', async () => {
    expect(await sweepUnder(['ou-ab12-prod0001'])).toEqual({ total: 1, asked: [ACCOUNT] });
    expect(await sweepUnder(['ou-ab12-dev00001'])).toEqual({ total: 0, asked: [ACCOUNT] });
  });
});
