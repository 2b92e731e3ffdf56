// Burst benchmark (npm run bench runs it last): 1,000 mixed admission events — registrations,
// service updates and task starts, 10% of them violating — through the admission handler in enforce
// mode against moto server, with the DynamoDB ledger and budget, 8 events in flight, each in its own
// simulated container. A recording proxy between the handlers and moto counts every AWS call.
// Prints events per second, p50/p99 per event, and AWS calls per event against the minimum the
// decisions need (target: ≤ 1.2× on average). Figures, not pass/fail.
//
// The minimum, per event: the reads that judged it (every Describe/List call made: they are the
// decision's input), and for each decision that alerts, one ledger write (the record that makes it
// exactly once), one budget write when it takes destructive actions, one call per action carried
// out and one Publish per alert. What the handler makes beyond it is its bookkeeping: the ledger's
// progress writes (`acted`, `alerted`) and budget writes lost to a concurrent writer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchBundle, benchContainers, compileEnforcePolicies, createLedgerTable, defaultNetwork, startMoto, stop } from './support.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const EVENTS = 1000;
const IN_FLIGHT = 8;
const CONTAINERS = 8;
const MIX = { register: 700, update: 150, run: 150 };
const VIOLATING_EVERY = 10; // one event in ten

const { good: GOOD, privileged: PRIVILEGED } = benchContainers(ACCOUNT, REGION);

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-burst-'));
let moto;
process.on('exit', () => moto?.child.kill('SIGKILL'));

try {
  console.log(`\necs-admission burst benchmark — Node ${process.version}\n`);
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
        "export { ECSClient, CreateClusterCommand, RegisterTaskDefinitionCommand, CreateServiceCommand, UpdateServiceCommand, RunTaskCommand } from '@aws-sdk/client-ecs';",
        "export { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';",
      ],
      join(dir, 'bench-burst.mjs'),
    )
  );

  const aws = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const policies = join(dir, 'policies.json');
  await compileEnforcePolicies(lib, policies);
  const table = 'bench-ledger';
  await createLedgerTable(lib, aws, table);
  const topicArn = (await new lib.SNSClient(aws).send(new lib.CreateTopicCommand({ Name: 'bench-alerts' }))).TopicArn;

  const started = performance.now();
  const events = await seed(lib, aws, moto.endpoint);
  console.log(
    `seeded ${events.length} events in moto (${events.filter((e) => e.violating).length} violating) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const proxy = await lib.recordingProxy(moto.endpoint);
  // The handlers' EMF lines would bury the figures.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const config = lib.readConfig({
    ECS_ADMISSION_MODE: 'enforce',
    ECS_ADMISSION_TOPIC_ARN: topicArn,
    ECS_ADMISSION_LEDGER_TABLE: table,
    ECS_ADMISSION_POLICIES: policies,
    ECS_ADMISSION_BUDGET_ACTIONS: '1000',
  });
  const containers = Array.from({ length: CONTAINERS }, () =>
    lib.createHandler(config, {
      ...lib.awsDependencies(config, { ...aws, endpoint: proxy.endpoint }),
      home: { account: ACCOUNT, region: REGION },
      logger: new lib.Logger({ logLevel: 'SILENT' }),
      metrics: new lib.Metrics({ namespace: 'bench', serviceName: 'bench' }),
      now: () => new Date(),
    }),
  );

  const latencies = [];
  const byOutcome = {};
  const warm = new Set();
  const warmLatencies = [];
  const results = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      while (next < events.length) {
        const i = next++;
        const first = !warm.has(lane);
        warm.add(lane);
        const t = performance.now();
        results[i] = await containers[lane % CONTAINERS](events[i].event, {
          awsRequestId: `burst-${i}`,
          invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
          getRemainingTimeInMillis: () => 30_000,
        });
        latencies.push(performance.now() - t);
        if (!first) warmLatencies.push(performance.now() - t);
        (byOutcome[results[i].status] ??= []).push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await proxy.close();

  const calls = proxy.all();
  const READS = /^(Describe|List)/;
  const reads = calls.filter((c) => READS.test(c.action)).length;
  let minimum = reads;
  for (const result of results) {
    if (result.status !== 'decided') continue;
    const destructive = result.decisions.some((d) => d.actions.some((a) => a.startsWith('done ') && !a.includes(' tagResource ')));
    const done = result.decisions.reduce((n, d) => n + d.actions.filter((a) => a.startsWith('done ') || a.startsWith('failed ')).length, 0);
    minimum += 1 + (destructive ? 1 : 0) + done + result.decisions.length;
  }
  const byAction = Object.entries(calls.reduce((m, c) => ((m[c.action] = (m[c.action] ?? 0) + 1), m), {})).sort((a, b) => b[1] - a[1]);
  const decided = results.filter((r) => r.status === 'decided').length;
  const percentile = (xs, p) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)];
  };
  const pct = (p) => percentile(latencies, p);
  console.log(
    `\n${EVENTS} events (${MIX.register} RegisterTaskDefinition, ${MIX.update} UpdateService, ${MIX.run} RunTask; 1 in ${VIOLATING_EVERY} violating), ${IN_FLIGHT} in flight over ${CONTAINERS} containers, enforce mode, DynamoDB ledger`,
  );
  console.log(
    `  ${(EVENTS / seconds).toFixed(0)} events/s; per event p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms (without each container's first invocation: p50 ${percentile(warmLatencies, 50).toFixed(1)} ms, p99 ${percentile(warmLatencies, 99).toFixed(1)} ms)`,
  );
  // A decided event makes its calls one after the other (read, lease, budget, act, record, alert, record).
  console.log(
    `  by outcome: ${Object.entries(byOutcome)
      .map(([k, xs]) => `${xs.length} ${k} p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms`)
      .join('; ')}`,
  );
  console.log(
    `  outcomes: ${Object.entries(results.reduce((m, r) => ((m[r.status] = (m[r.status] ?? 0) + 1), m), {}))
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );
  console.log(
    `  AWS calls: ${calls.length} (${(calls.length / EVENTS).toFixed(2)} per event) against a minimum of ${minimum} (${(minimum / EVENTS).toFixed(2)} per event): ${(calls.length / minimum).toFixed(3)}× (target ≤ 1.2×)`,
  );
  console.log(
    `  of which reads ${reads}; per decided event ${((calls.length - reads) / Math.max(1, decided)).toFixed(2)} writes and publishes against ${((minimum - reads) / Math.max(1, decided)).toFixed(2)} at least`,
  );
  console.log(`  by operation: ${byAction.map(([a, n]) => `${a} ${n}`).join(', ')}`);
} finally {
  if (moto) await stop(moto.child);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The events and what they refer to, created in moto: each RegisterTaskDefinition registers its own
 * revision, each UpdateService moves a service to a revision, each RunTask starts a task.
 */
async function seed(lib, aws, endpoint) {
  const ecs = new lib.ECSClient(aws);
  const send = (Command, input) => ecs.send(new Command(input));
  await globalThis.fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
  await send(lib.CreateClusterCommand, { clusterName: 'burst' });
  const network = await defaultNetwork(endpoint, REGION);
  const awsvpc = { awsvpcConfiguration: { subnets: network.subnets.slice(0, 1), securityGroups: network.securityGroups, assignPublicIp: 'DISABLED' } };
  const register = (family, violating) => {
    const input = {
      family,
      containerDefinitions: [violating ? PRIVILEGED : GOOD],
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'Owner', value: 'team-burst' }],
    };
    return send(lib.RegisterTaskDefinitionCommand, input).then((out) => ({ input, out }));
  };
  const json = (value) => JSON.parse(JSON.stringify(value));
  const record = (n, eventName, requestParameters, responseElements) => ({
    version: '0',
    id: `burst-eb-${n}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecs',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.08',
      eventID: `burst-record-${n}`,
      eventTime: new Date().toISOString(),
      eventSource: 'ecs.amazonaws.com',
      eventName,
      awsRegion: REGION,
      recipientAccountId: ACCOUNT,
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
        sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/deployer` } },
      },
      requestParameters: json(requestParameters),
      responseElements: json(responseElements),
    },
  });

  const events = [];
  let n = 0;
  const violating = () => n % VIOLATING_EVERY === 0;
  for (let i = 0; i < MIX.register; i++, n++) {
    const bad = violating();
    const { input, out } = await register(`burst-td-${i}`, bad);
    events.push({ violating: bad, event: record(n, 'RegisterTaskDefinition', input, out) });
  }
  for (let i = 0; i < MIX.update; i++, n++) {
    const bad = violating();
    const family = `burst-svc-${i}`;
    const good = await register(family, false);
    const target = bad ? await register(family, true) : await register(family, false);
    const serviceName = `burst-svc-${i}`;
    await send(lib.CreateServiceCommand, {
      cluster: 'burst',
      serviceName,
      taskDefinition: good.out.taskDefinition.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: awsvpc,
    });
    const update = { cluster: 'burst', service: serviceName, taskDefinition: target.out.taskDefinition.taskDefinitionArn };
    events.push({ violating: bad, event: record(n, 'UpdateService', update, await send(lib.UpdateServiceCommand, update)) });
  }
  for (let i = 0; i < MIX.run; i++, n++) {
    const bad = violating();
    const { out: td } = await register(`burst-job-${i}`, bad);
    const input = { cluster: 'burst', taskDefinition: td.taskDefinition.taskDefinitionArn, launchType: 'FARGATE', networkConfiguration: awsvpc };
    events.push({ violating: bad, event: record(n, 'RunTask', input, await send(lib.RunTaskCommand, input)) });
  }
  // Mixed in arrival order, the same order on every run.
  return events.sort((a, b) => hash(a.event.id) - hash(b.event.id));
}

function hash(text) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}
