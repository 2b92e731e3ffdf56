/**
 * Carries out a decision's pending actions. On a resumed decision (a retry, a takeover) some may
 * have been carried out already by the attempt that failed, so each is checked against what ECS
 * says now before it is called: a revision already INACTIVE, a service already on the target
 * revision, a task already stopped, tags already there — nothing to do, nothing called.
 */
import { contains } from './contains.js';
import { lastSegment } from '../core/identity.js';
import { omit } from '../core/omit.js';
import { ActionRefusedError, type EcsGateway } from './ports.js';
import type { ActionOutcome, Decision, JudgedResource, PlannedAction } from './types.js';

export async function carryOut(decision: Decision, ecs: EcsGateway, options: { recheck: boolean }): Promise<void> {
  let current: Promise<Observed | undefined> | undefined;
  const observe = (): Promise<Observed | undefined> => (current ??= observeResource(decision.resource, ecs));
  for (const outcome of decision.outcomes) {
    if (outcome.status !== 'pending') continue;
    if (options.recheck) {
      const already = alreadyDone(outcome.action, await observe());
      if (already) {
        outcome.status = 'unneeded';
        outcome.detail = already;
        continue;
      }
    }
    await act(outcome, ecs);
    // A later action on the same resource must see this one's effect.
    current = undefined;
  }
}

async function act(outcome: ActionOutcome, ecs: EcsGateway): Promise<void> {
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
      case 'deleteDaemonTaskDefinition':
        await ecs.deleteDaemonTaskDefinition(a.resourceArn);
        break;
      case 'updateDaemon':
        await ecs.updateDaemon(a.resourceArn, a.changes);
        break;
      case 'restoreExpressService':
        await ecs.restoreExpressService(a.resourceArn, a.toRevision);
        break;
    }
    outcome.status = 'done';
  } catch (error) {
    if (!(error instanceof ActionRefusedError)) throw error;
    outcome.status = 'failed';
    outcome.detail = error.message;
  }
}

/** The resource as ECS describes it now; undefined when it no longer exists. */
interface Observed {
  status?: string;
  desiredStatus?: string;
  tags: Record<string, string>;
  object: Record<string, unknown>;
}

type Described = Record<string, unknown> & { status?: unknown; desiredStatus?: unknown; tags?: { key?: string; value?: string }[] };

async function describeNow(resource: JudgedResource, ecs: EcsGateway): Promise<Described | undefined> {
  const cluster = resource.cluster ?? 'default';
  switch (resource.kind) {
    case 'taskDefinition':
      return (await ecs.describeTaskDefinition(resource.arn)) as Described | undefined;
    case 'service':
      return (await ecs.describeService(cluster, resource.service ?? resource.arn)) as Described | undefined;
    case 'taskSet':
      return (await ecs.describeTaskSet(cluster, resource.service ?? '', resource.arn)) as Described | undefined;
    case 'task':
      return (await ecs.describeTasks(cluster, [resource.arn]))[0] as Described | undefined;
    case 'daemonTaskDefinition':
      return (await ecs.describeDaemonTaskDefinition(resource.arn)) as Described | undefined;
    case 'daemon':
      return (await ecs.describeDaemon(resource.arn)) as Described | undefined;
    case 'expressService':
      return (await ecs.describeExpressService(resource.arn)) as Described | undefined;
  }
}

async function observeResource(resource: JudgedResource, ecs: EcsGateway): Promise<Observed | undefined> {
  const described = await describeNow(resource, ecs);
  if (!described) return undefined;
  const tags = Object.fromEntries((described.tags ?? []).filter((t) => t.key !== undefined).map((t) => [t.key!, t.value ?? '']));
  const observed: Observed = { tags, object: described };
  if (typeof described.status === 'string') observed.status = described.status;
  if (typeof described.desiredStatus === 'string') observed.desiredStatus = described.desiredStatus;
  return observed;
}

/** Why the action has nothing left to do, or undefined when it must be carried out. */
function alreadyDone(action: PlannedAction, now: Observed | undefined): string | undefined {
  if (!now) return `${action.name} no longer exists`;
  switch (action.type) {
    case 'deregisterTaskDefinition':
      return now.status && now.status !== 'ACTIVE' ? `${action.name} is already ${now.status}` : undefined;
    case 'updateService':
      if (now.status === 'INACTIVE') return `service ${action.name} was deleted`;
      return contains(now.object, action.changes) ? `service ${action.name} already has these settings` : undefined;
    case 'deleteTaskSet':
      return now.status === 'DRAINING' ? `task set ${action.name} is already being deleted` : undefined;
    case 'stopTask':
      return now.desiredStatus === 'STOPPED' || now.object.lastStatus === 'STOPPED' ? `task ${action.name} is already stopping` : undefined;
    case 'tagResource':
      return Object.entries(action.tags).every(([key, value]) => now.tags[key] === value) ? `${action.name} already carries these tags` : undefined;
    case 'deleteDaemonTaskDefinition':
      return now.status && now.status !== 'ACTIVE' ? `${action.name} is already ${now.status}` : undefined;
    case 'updateDaemon':
      if (now.status === 'DELETE_IN_PROGRESS') return `daemon ${action.name} is being deleted`;
      return now.object.daemonTaskDefinitionArn === action.changes.daemonTaskDefinitionArn &&
        (action.changes.enableExecuteCommand === undefined || now.object.enableExecuteCommand === false)
        ? `daemon ${action.name} already runs ${lastSegment(action.changes.daemonTaskDefinitionArn)}`
        : undefined;
    case 'restoreExpressService':
      if (now.status === 'INACTIVE' || now.status === 'DRAINING') return `Express service ${action.name} was deleted`;
      return isBackOn(now.object, action.toRevision) ? `Express service ${action.name} already runs that configuration again` : undefined;
  }
}

/** Whether an Express service's newest configuration is the one asked for, or holds the same settings again (a restore makes a new revision). */
function isBackOn(described: Record<string, unknown>, revision: string): boolean {
  const configurations = (described.configurations ?? []) as Record<string, unknown>[];
  const newest = configurations[0];
  const target = configurations.find((c) => c.serviceRevisionArn === revision);
  if (!newest) return false;
  if (newest.serviceRevisionArn === revision) return true;
  if (!target || target === newest) return false;
  // ECS generates a task definition per revision of a service run from a primary container.
  const content = (configuration: Record<string, unknown>) => {
    const rest = omit(configuration, ['serviceRevisionArn', 'createdAt', 'ingressPaths', 'taskDefinitionArn']);
    return rest.primaryContainer ? rest : { ...rest, taskDefinitionArn: configuration.taskDefinitionArn };
  };
  return contains(content(newest), content(target)) && contains(content(target), content(newest));
}
