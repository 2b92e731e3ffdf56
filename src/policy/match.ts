import picomatch from 'picomatch';
import type { ResourceFacts } from '../core/identity.js';
import type { Match } from './schema.js';

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
 * account or its organizational units, offline) does not hold: a scope is never widened by what
 * is unknown.
 */
export function matches(match: Match | undefined, facts: ResourceFacts): boolean {
  if (!match) return true;
  const one = (patterns: readonly string[] | undefined, value: string | undefined): boolean =>
    patterns === undefined || (value !== undefined && globs(patterns)(value));
  if (match.kinds && !match.kinds.includes(facts.kind)) return false;
  if (!one(match.accounts, facts.account) || !one(match.regions, facts.region) || !one(match.clusters, facts.cluster)) return false;
  if (!one(match.families, facts.family) || !one(match.services, facts.service)) return false;
  // Any unit of the path: a scope on an OU covers the OUs under it.
  if (match.organizationalUnits && !(facts.organizationalUnits ?? []).some(globs(match.organizationalUnits))) return false;
  for (const [key, pattern] of Object.entries(match.tags ?? {})) {
    const value = facts.tags[key];
    if (value === undefined || !globs([pattern])(value)) return false;
  }
  return true;
}

/** `exclude` removes what it matches; an empty exclude excludes nothing. */
export const excluded = (exclude: Match | undefined, facts: ResourceFacts): boolean =>
  exclude !== undefined && Object.keys(exclude).length > 0 && matches(exclude, facts);
