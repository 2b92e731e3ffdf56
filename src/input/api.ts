// Resources as the ECS API returns them (the Lambda and the sweep). Kept apart from the file
// readers, so that the Lambda's bundle carries no YAML or JSON-position parser.
import type { RequestInfo, Resource, ResourceKind } from '../core/types.js';
import { lastSegment, taskDefinitionName } from '../core/identity.js';

/** The ECS calls that change what runs; CloudTrail records of other calls are not ours to judge. */
export const HANDLED_EVENTS = [
  'RegisterTaskDefinition',
  'CreateService',
  'UpdateService',
  'CreateTaskSet',
  'RunTask',
  'StartTask',
  'RegisterDaemonTaskDefinition',
  'CreateDaemon',
  'UpdateDaemon',
  'CreateExpressGatewayService',
  'UpdateExpressGatewayService',
] as const;

/** The field holding a resource's ARN (an Express service's is a service ARN). */
export const ARN_FIELD: Readonly<Record<ResourceKind, string>> = {
  taskDefinition: 'taskDefinitionArn',
  service: 'serviceArn',
  taskSet: 'taskSetArn',
  task: 'taskArn',
  daemonTaskDefinition: 'daemonTaskDefinitionArn',
  daemon: 'daemonArn',
  expressService: 'serviceArn',
};

/**
 * The task definition a resource runs, as it names it: services, task sets and tasks by
 * `taskDefinition` (or `taskDefinitionArn` once described), a daemon by its daemon task
 * definition's ARN, an Express service by `taskDefinitionArn` (its own task definition, or the
 * one ECS made from its primary container). Task definitions run none.
 */
export function taskDefinitionRefOf(kind: ResourceKind, value: Record<string, unknown>): string | undefined {
  switch (kind) {
    case 'taskDefinition':
    case 'daemonTaskDefinition':
      return undefined;
    case 'daemon':
      return str(value.daemonTaskDefinitionArn);
    case 'expressService':
      return str(value.taskDefinitionArn);
    default:
      return str(value.taskDefinition) ?? str(value.taskDefinitionArn);
  }
}

/**
 * A resource read from the ECS API (the Lambda and the sweep): already in API shape, never
 * holding unknown values; its ARN is its origin.
 */
export function resourceFromApi<K extends ResourceKind>(kind: K, object: Resource<K>['object'], request?: RequestInfo): Resource<K> {
  const value = object as unknown as Record<string, unknown>;
  const arn = str(value[ARN_FIELD[kind]]);
  const resource: Resource<K> = { kind, name: resourceName(kind, value, undefined), object, origin: { source: arn ?? '(ECS API)' } };
  const ref = taskDefinitionRefOf(kind, value);
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
    case 'daemonTaskDefinition': {
      const family = str(value.family) ?? shortArn(str(value.daemonTaskDefinitionArn)) ?? fallback ?? '(no family)';
      return typeof value.revision === 'number' ? `${family}:${value.revision}` : family;
    }
    case 'daemon':
      return str(value.daemonName) ?? shortArn(str(value.daemonArn)) ?? fallback ?? '(unnamed daemon)';
    case 'expressService':
      return str(value.serviceName) ?? shortArn(str(value.serviceArn)) ?? fallback ?? '(unnamed Express service)';
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Where a described Express service keeps its configurations: DescribeExpressGatewayService's active ones, UpdateExpressGatewayService's target. */
export const EXPRESS_CONFIGURATION_KEY = (service: Record<string, unknown>): 'activeConfigurations' | 'targetConfiguration' =>
  'targetConfiguration' in service && !('activeConfigurations' in service) ? 'targetConfiguration' : 'activeConfigurations';

/** The configurations of a described Express service (ECSExpressGatewayService, UpdatedExpressGatewayService), oldest first. */
export function expressConfigurations(service: Record<string, unknown>): Record<string, unknown>[] {
  const key = EXPRESS_CONFIGURATION_KEY(service);
  const value = service[key];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null && !Array.isArray(c));
}

/**
 * A described Express service as the `expressService` kind: the service's fields and one of its
 * configurations' (primary container, roles, network, task definition) side by side, as a
 * CreateExpressGatewayService request has them. The Lambda judges the newest configuration.
 */
export function expressServiceOf(service: Record<string, unknown>, configuration: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(service)) if (key !== 'activeConfigurations' && key !== 'targetConfiguration') out[key] = value;
  // The configuration's own `createdAt` is the revision's; the service keeps its own.
  for (const [key, value] of Object.entries(configuration ?? {})) if (key !== 'createdAt') out[key] = value;
  return out;
}

const shortTaskDefinition = (ref: string | undefined): string | undefined => (ref === undefined ? undefined : taskDefinitionName(ref));

export const shortArn = (arn: string | undefined): string | undefined => (arn ? lastSegment(arn) : undefined);
