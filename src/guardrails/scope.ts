/**
 * A policy's scope and exceptions, as IAM can say them: accounts and OUs become attachment
 * targets, regions a condition, families resource ARNs. What IAM cannot say exactly is returned
 * as a reason, and the caller emits nothing for it: a guardrail is never wider or narrower than
 * the policy it comes from.
 */
import type { CompiledPolicy } from '../policy/engine.js';
import type { Match } from '../policy/schema.js';
import { GuardrailError, type Targets } from './types.js';

/** Where a policy's statements apply. */
export interface Scope {
  targets: Targets;
  /** `aws:RequestedRegion` patterns, when the policy is scoped by region. */
  regions?: string[];
  /** Families the statements cover (policy `match.families`); all when absent. */
  families?: string[];
  /** Kinds the policy judges (policy `match.kinds` less `exclude.kinds`); all when absent. */
  kinds?: string[];
  /** Families the statements leave out: `exclude.families` and exceptions. */
  excludedFamilies: string[];
}

const ACCOUNT = /^\d{12}$/;
const OU = /^ou-[a-z0-9]+-[a-z0-9]+$/;
/** Globs IAM can read the same way: `*` and `?` only (a family, a region has no `/`). */
const IAM_GLOB = /^[A-Za-z0-9_*?-]+$/;

const toIam = (glob: string): string | undefined => {
  const pattern = glob.replace(/\*\*/g, '*');
  return IAM_GLOB.test(pattern) ? pattern : undefined;
};

/** Glob patterns IAM reads the same way, or undefined when one of them is not. */
const iamPatterns = (globs: readonly string[]): string[] | undefined => {
  const out = globs.map(toIam);
  return out.every((p) => p !== undefined) ? out : undefined;
};

const UNSUPPORTED: (keyof Match)[] = ['clusters', 'services', 'tags'];

/** The policy's scope as IAM can say it, or why it cannot. */
export function policyScope(policy: CompiledPolicy): Scope | string {
  const match = policy.match ?? {};
  const exclude = policy.exclude ?? {};
  for (const field of UNSUPPORTED) {
    if (match[field]) return `match.${field} has no exact IAM form for RegisterTaskDefinition (a ${field} scope would widen the deny)`;
  }
  for (const field of Object.keys(exclude) as (keyof Match)[]) {
    if (field !== 'families' && field !== 'kinds') return `exclude.${field} has no exact IAM form (the deny would cover what the policy leaves out)`;
  }
  if (match.accounts && match.organizationalUnits) return 'match.accounts with match.organizationalUnits: attaching to both would widen the scope';
  const ids = match.accounts ?? match.organizationalUnits;
  if (ids && !ids.every((id) => ACCOUNT.test(id) || OU.test(id)))
    return `match ${ids.join(', ')}: attachment targets must be literal account or OU ids, not globs`;
  const scope: Scope = { targets: ids ? { kind: 'ids', ids: [...ids].sort() } : { kind: 'root' }, excludedFamilies: [] };
  if (match.regions) {
    const regions = iamPatterns(match.regions);
    if (!regions) return `match.regions ${match.regions.join(', ')}: only * and ? globs have an IAM form`;
    scope.regions = regions;
  }
  if (match.families) {
    const families = iamPatterns(match.families);
    if (!families) return `match.families ${match.families.join(', ')}: only * and ? globs have an IAM form`;
    scope.families = families;
  }
  if (exclude.families) {
    const families = iamPatterns(exclude.families);
    if (!families) return `exclude.families ${exclude.families.join(', ')}: only * and ? globs have an IAM form`;
    scope.excludedFamilies.push(...families);
  }
  if (match.kinds || exclude.kinds) scope.kinds = (match.kinds ?? ['taskDefinition', 'service', 'taskSet', 'task']).filter((k) => !exclude.kinds?.includes(k));
  return scope;
}

/** A rule's scope after the policy's exceptions, with the notes to print, or why it cannot be said. */
export function ruleScope(policy: CompiledPolicy, ruleId: string, base: Scope, today: string): { scope: Scope; notes: string[] } | string {
  const notes: string[] = [];
  const excludedFamilies = [...base.excludedFamilies];
  for (const entry of policy.exceptions) {
    const { spec } = entry;
    if (!spec.rules.includes(ruleId)) continue;
    const where = `exception #${entry.index + 1} (${spec.rules.join(', ')}) of ${policy.name}`;
    if (!spec.expires) throw new GuardrailError(`${where} has no expiry: a guardrail is never generated for an exception without one`);
    if (spec.expires <= today) {
      notes.push(`${where} expired on ${spec.expires}: not carried over`);
      continue;
    }
    const fields = Object.keys(spec.match ?? {});
    if (spec.containers || fields.some((f) => f !== 'families')) {
      return `${where} is scoped by ${[...fields.filter((f) => f !== 'families'), ...(spec.containers ? ['containers'] : [])].join(', ')}, which IAM cannot express: the deny would override it`;
    }
    const families = spec.match?.families;
    if (!families) return `${where} suspends ${ruleId} everywhere until ${spec.expires}`;
    const patterns = iamPatterns(families);
    if (!patterns) return `${where}: families ${families.join(', ')} use globs IAM cannot read`;
    excludedFamilies.push(...patterns);
    notes.push(`${where}: families ${families.join(', ')} left out until ${spec.expires} (reason: ${spec.reason}); regenerate then`);
  }
  return { scope: { ...base, excludedFamilies: [...new Set(excludedFamilies)] }, notes };
}
