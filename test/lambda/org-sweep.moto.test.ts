/**
 * The hub's organization sweep against moto server (src/lambda/org-sweep.ts): three member accounts
 * × two Regions read through the member role (moto's AssumeRole gives credentials acting in the
 * role's account), each seeded with its own violations.
 *  - the organization sweep finds what three single-account sweeps find, and groups it by account;
 *  - an account whose role is refused is a failure of the digest naming it, never a gap;
 *  - the fan-out (plan → one sweepAccount per account → merge), walked as deploy/org-sweep.yml's
 *    state machine wires it, publishes the same digest as one invocation, with one state write;
 *    an account whose step fails is named in it.
 * Accounts and Regions of their own keep other test files' resources out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { beforeAll, expect, it } from 'vitest';
import { memoryDigestState } from '../../src/adapters/aws/digest-state.js';
import { dynamoPartialStore, memoryPartialStore, type PartialStore } from '../../src/adapters/aws/sweep-partials.js';
import type { Message } from '../../src/core/channel.js';
import { parseDocuments } from '../../src/input/parse.js';
import { awsOrganizationDependencies, createOrganizationSweepHandler, type OrganizationSweepOutput } from '../../src/lambda/org-sweep.js';
import { awsSweepDependencies, createSweepHandler, record } from '../../src/lambda/sweep-handler.js';
import { readSweepConfig, type SweepConfig } from '../../src/lambda/sweep-settings.js';
import type { SweepDigest } from '../../src/render/digest/index.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { root } from '../helpers/cli.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint } from '../helpers/moto.js';
import { recordingProxy } from '../helpers/recording-proxy.js';

const HUB = '123456789012'; // moto's account for the test credentials
const ACCOUNTS = ['310000000001', '310000000002', '310000000003'];
const REGIONS = ['ap-southeast-3', 'eu-south-1'];
const ROLE = 'ecs-admission-member';
const NOW = new Date('2026-11-23T06:00:00.000Z');
const CONTEXT = {
  functionName: 'ecs-admission-sweep',
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${HUB}:function:ecs-admission-sweep`,
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
  getRemainingTimeInMillis: () => 900_000,
} as Context;
const POLICIES = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
/** The owners the digest groups by: one team per account. */
const OWNERS = ['payments', 'search', 'checkout'];
/** Where the organization's accounts sit, for the grouping by OU (ListParents is tested in test/adapters). */
const OUS: Record<string, string[]> = { [ACCOUNTS[0]!]: ['ou-prod'], [ACCOUNTS[1]!]: ['ou-prod'], [ACCOUNTS[2]!]: [] };

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Credentials acting in `account`, as moto's AssumeRole gives them. */
async function actingIn(account: string): Promise<Credentials> {
  const out = await new STSClient(awsClientConfig()).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${ROLE}`, RoleSessionName: 'seed' }));
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

const container = (account: string, region: string): ContainerDefinition => ({
  name: 'app',
  image: `${account}.dkr.ecr.${region}.amazonaws.com/app@sha256:${'e'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
});

/** Per account and Region: a compliant service, one on a privileged revision, and (second Region) one with ECS Exec. */
async function seed(account: string, index: number): Promise<void> {
  const credentials = await actingIn(account);
  for (const [r, region] of REGIONS.entries()) {
    const ecs = new ECSClient({ ...awsClientConfig(), region, credentials });
    const tags = [{ key: 'Owner', value: OWNERS[index]! }];
    const register = async (containers: ContainerDefinition[]) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: `web-${index}`,
            containerDefinitions: containers,
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            tags,
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    await ecs.send(new CreateClusterCommand({ clusterName: 'apps' }));
    const good = await register([container(account, region)]);
    const privileged = await register([{ ...container(account, region), privileged: true }]);
    const service = (serviceName: string, taskDefinition: string, extra: object = {}) =>
      ecs.send(new CreateServiceCommand({ cluster: 'apps', serviceName, taskDefinition, desiredCount: 1, launchType: 'EC2', tags, ...extra }));
    await service('api', good);
    await service('web', privileged);
    if (r === 1) await service('debug', good, { enableExecuteCommand: true });
  }
}

function memoryChannel() {
  const sent: Message[] = [];
  return {
    sent,
    routes: [{ channel: { name: 'topic', destination: 'memory', send: (m: Message) => (sent.push(m), Promise.resolve()) }, format: 'json' as const }],
  };
}

const quiet = () => ({ logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'test', serviceName: 'test' }), now: () => NOW });

/** The hub's sweep handler, with its digest and state in memory and the clients at `endpoint`. */
function hubSweep(env: Record<string, string>, options: { endpoint?: string; partials?: PartialStore } = {}) {
  const config = readSweepConfig({
    AWS_REGION: 'us-east-1',
    ECS_ADMISSION_SWEEP_REGIONS: REGIONS.join(','),
    ECS_ADMISSION_POLICIES: POLICIES,
    ECS_ADMISSION_MEMBER_ROLE_NAME: ROLE,
    ECS_ADMISSION_SWEEP_ACCOUNTS: ACCOUNTS.join(','),
    ...env,
  });
  const org = { ...config, organization: config.organization! };
  const clientConfig = { ...awsClientConfig(), ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const channel = memoryChannel();
  const state = memoryDigestState();
  const handler = createOrganizationSweepHandler(
    org,
    {
      ...awsSweepDependencies(config, clientConfig),
      ...awsOrganizationDependencies(org, clientConfig),
      partials: options.partials ?? memoryPartialStore(),
      channels: channel.routes,
      state,
      organizationalUnits: (account) => Promise.resolve(OUS[account] ?? []),
      ...quiet(),
    },
    record,
  );
  const digests = () => channel.sent.map((m) => JSON.parse(m.message) as SweepDigest);
  return { handler: (event: unknown) => handler(event, CONTEXT), digests, sent: channel.sent, state };
}

/** A single-account sweep Lambda running in `account` (its own credentials, no member role). */
async function singleSweep(account: string) {
  const config: SweepConfig = readSweepConfig({ AWS_REGION: 'us-east-1', ECS_ADMISSION_SWEEP_REGIONS: REGIONS.join(','), ECS_ADMISSION_POLICIES: POLICIES });
  const clientConfig = { ...awsClientConfig(), credentials: await actingIn(account) };
  const channel = memoryChannel();
  const state = memoryDigestState();
  const handler = createSweepHandler(config, { ...awsSweepDependencies(config, clientConfig), channels: channel.routes, state, ...quiet() });
  const result = await handler({ id: 'scheduled' }, CONTEXT);
  expect(result.account).toBe(account);
  return { digest: JSON.parse(channel.sent[0]!.message) as SweepDigest, keys: JSON.parse(state.states.get(account)!) as { keys: string[] } };
}

// ---------------------------------------------------------------------------------------------------------------------
// The state machine as deploy/org-sweep.yml defines it, walked here (the subset of the States
// language it uses), with the sweep function as every Task's resource.

interface State {
  Type: string;
  Parameters?: Record<string, unknown>;
  ItemSelector?: Record<string, unknown>;
  ItemsPath?: string;
  ResultPath?: string | null;
  OutputPath?: string;
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  Choices?: { Variable: string; BooleanEquals: boolean; Next: string }[];
  Default?: string;
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  MaxConcurrency?: number;
  Next?: string;
  End?: boolean;
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

function stateMachine(): Definition {
  const doc = parseDocuments(readFileSync(join(root, 'deploy/org-sweep.yml'), 'utf8'), 'deploy/org-sweep.yml')[0]!.value as {
    Resources: Record<string, { Properties: { Definition: Definition } }>;
  };
  return doc.Resources.SweepStateMachine!.Properties.Definition;
}

const get = (data: unknown, path: string, context: Record<string, unknown>): unknown => {
  const [base, rest] = path.startsWith('$$.') ? [context, path.slice(3)] : [data, path.slice(2)];
  return rest ? rest.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], base) : base;
};
const fill = (template: Record<string, unknown>, data: unknown, context: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(template).map(([k, v]) =>
      k.endsWith('.$')
        ? [k.slice(0, -2), get(data, v as string, context)]
        : [k, v && typeof v === 'object' ? fill(v as Record<string, unknown>, data, context) : v],
    ),
  );
const put = (data: unknown, path: string | null | undefined, result: unknown): unknown => {
  if (path === null) return data;
  if (path === undefined || path === '$') return result;
  return { ...(data as object), [path.slice(2)]: result };
};

async function walk(
  definition: { StartAt: string; States: Record<string, State> },
  input: unknown,
  invoke: (payload: unknown) => Promise<unknown>,
  context: Record<string, unknown>,
): Promise<unknown> {
  let name: string | undefined = definition.StartAt;
  let data = input;
  for (;;) {
    const state: State = definition.States[name]!;
    let next = state.Next;
    let end = state.End === true;
    switch (state.Type) {
      case 'Task': {
        const payload = state.Parameters ? fill(state.Parameters, data, context) : data;
        try {
          data = put(data, state.ResultPath, await invoke(payload));
        } catch (error) {
          const handler = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL') || c.ErrorEquals.includes((error as Error).name));
          if (!handler) throw error;
          data = put(data, handler.ResultPath, { Error: (error as Error).name, Cause: (error as Error).message });
          next = handler.Next;
          end = false;
        }
        break;
      }
      case 'Pass':
        data = state.Parameters ? fill(state.Parameters, data, context) : data;
        break;
      case 'Choice':
        next = state.Choices!.find((c) => get(data, c.Variable, context) === c.BooleanEquals)?.Next ?? state.Default;
        break;
      case 'Succeed':
        return data;
      case 'Map': {
        const items = get(data, state.ItemsPath!, context) as unknown[];
        const results = [];
        for (const item of items) {
          const selected = fill(state.ItemSelector!, data, { ...context, Map: { Item: { Value: item } } });
          results.push(await walk(state.ItemProcessor!, selected, invoke, context));
        }
        data = put(data, state.ResultPath, results);
        break;
      }
      default:
        throw new Error(`the walk knows no ${state.Type} state`);
    }
    if (state.OutputPath) data = get(data, state.OutputPath, context);
    if (end || !next) return data;
    name = next;
  }
}

// ---------------------------------------------------------------------------------------------------------------------

describeWithMoto('the organization sweep against moto server', () => {
  let singles: Awaited<ReturnType<typeof singleSweep>>[];

  beforeAll(async () => {
    await Promise.all(ACCOUNTS.map((account, i) => seed(account, i)));
    singles = await Promise.all(ACCOUNTS.map(singleSweep));
  }, 60_000);

  it('finds in 3 accounts × 2 Regions what three single-account sweeps find, and groups it by account, OU, owner and rule', async () => {
    const hub = hubSweep({ ECS_ADMISSION_SWEEP_FAN_OUT: 'never' });
    const result = await hub.handler({ id: 'scheduled', source: 'aws.events' });
    expect(result).toMatchObject({ account: HUB, accounts: 3, unreadableAccounts: [], failures: 0 });
    const [digest, ...more] = hub.digests();
    expect(more).toEqual([]);

    // The same violations, key for key (the state keeps every one), and the same counts.
    const orgKeys = (JSON.parse(hub.state.states.get(HUB)!) as { keys: string[]; scope: string[] }).keys;
    expect(orgKeys).toEqual(singles.flatMap((s) => s.keys.keys).sort());
    expect(orgKeys.length).toBeGreaterThan(ACCOUNTS.length * REGIONS.length);
    const sum = (pick: (d: SweepDigest) => number) => singles.reduce((n, s) => n + pick(s.digest), 0);
    expect(digest!.violations.total).toBe(sum((d) => d.violations.total));
    expect(digest!.resources.total).toBe(sum((d) => d.resources.total));
    expect(digest!.counts).toMatchObject({
      accounts: 3,
      regions: 2,
      clusters: sum((d) => d.counts.clusters),
      services: sum((d) => d.counts.services),
      taskDefinitions: sum((d) => d.counts.taskDefinitions),
    });
    for (const rule of new Set(singles.flatMap((s) => Object.keys(s.digest.byRule))))
      expect(digest!.byRule[rule]!.total).toBe(sum((d) => d.byRule[rule]?.total ?? 0));

    // Grouped: each account as its own sweep saw it, its owner, its nearest OU.
    for (const [i, account] of ACCOUNTS.entries()) {
      const own = singles[i]!.digest;
      expect(digest!.byAccount![account]).toEqual({ ...own.violations, organizationalUnit: OUS[account]![0] ?? 'root' });
      expect(digest!.byOwner[OWNERS[i]!]).toEqual(own.byOwner[OWNERS[i]!]);
    }
    expect(digest!.byOrganizationalUnit!['ou-prod']).toMatchObject({ accounts: 2, total: sum((d) => (d.account === ACCOUNTS[2] ? 0 : d.violations.total)) });
    expect(digest!.byOrganizationalUnit!.root).toMatchObject({ accounts: 1, total: singles[2]!.digest.violations.total });
    expect(digest!.accounts).toEqual({ total: 3, read: 3, unreadable: [] });
    expect(digest!.account).toBe(HUB);
    expect(hub.sent[0]!.subject).toBe(
      `[SWEEP] ${digest!.violations.total} violations (${digest!.violations.critical} critical${digest!.violations.high ? `, ${digest!.violations.high} high` : ''}) in 3 accounts, 2 regions`,
    );
  });

  it('reports an account whose member role is refused as a failure naming it and why, and still sweeps the others', async () => {
    const proxy = await recordingProxy(motoEndpoint()!);
    try {
      const refused = ACCOUNTS[1]!;
      proxy.inject({ action: 'AssumeRole', contains: refused, refuse: 'AccessDenied', times: 10 });
      const hub = hubSweep({ ECS_ADMISSION_SWEEP_FAN_OUT: 'never' }, { endpoint: proxy.endpoint });
      const result = await hub.handler({ id: 'scheduled' });
      expect(result).toMatchObject({ accounts: 3, unreadableAccounts: [refused], failures: 2 });
      const [digest] = hub.digests();
      expect(digest!.accounts).toMatchObject({ total: 3, read: 2 });
      expect(digest!.accounts!.unreadable).toEqual([
        {
          account: refused,
          regions: [...REGIONS].sort(),
          reason: expect.stringMatching(
            new RegExp(`cannot assume arn:aws:iam::${refused}:role/${ROLE} \\(AccessDenied: .*\\): deploy the member stack in ${refused}`),
          ) as string,
        },
      ]);
      expect(digest!.failures.map((f) => `${f.account}/${f.region}`)).toEqual([...REGIONS].sort().map((r) => `${refused}/${r}`));
      expect(digest!.unreadable).toEqual([...REGIONS].sort().map((r) => `${refused}/${r}`));
      // Nothing of the refused account, everything of the others.
      expect(Object.keys(digest!.byAccount!).sort()).toEqual([ACCOUNTS[0], ACCOUNTS[2]]);
      expect(digest!.violations.total).toBe(singles[0]!.digest.violations.total + singles[2]!.digest.violations.total);
      expect(hub.sent[0]!.subject).toMatch(/ - 1 account not fully read$/);
      // Its state says the refused account's Regions were not read: their violations are not "resolved" next time.
      expect((JSON.parse(hub.state.states.get(HUB)!) as { scope: string[] }).scope.filter((t) => t.startsWith(refused))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('fans out as the state machine wires it (plan → one sweepAccount per account → merge) into the digest of one invocation, published and stored once', async () => {
    const one = hubSweep({ ECS_ADMISSION_SWEEP_FAN_OUT: 'never' });
    await one.handler({ id: 'scheduled' });

    // The partials through the ledger table, in items of 2 KB: several per account.
    const table = await ledgerTable();
    const partials = dynamoPartialStore(new DynamoDBClient(awsClientConfig()), table, { chunkBytes: 2048, now: () => NOW });
    const fanned = hubSweep({ ECS_ADMISSION_SWEEP_FAN_OUT: 'always' }, { partials });
    const steps: string[] = [];
    const output = await walk(
      stateMachine(),
      { action: 'plan' },
      async (payload) => {
        steps.push(
          `${(payload as { action: string }).action}${(payload as { account?: string }).account ? ` ${(payload as { account: string }).account}` : ''}`,
        );
        return fanned.handler(payload);
      },
      { Execution: { Name: 'run-1' } },
    );
    expect(steps).toEqual(['plan', ...ACCOUNTS.map((a) => `sweepAccount ${a}`), 'merge']);
    expect(output).toMatchObject({ account: HUB, accounts: 3, unreadableAccounts: [] });
    expect(fanned.sent).toHaveLength(1);
    expect(fanned.digests()[0]).toEqual(one.digests()[0]);
    expect(fanned.sent[0]!.subject).toBe(one.sent[0]!.subject);
    expect(fanned.state.states.get(HUB)).toBe(one.state.states.get(HUB));
    expect(await partials.get({ hub: HUB, id: 'run-1' }, ACCOUNTS[0]!)).toMatchObject({ accounts: [ACCOUNTS[0]], regions: [...REGIONS].sort() });
  });

  it('names an account whose step failed (the Map catches it) in the merged digest, with the error', async () => {
    const fanned = hubSweep({ ECS_ADMISSION_SWEEP_FAN_OUT: 'always' });
    const lost = ACCOUNTS[2]!;
    await walk(
      stateMachine(),
      { action: 'plan' },
      (payload) => {
        if ((payload as { account?: string }).account === lost)
          return Promise.reject(Object.assign(new Error('Task timed out after 900.00 seconds'), { name: 'Sandbox.Timedout' }));
        return fanned.handler(payload);
      },
      { Execution: { Name: 'run-2' } },
    );
    const [digest] = fanned.digests();
    expect(digest!.accounts!.unreadable).toEqual([
      {
        account: lost,
        regions: [...REGIONS].sort(),
        reason: `SweepAccount: Sandbox.Timedout: account ${lost} was not swept: its step failed (Sandbox.Timedout); the state machine execution run-2 has the details`,
      },
    ]);
    expect(Object.keys(digest!.byAccount!).sort()).toEqual([ACCOUNTS[0], ACCOUNTS[1]]);
    expect(digest!.counts.accounts).toBe(3);
  });

  it('decides by the threshold when auto: sweeps in the plan step below it, fans out above it', async () => {
    const small = hubSweep({});
    const planned = (await small.handler({ action: 'plan', execution: 'run-3' })) as OrganizationSweepOutput & { fanOut: boolean };
    expect(planned).toMatchObject({ fanOut: false, accounts: 3, account: HUB });
    expect(small.sent).toHaveLength(1);

    const large = hubSweep({ ECS_ADMISSION_SWEEP_FAN_OUT_ABOVE: '5' });
    expect(await large.handler({ action: 'plan', execution: 'run-4' })).toEqual({
      fanOut: true,
      run: 'run-4',
      hub: HUB,
      startedAt: NOW.toISOString(),
      accounts: ACCOUNTS,
    });
    expect(large.sent).toEqual([]);
  });
});
