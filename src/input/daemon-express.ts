/**
 * Detection of ECS daemons (ECS Managed Instances) and Express services among the documents `check`
 * reads: API requests and responses, and CloudTrail records of their calls. Kept apart from
 * normalize.ts, which turns what is found here into resources. Only keys no task definition,
 * service, task set or task has are looked at, so no existing document is read differently.
 */
import { expressConfigurations, expressServiceOf, EXPRESS_CONFIGURATION_KEY } from './api.js';
import { isObject } from './cloudformation/intrinsics.js';

export type DaemonOrExpressKind = 'daemonTaskDefinition' | 'daemon' | 'expressService';
type Path = (string | number)[];

export interface Detected {
  kind: DaemonOrExpressKind;
  value: Record<string, unknown>;
  /** Path of `value` from the object detection was given. */
  at: Path;
  /** Set for partial requests (UpdateDaemon, UpdateExpressGatewayService, DescribeDaemon): absent fields are unknown. */
  partial?: string;
  /** Maps a path of the resource to its path under `at`, when the resource was assembled (an Express service's configuration). */
  relocate?: (segments: Path) => Path;
  name?: string;
}

/** Keys only an Express service (request, response or configuration) has. */
const EXPRESS_ONLY = [
  'primaryContainer',
  'infrastructureRoleArn',
  'healthCheckPath',
  'scalingTarget',
  'cpuArchitecture',
  'activeConfigurations',
  'targetConfiguration',
];
/**
 * What only a daemon task definition has: its ARN, a `shared` PID or IPC mode, a log driver volume.
 * Without any of them a RegisterDaemonTaskDefinition request reads as a RegisterTaskDefinition one
 * (the same fields): wrap it as `{"daemonTaskDefinition": …}` to have it read as a daemon's.
 */
const isDaemonTaskDefinition = (v: Record<string, unknown>): boolean =>
  Array.isArray(v.containerDefinitions) &&
  (typeof v.daemonTaskDefinitionArn === 'string' ||
    v.pidMode === 'shared' ||
    v.ipcMode === 'shared' ||
    (Array.isArray(v.volumes) && v.volumes.some((volume) => isObject(volume) && 'logDriverVolumeConfiguration' in volume)));

const UPDATE_DAEMON = 'not in the UpdateDaemon request, so unchanged and unknown here';
const DESCRIBE_DAEMON = 'not returned by DescribeDaemon (DescribeDaemonRevisions returns the daemon settings), so unknown here';
const UPDATE_EXPRESS = 'not in the UpdateExpressGatewayService request, so unchanged and unknown here';

/** The daemon or Express resources of one API document, or undefined when it is none of them. */
export function detectDaemonOrExpress(value: Record<string, unknown>): Detected[] | undefined {
  // DescribeDaemonTaskDefinition output; a daemon task definition as described.
  if (isObject(value.daemonTaskDefinition)) return [{ kind: 'daemonTaskDefinition', value: value.daemonTaskDefinition, at: ['daemonTaskDefinition'] }];
  if (isDaemonTaskDefinition(value)) return [{ kind: 'daemonTaskDefinition', value, at: [] }];
  // DescribeDaemonRevisions output: each revision holds the daemon's settings.
  if (Array.isArray(value.daemonRevisions)) {
    return value.daemonRevisions.filter(isObject).map((revision, i) => ({ kind: 'daemon' as const, value: revision, at: ['daemonRevisions', i] }));
  }
  // DescribeDaemon output: the daemon's status, not its settings.
  if (isObject(value.daemon) && typeof value.daemon.daemonArn === 'string')
    return [{ kind: 'daemon', value: value.daemon, at: ['daemon'], partial: DESCRIBE_DAEMON }];
  if (typeof value.daemonName === 'string' || (typeof value.daemonArn === 'string' && typeof value.daemonTaskDefinitionArn === 'string')) {
    // CreateDaemon needs a name; UpdateDaemon names the daemon by ARN and says only what it sets.
    const update = typeof value.daemonName !== 'string' && Array.isArray(value.capacityProviderArns) && typeof value.daemonRevisionArn !== 'string';
    return [{ kind: 'daemon', value, at: [], ...(update ? { partial: UPDATE_DAEMON } : {}) }];
  }
  // Describe/Create/UpdateExpressGatewayService output: { service } with its configurations.
  if (isObject(value.service) && (Array.isArray(value.service.activeConfigurations) || isObject(value.service.targetConfiguration))) {
    return describedExpress(value.service, ['service']);
  }
  if (EXPRESS_ONLY.some((key) => key in value)) {
    if (Array.isArray(value.activeConfigurations) || isObject(value.targetConfiguration)) return describedExpress(value, []);
    // CreateExpressGatewayService needs the infrastructure role; an update names the service by ARN and says only what it sets.
    const update = typeof value.serviceArn === 'string' && value.infrastructureRoleArn === undefined;
    return [{ kind: 'expressService', value, at: [], ...(update ? { partial: UPDATE_EXPRESS } : {}) }];
  }
  return undefined;
}

/** One resource per configuration of a described Express service (several while a deployment runs). */
function describedExpress(service: Record<string, unknown>, at: Path): Detected[] {
  const configurations = expressConfigurations(service);
  const key = EXPRESS_CONFIGURATION_KEY(service);
  const name = typeof service.serviceName === 'string' ? service.serviceName : undefined;
  if (configurations.length === 0) return [{ kind: 'expressService', value: expressServiceOf(service, undefined), at }];
  return configurations.map((configuration, i) => {
    const inConfiguration = new Set(Object.keys(configuration));
    const configurationPath: Path = key === 'activeConfigurations' ? [key, i] : [key];
    const revision = typeof configuration.serviceRevisionArn === 'string' ? configuration.serviceRevisionArn : `configuration ${i + 1}`;
    return {
      kind: 'expressService',
      value: expressServiceOf(service, configuration),
      at,
      relocate: (segments: Path) => (typeof segments[0] === 'string' && inConfiguration.has(segments[0]) ? [...configurationPath, ...segments] : segments),
      ...(configurations.length > 1 && name ? { name: `${name} (${revision})` } : {}),
    };
  });
}

/**
 * The resources of a CloudTrail record of a daemon or Express call (`requestParameters`,
 * `responseElements`), with paths from the record; undefined for any other call.
 */
export function daemonOrExpressFromCloudTrail(
  eventName: string,
  params: Record<string, unknown>,
  response: Record<string, unknown> | undefined,
): Detected[] | undefined {
  const request = (value: Record<string, unknown>, partial?: string): Detected[] => [
    { kind: kindOf(eventName), value, at: ['requestParameters'], ...(partial ? { partial } : {}) },
  ];
  switch (eventName) {
    case 'RegisterDaemonTaskDefinition': {
      if (isObject(response?.daemonTaskDefinition))
        return [{ kind: 'daemonTaskDefinition', value: response.daemonTaskDefinition, at: ['responseElements', 'daemonTaskDefinition'] }];
      // The response names only the new revision's ARN: the request is the whole definition.
      const arn = response?.daemonTaskDefinitionArn;
      return request(typeof arn === 'string' ? { ...params, daemonTaskDefinitionArn: arn } : params);
    }
    case 'CreateDaemon': {
      const arn = response?.daemonArn;
      return request(typeof arn === 'string' ? { ...params, daemonArn: arn } : params);
    }
    case 'UpdateDaemon':
      return request(params, UPDATE_DAEMON);
    case 'CreateExpressGatewayService':
    case 'UpdateExpressGatewayService':
      if (isObject(response?.service) && (Array.isArray(response.service.activeConfigurations) || isObject(response.service.targetConfiguration))) {
        return describedExpress(response.service, ['responseElements', 'service']);
      }
      return request(params, eventName === 'UpdateExpressGatewayService' ? UPDATE_EXPRESS : undefined);
    default:
      return undefined;
  }
}

const kindOf = (eventName: string): DaemonOrExpressKind =>
  eventName === 'RegisterDaemonTaskDefinition' ? 'daemonTaskDefinition' : eventName.endsWith('Daemon') ? 'daemon' : 'expressService';
