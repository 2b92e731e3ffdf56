// The ECS gateway: the one place the admission use case (and the sweep) meets the ECS API.
import {
  DeleteTaskSetCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
} from '@aws-sdk/client-ecs';
import type { EcsGateway, TaskState } from '../../admission/ports.js';
import type { EcsInventory } from '../../sweep/types.js';
import { familyOf, revisionOf } from '../../core/identity.js';
import { daemonExpressGateway } from './ecs-daemon-express.js';
import { codeOf, orUndefined, refusedOrThrow } from './ecs-errors.js';

export function ecsGateway(client: ECSClient): EcsGateway {
  return {
    ...daemonExpressGateway(client),
    describeTaskDefinition: (ref) =>
      orUndefined(async () => {
        const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }));
        if (!out.taskDefinition) return undefined;
        return { ...out.taskDefinition, tags: out.tags ?? [] };
      }),
    describeService: (cluster, service) =>
      orUndefined(async () => {
        const out = await client.send(new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] }));
        return out.services?.[0];
      }),
    describeTaskSet: (cluster, service, taskSet) =>
      orUndefined(async () => {
        const out = await client.send(new DescribeTaskSetsCommand({ cluster, service, taskSets: [taskSet], include: ['TAGS'] }));
        return out.taskSets?.[0];
      }),
    describeTasks: async (cluster, tasks) => {
      const found: TaskState[] = [];
      // DescribeTasks takes 100 tasks per call.
      for (let i = 0; i < tasks.length; i += 100) {
        const out = await orUndefined(() => client.send(new DescribeTasksCommand({ cluster, tasks: tasks.slice(i, i + 100), include: ['TAGS'] })));
        found.push(...((out?.tasks ?? []) as TaskState[]));
      }
      return found;
    },
    listActiveRevisions: async (family, limit) => {
      const out = await orUndefined(() =>
        client.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: Math.min(limit, 100) })),
      );
      // familyPrefix matches prefixes (`web` lists `web-admin` too), and not every implementation
      // honours the sort (moto lists oldest first): filter and order here.
      return (out?.taskDefinitionArns ?? [])
        .filter((arn) => familyOf(arn) === family)
        .sort((a, b) => (revisionOf(b) ?? 0) - (revisionOf(a) ?? 0))
        .slice(0, limit);
    },

    deregisterTaskDefinition: async (arn) => {
      await client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })).catch((e: unknown) => refusedOrThrow('deregisterTaskDefinition', e));
    },
    updateService: async (cluster, service, changes) => {
      await client.send(new UpdateServiceCommand({ cluster, service, ...changes })).catch((e: unknown) => refusedOrThrow('updateService', e));
    },
    deleteTaskSet: async (cluster, service, taskSet) => {
      try {
        await client.send(new DeleteTaskSetCommand({ cluster, service, taskSet }));
      } catch (error) {
        // Already gone (a retry after the first delete succeeded): the goal is reached.
        if (codeOf(error) !== 'TaskSetNotFoundException') refusedOrThrow('deleteTaskSet', error);
      }
    },
    stopTask: async (cluster, task, reason) => {
      await client.send(new StopTaskCommand({ cluster, task, reason })).catch((e: unknown) => refusedOrThrow('stopTask', e));
    },
    tagResource: async (arn, tags) => {
      const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
      await client.send(new TagResourceCommand({ resourceArn: arn, tags: list })).catch((e: unknown) => refusedOrThrow('tagResource', e));
    },
  };
}

/** The sweep's view of ECS: the gateway's reads plus the list calls, every page followed. */
export function ecsInventory(client: ECSClient): EcsInventory {
  const gateway = ecsGateway(client);
  const all = async <P>(pages: AsyncIterable<P>, pick: (page: P) => string[] | undefined): Promise<string[]> => {
    const found: string[] = [];
    for await (const page of pages) found.push(...(pick(page) ?? []));
    return found;
  };
  return {
    describeTaskDefinition: (ref) => gateway.describeTaskDefinition(ref),
    describeService: (cluster, service) => gateway.describeService(cluster, service),
    describeTaskSet: (cluster, service, taskSet) => gateway.describeTaskSet(cluster, service, taskSet),
    describeTasks: (cluster, tasks) => gateway.describeTasks(cluster, tasks),
    listActiveRevisions: (family, limit) => gateway.listActiveRevisions(family, limit),
    listClusters: () => all(paginateListClusters({ client, pageSize: 100 }, {}), (p) => p.clusterArns),
    listServices: (cluster) => all(paginateListServices({ client, pageSize: 100 }, { cluster }), (p) => p.serviceArns),
    describeServices: async (cluster, services) => {
      const out = await client.send(new DescribeServicesCommand({ cluster, services: [...services], include: ['TAGS'] }));
      return out.services ?? [];
    },
    listTasks: (cluster) => all(paginateListTasks({ client, pageSize: 100 }, { cluster, desiredStatus: 'RUNNING' }), (p) => p.taskArns),
    listActiveTaskDefinitions: () => all(paginateListTaskDefinitions({ client, pageSize: 100 }, { status: 'ACTIVE' }), (p) => p.taskDefinitionArns),
  };
}
