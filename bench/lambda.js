// Lambda benchmarks (npm run bench runs them after bench/run.js). Figures, not pass/fail; the targets
// are in docs/performance.md:
//  6. handler overhead: end-to-end time of a RegisterTaskDefinition violation against moto server,
//     against a baseline that makes the same AWS calls with the same SDK clients and evaluates
//     nothing (median of each; target: ratio ≤ 1.15);
//  7. cold start: whole-process time to require the handler bundled as serverless.yml deploys it,
//     against a bundle of only the SDK clients it uses (target: ratio ≤ 1.3), and the bundle sizes.
// Both build their own bundles with esbuild into a temp dir: dist/lambda.mjs exports only `handler`,
// and the deployed bundle is CommonJS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { build } from 'esbuild';
import { benchBundle, startMoto, stop } from './support.js';

const root = new URL('..', import.meta.url).pathname;
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const p90 = (xs) => sorted(xs)[Math.ceil(xs.length * 0.9) - 1];
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

const WARMUP = 20;
const RUNS = 200; // per side, for the overhead
const COLD_RUNS = 30; // per variant, for the cold start

// The event's account and the task definition: a privileged container is a deny in enforce mode.
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CONTEXT = {
  functionName: 'ecs-admission',
  awsRequestId: 'bench',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-admission`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
};
const GOOD = {
  name: 'app',
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
  memory: 256,
};
const PRIVILEGED = { ...GOOD, privileged: true };

/** What the baseline of section 6 sends, taken from the bench bundle: the handler's SDK code. */
const BASELINE_SDK = {
  '@aws-sdk/client-dynamodb': ['DynamoDBClient', 'GetItemCommand', 'PutItemCommand'],
  '@aws-sdk/client-ecs': ['ECSClient', 'DescribeTaskDefinitionCommand', 'DeregisterTaskDefinitionCommand', 'TagResourceCommand'],
  '@aws-sdk/client-sns': ['SNSClient', 'PublishCommand'],
};
const reexports = (modules) =>
  Object.entries(modules)
    .map(([from, names]) => `export { ${[...names].join(', ')} } from '${from}';`)
    .join('\n');

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-lambda-'));
let moto; // the moto_server child: stopped after section 6, on error, and (SIGKILL) on any exit
process.on('exit', () => moto?.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

try {
  console.log(`\necs-admission Lambda benchmarks — Node ${process.version}\n`);
  // `node bench/lambda.js --cold-start` runs section 7 alone.
  if (!process.argv.includes('--cold-start')) {
    try {
      await handlerOverhead();
    } catch (error) {
      // A moto HTTP 500 reaches the SDK as an HTML page; the cause is only in the server's log.
      const log = join(dir, 'moto.log');
      if (moto) console.error(`moto_server log (end):\n${readFileSync(log, 'utf8').slice(-3000)}`);
      throw error;
    } finally {
      // Stopped before the cold starts: nothing else should run while they are timed.
      if (moto) await stop(moto);
      moto = undefined;
    }
  }
  await coldStart();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// 6. Handler overhead against moto server

async function handlerOverhead() {
  console.log(
    `6. handler overhead: RegisterTaskDefinition violation, enforce mode, against moto server (median of ${RUNS} each, interleaved, after ${WARMUP} warm-up runs each)`,
  );
  const started = await startMoto(join(dir, 'moto.log'));
  moto = started?.child;
  const server = started?.endpoint;
  if (!server) {
    console.log("   skipped: moto_server is not on PATH (pip install 'moto[server]')");
    return;
  }
  const aws = { endpoint: server, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };

  // The handler as the bundle builds it (same options as scripts/build.js), with what the bench
  // needs exported. The baseline's SDK calls come from the same bundle: same SDK code on both sides.
  // Metrics stay silent: POWERTOOLS_METRICS_DISABLED is read when a Metrics is constructed. The SDK's
  // warning that its 2027 releases need Node 22 would print once per SDK copy: noise here.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const lib = await import(pathToFileURL(await bundleForBench()).href);

  // Setup (not timed). The timed topic has no subscriber: moto fans a Publish out to SQS inside the
  // request, which AWS does asynchronously, so a subscriber would add moto-only time to both sides
  // (pulling the ratio towards 1) and a queue that grows for the whole run. One probe run on a
  // second, subscribed topic captures the alert the handler really sends, for the baseline to send.
  const ecsSetup = new ECSClient(aws);
  const sns = new SNSClient(aws);
  const sqs = new SQSClient(aws);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'bench-alerts' }))).TopicArn;
  const probeTopicArn = (await sns.send(new CreateTopicCommand({ Name: 'bench-probe' }))).TopicArn;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'bench-probe' }))).QueueUrl;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: probeTopicArn, Protocol: 'sqs', Endpoint: queueArn }));
  const table = 'bench-ledger';
  await new DynamoDBClient(aws).send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'eventId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
    }),
  );

  const handlerFor = (topic) => {
    const config = lib.readConfig({
      ECS_ADMISSION_MODE: 'enforce',
      ECS_ADMISSION_TOPIC_ARN: topic,
      ECS_ADMISSION_LEDGER_TABLE: table,
      ECS_ADMISSION_BUDGET_ACTIONS: '1000000',
      ECS_ADMISSION_POLICIES: compiledPolicies('test/fixtures/policies/enforce-recommended.yaml'),
    });
    const logger = new lib.Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    const metrics = new lib.Metrics({ namespace: 'bench', serviceName: 'bench' });
    const handle = lib.createHandler(config, { ...lib.awsDependencies(config, aws), logger, metrics, now: () => new Date() });
    return (event) => handle(event, CONTEXT);
  };
  const handler = handlerFor(topicArn);

  let n = 0;
  /** A fresh privileged revision (one family: revisions only grow a list in moto) and its event. */
  const register = async () => {
    const input = {
      family: 'bench-web',
      containerDefinitions: [PRIVILEGED],
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'Owner', value: 'team-payments' }],
    };
    const out = await ecsSetup.send(new RegisterTaskDefinitionCommand(input));
    const eventId = `bench-${process.pid}-${++n}`;
    // CloudTrail's responseElements: the response without the SDK's $metadata.
    const event = eventBridgeEvent(eventId, input, { taskDefinition: out.taskDefinition, tags: out.tags });
    return { arn: out.taskDefinition.taskDefinitionArn, eventId, event };
  };

  // The probe: one real run on the subscribed topic, checked, and what it wrote kept for the baseline.
  const probe = await register();
  const result = await handlerFor(probeTopicArn)(probe.event);
  if (result.status !== 'decided' || result.decisions[0]?.actions.length !== 2)
    throw new Error(`the probe run did not deregister and tag: ${JSON.stringify(result)}`);
  const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
  if (received.length !== 1) throw new Error(`the probe run sent ${received.length} alerts, not 1`);
  const envelope = JSON.parse(received[0].Body);
  const ddb = new lib.DynamoDBClient(aws);
  const ecs = new lib.ECSClient(aws);
  const snsTimed = new lib.SNSClient(aws);
  const ledgerItem = (
    await ddb.send(new lib.GetItemCommand({ TableName: table, Key: { eventId: { S: `${ACCOUNT}:${probe.eventId}` } }, ConsistentRead: true }))
  ).Item;
  const probeTags = (await ecs.send(new lib.DescribeTaskDefinitionCommand({ taskDefinition: probe.arn, include: ['TAGS'] }))).tags.filter((t) =>
    t.key.startsWith('ecs-admission:'),
  );
  const alert = {
    Subject: envelope.Subject,
    Message: envelope.Message,
    MessageAttributes: Object.fromEntries(Object.entries(envelope.MessageAttributes).map(([k, v]) => [k, { DataType: v.Type, StringValue: v.Value }])),
  };
  let slot = 0;

  /**
   * The handler's AWS calls in its order, with payloads of the probe's sizes and the same
   * conditions; nothing parsed, evaluated or planned: the read, the lease, a budget slot, the two
   * actions, the `acted` record, the alert, the `alerted` record.
   */
  const baseline = async (arn, eventId) => {
    const key = `${ACCOUNT}:${eventId}`;
    const until = String(Date.now() + 30_000);
    const item = (stage) => ({
      eventId: { S: key },
      kind: ledgerItem.kind,
      stage: { S: stage },
      decisions: ledgerItem.decisions,
      owner: { S: 'bench' },
      leaseUntil: { N: until },
      expiresAt: { N: String(Math.floor(Date.now() / 1000) + 604800) },
    });
    const mine = {
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': { S: 'bench' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    await ecs.send(new lib.DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    await ddb.send(
      new lib.PutItemCommand({
        TableName: table,
        Item: item('planned'),
        ConditionExpression: 'attribute_not_exists(eventId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const now = Date.now();
    await ddb.send(
      new lib.PutItemCommand({
        TableName: table,
        Item: {
          eventId: { S: `bench-slot-${slot++}` },
          kind: { S: 'action-budget-slot' },
          usedAt: { N: String(now) },
          expiresAt: { N: String(Math.ceil(now / 1000) + 360) },
        },
        ConditionExpression: 'attribute_not_exists(eventId) OR usedAt <= :free',
        ExpressionAttributeValues: { ':free': { N: String(now - 300_000) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    await ecs.send(new lib.DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    await ecs.send(
      new lib.TagResourceCommand({ resourceArn: arn, tags: probeTags.map((t) => (t.key === 'ecs-admission:event' ? { ...t, value: eventId } : t)) }),
    );
    await ddb.send(new lib.PutItemCommand({ TableName: table, Item: item('acted'), ...mine }));
    await snsTimed.send(new lib.PublishCommand({ TopicArn: topicArn, ...alert }));
    await ddb.send(new lib.PutItemCommand({ TableName: table, Item: item('alerted'), ...mine }));
  };

  // Each run registers its revision untimed, then times one call: wall time, and this process's CPU
  // time (moto's time is in another process, so CPU time shows the handler's own work with far
  // less noise than wall time on a busy machine). A, B, A, B…: both see the same drift.
  const timed = async (call) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await call();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { ms, cpu: (used.user + used.system) / 1000 };
  };
  const timeHandler = async () => {
    const { event } = await register();
    return timed(async () => {
      const r = await handler(event);
      if (r.status !== 'decided') throw new Error(`handler returned ${r.status}, not decided`);
    });
  };
  const timeBaseline = async () => {
    const { arn, eventId } = await register();
    return timed(() => baseline(arn, eventId));
  };
  for (let i = 0; i < WARMUP; i++) {
    await timeHandler();
    await timeBaseline();
  }
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await timeHandler());
    b.push(await timeBaseline());
  }

  const wall = (xs) => xs.map((x) => x.ms);
  const cpu = (xs) => xs.map((x) => x.cpu);
  const row = (name, xs) =>
    `   ${name.padEnd(34)} median ${median(wall(xs)).toFixed(2).padStart(6)} ms   p90 ${p90(wall(xs)).toFixed(2).padStart(6)} ms   (Node CPU median ${median(cpu(xs)).toFixed(2)} ms)`;
  console.log(row('handler (parse, evaluate, act):', a));
  console.log(row('baseline (same 8 AWS calls only):', b));
  console.log(`   ratio of medians ${(median(wall(a)) / median(wall(b))).toFixed(3)} (target ≤ 1.15)`);
  // The median of each pair's difference is steadier than the difference of the medians.
  const pairs = a.map((x, i) => x.ms - b[i].ms);
  console.log(
    `   the handler's own work: ${median(pairs).toFixed(2)} ms wall (median of the ${RUNS} pairs' differences), ${(median(cpu(a)) - median(cpu(b))).toFixed(2)} ms Node CPU`,
  );
  console.log(
    `   payloads: ledger decisions ${ledgerItem.decisions.S.length} B, alert message ${alert.Message.length} B, ${Object.keys(alert.MessageAttributes).length} attributes`,
  );
}

/** The EventBridge event of a CloudTrail record of the call, as test/helpers/cloudtrail.ts builds it. */
function eventBridgeEvent(id, requestParameters, responseElements) {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecs',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.08',
      eventID: id,
      eventTime: time,
      eventSource: 'ecs.amazonaws.com',
      eventName: 'RegisterTaskDefinition',
      awsRegion: REGION,
      recipientAccountId: ACCOUNT,
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
        sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/deployer` } },
      },
      requestParameters: JSON.parse(JSON.stringify(requestParameters)),
      responseElements: JSON.parse(JSON.stringify(responseElements)),
    },
  };
}

/** ESM bundle of the handler module plus what the bench needs, as scripts/build.js builds dist/lambda.mjs. */
async function bundleForBench() {
  return benchBundle(
    [
      "export { createHandler, awsDependencies } from './src/lambda/handler.ts';",
      "export { readConfig } from './src/lambda/config.ts';",
      "export { Logger } from '@aws-lambda-powertools/logger';",
      "export { Metrics } from '@aws-lambda-powertools/metrics';",
      reexports(BASELINE_SDK),
    ],
    join(dir, 'bench-lambda.mjs'),
  );
}

// ---------------------------------------------------------------------------------------------
// 7. Cold start

async function coldStart() {
  console.log(
    `\n7. cold start: whole process \`node -e "require(<bundle>)"\`, bundles built as serverless.yml deploys them (median of ${COLD_RUNS} each, interleaved)`,
  );
  // serverless.yml's custom.esbuild: bundle, minify, sourcemap without sources, node22, cjs in .cjs, module first.
  const deployed = {
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    target: 'node22',
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'warning',
  };
  const handlerFile = join(dir, 'handler.cjs');
  const sdkFile = join(dir, 'sdk.cjs');
  // (a) the handler: clients and policies are made on the first invocation, so requiring it is the
  // whole of its import cost. (b) the SDK symbols the handler uses (found by a build, so the list
  // follows the code), re-exported so that none is tree-shaken away; required, not constructed.
  const entry = join(root, 'src/lambda/handler.ts');
  const handlerBuild = await build({ ...deployed, entryPoints: [entry], outfile: handlerFile });
  const sdkImports = await sdkImportsOf(entry);
  const sdkBuild = await build({ ...deployed, stdin: { contents: reexports(sdkImports), resolveDir: root, loader: 'js' }, outfile: sdkFile });

  // The Lambda sets NODE_OPTIONS=--enable-source-maps (serverless.yml), which makes Node read and
  // parse the .map when the bundle loads: timed both with it (as deployed) and without.
  const variants = [];
  for (const sourceMaps of [true, false]) {
    const nodeOptions = sourceMaps ? '--enable-source-maps' : '';
    // The child also prints how long require() itself took: steadier than process spawns when
    // the machine is busy.
    const timedRequire = (file) =>
      `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
    variants.push({ name: 'bare', sourceMaps, nodeOptions, code: '0', times: [], requires: [] });
    variants.push({ name: 'sdk', sourceMaps, nodeOptions, code: timedRequire(sdkFile), times: [], requires: [] });
    variants.push({ name: 'handler', sourceMaps, nodeOptions, code: timedRequire(handlerFile), times: [], requires: [] });
  }
  const run = (v) => {
    const start = performance.now();
    const out = execFileSync(process.execPath, ['-e', v.code], {
      env: { ...process.env, NODE_OPTIONS: v.nodeOptions },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    return { ms: performance.now() - start, require: Number(out) };
  };
  for (const v of variants) run(v); // warm the file cache
  for (let i = 0; i < COLD_RUNS; i++) {
    // Rotate the order every round so that no variant always follows the same one.
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(i + j) % variants.length];
      const { ms, require } = run(v);
      v.times.push(ms);
      v.requires.push(require);
    }
  }

  // (c) Import alone leaves out what the first invocation loads: the compiled policies' reader,
  // cel-js if a policy has custom rules, the clients. So the same process
  // also runs the handler's first invocation up to its first AWS call, which fails fast on a closed
  // port; the baseline makes that call from the SDK bundle. Both report \`performance.now()\`: the
  // time since the process started.
  const firstCall = await firstAwsCallTimes(handlerFile, sdkFile);

  const size = (file) => statSync(file).size;
  console.log(
    `   sdk.cjs: ${Object.entries(sdkImports)
      .map(([from, names]) => `${from} (${names.size})`)
      .join(', ')}`,
  );
  console.log(
    `   bundle sizes (minified): handler.cjs ${size(handlerFile).toLocaleString('en-US')} B (${kb(size(handlerFile))}, map ${kb(size(`${handlerFile}.map`))}); sdk.cjs ${size(sdkFile).toLocaleString('en-US')} B (${kb(size(sdkFile))}, map ${kb(size(`${sdkFile}.map`))})`,
  );
  for (const sourceMaps of [true, false]) {
    const [bare, sdk, handler] = ['bare', 'sdk', 'handler'].map((name) => variants.find((v) => v.name === name && v.sourceMaps === sourceMaps));
    const [b, s, h] = [bare, sdk, handler].map((v) => median(v.times));
    const [sr, hr] = [sdk, handler].map((v) => median(v.requires));
    console.log(`   ${sourceMaps ? 'NODE_OPTIONS=--enable-source-maps (as deployed)' : 'no source maps'}:`);
    console.log(`     whole process: bare \`node -e 0\` ${b.toFixed(0)} ms   sdk ${s.toFixed(0)} ms   handler ${h.toFixed(0)} ms`);
    console.log(
      `     ratio handler/sdk, whole process ${(h / s).toFixed(2)} (target ≤ 1.3); import time only (bare node subtracted) ${((h - b) / (s - b)).toFixed(2)}`,
    );
    console.log(`     require() alone, timed in the child: sdk ${sr.toFixed(0)} ms   handler ${hr.toFixed(0)} ms   ratio ${(hr / sr).toFixed(2)}`);
  }

  console.log(
    `   process start to the first AWS call (the import, then the first invocation: compiled policies read, clients made), as deployed (median of ${COLD_RUNS} each):`,
  );
  console.log(
    `     sdk ${firstCall.sdk.toFixed(0)} ms   handler ${firstCall.handler.toFixed(0)} ms   ratio ${(firstCall.handler / firstCall.sdk).toFixed(2)} (reported, no target)`,
  );

  // What the handler bundle holds beyond the SDK: the first place to look when the ratio is high.
  const sdkInputs = new Set(Object.keys(sdkBuild.metafile.inputs));
  const byPackage = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(handlerBuild.metafile.outputs).find((o) => o.entryPoint).inputs)) {
    if (sdkInputs.has(input)) continue;
    const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'src (ecs-admission)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  const extra = [...byPackage.values()].reduce((s, x) => s + x, 0);
  const top = [...byPackage].sort((x, y) => y[1] - x[1]).slice(0, 6);
  console.log(`   beyond the SDK bundle, handler.cjs holds ${kb(extra)}; biggest: ${top.map(([p, bytes]) => `${p} ${kb(bytes)}`).join(', ')}`);
}

/**
 * The policy file compiled as the deployment compiles it (`ecs-admission compile`, the CLI `npm run
 * bench` has just built): the Lambda reads only that JSON. Returns the bundle's path.
 */
function compiledPolicies(path) {
  const out = join(dir, `${path.replaceAll('/', '_')}.json`);
  execFileSync(process.execPath, [join(root, 'bin/ecs-admission.js'), 'compile', path, '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** Medians of `performance.now()` at the failure of the first AWS call, handler and SDK alone. */
async function firstAwsCallTimes(handlerFile, sdkFile) {
  const event = readFileSync(join(root, 'docs/events/register-task-definition.json'), 'utf8');
  const env = {
    ...process.env,
    NODE_OPTIONS: '--enable-source-maps',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // the discard port: nothing listens, the call is refused at once
    // The sample event's Region: an event of another Region is unverified without any AWS read.
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_MAX_ATTEMPTS: '1',
    ECS_ADMISSION_MODE: 'audit',
    ECS_ADMISSION_POLICIES: compiledPolicies('policies/recommended.yaml'),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const report = 'process.stdout.write("\\nFIRST " + performance.now())';
  const code = {
    handler: `require(${JSON.stringify(handlerFile)}).handler(${event}, { awsRequestId: 'bench', functionName: 'ecs-admission' }).then(() => { throw new Error('the first AWS call succeeded'); }, (e) => { if (!/ECONNREFUSED/.test(String(e?.code ?? e?.message) + String(e?.cause?.code ?? ''))) throw e; ${report}; })`,
    sdk: `const { ECSClient, DescribeTaskDefinitionCommand } = require(${JSON.stringify(sdkFile)}); new ECSClient({}).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] })).then(() => { throw new Error('the first AWS call succeeded'); }, (e) => { if (!/ECONNREFUSED/.test(String(e?.code ?? e?.message))) throw e; ${report}; })`,
  };
  const times = { handler: [], sdk: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const name of i % 2 ? ['handler', 'sdk'] : ['sdk', 'handler']) {
      const out = execFileSync(process.execPath, ['-e', code[name]], { env, cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
      times[name].push(Number(/FIRST ([\d.]+)\s*$/.exec(out)?.[1] ?? NaN));
    }
  }
  return { handler: median(times.handler), sdk: median(times.sdk) };
}

/**
 * `{ module: names }` of what the handler uses from @aws-sdk/*: bundled with the SDK left external,
 * the handler keeps its SDK imports as import statements (unused names too, so each must also
 * appear in the code that survived tree-shaking).
 */
async function sdkImportsOf(entry) {
  const { outputFiles } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: 'x.mjs',
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  const imports = /import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)";?/g;
  const text = outputFiles[0].text;
  const code = text.replace(imports, '');
  const modules = {};
  for (const [, names, from] of text.matchAll(imports)) {
    for (const spec of names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)) {
      const [name, local = name] = spec.split(/\s+as\s+/);
      if (new RegExp(`\\b${local}\\b`).test(code)) (modules[from] ??= new Set()).add(name);
    }
  }
  return modules;
}
