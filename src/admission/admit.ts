/**
 * The admission use case: one ECS call → re-read what it changed → evaluate → plan → act (or, in
 * audit mode, only say what would be done) → alert. Every step that touches AWS goes through a
 * port, so the same code runs in the Lambda, against moto server and against in-memory fakes.
 *
 * Exactly once, on an at-least-once bus: the decision is recorded in the ledger before acting,
 * marked `acted` after, `alerted` after the alert. A re-delivered event resumes where the first
 * delivery stopped: it never acts twice, and an alert that failed after a successful action is
 * sent by the retry.
 */
import { redactResult } from '../core/secrets/redact.js';
import type { Evaluate } from '../core/evaluate.js';
import type { Resource } from '../core/types.js';
import { resourceFromApi } from '../input/api.js';
import { judgeWithOverrides } from './overrides.js';
import { decide } from './decide.js';
import { ActionRefusedError, type AlertSink, type DecisionLedger, type EcsGateway, type LedgerEntry } from './ports.js';
import { isDestructive, type ActionOutcome, type AdmissionRequest, type Decision, type PlannedAction } from './types.js';

export interface AdmitDependencies {
  ecs: EcsGateway;
  ledger: DecisionLedger;
  alerts: AlertSink;
  /** Builds the evaluator for this invocation (policies, clock), resolving task definitions with the given function. */
  makeEvaluate: (resolveTaskDefinition: (ref: string) => Resource<'taskDefinition'> | string) => Evaluate;
  settings: {
    /** Destructive actions allowed per invocation; beyond it, resources are flagged instead. */
    maxActions: number;
    ownerTags: readonly string[];
  };
}

export type AdmitStatus = 'passed' | 'decided' | 'duplicate' | 'gone';

export interface AdmitResult {
  eventId: string;
  status: AdmitStatus;
  /** Why the resource was left alone (`gone`), or what a duplicate delivery found. */
  reason?: string;
  decisions: Decision[];
}

export async function admit(request: AdmissionRequest, deps: AdmitDependencies): Promise<AdmitResult> {
  const seen = await deps.ledger.get(request.eventId);
  if (seen) return resume(seen, deps, true);

  const read = await readTarget(request, deps.ecs);
  if (typeof read === 'string') return { eventId: request.eventId, status: 'gone', reason: read, decisions: [] };

  const evaluate = deps.makeEvaluate((ref) => read.taskDefinitions.get(ref) ?? `task definition ${ref} could not be read`);
  const decisions: Decision[] = [];
  const context = { eventId: request.eventId, ownerTags: deps.settings.ownerTags, account: request.account, region: request.region, ecs: deps.ecs, evaluate, taskDefinitions: read.taskDefinitions, ...(request.principal.arn ? { principalArn: request.principal.arn } : {}) };
  for (const resource of read.resources) {
    // Redacted before it is planned, stored in the ledger, alerted or logged: no sensitive value leaves.
    const result = redactResult(evaluate(resource));
    const planned = await decide(result, context);
    if (planned) decisions.push({ request, findings: result.findings, policies: result.policies ?? [], ...planned });
  }
  if (decisions.length === 0) return { eventId: request.eventId, status: 'passed', decisions };
  capActions(decisions, deps.settings.maxActions);

  const entry: LedgerEntry = { eventId: request.eventId, stage: 'planned', decisions };
  if (!(await deps.ledger.create(entry))) {
    // A concurrent delivery of the same event recorded its plan first: finish that one instead.
    const other = await deps.ledger.get(request.eventId);
    if (other) return resume(other, deps, true);
  }
  return resume(entry, deps, false);
}

async function resume(entry: LedgerEntry, deps: AdmitDependencies, duplicate: boolean): Promise<AdmitResult> {
  const done = { eventId: entry.eventId, decisions: entry.decisions };
  if (entry.stage === 'alerted') return { ...done, status: 'duplicate', reason: 'already decided, acted on and alerted' };
  if (entry.stage === 'planned') {
    for (const decision of entry.decisions) {
      for (const outcome of decision.outcomes) if (outcome.status === 'pending') await carryOut(outcome, deps.ecs);
    }
    entry.stage = 'acted';
    await deps.ledger.update(entry);
  }
  await alertAll(entry, deps);
  entry.stage = 'alerted';
  await deps.ledger.update(entry);
  return duplicate ? { ...done, status: 'duplicate', reason: 'resumed an unfinished decision' } : { ...done, status: 'decided' };
}

/**
 * One message per decision and channel. Each is recorded in the ledger once published, when more
 * follow: a failure halfway (the second topic, the third task of a RunTask) is retried without
 * sending again what already went out. The last one is recorded with the `alerted` stage.
 */
async function alertAll(entry: LedgerEntry, deps: AdmitDependencies): Promise<void> {
  const sent = new Set(entry.sent);
  const pending = entry.decisions.flatMap((decision, i) => deps.alerts.channels.map((channel) => ({ decision, channel, key: `${i}:${channel}` }))).filter((a) => !sent.has(a.key));
  for (const [n, { decision, channel, key }] of pending.entries()) {
    await deps.alerts.publish(decision, channel);
    sent.add(key);
    entry.sent = [...sent];
    if (n < pending.length - 1) await deps.ledger.update(entry);
  }
}

async function carryOut(outcome: ActionOutcome, ecs: EcsGateway): Promise<void> {
  const a = outcome.action;
  try {
    switch (a.type) {
      case 'deregisterTaskDefinition':
        await ecs.deregisterTaskDefinition(a.resourceArn);
        break;
      case 'updateService':
        await ecs.updateService(a.cluster, a.service, a.changes);
        break;
      case 'deleteTaskSet':
        await ecs.deleteTaskSet(a.cluster, a.service, a.resourceArn);
        break;
      case 'stopTask':
        await ecs.stopTask(a.cluster, a.resourceArn, a.reason);
        break;
      case 'tagResource':
        await ecs.tagResource(a.resourceArn, a.tags);
        break;
    }
    outcome.status = 'done';
  } catch (error) {
    if (!(error instanceof ActionRefusedError)) throw error;
    outcome.status = 'failed';
    outcome.detail = error.message;
  }
}

/** Beyond the cap, destructive actions become flags: a runaway policy cannot stop a whole fleet. */
function capActions(decisions: Decision[], max: number): void {
  let count = 0;
  for (const decision of decisions) {
    for (const outcome of [...decision.outcomes]) {
      if (outcome.status !== 'pending' || !isDestructive(outcome.action)) continue;
      if (++count <= max) continue;
      decision.outcomes.splice(decision.outcomes.indexOf(outcome), 1);
      decision.notes.push(`Action cap reached (${max} per invocation): ${describe(outcome.action)} was not carried out; flagged instead.`);
    }
  }
}

const describe = (a: PlannedAction): string =>
  ({ deregisterTaskDefinition: 'deregistering', updateService: 'updating service', deleteTaskSet: 'deleting task set', stopTask: 'stopping task', tagResource: 'tagging' })[a.type] + ` ${a.name}`;


interface Read {
  resources: Resource[];
  /** Task definitions the resources run, by the reference they use. */
  taskDefinitions: Map<string, Resource<'taskDefinition'>>;
}

/** Re-reads the resource the call changed. A string says why there is nothing to judge. */
async function readTarget(request: AdmissionRequest, ecs: EcsGateway): Promise<Read | string> {
  const info = { eventId: request.eventId, eventName: request.eventName, eventTime: request.eventTime, account: request.account, region: request.region, ...(request.principal.arn ? { principalArn: request.principal.arn } : {}) };
  const taskDefinitions = new Map<string, Resource<'taskDefinition'>>();
  const withTaskDefinition = async (ref: string | undefined): Promise<void> => {
    if (!ref || taskDefinitions.has(ref)) return;
    const td = await ecs.describeTaskDefinition(ref);
    if (td) taskDefinitions.set(ref, resourceFromApi('taskDefinition', td, info));
  };
  const t = request.target;
  switch (t.kind) {
    case 'taskDefinition': {
      const td = await ecs.describeTaskDefinition(t.taskDefinition);
      if (!td) return `task definition ${t.taskDefinition} no longer exists`;
      return { resources: [resourceFromApi('taskDefinition', td, info)], taskDefinitions };
    }
    case 'service': {
      const service = await ecs.describeService(t.cluster, t.service);
      if (!service || service.status === 'INACTIVE') return `service ${t.service} no longer exists`;
      await withTaskDefinition(service.taskDefinition);
      return { resources: [resourceFromApi('service', service, info)], taskDefinitions };
    }
    case 'taskSet': {
      const taskSet = await ecs.describeTaskSet(t.cluster, t.service, t.taskSet);
      if (!taskSet) return `task set ${t.taskSet} no longer exists`;
      await withTaskDefinition(taskSet.taskDefinition);
      return { resources: [resourceFromApi('taskSet', taskSet, info)], taskDefinitions };
    }
    case 'task': {
      const tasks = await ecs.describeTasks(t.cluster, t.tasks);
      if (tasks.length === 0) return `tasks ${t.tasks.join(', ')} no longer exist`;
      const resources: Resource[] = [];
      for (const task of tasks) {
        await withTaskDefinition(task.taskDefinitionArn);
        const resource = resourceFromApi('task', task, info);
        judgeWithOverrides(task, resource, taskDefinitions);
        resources.push(resource);
      }
      return { resources, taskDefinitions };
    }
  }
}
