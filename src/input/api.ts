// Resources as the ECS API returns them (the Lambda and the sweep). Kept apart from the file
// readers, so that the Lambda's bundle carries no YAML or JSON-position parser.
import type { RequestInfo, Resource, ResourceKind } from '../core/types.js';
import { lastSegment, taskDefinitionName } from '../core/identity.js';

/** The ECS calls that change what runs; CloudTrail records of other calls are not ours to judge. */
export const HANDLED_EVENTS = ['RegisterTaskDefinition', 'CreateService', 'UpdateService', 'CreateTaskSet', 'RunTask', 'StartTask'] as const;

const ARN_FIELD: Record<ResourceKind, string> = { taskDefinition: 'taskDefinitionArn', service: 'serviceArn', taskSet: 'taskSetArn', task: 'taskArn' };

/**
 * A resource read from the ECS API (the Lambda and the sweep): already in API shape, never
 * holding unknown values; its ARN is its origin.
 */
export function resourceFromApi<K extends ResourceKind>(kind: K, object: Resource<K>['object'], request?: RequestInfo): Resource<K> {
  const value = object as unknown as Record<string, unknown>;
  const arn = str(value[ARN_FIELD[kind]]);
  const resource: Resource<K> = { kind, name: resourceName(kind, value, undefined), object, origin: { source: arn ?? '(ECS API)' } };
  const ref = kind === 'taskDefinition' ? undefined : (str(value.taskDefinition) ?? str(value.taskDefinitionArn));
  if (ref) resource.taskDefinitionRef = ref;
  if (request) resource.request = request;
  return resource;
}

/**
 * The name findings show: the logical id in CloudFormation, else family:revision, service name…;
 * `fallback` when the resource names itself nowhere (an ecspresso service definition).
 */
export function resourceName(kind: ResourceKind, value: Record<string, unknown>, logicalId: string | undefined, fallback?: string): string {
  if (logicalId) return logicalId;
  switch (kind) {
    case 'taskDefinition': {
      const family = str(value.family) ?? shortArn(str(value.taskDefinitionArn)) ?? fallback ?? '(no family)';
      return typeof value.revision === 'number' ? `${family}:${value.revision}` : family;
    }
    case 'service':
      return str(value.serviceName) ?? shortArn(str(value.serviceArn)) ?? str(value.service) ?? fallback ?? '(unnamed service)';
    case 'taskSet':
      return str(value.id) ?? shortArn(str(value.taskSetArn)) ?? (str(value.service) ? `task set of ${str(value.service)}` : (fallback ?? 'task set of ?'));
    case 'task':
      return shortArn(str(value.taskArn)) ?? `task of ${shortTaskDefinition(str(value.taskDefinition)) ?? '?'}`;
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const shortTaskDefinition = (ref: string | undefined): string | undefined => (ref === undefined ? undefined : taskDefinitionName(ref));

export const shortArn = (arn: string | undefined): string | undefined => (arn ? lastSegment(arn) : undefined);
