// Organization sweep benchmark (npm run bench runs it after bench/sweep.js). Figures, not pass/fail:
//  9. the hub's organization sweep — src/use-cases/org-sweep.ts with the targets of
//     src/adapters/aws/accounts.ts (AssumeRole of the member role per account), as the sweep
//     Lambda runs it in a hub: 8 account-regions at once, 8 calls in flight each — over 50
//     accounts × 3 Regions, 20 revisions and 4 services per account-region (one service on a
//     privileged revision: a rollback search), against moto server through a proxy that holds
//     every call 25 ms (an AWS-like round trip). Against the sequential minimum: the very calls
//     the sweep made (AssumeRole per account included), replayed one after another through the same
//     clients (target: ≥ 5× faster). Also: calls per account-region, seconds per account-region (what
//     the fan-out threshold, FAN_OUT_ABOVE in src/lambda/sweep-settings.ts, is derived from), and one
//     account's step of a fanned-out run (3 Regions) with the size of its partial report.
// ECS_ADMISSION_BENCH_ORG_ACCOUNTS (default 50) and ECS_ADMISSION_BENCH_ORG_REGIONS (default 3)
// change the size; ECS_ADMISSION_BENCH_LATENCY_MS (default 25) the latency.
import { Buffer } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { benchBundle, latencyProxy, startMoto, stop } from './support.js';

const ACCOUNTS = Number(process.env.ECS_ADMISSION_BENCH_ORG_ACCOUNTS ?? 50);
const REGION_COUNT = Number(process.env.ECS_ADMISSION_BENCH_ORG_REGIONS ?? 3);
const LATENCY = process.env.ECS_ADMISSION_BENCH_LATENCY_MS === undefined ? 25 : Number(process.env.ECS_ADMISSION_BENCH_LATENCY_MS) || 0;
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'eu-central-1', 'us-west-2'].slice(0, REGION_COUNT);
const FAMILIES = 4; // × 5 revisions: 20 revisions per account-region
const REVISIONS = 5;
const RUNS = 3;
const SEED_CONCURRENCY = 16;
const ROLE = 'ecs-admission-member';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const accountId = (i) => String(400000000000 + i);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-org-'));
let keepLog = false;
let moto;
process.on('exit', () => moto?.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

try {
  console.log(`\necs-admission organization sweep benchmark — Node ${process.version}\n`);
  try {
    await orgSweepBenchmark();
  } catch (error) {
    if (moto) {
      keepLog = true;
      console.error(`moto_server log (end; all of it in ${join(dir, 'moto.log')}):\n${readFileSync(join(dir, 'moto.log'), 'utf8').slice(-3000)}`);
    }
    throw error;
  } finally {
    if (moto) await stop(moto);
    moto = undefined;
  }
} finally {
  if (!keepLog) rmSync(dir, { recursive: true, force: true });
}

async function orgSweepBenchmark() {
  const targets = ACCOUNTS * REGIONS.length;
  console.log(
    `9. organization sweep of ${ACCOUNTS} accounts × ${REGIONS.length} Regions (${targets} account-regions; ${FAMILIES * REVISIONS} revisions and ${FAMILIES} services each), member role assumed per account, 8 account-regions at once × 8 calls in flight, recommended preset, through a proxy adding ${LATENCY} ms per call`,
  );
  console.log(
    `   load average at the start ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (${cpus().length} cores)`,
  );
  const started = await startMoto(join(dir, 'moto.log'));
  moto = started?.child;
  const endpoint = started?.endpoint;
  if (!endpoint) {
    console.log("   skipped: moto_server is not on PATH (pip install 'moto[server]')");
    return;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const lib = await import(
    pathToFileURL(
      await benchBundle(
        [
          "export { sweepToPartial, ORGANIZATION_PARALLEL_TARGETS } from './src/use-cases/org-sweep.ts';",
          "export { sweepTargets } from './src/adapters/aws/accounts.ts';",
          "export { createPolicyEngine, presetPolicy } from './src/policy/engine.ts';",
          "export { builtinRules } from './src/rules/index.ts';",
          "export { FAN_OUT_ABOVE } from './src/lambda/sweep-settings.ts';",
          "export { ECSClient, CreateClusterCommand, RegisterTaskDefinitionCommand, CreateServiceCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand, DescribeServicesCommand, DescribeTasksCommand, DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';",
          "export { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';",
        ],
        join(dir, 'bench-org.mjs'),
      ),
    ).href
  );
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => accountId(i));

  const seedStart = performance.now();
  await seed(lib, endpoint, accounts);
  console.log(`   seeded in ${s(performance.now() - seedStart)} (${SEED_CONCURRENCY} calls in flight, straight to moto)`);

  const recorder = record(lib);
  const now = new Date();
  const policies = [lib.presetPolicy('recommended', lib.builtinRules)];
  const options = (extra = {}) => ({
    allRevisions: false,
    concurrency: 8,
    parallelTargets: lib.ORGANIZATION_PARALLEL_TARGETS,
    ownerTags: ['Owner', 'owner', 'Team', 'team'],
    makeEvaluate: (resolveTaskDefinition) => lib.createPolicyEngine(policies, { now, resolveTaskDefinition }).evaluate,
    policies: policies.map((p) => p.name),
    now: () => new Date(),
    ...extra,
  });
  const proxy = LATENCY > 0 ? await latencyProxy(endpoint, LATENCY) : { url: endpoint, close: () => Promise.resolve() };
  try {
    /** One organization sweep as the hub runs it: targets (STS, the member role per account), then the sweep. */
    const orgSweep = async (which = accounts) => {
      const list = await lib.sweepTargets({
        regions: REGIONS,
        accounts: which,
        roleName: ROLE,
        clientConfig: { endpoint: proxy.url, credentials: CREDENTIALS },
      });
      return lib.sweepToPartial(list, options());
    };

    console.log('   warm-up: one sweep (untimed)');
    await orgSweep();
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      recorder.start();
      const start = performance.now();
      const partial = await orgSweep();
      runs.push({ wall: performance.now() - start, partial, calls: recorder.stop() });
      console.log(`   run ${i + 1}/${RUNS}: ${s(runs.at(-1).wall)}, ${runs.at(-1).calls.length} calls`);
    }
    const sweepMs = median(runs.map((r) => r.wall));
    const last = runs.at(-1);
    if (last.partial.failures.length)
      throw new Error(
        `the sweep could not read: ${last.partial.failures
          .slice(0, 3)
          .map((f) => `${f.account}/${f.region} ${f.operation}: ${f.message}`)
          .join('; ')}`,
      );

    // The sequential minimum: the same calls, one after another, through the same clients.
    console.log(`   sequential minimum: replaying the ${last.calls.length} calls one after another`);
    const replayStart = performance.now();
    for (const call of last.calls) await call.client.send(new call.command.constructor(call.command.input));
    const sequentialMs = performance.now() - replayStart;

    // One account's step of a fanned-out run (all its Regions), and the partial it hands to the merge.
    const steps = [];
    for (const account of accounts.slice(0, 5)) {
      const start = performance.now();
      const partial = await orgSweep([account]);
      steps.push({ wall: performance.now() - start, json: Buffer.byteLength(JSON.stringify(partial)), gzip: gzipSync(JSON.stringify(partial)).length });
    }

    const byOperation = {};
    for (const c of last.calls) byOperation[c.name] = (byOperation[c.name] ?? 0) + 1;
    const ecsCalls = last.calls.filter((c) => c.service === 'ecs').length;
    const perTargetMs = sweepMs / targets;
    console.log(`\n   organization sweep    median ${s(sweepMs).padStart(8)}   (runs ${runs.map((r) => (r.wall / 1000).toFixed(2)).join(', ')} s)`);
    console.log(
      `   sequential minimum           ${s(sequentialMs).padStart(8)}   (${last.calls.length} calls, ${(sequentialMs / last.calls.length).toFixed(1)} ms each)`,
    );
    console.log(`   ratio sequential/sweep ${(sequentialMs / sweepMs).toFixed(1)}× (target ≥ 5×)`);
    console.log(
      `   calls: ${Object.entries(byOperation)
        .sort((a, b) => b[1] - a[1])
        .map(([n, k]) => `${n} ${k}`)
        .join(', ')}`,
    );
    console.log(
      `   calls per account-region: ${(ecsCalls / targets).toFixed(1)} ECS + ${((last.calls.length - ecsCalls) / targets).toFixed(2)} STS (AssumeRole once per account, shared by its Regions)`,
    );
    console.log(
      `   found: ${last.partial.resources.total} resources, ${last.partial.violations.length} violations in ${last.partial.counts.accounts} accounts, ${last.partial.counts.regions} Regions; ${last.partial.failures.length} failures`,
    );
    console.log(
      `   seconds per account-region, 8 at once: ${(perTargetMs / 1000).toFixed(3)} s; one invocation at this rate sweeps ${Math.floor(600_000 / perTargetMs)} account-regions in 10 minutes (fan-out threshold FAN_OUT_ABOVE = ${lib.FAN_OUT_ABOVE})`,
    );
    console.log(
      `   one account's fan-out step (${REGIONS.length} Regions): median ${s(median(steps.map((x) => x.wall)))}; its partial report ${median(steps.map((x) => x.json)).toLocaleString('en-US')} bytes of JSON, ${median(steps.map((x) => x.gzip)).toLocaleString('en-US')} gzipped (one ledger item holds 350,000)`,
    );
    console.log(
      `   load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await proxy.close();
  }
}

/** Records the ECS and STS calls every client of the bundle sends, with the client, while on. */
function record(lib) {
  let calls;
  // The bundle is minified: the commands' names from the classes it exports.
  const names = new Map(
    Object.entries(lib)
      .filter(([name]) => name.endsWith('Command'))
      .map(([name, Command]) => [Command, name.replace(/Command$/, '')]),
  );
  for (const [Client, service] of [
    [lib.ECSClient, 'ecs'],
    [lib.STSClient, 'sts'],
  ]) {
    const send = Client.prototype.send;
    Client.prototype.send = function (command, ...rest) {
      calls?.push({ client: this, command, service, name: names.get(command.constructor) ?? 'other' });
      return send.call(this, command, ...rest);
    };
  }
  return {
    start: () => (calls = []),
    stop: () => {
      const out = calls;
      calls = undefined;
      return out;
    },
  };
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/**
 * Per account-region: a cluster, 4 families × 5 revisions (the newest of family 0 privileged), and
 * a service on the newest revision of each family, owned by one of five teams.
 */
async function seed(lib, endpoint, accounts) {
  const sts = new lib.STSClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const work = [];
  for (const [a, account] of accounts.entries()) {
    const out = await sts.send(new lib.AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${ROLE}`, RoleSessionName: 'seed' }));
    const credentials = {
      accessKeyId: out.Credentials.AccessKeyId,
      secretAccessKey: out.Credentials.SecretAccessKey,
      sessionToken: out.Credentials.SessionToken,
    };
    for (const region of REGIONS) work.push({ a, account, region, ecs: new lib.ECSClient({ endpoint, region, credentials }) });
  }
  await pool(work, SEED_CONCURRENCY, async ({ a, account, region, ecs }) => {
    const tags = [{ key: 'Owner', value: `team-${a % 5}` }];
    await ecs.send(new lib.CreateClusterCommand({ clusterName: 'apps' }));
    for (let f = 0; f < FAMILIES; f++) {
      let arn;
      for (let r = 1; r <= REVISIONS; r++) {
        const container = {
          name: 'app',
          image: `${account}.dkr.ecr.${region}.amazonaws.com/svc-${f}@sha256:${(r % 16).toString(16).repeat(64)}`,
          memory: 512,
          essential: true,
          user: '1000:1000',
          readonlyRootFilesystem: true,
          environment: [{ name: 'RELEASE', value: `${f}-${r}` }],
          healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'] },
          linuxParameters: { capabilities: { drop: ['ALL'] } },
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': `/ecs/svc-${f}`, 'awslogs-region': region, 'awslogs-stream-prefix': 'app', mode: 'non-blocking' },
          },
          ...(f === 0 && r === REVISIONS ? { privileged: true } : {}),
        };
        const registered = await ecs.send(
          new lib.RegisterTaskDefinitionCommand({
            family: `svc-${f}`,
            containerDefinitions: [container],
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            taskRoleArn: `arn:aws:iam::${account}:role/svc-${f}-task`,
            executionRoleArn: `arn:aws:iam::${account}:role/svc-${f}-execution`,
            tags,
          }),
        );
        arn = registered.taskDefinition.taskDefinitionArn;
      }
      await ecs.send(
        new lib.CreateServiceCommand({
          cluster: 'apps',
          serviceName: `svc-${f}`,
          taskDefinition: arn,
          desiredCount: 2,
          launchType: 'FARGATE',
          deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
          tags,
        }),
      );
    }
  });
}
