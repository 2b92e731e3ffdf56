/** Links to resources in the ECS console (v2), for people reading alerts, digests and reports. */
import type { JudgedResource } from '../admission/types.js';
import { clusterName, ecsPath, splitRevision } from '../core/identity.js';

export function consoleUrl(resource: JudgedResource, region: string): string {
  const base = `https://${encodeURIComponent(region)}.console.aws.amazon.com/ecs/v2`;
  const query = `?region=${encodeURIComponent(region)}`;
  const seg = encodeURIComponent;
  switch (resource.kind) {
    case 'taskDefinition': {
      const { family, revision } = taskDefinitionParts(resource);
      // Without a revision the family page is the best there is.
      return revision ? `${base}/task-definitions/${seg(family)}/${seg(revision)}/containers${query}` : `${base}/task-definitions/${seg(family)}${query}`;
    }
    case 'service':
    case 'taskSet':
      // A task set has no console page of its own: it is shown on its service's page.
      return `${base}/clusters/${seg(clusterOf(resource))}/services/${seg(serviceOf(resource))}/health${query}`;
    case 'task':
      return `${base}/clusters/${seg(clusterOf(resource))}/tasks/${seg(taskIdOf(resource))}/configuration${query}`;
    case 'expressService':
      // An Express service is an ECS service (its ARN is a service ARN).
      return `${base}/clusters/${seg(clusterOf(resource))}/services/${seg(serviceOf(resource))}/health${query}`;
    case 'daemon':
      return `${base}/clusters/${seg(clusterOf(resource))}${query}`;
    case 'daemonTaskDefinition':
      // No page per daemon task definition is known to us: the list is the closest.
      return `${base}/task-definitions${query}`;
  }
}

function clusterOf(resource: JudgedResource): string {
  const arnType = { taskSet: 'task-set', service: 'service', task: 'task', expressService: 'service', daemon: 'daemon' } as const;
  const type = resource.kind in arnType ? arnType[resource.kind as keyof typeof arnType] : undefined;
  const fromArn = type ? ecsPath(resource.arn, type) : undefined;
  // New-format service/task/task-set ARNs carry the cluster; ECS uses the `default` cluster when a call names none.
  return (resource.cluster ? clusterName(resource.cluster) : undefined) ?? (fromArn && fromArn.length > 1 ? fromArn[0] : undefined) ?? 'default';
}

function serviceOf(resource: JudgedResource): string {
  if (resource.service) return resource.service;
  if (resource.kind === 'taskSet') return ecsPath(resource.arn, 'task-set')?.[1] ?? resource.name;
  return ecsPath(resource.arn, 'service')?.at(-1) ?? resource.name;
}

function taskIdOf(resource: JudgedResource): string {
  return ecsPath(resource.arn, 'task')?.at(-1) ?? resource.name;
}

function taskDefinitionParts(resource: JudgedResource): { family: string; revision?: string } {
  const ref = ecsPath(resource.arn, 'task-definition')?.join('/') ?? resource.name;
  const { family, revision } = splitRevision(ref);
  return revision ? { family, revision } : { family: resource.family ?? ref };
}
