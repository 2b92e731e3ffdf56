/**
 * The hub's organization sweep (src/lambda/org-sweep.ts) with in-memory accounts: its settings, the
 * steps' inputs, a run that runs out of time (the rest are failures, never missing), an account
 * whose step left nothing. The sweep against moto, and the fan-out end to end: org-sweep.moto.test.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { memoryDigestState } from '../../src/adapters/aws/digest-state.js';
import { memoryPartialStore } from '../../src/adapters/aws/sweep-partials.js';
import type { Message } from '../../src/core/channel.js';
import { ConfigError } from '../../src/lambda/config.js';
import { createOrganizationSweepHandler } from '../../src/lambda/org-sweep.js';
import { record } from '../../src/lambda/sweep-handler.js';
import { FAN_OUT_ABOVE, readOrganizationSweepConfig, readSweepConfig } from '../../src/lambda/sweep-settings.js';
import type { SweepDigest } from '../../src/render/digest/index.js';
import type { EcsInventory, SweepTarget } from '../../src/sweep/types.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';

const HUB = '123456789012';
const POLICIES = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
const GOOD = {
  name: 'app',
  image: `${HUB}.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs' },
  memory: 256,
};

describe('readOrganizationSweepConfig', () => {
  it('sweeps the organization only with a member role: the listed accounts, or every ACTIVE one; auto fan-out by default', () => {
    expect(readOrganizationSweepConfig({}, undefined)).toBeUndefined();
    expect(readOrganizationSweepConfig({}, 'member')).toEqual({ accounts: undefined, memberRoleName: 'member', fanOut: 'auto', fanOutAbove: FAN_OUT_ABOVE });
    expect(
      readOrganizationSweepConfig(
        {
          ECS_ADMISSION_SWEEP_ACCOUNTS: ' 111122223333, 444455556666,111122223333,',
          ECS_ADMISSION_SWEEP_FAN_OUT: 'always',
          ECS_ADMISSION_SWEEP_FAN_OUT_ABOVE: '20',
        },
        'member',
      ),
    ).toEqual({ accounts: ['111122223333', '444455556666'], memberRoleName: 'member', fanOut: 'always', fanOutAbove: 20 });
    // CloudFormation cannot leave a variable out: empty is unset.
    expect(readOrganizationSweepConfig({ ECS_ADMISSION_SWEEP_ACCOUNTS: '', ECS_ADMISSION_SWEEP_FAN_OUT: '' }, 'member')).toMatchObject({
      accounts: undefined,
      fanOut: 'auto',
    });
    expect(readSweepConfig({ AWS_REGION: 'eu-west-1', ECS_ADMISSION_MEMBER_ROLE_NAME: 'member' }).organization).toMatchObject({ memberRoleName: 'member' });
    expect(readSweepConfig({ AWS_REGION: 'eu-west-1' })).not.toHaveProperty('organization');
  });

  it('names a bad value, and a list of accounts without the role to read them with', () => {
    expect(() => readOrganizationSweepConfig({ ECS_ADMISSION_SWEEP_ACCOUNTS: '111122223333,prod' }, 'member')).toThrow(
      /ECS_ADMISSION_SWEEP_ACCOUNTS="111122223333,prod": expected 12-digit account ids, comma-separated \(not "prod"\)/,
    );
    expect(() => readOrganizationSweepConfig({ ECS_ADMISSION_SWEEP_FAN_OUT: 'sometimes' }, 'member')).toThrow(
      /ECS_ADMISSION_SWEEP_FAN_OUT="sometimes": expected auto, never or always/,
    );
    expect(() => readOrganizationSweepConfig({ ECS_ADMISSION_SWEEP_FAN_OUT_ABOVE: 'many' }, 'member')).toThrow(ConfigError);
    expect(() => readOrganizationSweepConfig({ ECS_ADMISSION_SWEEP_ACCOUNTS: '111122223333' }, undefined)).toThrow(
      /ECS_ADMISSION_SWEEP_ACCOUNTS is set but ECS_ADMISSION_MEMBER_ROLE_NAME is not/,
    );
  });
});

/** A hub over in-memory accounts, each with a privileged service in every Region. */
function setup(accounts: string[], regions = ['eu-west-1', 'us-east-1']) {
  const env = {
    AWS_REGION: 'eu-west-1',
    ECS_ADMISSION_SWEEP_REGIONS: regions.join(','),
    ECS_ADMISSION_POLICIES: POLICIES,
    ECS_ADMISSION_MEMBER_ROLE_NAME: 'member',
    ECS_ADMISSION_SWEEP_ACCOUNTS: accounts.join(','),
  };
  const config = readSweepConfig(env);
  const sent: Message[] = [];
  const opened: string[] = [];
  const inventory = (account: string, region: string): EcsInventory => {
    const arn = (path: string) => `arn:aws:ecs:${region}:${account}:${path}`;
    const tags = [{ key: 'Owner', value: `team-${account}` }];
    const td = {
      taskDefinitionArn: arn('task-definition/web:1'),
      family: 'web',
      revision: 1,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [{ ...GOOD, privileged: true }],
      tags,
    };
    const service = {
      serviceArn: arn('service/prod/web'),
      serviceName: 'web',
      clusterArn: arn('cluster/prod'),
      status: 'ACTIVE',
      taskDefinition: td.taskDefinitionArn,
      launchType: 'FARGATE',
      deployments: [],
      tags,
    };
    return {
      describeTaskDefinition: (ref) => Promise.resolve(ref === td.taskDefinitionArn || ref === 'web' ? structuredClone(td) : undefined),
      describeService: () => Promise.resolve(structuredClone(service)),
      describeTaskSet: () => Promise.resolve(undefined),
      describeTasks: () => Promise.resolve([]),
      listActiveRevisions: () => Promise.resolve([td.taskDefinitionArn]),
      listClusters: () => Promise.resolve([arn('cluster/prod')]),
      listServices: () => Promise.resolve([service.serviceArn]),
      describeServices: () => Promise.resolve([structuredClone(service)]),
      listTasks: () => Promise.resolve([]),
      listActiveTaskDefinitions: () => Promise.resolve([td.taskDefinitionArn]),
    };
  };
  const partials = memoryPartialStore();
  const handler = createOrganizationSweepHandler(
    { ...config, organization: config.organization! },
    {
      targets: () => Promise.reject(new Error('not used')),
      accounts: (listed) => Promise.resolve({ hub: HUB, accounts: [...(listed ?? [])] }),
      accountTargets: (list, rs) =>
        Promise.resolve(
          list.flatMap((account) =>
            rs.map(
              (region): SweepTarget => ({ account, region, open: () => (opened.push(`${account}/${region}`), Promise.resolve(inventory(account, region))) }),
            ),
          ),
        ),
      partials,
      state: memoryDigestState(),
      channels: [{ channel: { name: 'topic', destination: 'memory', send: (m) => (sent.push(m), Promise.resolve()) }, format: 'json' }],
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
      now: () => new Date('2026-11-23T06:00:00Z'),
    },
    record,
  );
  const context = (remainingMs: number) => ({ functionName: 'sweep', awsRequestId: 'r', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;
  return { handler, sent, opened, partials, context, digest: () => JSON.parse(sent.at(-1)!.message) as SweepDigest };
}

describe('the organization sweep Lambda', () => {
  it('when its time runs short, reports every account-region it did not get to as a failure naming it, and publishes', async () => {
    const accounts = ['210000000001', '210000000002'];
    const { handler, opened, context, digest } = setup(accounts);
    // Less time left than the reserve for the digest: no account-region is started.
    const result = await handler({ id: 'scheduled' }, context(30_000));
    expect(opened).toEqual([]);
    expect(result).toMatchObject({ accounts: 2, unreadableAccounts: accounts, failures: 4 });
    expect(digest().accounts!.unreadable.map((u) => [u.account, u.regions])).toEqual(accounts.map((a) => [a, ['eu-west-1', 'us-east-1']]));
    expect(digest().accounts!.unreadable[0]!.reason).toMatch(
      /^connect: OutOfTime: not swept: the invocation ran out of time before it got to 210000000001\/eu-west-1; fan out \(sweepFanOut=always\)/,
    );
  });

  it('sweeps everything with time to spare', async () => {
    const { handler, opened, context, digest } = setup(['210000000001', '210000000002']);
    await handler({ id: 'scheduled' }, context(900_000));
    expect(opened).toHaveLength(4);
    expect(digest().accounts).toEqual({ total: 2, read: 2, unreadable: [] });
    expect(Object.keys(digest().byAccount!)).toHaveLength(2);
    expect(digest().byOwner).toHaveProperty('team-210000000001');
  });

  it('merges what the steps left, and names an account whose step left nothing (no error given)', async () => {
    const { handler, context, digest } = setup(['210000000001', '210000000002']);
    const step = { run: 'run-9', hub: HUB, startedAt: '2026-11-23T06:00:00.000Z' };
    expect(await handler({ action: 'sweepAccount', ...step, account: '210000000001' }, context(900_000))).toEqual({ account: '210000000001' });
    await handler({ action: 'merge', ...step, accounts: [{ account: '210000000001' }, { account: '210000000002' }] }, context(900_000));
    expect(digest().accounts!.unreadable).toEqual([
      {
        account: '210000000002',
        regions: ['eu-west-1', 'us-east-1'],
        reason: 'SweepAccount: NotSwept: account 210000000002 was not swept: its step left no report; the state machine execution run-9 has the details',
      },
    ]);
    expect(Object.keys(digest().byAccount!)).toEqual(['210000000001']);
  });

  it('refuses a step it does not know, or one without what it needs', async () => {
    const { handler, context } = setup(['210000000001']);
    await expect(handler({ action: 'sweepEverything' }, context(900_000))).rejects.toThrow(
      'unknown sweep action "sweepEverything": expected plan, sweepAccount or merge',
    );
    await expect(handler({ action: 'sweepAccount', run: 'r', hub: HUB, startedAt: 'x' }, context(900_000))).rejects.toThrow(
      'the sweep step "sweepAccount" needs "account" (a string) in its input',
    );
    await expect(handler({ action: 'merge', run: 'r', hub: HUB, startedAt: 'x', accounts: ['210000000001'] }, context(900_000))).rejects.toThrow(
      /needs "accounts": the outcome of each account's step/,
    );
  });
});
