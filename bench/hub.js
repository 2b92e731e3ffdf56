// Hub benchmark (npm run bench): 1,000 RegisterTaskDefinition events spread over 50 member
// accounts (20 each, one in ten violating), decided by a hub (ECS_ADMISSION_MEMBER_ROLE_NAME set)
// against moto server, then the same events in the hub's own account by a single-account handler.
// A recording proxy between the handlers and moto counts the AssumeRole calls. Prints AssumeRole
// calls per container (target: at most one per account, plus refreshes) and the per-event time on
// cache hits (each container's first event per account left out) against the single-account
// handler (target ≤ 1.1). Figures, not pass/fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchBundle, benchContainers, compileEnforcePolicies, createLedgerTable, startMoto, stop } from './support.js';

const HUB = '123456789012';
const REGION = 'us-east-1';
const ACCOUNTS = Array.from({ length: 50 }, (_, i) => String(200000000000 + i * 1111));
const PER_ACCOUNT = 20;
const IN_FLIGHT = 8;
const CONTAINERS = 8;
const ROUNDS = 3;

const { good: GOOD, privileged: PRIVILEGED } = benchContainers(HUB, REGION);

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-hub-'));
let moto;
process.on('exit', () => moto?.child.kill('SIGKILL'));

try {
  console.log(`\necs-admission hub benchmark — Node ${process.version}\n`);
  moto = await startMoto(join(dir, 'moto.log'));
  if (!moto) {
    console.log('moto_server is not installed: skipped');
    process.exit(0);
  }
  const lib = await import(
    await benchBundle(
      [
        "export { createHandler, awsDependencies } from './src/lambda/handler.ts';",
        "export { readConfig } from './src/lambda/config.ts';",
        "export { loadPolicies } from './src/adapters/policy-files.ts';",
        "export { toBundle } from './src/policy/bundle.ts';",
        "export { builtinRules } from './src/rules/index.ts';",
        "export { recordingProxy } from './test/helpers/recording-proxy.ts';",
        "export { Logger } from '@aws-lambda-powertools/logger';",
        "export { Metrics } from '@aws-lambda-powertools/metrics';",
        "export { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';",
        "export { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';",
        "export { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';",
        "export { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';",
      ],
      join(dir, 'bench-hub.mjs'),
    )
  );

  const aws = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const policies = join(dir, 'policies.json');
  await compileEnforcePolicies(lib, policies);
  const topicArn = (await new lib.SNSClient(aws).send(new lib.CreateTopicCommand({ Name: 'bench-hub-alerts' }))).TopicArn;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.AWS_REGION = REGION;

  const t0 = performance.now();
  const hubEvents = [];
  const ownEvents = [];
  for (const account of ACCOUNTS) {
    const member = await memberEcs(lib, aws, account);
    const own = new lib.ECSClient(aws);
    for (let i = 0; i < PER_ACCOUNT; i++) {
      const violating = (hubEvents.length + 1) % 10 === 0;
      hubEvents.push(await registered(lib, member, account, `hub-${account}-${i}`, violating));
      ownEvents.push(await registered(lib, own, HUB, `own-${account}-${i}`, violating));
    }
  }
  console.log(
    `seeded ${hubEvents.length} events over ${ACCOUNTS.length} member accounts, and as many in the hub's own account, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const hub = await run(lib, aws, topicArn, policies, hubEvents, { ECS_ADMISSION_MEMBER_ROLE_NAME: 'ecs-admission-member' });
  const single = await run(lib, aws, topicArn, policies, ownEvents, {});

  const p50 = (xs) => percentile(xs, 50);
  console.log(
    `\n${hubEvents.length} RegisterTaskDefinition events (1 in 10 violating), ${IN_FLIGHT} in flight over ${CONTAINERS} containers, enforce mode, DynamoDB ledger; ${ROUNDS} rounds, each in new containers`,
  );
  console.log(
    `  hub over ${ACCOUNTS.length} accounts: AssumeRole ${hub.assumeRoles} calls in all, at most ${hub.assumePerContainer} in one container (target ≤ ${ACCOUNTS.length} per container, plus refreshes)`,
  );
  console.log(
    `  per event on cache hits: hub p50 ${p50(hub.warm).toFixed(2)} ms, single-account p50 ${p50(single.warm).toFixed(2)} ms → ${(p50(hub.warm) / p50(single.warm)).toFixed(3)}× (target ≤ 1.1)`,
  );
  console.log(`  first event of an account in a container (AssumeRole + new clients): hub p50 ${p50(hub.cold).toFixed(1)} ms`);
  console.log(`  outcomes: hub ${summary(hub.results)}; single ${summary(single.results)}`);
} finally {
  if (moto) await stop(moto.child);
  rmSync(dir, { recursive: true, force: true });
}

/** Decides the events ROUNDS times, each round in new containers and a new ledger; keeps each round's timings. */
async function run(lib, aws, topicArn, policies, events, env) {
  const warm = [];
  const cold = [];
  let assumeRoles = 0;
  let assumePerContainer = 0;
  let results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const table = `bench-hub-${Object.keys(env).length ? 'hub' : 'single'}-${round}`;
    await createLedgerTable(lib, aws, table);
    const config = lib.readConfig({
      ECS_ADMISSION_MODE: 'enforce',
      ECS_ADMISSION_TOPIC_ARN: topicArn,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_POLICIES: policies,
      ECS_ADMISSION_BUDGET_ACTIONS: '1000',
      ...env,
    });
    // A proxy per container: its AssumeRole calls are counted apart.
    const proxies = await Promise.all(Array.from({ length: CONTAINERS }, () => lib.recordingProxy(aws.endpoint)));
    const containers = proxies.map((proxy) => ({
      seen: new Set(),
      proxy,
      handle: lib.createHandler(config, {
        ...lib.awsDependencies(config, { ...aws, endpoint: proxy.endpoint }),
        logger: new lib.Logger({ logLevel: 'SILENT' }),
        metrics: new lib.Metrics({ namespace: 'bench', serviceName: 'bench' }),
        now: () => new Date(),
      }),
    }));
    results = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, lane) => {
        const container = containers[lane % CONTAINERS];
        while (next < events.length) {
          const i = next++;
          const { account } = events[i];
          const first = !container.seen.has(account);
          container.seen.add(account);
          const t = performance.now();
          results[i] = await container.handle(events[i].event, {
            awsRequestId: `hub-${round}-${i}`,
            invokedFunctionArn: `arn:aws:lambda:${REGION}:${HUB}:function:ecs-admission`,
            getRemainingTimeInMillis: () => 30_000,
          });
          (first ? cold : warm).push(performance.now() - t);
        }
      }),
    );
    await Promise.all(proxies.map((proxy) => proxy.close()));
    const perContainer = proxies.map((proxy) => proxy.calls('AssumeRole').length);
    assumeRoles = Math.max(
      assumeRoles,
      perContainer.reduce((a, b) => a + b, 0),
    );
    assumePerContainer = Math.max(assumePerContainer, ...perContainer);
  }
  return { warm, cold, assumeRoles, assumePerContainer, results };
}

async function memberEcs(lib, aws, account) {
  const sts = new lib.STSClient(aws);
  const c = (await sts.send(new lib.AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/deployer`, RoleSessionName: 'deployer' }))).Credentials;
  return new lib.ECSClient({ ...aws, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
}

async function registered(lib, ecs, account, family, violating) {
  const input = {
    family,
    containerDefinitions: [violating ? PRIVILEGED : GOOD],
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
  };
  const out = await ecs.send(new lib.RegisterTaskDefinitionCommand(input));
  const n = `${account}-${family}`;
  return {
    account,
    event: {
      version: '0',
      id: `hub-eb-${n}`,
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ecs',
      account,
      time: new Date().toISOString(),
      region: REGION,
      resources: [],
      detail: {
        eventVersion: '1.08',
        eventID: `hub-record-${n}`,
        eventTime: new Date().toISOString(),
        eventSource: 'ecs.amazonaws.com',
        eventName: 'RegisterTaskDefinition',
        awsRegion: REGION,
        recipientAccountId: account,
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${account}:assumed-role/deployer/ci`,
          sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/deployer` } },
        },
        requestParameters: JSON.parse(JSON.stringify(input)),
        responseElements: JSON.parse(JSON.stringify(out)),
      },
    },
  };
}

function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] ?? NaN;
}

function summary(results) {
  return Object.entries(results.reduce((m, r) => ((m[r.status] = (m[r.status] ?? 0) + 1), m), {}))
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}
