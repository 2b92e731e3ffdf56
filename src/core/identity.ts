/**
 * Resource identity: the one place that reads and writes ARNs, task definition references
 * (`family:revision`) and the facts policies scope by. Everything else asks here, so a new ARN
 * format (a partition, a resource type, a long-ARN change) is learnt once.
 */
import type { Resource, Tag } from './types.js';
import { CannotDecideError } from './unknown.js';

/** The parts of `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account: `task-definition/web:3`, `service/prod/web`, `role/deployer`. */
  resource: string;
}

const ARN = /^arn:([^:]+):([^:]*):([^:]*):([^:]*):(.+)$/;

export function parseArn(text: string | undefined): Arn | undefined {
  const match = text === undefined ? null : ARN.exec(text);
  if (!match) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

export const isArn = (text: string): boolean => ARN.test(text);

/** Reads as an AWS ARN (a reference to a resource, not a secret), even cut short: `arn:aws…:`. */
export const startsLikeArn = (text: string): boolean => /^arn:aws[a-z-]*:/.test(text);

export const formatArn = (arn: Arn): string => `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;

/** An IAM role's ARN (IAM is global: no region). */
export const roleArn = (partition: string, account: string, roleName: string): string =>
  formatArn({ partition, service: 'iam', region: '', account, resource: `role/${roleName}` });

/** Whether `arn` is an IAM role named `roleName` (in any account, on any path). */
export function isRoleNamed(arn: string, roleName: string): boolean {
  const parsed = parseArn(arn);
  return parsed?.service === 'iam' && parsed.resource.startsWith('role/') && lastSegment(parsed.resource) === roleName;
}

/** The ECS resource type of an ARN (`task-definition`, `service`, `task-set`, `task`, `cluster`) and its path after it. */
export function ecsPath(arn: string | undefined, type: string): string[] | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'ecs') return undefined;
  const slash = parsed.resource.indexOf('/');
  if (slash < 0 || parsed.resource.slice(0, slash) !== type) return undefined;
  return parsed.resource.slice(slash + 1).split('/');
}

/** A name or the last `/` segment of an ARN: `arn:…:service/prod/web` → `web`, `web` → `web`. */
export const lastSegment = (nameOrArn: string): string => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

/** `arn:…:task-definition/web:3`, `web:3` → `web:3`; a daemon task definition's ARN (`arn:…:daemon-task-definition/agent:2`) too; anything else as given. */
export function taskDefinitionName(ref: string): string {
  for (const type of [':task-definition/', ':daemon-task-definition/']) {
    const at = ref.indexOf(type);
    if (at >= 0) return ref.slice(at + type.length);
  }
  return ref;
}

/** `arn:…:task-definition/web:3`, `web:3` or `web` → `web`. */
export const familyOf = (ref: string): string => lastSegment(ref).replace(/:\d+$/, '');

/** `arn:…:task-definition/web:3` or `web:3` → 3; a bare family → undefined. */
export function revisionOf(ref: string): number | undefined {
  const match = /:(\d+)$/.exec(lastSegment(ref));
  return match ? Number(match[1]) : undefined;
}

/** `web:3` → `{ family: 'web', revision: '3' }`; `web` → `{ family: 'web' }`. */
export function splitRevision(name: string): { family: string; revision?: string } {
  const match = /^(.+):(\d+)$/.exec(name);
  return match ? { family: match[1]!, revision: match[2]! } : { family: name };
}

/** A cluster's name, given its name or ARN (consoles, threads and filter policies want the name). */
export const clusterName = (cluster: string): string => ecsPath(cluster, 'cluster')?.join('/') ?? cluster;

/**
 * The path of an ARN's resource after its type, for a short name when no other is known:
 * `arn:…:service/prod/web` → `prod/web`, `arn:…:task-definition/web:3` → `web:3`; anything else as given.
 */
export function resourcePath(text: string): string {
  const resource = parseArn(text)?.resource;
  const slash = resource?.indexOf('/') ?? -1;
  return resource !== undefined && slash >= 0 ? resource.slice(slash + 1) : text;
}

// ---------------------------------------------------------------------------------------------------------------------
// Facts policies scope by

/** What policies scope by, as far as the resource (and the call that made it) tells. */
export interface ResourceFacts {
  kind: Resource['kind'];
  account?: string;
  region?: string;
  cluster?: string;
  family?: string;
  service?: string;
  /** The account's organizational units, nearest first, when the request says (never read from the resource). */
  organizationalUnits?: readonly string[];
  tags: Record<string, string>;
}

/** Reads a field that may be unknown offline (CloudFormation); unknown counts as absent here. */
function read<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch (error) {
    if (error instanceof CannotDecideError) return undefined;
    throw error;
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const ARN_FIELDS = ['taskDefinitionArn', 'serviceArn', 'taskSetArn', 'taskArn', 'daemonTaskDefinitionArn', 'daemonArn', 'clusterArn'];

export function factsOf(resource: Resource): ResourceFacts {
  const o = resource.object as unknown as Record<string, unknown>;
  const field = (name: string): string | undefined => read(() => str(o[name]));
  const arn = ARN_FIELDS.map((name) => parseArn(field(name))).find((a) => a?.service === 'ecs');
  const cluster = field('clusterArn') ?? field('cluster');
  const tags: Record<string, string> = {};
  for (const tag of read(() => (Array.isArray(o.tags) ? (o.tags as Tag[]) : [])) ?? []) {
    const key = read(() => tag.key);
    const value = read(() => tag.value);
    if (key !== undefined) tags[key] = value ?? '';
  }
  const facts: ResourceFacts = { kind: resource.kind, tags };
  const account = resource.request?.account ?? (arn?.account || undefined);
  const region = resource.request?.region ?? (arn?.region || undefined);
  if (account) facts.account = account;
  if (region) facts.region = region;
  if (resource.request?.organizationalUnits) facts.organizationalUnits = resource.request.organizationalUnits;
  if (cluster) facts.cluster = lastSegment(cluster);
  const ref = resource.taskDefinitionRef;
  const family =
    resource.kind === 'taskDefinition' || resource.kind === 'daemonTaskDefinition' ? field('family') : ref && !ref.startsWith('#') ? familyOf(ref) : undefined;
  if (family) facts.family = family;
  const service =
    resource.kind === 'service' || resource.kind === 'expressService'
      ? (field('serviceName') ?? field('serviceArn'))
      : resource.kind === 'taskSet'
        ? (field('service') ?? field('serviceArn'))
        : undefined;
  if (service) facts.service = lastSegment(service);
  return facts;
}
