/**
 * Re-reads what an ECS call changed: the event is only a hint. Three answers: the resources to
 * judge; `gone` when ECS says the resource was deleted (nothing of it runs); `unverified` when it
 * cannot be read or told apart — another account or Region, access denied, not found, a
 * registration whose revision cannot be identified. An unverified call is alerted, never passed.
 */
import type { Resource } from '../core/types.js';
import { resourceFromApi } from '../input/api.js';
import { judgeWithOverrides } from './overrides.js';
import { UnreadableError, type DaemonExpressReader, type EcsReader } from './ports.js';
import { findRegistered } from './registration.js';
import type { AdmissionRequest, JudgedResource } from './types.js';
import { familyOf, lastSegment } from '../core/identity.js';

export type Read =
  | {
      resources: Resource[];
      /** Task definitions the resources run, by the reference they use. */
      taskDefinitions: Map<string, Resource<'taskDefinition'>>;
      /** How the resource was found, when that is worth saying in the alert. */
      notes: string[];
    }
  | { gone: string }
  | { unverified: string };

/** The account and Region this function can read; events of others cannot be verified. */
export interface Home {
  account?: string;
  region?: string;
}

export async function readTarget(request: AdmissionRequest, ecs: EcsReader & DaemonExpressReader, home: Home = {}): Promise<Read> {
  if ((home.account && request.account !== home.account) || (home.region && request.region !== home.region)) {
    return {
      unverified: `the call was made in account ${request.account}, Region ${request.region}; this function reads account ${home.account ?? '(its own)'} in Region ${home.region ?? '(its own)'} only`,
    };
  }
  try {
    return await read(request, ecs);
  } catch (error) {
    if (error instanceof UnreadableError) return { unverified: `ECS refused to describe it (${error.message})` };
    throw error;
  }
}

async function read(request: AdmissionRequest, ecs: EcsReader & DaemonExpressReader): Promise<Read> {
  const info = {
    eventId: request.eventId,
    eventName: request.eventName,
    eventTime: request.eventTime,
    account: request.account,
    region: request.region,
    ...(request.principal.arn ? { principalArn: request.principal.arn } : {}),
    ...(request.organizationalUnits ? { organizationalUnits: request.organizationalUnits } : {}),
  };
  const taskDefinitions = new Map<string, Resource<'taskDefinition'>>();
  const notes: string[] = [];
  const withTaskDefinition = async (ref: string | undefined): Promise<void> => {
    if (!ref || taskDefinitions.has(ref)) return;
    const td = await ecs.describeTaskDefinition(ref);
    if (td) taskDefinitions.set(ref, resourceFromApi('taskDefinition', td, info));
  };
  const t = request.target;
  switch (t.kind) {
    case 'taskDefinition': {
      const td = await ecs.describeTaskDefinition(t.taskDefinition);
      if (!td) return { unverified: `task definition ${t.taskDefinition} cannot be found` };
      return { resources: [resourceFromApi('taskDefinition', td, info)], taskDefinitions, notes };
    }
    case 'registration': {
      const found = await findRegistered(t, request.eventTime, ecs);
      if ('none' in found) return { unverified: `could not tell which revision this call registered: ${found.none}` };
      const resource = resourceFromApi('taskDefinition', found.found, info);
      notes.push(`CloudTrail did not record the response: ${resource.name} was identified by its content.`);
      return { resources: [resource], taskDefinitions, notes };
    }
    case 'service': {
      const service = await ecs.describeService(t.cluster, t.service);
      if (!service) return { unverified: `service ${t.service} cannot be found in cluster ${t.cluster}` };
      if (service.status === 'INACTIVE') return { gone: `service ${t.service} was deleted` };
      await withTaskDefinition(service.taskDefinition);
      return { resources: [resourceFromApi('service', service, info)], taskDefinitions, notes };
    }
    case 'taskSet': {
      const taskSet = await ecs.describeTaskSet(t.cluster, t.service, t.taskSet);
      if (!taskSet) return { unverified: `task set ${t.taskSet} cannot be found in service ${t.service}` };
      await withTaskDefinition(taskSet.taskDefinition);
      return { resources: [resourceFromApi('taskSet', taskSet, info)], taskDefinitions, notes };
    }
    case 'task': {
      const tasks = await ecs.describeTasks(t.cluster, t.tasks);
      if (tasks.length === 0) return { unverified: `tasks ${t.tasks.join(', ')} cannot be found in cluster ${t.cluster}` };
      const resources: Resource[] = [];
      for (const task of tasks) {
        await withTaskDefinition(task.taskDefinitionArn);
        const resource = resourceFromApi('task', task, info);
        judgeWithOverrides(task, resource, taskDefinitions);
        resources.push(resource);
      }
      const missing = t.tasks.length - tasks.length;
      if (missing > 0) notes.push(`${missing} of the ${t.tasks.length} tasks started could not be found (stopped and gone).`);
      return { resources, taskDefinitions, notes };
    }
    case 'daemonTaskDefinition': {
      const td = await ecs.describeDaemonTaskDefinition(t.daemonTaskDefinition);
      if (!td) return { unverified: `daemon task definition ${t.daemonTaskDefinition} cannot be found` };
      return { resources: [resourceFromApi('daemonTaskDefinition', td, info)], taskDefinitions, notes };
    }
    case 'daemon': {
      const daemon = await ecs.describeDaemon(t.daemon);
      if (!daemon) return { unverified: `daemon ${t.daemon} cannot be found` };
      if (daemon.status === 'DELETE_IN_PROGRESS') return { gone: `daemon ${t.daemon} is being deleted` };
      const ref = daemon.daemonTaskDefinitionArn;
      if (!ref) return { unverified: `daemon ${t.daemon} names no daemon task definition (no current revision)` };
      const td = await ecs.describeDaemonTaskDefinition(ref);
      if (!td) return { unverified: `daemon task definition ${ref}, which daemon ${t.daemon} runs, cannot be found` };
      // The revision the daemon runs is judged with it, as a service's task definition is (require-compliant-task-definition).
      taskDefinitions.set(ref, resourceFromApi('daemonTaskDefinition', td, info) as unknown as Resource<'taskDefinition'>);
      const resource = resourceFromApi('daemon', daemon, info);
      resource.taskDefinitionRef ??= ref;
      return { resources: [resource], taskDefinitions, notes };
    }
    case 'expressService': {
      const service = await ecs.describeExpressService(t.service);
      if (!service) return { unverified: `Express service ${t.service} cannot be found` };
      if (service.status === 'INACTIVE' || service.status === 'DRAINING') return { gone: `Express service ${t.service} was deleted` };
      // A task definition of the customer's own (no primary container) is judged with the service.
      if (!service.primaryContainer) await withTaskDefinition(service.taskDefinitionArn);
      return { resources: [resourceFromApi('expressService', service, info)], taskDefinitions, notes };
    }
  }
}

/** What an unverified alert names: the resource as far as the event tells, owned by the caller. */
export function identityOf(request: AdmissionRequest): JudgedResource {
  const owner = request.principal.arn ?? 'unknown';
  const t = request.target;
  switch (t.kind) {
    case 'taskDefinition':
      return { kind: 'taskDefinition', arn: t.taskDefinition, name: lastSegment(t.taskDefinition), family: familyOf(t.taskDefinition), tags: {}, owner };
    case 'registration':
      return { kind: 'taskDefinition', arn: t.family, name: t.family, family: t.family, tags: {}, owner };
    case 'service':
      return { kind: 'service', arn: t.service, name: lastSegment(t.service), cluster: t.cluster, service: lastSegment(t.service), tags: {}, owner };
    case 'taskSet':
      return { kind: 'taskSet', arn: t.taskSet, name: lastSegment(t.taskSet), cluster: t.cluster, service: lastSegment(t.service), tags: {}, owner };
    case 'task':
      return { kind: 'task', arn: t.tasks[0] ?? '', name: t.tasks.map(lastSegment).join(', '), cluster: t.cluster, tags: {}, owner };
    case 'daemonTaskDefinition':
      return {
        kind: 'daemonTaskDefinition',
        arn: t.daemonTaskDefinition,
        name: lastSegment(t.daemonTaskDefinition),
        family: familyOf(t.daemonTaskDefinition),
        tags: {},
        owner,
      };
    case 'daemon':
      return { kind: 'daemon', arn: t.daemon, name: lastSegment(t.daemon), tags: {}, owner };
    case 'expressService':
      return { kind: 'expressService', arn: t.service, name: lastSegment(t.service), service: lastSegment(t.service), tags: {}, owner };
  }
}
