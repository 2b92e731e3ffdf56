import picomatch from 'picomatch';
import type { Resource, Tag } from '../core/types.js';
import { CannotDecideError } from '../core/unknown.js';
import type { Match } from './schema.js';

/** What policies scope by, as far as the resource (and the call that made it) tells. */
export interface ResourceFacts {
  kind: Resource['kind'];
  account?: string;
  region?: string;
  cluster?: string;
  family?: string;
  service?: string;
  tags: Record<string, string>;
}

const ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]*):(\d*):/;
const lastSegment = (value: string): string => value.slice(value.lastIndexOf('/') + 1);
/** `arn:…:task-definition/web:3`, `web:3` or `web` → `web`. */
const familyOf = (ref: string): string => lastSegment(ref).replace(/:\d+$/, '');

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

export function factsOf(resource: Resource): ResourceFacts {
  const o = resource.object as unknown as Record<string, unknown>;
  const field = (name: string): string | undefined => read(() => str(o[name]));
  const arn = ['taskDefinitionArn', 'serviceArn', 'taskSetArn', 'taskArn', 'clusterArn'].map(field).find((a) => a && ARN.test(a));
  const [, arnRegion, arnAccount] = arn ? ARN.exec(arn)! : [];
  const cluster = field('clusterArn') ?? field('cluster');
  const tags: Record<string, string> = {};
  for (const tag of read(() => (Array.isArray(o.tags) ? (o.tags as Tag[]) : [])) ?? []) {
    const key = read(() => tag.key);
    const value = read(() => tag.value);
    if (key !== undefined) tags[key] = value ?? '';
  }
  const facts: ResourceFacts = { kind: resource.kind, tags };
  const account = resource.request?.account ?? (arnAccount || undefined);
  const region = resource.request?.region ?? (arnRegion || undefined);
  if (account) facts.account = account;
  if (region) facts.region = region;
  if (cluster) facts.cluster = lastSegment(cluster);
  const family = resource.kind === 'taskDefinition' ? field('family') : resource.taskDefinitionRef && !resource.taskDefinitionRef.startsWith('#') ? familyOf(resource.taskDefinitionRef) : undefined;
  if (family) facts.family = family;
  const service = resource.kind === 'service' ? field('serviceName') ?? field('serviceArn') : resource.kind === 'taskSet' ? field('service') ?? field('serviceArn') : undefined;
  if (service) facts.service = lastSegment(service);
  return facts;
}

const matcherCache = new Map<string, (value: string) => boolean>();
/** A compiled matcher for glob patterns, cached per pattern list (policies have few). */
export function globs(patterns: readonly string[]): (value: string) => boolean {
  const key = patterns.join('\u0000');
  let matcher = matcherCache.get(key);
  if (!matcher) {
    matcher = picomatch(patterns as string[], { dot: true });
    matcherCache.set(key, matcher);
  }
  return matcher;
}

/**
 * Whether every listed condition holds. A condition on a fact the resource does not carry (an
 * account, offline) does not hold: a scope is never widened by what is unknown.
 */
export function matches(match: Match | undefined, facts: ResourceFacts): boolean {
  if (!match) return true;
  const one = (patterns: readonly string[] | undefined, value: string | undefined): boolean =>
    patterns === undefined || (value !== undefined && globs(patterns)(value));
  if (match.kinds && !match.kinds.includes(facts.kind)) return false;
  if (!one(match.accounts, facts.account) || !one(match.regions, facts.region) || !one(match.clusters, facts.cluster)) return false;
  if (!one(match.families, facts.family) || !one(match.services, facts.service)) return false;
  for (const [key, pattern] of Object.entries(match.tags ?? {})) {
    const value = facts.tags[key];
    if (value === undefined || !globs([pattern])(value)) return false;
  }
  return true;
}

/** `exclude` removes what it matches; an empty exclude excludes nothing. */
export const excluded = (exclude: Match | undefined, facts: ResourceFacts): boolean =>
  exclude !== undefined && Object.keys(exclude).length > 0 && matches(exclude, facts);

