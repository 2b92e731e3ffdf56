/**
 * The sweep: what already runs, judged with the same policies, exceptions and plans as the Lambda
 * — and nothing changed. Per account and region: clusters → services (and their task sets) →
 * running standalone tasks → the task definition revisions they use (every ACTIVE one with
 * `allRevisions`). Describe calls are batched as the API allows (10 services, 100 tasks), run with
 * bounded concurrency, and each revision is read once however many services use it.
 */
import { redactResult } from '../core/secrets/redact.js';
import pLimit from 'p-limit';
import { judgeWithOverrides } from '../admission/overrides.js';
import { decide } from '../admission/decide.js';
import type { EcsReader, ServiceState, TaskDefinitionState, TaskState } from '../admission/ports.js';
import { summarize } from '../core/summary.js';
import type { Resource, TaskSet } from '../core/types.js';
import { resourceFromApi } from '../input/api.js';
import type { SweepCounts, SweepFailure, SweepReport, SweepTarget, SweptResource } from '../sweep/types.js';
import { lastSegment } from '../core/identity.js';
import type { MakeEvaluate } from '../policy/evaluator.js';

export interface SweepOptions {
  /** Evaluate every ACTIVE revision too, not only those in use. */
  allRevisions: boolean;
  /** API calls in flight per account and region. */
  concurrency: number;
  /** Accounts and regions swept at once. */
  parallelTargets: number;
  ownerTags: readonly string[];
  /** The evaluator for one account and region, resolving task definitions with the given function. */
  makeEvaluate: MakeEvaluate;
  policies: string[];
  now: () => Date;
  onProgress?: (progress: SweepProgress) => void;
  /** What the planned actions answer (tags, stop reasons); default `sweep-<startedAt>`. A sweep in parts gives all of them one. */
  eventId?: string;
}

export interface SweepProgress {
  targetsDone: number;
  targets: number;
  apiCalls: number;
  resources: number;
  /** The account/region that just finished, if any. */
  finished?: string;
}

/** An API call that failed, with the operation it was. */
class StepError extends Error {
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`${operation}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export async function sweep(targets: readonly SweepTarget[], options: SweepOptions): Promise<SweepReport> {
  const startedAt = options.now().toISOString();
  const progress: SweepProgress = { targetsDone: 0, targets: targets.length, apiCalls: 0, resources: 0 };
  const counts: SweepCounts = {
    accounts: new Set(targets.map((t) => t.account)).size,
    regions: new Set(targets.map((t) => t.region)).size,
    clusters: 0,
    services: 0,
    taskSets: 0,
    tasks: 0,
    taskDefinitions: 0,
  };
  const resources: SweptResource[] = [];
  const failures: SweepFailure[] = [];
  const eventId = options.eventId ?? `sweep-${startedAt}`;

  const limitTargets = pLimit(Math.max(1, options.parallelTargets));
  await Promise.all(
    targets.map((target) =>
      limitTargets(async () => {
        const onCall = (): void => {
          // A bar that moves while a big region is read, not only when it is done.
          if (++progress.apiCalls % 25 === 0) options.onProgress?.({ ...progress });
        };
        try {
          const found = await sweepTarget(target, options, counts, failures, onCall, eventId);
          resources.push(...found);
          progress.resources += found.length;
        } catch (error) {
          failures.push(failureOf(target, error));
        }
        progress.targetsDone++;
        options.onProgress?.({ ...progress, finished: `${target.account}/${target.region}` });
      }),
    ),
  );

  // Stable order whatever finished first: account, region, kind, name.
  const kindOrder = { taskDefinition: 0, service: 1, taskSet: 2, task: 3, daemonTaskDefinition: 4, daemon: 5, expressService: 6 };
  resources.sort(
    (a, b) =>
      a.account.localeCompare(b.account) ||
      a.region.localeCompare(b.region) ||
      kindOrder[a.result.resource.kind] - kindOrder[b.result.resource.kind] ||
      a.result.resource.name.localeCompare(b.result.resource.name),
  );
  failures.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
  return {
    startedAt,
    finishedAt: options.now().toISOString(),
    policies: options.policies,
    allRevisions: options.allRevisions,
    resources,
    failures,
    counts,
    summary: summarize(resources.map((r) => r.result)),
  };
}

async function sweepTarget(
  target: SweepTarget,
  options: SweepOptions,
  counts: SweepCounts,
  failures: SweepFailure[],
  onCall: () => void,
  eventId: string,
): Promise<SweptResource[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const inventory = await step('connect', () => target.open());
  /** Every API call goes through here: bounded, counted, and named when it fails. */
  const call = <T>(operation: string, run: () => Promise<T>): Promise<T> =>
    limit(async () => {
      onCall();
      return step(operation, run);
    });

  const clusters = await call('ListClusters', () => inventory.listClusters());
  counts.clusters += clusters.length;
  const services: ServiceState[] = [];
  const tasks: TaskState[] = [];
  await Promise.all(
    clusters.map(async (cluster) => {
      try {
        const [serviceArns, taskArns] = await Promise.all([
          call('ListServices', () => inventory.listServices(cluster)),
          call('ListTasks', () => inventory.listTasks(cluster)),
        ]);
        const [described, running] = await Promise.all([
          Promise.all(chunks(serviceArns, 10).map((batch) => call('DescribeServices', () => inventory.describeServices(cluster, batch)))),
          Promise.all(chunks(taskArns, 100).map((batch) => call('DescribeTasks', () => inventory.describeTasks(cluster, batch)))),
        ]);
        services.push(...described.flat());
        // A service's tasks are judged through the service; standalone tasks on their own.
        tasks.push(...running.flat().filter((t) => !t.group?.startsWith('service:')));
      } catch (error) {
        // One cluster that cannot be read does not lose the others.
        failures.push({ ...failureOf(target, error), message: `cluster ${shortName(cluster)}: ${failureOf(target, error).message}` });
      }
    }),
  );
  const taskSets: TaskSet[] = services.flatMap((s) =>
    ((s as { taskSets?: (TaskSet & { status?: string })[] }).taskSets ?? []).filter((ts) => ts.status !== 'INACTIVE'),
  );
  counts.services += services.length;
  counts.taskSets += taskSets.length;
  counts.tasks += tasks.length;

  // Each revision is read once, however many services, task sets and tasks use it.
  const reads = new Map<string, Promise<TaskDefinitionState | undefined>>();
  const describeTaskDefinition = (ref: string): Promise<TaskDefinitionState | undefined> => {
    let read = reads.get(ref);
    if (!read) {
      read = call('DescribeTaskDefinition', () => inventory.describeTaskDefinition(ref));
      reads.set(ref, read);
    }
    return read;
  };
  const inUse = [...services.map((s) => s.taskDefinition), ...taskSets.map((t) => t.taskDefinition), ...tasks.map((t) => t.taskDefinitionArn)].filter(
    (r): r is string => !!r,
  );
  const all = options.allRevisions ? await call('ListTaskDefinitions', () => inventory.listActiveTaskDefinitions()) : [];
  const info = { account: target.account, region: target.region, ...(target.organizationalUnits ? { organizationalUnits: target.organizationalUnits } : {}) };
  const taskDefinitions = new Map<string, Resource<'taskDefinition'>>();
  await Promise.all(
    [...new Set([...inUse, ...all])].map(async (ref) => {
      const td = await describeTaskDefinition(ref);
      if (td) taskDefinitions.set(ref, resourceFromApi('taskDefinition', td, info));
    }),
  );
  const revisions = [...new Map([...taskDefinitions.values()].map((r) => [r.origin.source, r])).values()];
  counts.taskDefinitions += revisions.length;

  const workloads: Resource[] = [...services.map((s) => resourceFromApi('service', s, info)), ...taskSets.map((t) => resourceFromApi('taskSet', t, info))];
  for (const task of tasks) {
    const resource = resourceFromApi('task', task, info);
    judgeWithOverrides(task, resource, taskDefinitions);
    workloads.push(resource);
  }

  const evaluate = options.makeEvaluate((ref) => taskDefinitions.get(ref) ?? `task definition ${ref} could not be read`);
  // The rollback search reads through the same cache and the same limits.
  const families = new Map<string, Promise<string[]>>();
  const reader: EcsReader = {
    ...inventory,
    describeTaskDefinition,
    // Services on the same denied family share one listing.
    listActiveRevisions: (family, max) => {
      let listed = families.get(`${family}#${max}`);
      if (!listed) {
        listed = call('ListTaskDefinitions', () => inventory.listActiveRevisions(family, max));
        families.set(`${family}#${max}`, listed);
      }
      return listed;
    },
  };
  // Evaluation is synchronous; the rollback searches run side by side, within the same call limit.
  const context = {
    eventId,
    ownerTags: options.ownerTags,
    account: target.account,
    region: target.region,
    ...(target.organizationalUnits ? { organizationalUnits: target.organizationalUnits } : {}),
    ecs: reader,
    evaluate,
    taskDefinitions,
  };
  return Promise.all(
    [...revisions, ...workloads].map(async (resource): Promise<SweptResource> => {
      // Redacted before anything is reported: no sensitive value in the report, the HTML page or the digest.
      const result = redactResult(evaluate(resource));
      const planned = await decide(result, context);
      if (!planned) return { account: target.account, region: target.region, result };
      // The sweep changes nothing: every action is what enforcement would do.
      for (const outcome of planned.outcomes) outcome.status = 'would';
      return { account: target.account, region: target.region, result, plan: planned };
    }),
  );
}

async function step<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof StepError ? error : new StepError(operation, error);
  }
}

function failureOf(target: SweepTarget, error: unknown): SweepFailure {
  const operation = error instanceof StepError ? error.operation : undefined;
  const cause = error instanceof StepError ? error.cause : error;
  const failure: SweepFailure = {
    account: target.account,
    region: target.region,
    code: (cause as Error)?.name ?? 'Error',
    message: (cause as Error)?.message ?? String(cause),
  };
  if (operation) failure.operation = operation;
  return failure;
}

const chunks = <T>(list: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
const shortName = lastSegment;
