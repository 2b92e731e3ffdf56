// Sweep benchmark (npm run bench runs it last). Figures, not pass/fail (the targets are in docs/performance.md):
//  8. `sweep()` (what `ecs-admission scan` runs) against moto server seeded with 5 clusters, 200
//     services, 20 standalone tasks and 1,000 task definition revisions (50 families × 20), against
//     a baseline that makes the minimum ECS calls the sweep needs one after another with one
//     client, then evaluates the same resources with the same engine (target: baseline/sweep ≥ 3,
//     with the same results). Twice: the revisions in use only, and every ACTIVE revision
//     (`--all-revisions`): median of 5 and of 3 each, interleaved, after a warm-up. Then where the
//     sweep's time goes: its phases (reading, then the rollback search), moto_server's CPU time
//     (one Python process: the floor of any client's time against it), and 8, 16, 32 calls in
//     flight. ECS_ADMISSION_BENCH_LATENCY_MS=25 adds a run through a proxy that holds every call
//     that long, as a real endpoint's round trip would.
// It builds its own bundle with esbuild into a temp dir (dist/index.mjs does not export the sweep),
// with the options of scripts/build.js, and counts every ECS call both sides send (one middleware
// on every ECSClient of that bundle).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchBundle, defaultNetwork, latencyProxy, startMoto, stop } from './support.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

const RUNS = 5; // per side, interleaved, revisions in use
const RUNS_ALL = 3; // per side, interleaved, every revision (each baseline run reads 1,000 revisions)
const SEED_CONCURRENCY = 16;
const CLUSTERS = 5;
const FAMILIES = 50;
const REVISIONS = 20; // per family: 1,000 in all
const SERVICES_PER_CLUSTER = 40; // 200 in all
const TASKS_PER_CLUSTER = 4; // 20 standalone tasks
const ACCOUNT = '123456789012'; // moto's default account
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/**
 * 10 % of the revisions violate a deny rule: revisions r ≡ f (mod 10) of family f (two per
 * family), privileged in even families, an AWS access key in the environment in odd ones. So the
 * newest revision of families 0, 10, 20… is denied, and so are the in-use revisions 19 and 15 of
 * some families.
 */
const violates = (f, r) => r % 10 === f % 10;
const TEAMS = ['payments', 'search', 'checkout', 'catalog', 'identity'];
const familyName = (f) => `${TEAMS[f % TEAMS.length]}-svc-${String(f).padStart(2, '0')}`;

const summaryOf = (runs) => ({
  wall: median(runs.map((r) => r.wall)),
  nodeCpu: median(runs.map((r) => r.nodeCpu)),
  motoCpu: median(runs.map((r) => r.motoCpu)),
  calls: runs.at(-1).calls,
});
const callList = (counted) =>
  Object.entries(counted.byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name.replace(/Command$/, '')} ${n}`)
    .join(', ') + (counted.attempts !== counted.total ? ` (${counted.attempts} HTTP attempts: retries)` : '');
const kindCounts = (report) => {
  const counts = {};
  for (const r of report.resources) counts[r.result.resource.kind] = (counts[r.result.resource.kind] ?? 0) + 1;
  return Object.entries(counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
};

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-sweep-'));
let keepLog = false; // the temp dir (and moto's log in it) stays when the bench fails
let moto; // the moto_server child: stopped at the end, on error, and (SIGKILL) on any exit
process.on('exit', () => moto?.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

try {
  console.log(`\necs-admission sweep benchmark — Node ${process.version}\n`);
  try {
    await sweepBenchmark();
  } catch (error) {
    // A moto HTTP 500 reaches the SDK as an HTML page; the cause is only in the server's log.
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

// ---------------------------------------------------------------------------------------------
// 8. The sweep against moto server

async function sweepBenchmark() {
  console.log(
    `8. sweep of ${CLUSTERS} clusters, ${CLUSTERS * SERVICES_PER_CLUSTER} services, ${CLUSTERS * TASKS_PER_CLUSTER} standalone tasks, ${FAMILIES * REVISIONS} revisions against moto server, recommended preset, concurrency 8, interleaved with the sequential baseline, after a warm-up`,
  );
  console.log(
    `   load average at the start ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (${cpus().length} cores): other processes on the machine move these figures`,
  );
  const started = await startMoto(join(dir, 'moto.log'));
  moto = started?.child;
  const endpoint = started?.endpoint;
  if (!endpoint) {
    console.log("   skipped: moto_server is not on PATH (pip install 'moto[server]')");
    return;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const lib = await import(pathToFileURL(await bundleForBench()).href);
  const calls = countCalls(lib.ECSClient);
  const aws = { endpoint, region: REGION, credentials: CREDENTIALS };

  // --- Seeding (not timed)
  const seedStart = performance.now();
  const seeded = await seed(lib, aws, endpoint);
  const seedMs = performance.now() - seedStart;
  console.log(`   seeded in ${(seedMs / 1000).toFixed(1)} s (${SEED_CONCURRENCY} calls in flight): ${seeded.summary}`);

  // --- The two sides
  const now = new Date();
  const policies = [lib.presetPolicy('recommended', lib.builtinRules)];
  const makeEvaluate = (resolveTaskDefinition) => lib.createPolicyEngine(policies, { now, resolveTaskDefinition }).evaluate;
  /** The sweep and the baseline against an endpoint (moto, or the latency proxy in front of it). */
  const sides = async (url) => {
    // As `scan` does it (STS GetCallerIdentity on the same endpoint); each sweep opens a fresh client.
    const targets = await lib.sweepTargets({ regions: [REGION], clientConfig: { endpoint: url, credentials: CREDENTIALS } });
    return {
      sweep: (allRevisions, concurrency = 8) =>
        lib.sweep(targets, {
          allRevisions,
          concurrency,
          parallelTargets: 4,
          ownerTags: ['Owner', 'owner', 'Team', 'team'],
          makeEvaluate,
          policies: policies.map((p) => p.name),
          now: () => new Date(),
        }),
      // The same client configuration as sweepTargets' (adaptive retry, 10 attempts), one client per run.
      baseline: (allRevisions) =>
        baseline(lib, new lib.ECSClient({ endpoint: url, region: REGION, credentials: CREDENTIALS, retryMode: 'adaptive', maxAttempts: 10 }), {
          allRevisions,
          makeEvaluate,
        }),
    };
  };
  const measure = async (run) => {
    calls.reset();
    const cpu = process.cpuUsage();
    const motoCpu = cpuOf(moto.pid);
    const start = performance.now();
    const out = await run();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { out, start, wall, nodeCpu: (used.user + used.system) / 1000, motoCpu: cpuOf(moto.pid) - motoCpu, calls: calls.snapshot() };
  };
  /** Sweep and baseline, interleaved: both see the same drift of moto and of the machine. */
  const compareSides = async (side, allRevisions, runs, tag) => {
    const sweeps = [];
    const baselines = [];
    for (let i = 0; i < runs; i++) {
      sweeps.push(await measure(() => side.sweep(allRevisions)));
      baselines.push(await measure(() => side.baseline(allRevisions)));
      console.log(`   ${tag} run ${i + 1}/${runs}: sweep ${ms(sweeps.at(-1).wall)}, baseline ${ms(baselines.at(-1).wall)}`);
    }
    return { sweeps, baselines };
  };

  const direct = await sides(endpoint);
  console.log('   warm-up: one sweep and one baseline (untimed)');
  await direct.sweep(false);
  await direct.baseline(false);

  const results = [
    { title: `revisions in use only (default), median of ${RUNS}`, ...(await compareSides(direct, false, RUNS, 'in use')) },
    { title: `every ACTIVE revision (--all-revisions), median of ${RUNS_ALL}`, ...(await compareSides(direct, true, RUNS_ALL, 'all revisions')) },
  ];

  // Where the sweep's time goes: the same sweep with more calls in flight (median of 3 each).
  const byConcurrency = [];
  for (const concurrency of [8, 16, 32]) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measure(() => direct.sweep(false, concurrency)));
    byConcurrency.push({ concurrency, ...summaryOf(runs) });
    console.log(`   concurrency ${concurrency}: done`);
  }

  // Real AWS answers in tens of milliseconds, moto in a few: by default a run through a proxy that adds
  // 25 ms per call shows the sweep as it meets AWS (ECS_ADMISSION_BENCH_LATENCY_MS=0 turns it off).
  const latency = process.env.ECS_ADMISSION_BENCH_LATENCY_MS === undefined ? 25 : Number(process.env.ECS_ADMISSION_BENCH_LATENCY_MS) || 0;
  if (latency > 0) {
    const proxy = await latencyProxy(endpoint, latency);
    try {
      results.push({
        title: `revisions in use, through a proxy adding ${latency} ms per call, median of 3`,
        ...(await compareSides(await sides(proxy.url), false, 3, `+${latency} ms`)),
      });
    } finally {
      await proxy.close();
    }
  }

  // --- Figures
  let allSame = true;
  for (const { title, sweeps, baselines } of results) {
    const s = summaryOf(sweeps);
    const b = summaryOf(baselines);
    const report = sweeps.at(-1).out;
    const base = baselines.at(-1).out;
    const same = compare(report, base);
    allSame &&= same.ok;
    const failures = report.failures.length
      ? ` · ${report.failures.length} FAILURES: ${report.failures.map((f) => `${f.operation}: ${f.code}`).join(', ')}`
      : '';
    const phases = phasesOf(sweeps.find((r) => r.wall === s.wall));
    const apiMs = median(baselines.map((r) => r.out.apiMs));
    console.log(`\n   ${title}`);
    console.log(
      `     sweep     median ${ms(s.wall).padStart(8)}   (runs ${sweeps.map((r) => r.wall.toFixed(0)).join(', ')})   ${s.calls.total} ECS calls: ${callList(s.calls)}`,
    );
    console.log(
      `     baseline  median ${ms(b.wall).padStart(8)}   (runs ${baselines.map((r) => r.wall.toFixed(0)).join(', ')})   ${b.calls.total} ECS calls: ${callList(b.calls)}`,
    );
    console.log(`     ratio baseline/sweep ${(b.wall / s.wall).toFixed(2)} (target ≥ 3)`);
    console.log(
      `     resources found: ${report.resources.length} (${kindCounts(report)})${failures}; findings ${same.sweepFindings} (${same.failing} resources with findings that count); rollback targets ${same.rollbacks}`,
    );
    console.log(`     same results: ${same.ok ? 'yes' : `NO — ${same.why}`}`);
    console.log(
      `     baseline: ${ms(apiMs)} in its ECS calls (${(apiMs / b.calls.total).toFixed(1)} ms each), ${ms(median(baselines.map((r) => r.out.evaluateMs)))} evaluating and planning`,
    );
    console.log(
      `     sweep (median run): reading ${ms(phases.reading.ms)} (${phases.reading.calls} calls, ${phases.reading.inFlight.toFixed(1)} in flight on average, ${phases.reading.perCall.toFixed(1)} ms each), rollback search ${ms(phases.rollback.ms)} (${phases.rollback.calls} calls, ${phases.rollback.inFlight.toFixed(1)} in flight, ${phases.rollback.perCall.toFixed(1)} ms each), the rest ${ms(phases.rest)}`,
    );
    console.log(
      `     CPU (medians): moto_server ${ms(s.motoCpu)} during the sweep (${((s.motoCpu / s.wall) * 100).toFixed(0)} % of one core), ${ms(b.motoCpu)} during the baseline; node ${ms(s.nodeCpu)} / ${ms(b.nodeCpu)}`,
    );
    console.log(
      `     moto_server is one Python process: its ${ms(s.motoCpu)} of CPU bound any client, so against it the ratio cannot exceed ≈ ${(b.wall / s.motoCpu).toFixed(1)}`,
    );
  }
  console.log(`\n   concurrency (revisions in use, the sweep alone, median of 3 each):`);
  for (const c of byConcurrency) {
    console.log(
      `     ${String(c.concurrency).padStart(2)} in flight: ${ms(c.wall).padStart(7)}   moto_server CPU ${ms(c.motoCpu)} (${((c.motoCpu / c.wall) * 100).toFixed(0)} % of one core)   ${c.calls.total} calls`,
    );
  }
  console.log(
    `\n   seeding took ${(seedMs / 1000).toFixed(1)} s; load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (${cpus().length} cores)${latency ? '' : '; ECS_ADMISSION_BENCH_LATENCY_MS=25 adds a run through a proxy with that latency per call'}`,
  );
  if (!allSame) throw new Error('the sweep and the baseline disagree: see "same results" above');
}

/** Findings (resource ARN + rule) and rollback targets of the sweep's report and of the baseline. */
function compare(report, base) {
  const findingsOf = (results) =>
    new Set(results.flatMap((r) => r.findings.map((f) => `${r.resource.origin.source} ${f.ruleId}${f.exception ? ' (excepted)' : ''}`)));
  const a = findingsOf(report.resources.map((r) => r.result));
  const b = findingsOf(base.results);
  const resourcesA = new Set(report.resources.map((r) => r.result.resource.origin.source));
  const resourcesB = new Set(base.results.map((r) => r.resource.origin.source));
  // The sweep's rollback target of a service is in its plan: an updateService to another revision.
  const rollbacksA = new Map();
  for (const r of report.resources) {
    const to = r.plan?.outcomes.find((o) => o.action.type === 'updateService' && o.action.changes?.taskDefinition)?.action.changes.taskDefinition;
    if (to) rollbacksA.set(r.result.resource.origin.source, to);
  }
  const rollbacksB = new Map([...base.rollbacks].filter(([, r]) => 'to' in r).map(([arn, r]) => [arn, r.to]));
  const diff = (x, y) => [...x].filter((k) => !y.has(k));
  const why = [];
  if (report.failures.length) why.push(`the sweep could not read: ${JSON.stringify(report.failures)}`);
  for (const [name, x, y] of [
    ['resources', resourcesA, resourcesB],
    ['findings', a, b],
  ]) {
    const onlyA = diff(x, y);
    const onlyB = diff(y, x);
    if (onlyA.length || onlyB.length)
      why.push(
        `${name} only in the sweep: ${onlyA.slice(0, 5).join('; ') || '-'} (${onlyA.length}); only in the baseline: ${onlyB.slice(0, 5).join('; ') || '-'} (${onlyB.length})`,
      );
  }
  const rollbackDiff = [...new Set([...rollbacksA.keys(), ...rollbacksB.keys()])].filter((k) => rollbacksA.get(k) !== rollbacksB.get(k));
  if (rollbackDiff.length)
    why.push(
      `rollback targets differ for ${rollbackDiff
        .slice(0, 3)
        .map((k) => `${k}: ${rollbacksA.get(k)} vs ${rollbacksB.get(k)}`)
        .join('; ')} (${rollbackDiff.length})`,
    );
  if (a.size === 0) why.push('no findings at all: the seeding went wrong');
  return {
    ok: why.length === 0,
    why: why.join(' · '),
    sweepFindings: report.resources.reduce((n, r) => n + r.result.findings.length, 0),
    failing: report.resources.filter((r) => r.result.findings.some((f) => !f.exception)).length,
    rollbacks: `${rollbacksA.size} (baseline ${rollbacksB.size}, ${[...base.rollbacks.values()].filter((r) => 'none' in r).length} with none)`,
  };
}

// ---------------------------------------------------------------------------------------------
// The baseline: the minimum calls, one after another, then the same evaluation

/**
 * What the sweep reads, read in turn with one client: ListClusters; per cluster ListServices and
 * ListTasks (100 per page), DescribeServices by 10 and DescribeTasks by 100 (with tags); each
 * revision in use once (every ACTIVE one with allRevisions: ListTaskDefinitions by 100 first).
 * Then the same evaluation as the sweep, and the same rollback search for services on a denied
 * revision (one ListTaskDefinitions per family, each revision read once).
 */
async function baseline(lib, client, { allRevisions, makeEvaluate }) {
  const apiStart = performance.now();
  const send = (Command, input) => client.send(new Command(input));
  const pages = async (Command, input, pick) => {
    const found = [];
    let nextToken;
    do {
      const out = await send(Command, { ...input, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
      found.push(...(pick(out) ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return found;
  };
  const clusters = await pages(lib.ListClustersCommand, {}, (o) => o.clusterArns);
  const services = [];
  const tasks = [];
  for (const cluster of clusters) {
    const serviceArns = await pages(lib.ListServicesCommand, { cluster }, (o) => o.serviceArns);
    const taskArns = await pages(lib.ListTasksCommand, { cluster, desiredStatus: 'RUNNING' }, (o) => o.taskArns);
    for (let i = 0; i < serviceArns.length; i += 10)
      services.push(...((await send(lib.DescribeServicesCommand, { cluster, services: serviceArns.slice(i, i + 10), include: ['TAGS'] })).services ?? []));
    for (let i = 0; i < taskArns.length; i += 100)
      tasks.push(
        ...((await send(lib.DescribeTasksCommand, { cluster, tasks: taskArns.slice(i, i + 100), include: ['TAGS'] })).tasks ?? []).filter(
          (t) => !t.group?.startsWith('service:'),
        ),
      );
  }
  const taskSets = services.flatMap((s) => (s.taskSets ?? []).filter((ts) => ts.status !== 'INACTIVE'));
  const reads = new Map();
  const describe = async (ref) => {
    if (!reads.has(ref)) {
      let td;
      try {
        const out = await send(lib.DescribeTaskDefinitionCommand, { taskDefinition: ref, include: ['TAGS'] });
        td = out.taskDefinition ? { ...out.taskDefinition, tags: out.tags ?? [] } : undefined;
      } catch (error) {
        if (!/unable to describe task definition/i.test(error.message)) throw error;
      }
      reads.set(ref, td);
    }
    return reads.get(ref);
  };
  const inUse = [...services.map((s) => s.taskDefinition), ...taskSets.map((t) => t.taskDefinition), ...tasks.map((t) => t.taskDefinitionArn)].filter(Boolean);
  const all = allRevisions ? await pages(lib.ListTaskDefinitionsCommand, { status: 'ACTIVE' }, (o) => o.taskDefinitionArns) : [];
  for (const ref of new Set([...inUse, ...all])) await describe(ref);
  const listingMs = performance.now() - apiStart;
  let rollbackMs = 0;

  const evaluateStart = performance.now();
  const info = { account: ACCOUNT, region: REGION };
  const taskDefinitions = new Map();
  for (const [ref, td] of reads) if (td) taskDefinitions.set(ref, lib.resourceFromApi('taskDefinition', td, info));
  const revisions = [...new Map([...taskDefinitions.values()].map((r) => [r.origin.source, r])).values()];
  const workloads = [...services.map((s) => lib.resourceFromApi('service', s, info)), ...taskSets.map((t) => lib.resourceFromApi('taskSet', t, info))];
  for (const task of tasks) {
    const resource = lib.resourceFromApi('task', task, info);
    const base = taskDefinitions.get(task.taskDefinitionArn);
    if (base && task.overrides?.containerOverrides?.length) {
      const ref = `${task.taskDefinitionArn} (with the overrides of ${resource.name})`;
      taskDefinitions.set(ref, { ...base, name: `${base.name} with overrides`, object: lib.withOverrides(base.object, task) });
      resource.taskDefinitionRef = ref;
    }
    workloads.push(resource);
  }
  const evaluate = makeEvaluate((ref) => taskDefinitions.get(ref) ?? `task definition ${ref} could not be read`);
  const results = [...revisions, ...workloads].map((r) => evaluate(r));

  // The rollback search, with its calls timed as API time: one list per family, each revision read once.
  const listed = new Map();
  const reader = {
    describeTaskDefinition: async (ref) => {
      const t = performance.now();
      const td = await describe(ref);
      rollbackMs += performance.now() - t;
      return td;
    },
    listActiveRevisions: async (family, limit) => {
      if (!listed.has(family)) {
        const t = performance.now();
        const out = await send(lib.ListTaskDefinitionsCommand, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: Math.min(limit, 100) });
        rollbackMs += performance.now() - t;
        // As the gateway does: exact family, newest first (moto ignores `sort`).
        const revision = (arn) => Number(arn.slice(arn.lastIndexOf(':') + 1));
        listed.set(
          family,
          (out.taskDefinitionArns ?? [])
            .filter((arn) => arn.slice(arn.lastIndexOf('/') + 1).replace(/:\d+$/, '') === family)
            .sort((a, b) => revision(b) - revision(a)),
        );
      }
      return listed.get(family).slice(0, limit);
    },
  };
  const rollbacks = new Map();
  for (const result of results) {
    const counted = result.findings.filter((f) => !f.exception);
    if (result.resource.kind === 'service' && counted.some((f) => f.action === 'deny' && f.path === 'taskDefinition')) {
      rollbacks.set(result.resource.origin.source, await lib.rollbackTarget(result.resource.object, { eventId: 'bench', ...info }, reader, evaluate));
    }
  }
  return { results, rollbacks, apiMs: listingMs + rollbackMs, evaluateMs: performance.now() - evaluateStart - rollbackMs };
}

// ---------------------------------------------------------------------------------------------
// Seeding

/** A container as teams write them, compliant with the recommended preset. */
function container(family, revision) {
  return {
    name: 'app',
    image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${family}@sha256:${(revision % 16).toString(16).repeat(64)}`,
    cpu: 256,
    memory: 512,
    essential: true,
    user: '1000:1000',
    readonlyRootFilesystem: true,
    portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    environment: [
      { name: 'PORT', value: '8080' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'RELEASE', value: `${family}-${revision}` },
    ],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${family}-db` }],
    healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 30 },
    linuxParameters: { capabilities: { drop: ['ALL'] }, initProcessEnabled: true },
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'app', mode: 'non-blocking' },
    },
  };
}

function revisionInput(f, r) {
  const family = familyName(f);
  const app = container(family, r);
  if (violates(f, r)) {
    if (f % 2 === 0) app.privileged = true;
    else app.environment = [...app.environment, { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' }];
  }
  return {
    family,
    containerDefinitions: [app],
    networkMode: 'awsvpc',
    requiresCompatibilities: ['EC2', 'FARGATE'],
    cpu: '256',
    memory: '512',
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${family}-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${family}-execution`,
    tags: [{ key: 'Owner', value: `team-${f % 7}` }],
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

async function seed(lib, aws, endpoint) {
  const ecs = new lib.ECSClient(aws);
  const send = (Command, input) => ecs.send(new Command(input));
  // moto moves a task one state along on every DescribeTasks; real tasks keep running.
  await globalThis.fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
  const clusters = Array.from({ length: CLUSTERS }, (_, c) => `bench-${['prod', 'staging', 'batch', 'internal', 'edge'][c]}`);
  await pool(clusters, SEED_CONCURRENCY, (clusterName) => send(lib.CreateClusterCommand, { clusterName }));

  // Revisions: each family's in order (revision numbers), families side by side.
  const arns = Array.from({ length: FAMILIES }, () => []);
  await pool([...Array(FAMILIES).keys()], SEED_CONCURRENCY, async (f) => {
    for (let r = 1; r <= REVISIONS; r++) arns[f].push((await send(lib.RegisterTaskDefinitionCommand, revisionInput(f, r))).taskDefinition.taskDefinitionArn);
  });

  // Services: service i runs family i % 50 at revision 20, 20, 19 or 15 (by i / 50): four services
  // per family, two sharing the newest revision, 150 distinct revisions in use.
  const services = Array.from({ length: CLUSTERS * SERVICES_PER_CLUSTER }, (_, i) => {
    const f = i % FAMILIES;
    const r = [20, 20, 19, 15][Math.floor(i / FAMILIES) % 4];
    return { i, f, r, cluster: clusters[i % CLUSTERS] };
  });
  await pool(services, SEED_CONCURRENCY, ({ i, f, r, cluster }) =>
    send(lib.CreateServiceCommand, {
      cluster,
      serviceName: `${familyName(f)}-${i}`,
      taskDefinition: arns[f][r - 1],
      desiredCount: 2,
      // No networkConfiguration: moto does not ask for one, and it would need subnet lookups.
      launchType: i % 2 === 0 ? 'FARGATE' : 'EC2',
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
      tags: [{ key: 'Owner', value: `team-${f % 7}` }],
    }),
  );

  // Standalone tasks (FARGATE RunTask needs moto's default subnet and security group): some on
  // revisions no service uses, two of them violating, one with an AWS key as an override.
  const network = await defaultNetwork(endpoint, REGION);
  const tasks = Array.from({ length: CLUSTERS * TASKS_PER_CLUSTER }, (_, t) => ({
    t,
    f: (t * 7) % FAMILIES,
    r: [3, 8, 12, 20][t % 4],
    cluster: clusters[t % CLUSTERS],
  }));
  await pool(tasks, SEED_CONCURRENCY, ({ t, f, r, cluster }) =>
    send(lib.RunTaskCommand, {
      cluster,
      taskDefinition: arns[f][r - 1],
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: network.subnets.slice(0, 1), securityGroups: network.securityGroups, assignPublicIp: 'DISABLED' },
      },
      ...(t === 5
        ? {
            overrides: {
              containerOverrides: [{ name: 'app', environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }] }],
            },
          }
        : {}),
    }),
  );
  const violating = services.filter((s) => violates(s.f, s.r)).length;
  return {
    summary: `${clusters.length} clusters, ${FAMILIES * REVISIONS} revisions in ${FAMILIES} families (${FAMILIES * 2} violating), ${services.length} services (${violating} on a violating revision, ${new Set(services.map((s) => `${s.f}:${s.r}`)).size} distinct revisions), ${tasks.length} standalone tasks (${tasks.filter((x) => violates(x.f, x.r)).length} on a violating revision, 1 with a key as override)`,
  };
}

// ---------------------------------------------------------------------------------------------
// Counting, CPU, bundle

/**
 * Counts the commands every ECSClient of the bundle sends (sweep and baseline alike), and their
 * HTTP attempts (retries included), and keeps when each call started and ended: a middleware added
 * to each client on its first send.
 */
function countCalls(ECSClient) {
  let timeline = [];
  let attempts = 0;
  const seen = new WeakSet();
  const send = ECSClient.prototype.send;
  ECSClient.prototype.send = function (command, ...rest) {
    if (!seen.has(this)) {
      seen.add(this);
      this.middlewareStack.add(
        (next, context) => async (args) => {
          // A rollback search lists one family's revisions; --all-revisions lists them all.
          const call = {
            name: context.commandName.replace(/Command$/, ''),
            rollback: context.commandName === 'ListTaskDefinitionsCommand' && !!args.input.familyPrefix,
            start: performance.now(),
          };
          timeline.push(call);
          try {
            return await next(args);
          } finally {
            call.end = performance.now();
          }
        },
        { step: 'initialize', name: 'benchTimeCalls' },
      );
      this.middlewareStack.add(
        (next) => (args) => {
          attempts++;
          return next(args);
        },
        { step: 'deserialize', name: 'benchCountAttempts' },
      );
    }
    return send.call(this, command, ...rest);
  };
  return {
    reset: () => {
      timeline = [];
      attempts = 0;
    },
    snapshot: () => {
      const byCommand = {};
      for (const c of timeline) byCommand[c.name] = (byCommand[c.name] ?? 0) + 1;
      return { byCommand, total: timeline.length, attempts, timeline };
    },
  };
}

/**
 * Where a sweep's time went, from its calls' timeline: reading (lists and describes, concurrent),
 * then the rollback search of the services on a denied revision, then the rest (evaluation…).
 */
function phasesOf(run) {
  const calls = run.calls.timeline;
  const end = run.start + run.wall;
  const firstRollback = calls.find((c) => c.rollback)?.start ?? end;
  const lastCall = Math.max(...calls.map((c) => c.end));
  const inside = (from, to) => calls.filter((c) => c.start >= from && c.start < to);
  const phase = (from, to) => {
    const list = inside(from, to);
    const busy = list.reduce((sum, c) => sum + (c.end - c.start), 0);
    return { ms: to - from, calls: list.length, inFlight: busy / Math.max(1, to - from), perCall: busy / Math.max(1, list.length) };
  };
  return {
    reading: phase(run.start, firstRollback),
    rollback: phase(firstRollback, Math.max(firstRollback, lastCall)),
    rest: end - Math.max(firstRollback, lastCall),
  };
}

/** CPU time (user + system, all threads) of a process so far, in ms, from /proc (0 where there is none). */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** ESM bundle of the sweep and what the bench needs, with the options of scripts/build.js. */
async function bundleForBench() {
  return benchBundle(
    [
      "export { sweep } from './src/use-cases/sweep.ts';",
      "export { sweepTargets } from './src/adapters/aws/accounts.ts';",
      "export { createPolicyEngine, presetPolicy } from './src/policy/engine.ts';",
      "export { builtinRules } from './src/rules/index.ts';",
      "export { resourceFromApi } from './src/input/api.ts';",
      "export { rollbackTarget } from './src/admission/rollback.ts';",
      "export { withOverrides } from './src/admission/overrides.ts';",
      "export { ECSClient, CreateClusterCommand, RegisterTaskDefinitionCommand, CreateServiceCommand, RunTaskCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand, DescribeServicesCommand, DescribeTasksCommand, DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';",
    ],
    join(dir, 'bench-sweep.mjs'),
  );
}
