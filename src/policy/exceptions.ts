import type { Finding, ResourceResult } from '../core/types.js';
import type { ResourceFacts } from '../core/identity.js';
import { globs, matches } from './match.js';
import type { ExceptionSpec } from './schema.js';

/** How soon an exception counts as expiring. */
export const EXPIRING_DAYS = 14;

export interface ExceptionEntry {
  policy: string;
  file: string;
  /** Index in the policy's `spec.exceptions`. */
  index: number;
  spec: ExceptionSpec;
  /** Findings it suspended. */
  applied: number;
  /** Findings it would have suspended had it not expired. */
  missed: number;
}

export type ExceptionStatus = 'active' | 'expiring' | 'expired' | 'unused';

/** `YYYY-MM-DD` of a date, in UTC. */
export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

const addDays = (day: string, days: number): string => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));

/**
 * An exception applies before its `expires` day and stops applying on it. It is `expired` from
 * then on, `expiring` within 14 days of it, and `unused` when it suspended nothing.
 */
export function exceptionStatus(entry: ExceptionEntry, today: string): ExceptionStatus {
  if (entry.spec.expires <= today) return 'expired';
  if (entry.applied === 0) return 'unused';
  return entry.spec.expires <= addDays(today, EXPIRING_DAYS) ? 'expiring' : 'active';
}

/**
 * The one place exceptions are applied — by the CLI, the Lambda and the sweep alike. A finding is
 * suspended by an exception of a policy that applies to the resource when the exception names its
 * rule, its `match` holds and its `containers` (if any) name the finding's container. A suspended
 * finding stays in the result with the exception attached; it is never enforced.
 */
export function applyExceptions(result: ResourceResult, entries: readonly ExceptionEntry[], facts: ResourceFacts, today: string): ResourceResult {
  if (entries.length === 0 || result.findings.length === 0) return result;
  let changed = false;
  const suspend = (finding: Finding): Finding => {
    for (const entry of entries) {
      const { spec } = entry;
      if (!spec.rules.includes(finding.ruleId) || !matches(spec.match, facts)) continue;
      if (spec.containers && (finding.container === undefined || !globs(spec.containers)(finding.container))) continue;
      if (spec.expires <= today) {
        entry.missed++;
        continue;
      }
      entry.applied++;
      changed = true;
      const exception = { policy: entry.policy, reason: spec.reason, expires: spec.expires, ...(spec.owner ? { owner: spec.owner } : {}) };
      return { ...finding, exception };
    }
    return finding;
  };
  // The resource's findings are its rules' findings in order: rebuild them from the rules.
  const rules = result.rules.map((r) => (r.findings.length > 0 ? { ...r, findings: r.findings.map(suspend) } : r));
  if (!changed) return result;
  const findings = rules.flatMap((r) => r.findings);
  return { ...result, findings, rules };
}
