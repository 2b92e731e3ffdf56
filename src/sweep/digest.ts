/**
 * The scheduled sweep's digest, as a model: how things stand — violations by severity, owner and
 * rule, the worst offenders and what enforcement would do about them, what could not be read —
 * and what changed since the previous sweep, known from a small state kept between runs (the set
 * of violations it saw, ./digest-state.ts).
 *
 * A violation is one rule broken by one resource (findings suspended by an exception do not count);
 * a rule that fails twice in one resource (two privileged containers) is one violation, two
 * findings. Changes are counted in violations, keyed by resource ARN and rule id.
 *
 * Pure: no SDK, no clock, no wording. Its formats (the JSON document, the Chatbot notification)
 * are rendered by src/render/digest; the Lambda publishes them and stores the state.
 */
import { parseArn } from '../core/identity.js';
import { SEVERITIES, severityRank, type ResourceKind, type Severity } from '../core/types.js';
import { nextState, type DigestState } from './digest-state.js';
import { MAX_OFFENDERS, partialOf, type Offender, type PartialViolation, type SeverityCounts, type SweepPartial } from './partial.js';
import type { SweepCounts, SweepFailure, SweepReport } from './types.js';

// ---------------------------------------------------------------------------------------------------------------------
// Types

/** Where the sweep looked: the previous state is compared only where both sweeps looked. */
export interface DigestScope {
  /** The account the sweep ran in (an organization sweep's: the hub's). */
  account: string;
  regions: readonly string[];
  /**
   * An organization sweep: the accounts it was to read (each in every Region). The digest then
   * groups by account (and organizational unit, where known) and says which accounts it could not
   * read and why.
   */
  accounts?: readonly string[];
}

/** An account an organization sweep could not read, wholly or in part. */
export interface UnreadableAccount {
  account: string;
  /** The Regions that failed (wholly, or a cluster of them). */
  regions: string[];
  /** Why: each distinct `operation: code: message`, `; `-separated (at most MAX_REASON characters). */
  reason: string;
}

export interface DigestChange {
  arn: string;
  ruleId: string;
  account: string;
  region: string;
  /** Known for new violations (the resource is in this sweep); a resolved one may be gone. */
  kind?: ResourceKind;
  name?: string;
  owner?: string;
  severity?: Severity;
}

export interface DigestChanges {
  /** When the previous sweep finished. */
  since: string;
  newCount: number;
  resolvedCount: number;
  /** At most MAX_CHANGES each: the counts say how many there are. */
  newViolations: DigestChange[];
  resolved: DigestChange[];
  /**
   * Violations of this sweep that could not be compared: in a region the previous sweep did not
   * read (or could not), or beyond what the previous state could keep (see MAX_STATE_KEYS).
   */
  notCompared: number;
}

/** What a digest says. Its `json` format (src/render/digest/json.ts) is this, versioned, with words and links. */
export interface Digest {
  startedAt: string;
  finishedAt: string;
  account: string;
  regions: string[];
  counts: SweepCounts;
  policies: string[];
  resources: { total: number; violating: number; errored: number };
  /** Distinct (resource, rule) pairs among findings that count, by their worst severity. */
  violations: SeverityCounts;
  /** Findings that count, by severity; `excepted` are suspended by an exception and counted apart. */
  findings: SeverityCounts & { excepted: number };
  /** Violations by owner, worst owners first (at most MAX_OWNERS). */
  byOwner: Record<string, SeverityCounts>;
  /** Violations by rule, worst rules first, with the rule's remediation. */
  byRule: Record<string, SeverityCounts & { remediation: string }>;
  worstOffenders: Offender[];
  /** `null` when there is no previous sweep to compare with. */
  changes: DigestChanges | null;
  failures: SweepFailure[];
  /** `account/region` that could not be read, wholly or in part (a cluster): not compared, not counted. */
  unreadable: string[];
  /** Organization sweeps only: violations by account, worst accounts first (at most MAX_ACCOUNTS). */
  byAccount?: Record<string, SeverityCounts & { organizationalUnit?: string }>;
  /**
   * Organization sweeps only, when the accounts' organizational units were looked up: violations
   * by each account's nearest OU (`root` for accounts directly under the root), worst first.
   */
  byOrganizationalUnit?: Record<string, SeverityCounts & { accounts: number }>;
  /** Organization sweeps only: how many accounts, how many read in full, and those that were not, with why. */
  accounts?: { total: number; read: number; unreadable: UnreadableAccount[] };
  /** How many entries each list left off to fit in one SNS message. */
  truncated?: {
    byOwner?: number;
    newViolations?: number;
    resolved?: number;
    failures?: number;
    byAccount?: number;
    byOrganizationalUnit?: number;
    unreadableAccounts?: number;
  };
}

export { MAX_OFFENDERS };
export const MAX_CHANGES = 50;
export const MAX_OWNERS = 50;
export const MAX_FAILURES = 50;
export const MAX_ACCOUNTS = 50;
export const MAX_REASON = 500;

// ---------------------------------------------------------------------------------------------------------------------
// Counting

interface Violation extends PartialViolation {
  key: string;
}

const emptyCounts = (): SeverityCounts => ({ total: 0, critical: 0, high: 0, medium: 0, low: 0 });
const add = (counts: SeverityCounts, severity: Severity, n = 1): void => {
  counts.total += n;
  counts[severity] += n;
};
/** Worst first: more critical, then more high, … then more in total. */
const byWorst = (a: SeverityCounts, b: SeverityCounts): number => {
  for (const s of SEVERITIES) if (a[s] !== b[s]) return b[s] - a[s];
  return b.total - a.total;
};

export const violationKey = (arn: string, ruleId: string): string => `${arn}#${ruleId}`;

/** The violation a key names, and the `account/region` of its ECS ARN (the ARN is everything before the last `#`). */
function targetOfKey(key: string): { account: string; region: string; arn: string; ruleId: string } {
  const cut = key.lastIndexOf('#');
  const arn = key.slice(0, cut);
  const parsed = parseArn(arn);
  return { arn, ruleId: key.slice(cut + 1), region: parsed?.region ?? '', account: parsed?.account ?? '' };
}

/** The digest of a sweep, and the state the next sweep compares with. */
export function digestOf(report: SweepReport, scope: DigestScope, previous?: DigestState): { digest: Digest; state: DigestState } {
  return digestOfPartial(partialOf(report), scope, previous);
}

/**
 * The digest of a sweep from its partial (src/sweep/partial.ts): of one sweep, or of many merged —
 * the same digest either way.
 */
export function digestOfPartial(partial: SweepPartial, scope: DigestScope, previous?: DigestState): { digest: Digest; state: DigestState } {
  const violations: Violation[] = partial.violations.map((v) => ({ ...v, key: violationKey(v.arn, v.ruleId) }));
  const totals = emptyCounts();
  const byOwner = new Map<string, SeverityCounts>();
  const byRule = new Map<string, SeverityCounts>();
  for (const v of violations) {
    add(totals, v.severity);
    add(byOwner.get(v.owner) ?? byOwner.set(v.owner, emptyCounts()).get(v.owner)!, v.severity);
    add(byRule.get(v.ruleId) ?? byRule.set(v.ruleId, emptyCounts()).get(v.ruleId)!, v.severity);
  }
  const worstFirst = (map: Map<string, SeverityCounts>): [string, SeverityCounts][] =>
    [...map.entries()].sort(([ka, a], [kb, b]) => byWorst(a, b) || ka.localeCompare(kb));
  const owners = worstFirst(byOwner);
  const rules = worstFirst(byRule).map(([rule, counts]): [string, SeverityCounts & { remediation: string }] => [
    rule,
    { ...counts, remediation: partial.remediations[rule] ?? '' },
  ]);

  // Compared only where both sweeps read without failure: a region that failed now (or then) would
  // otherwise show all its violations as resolved (or new).
  const failed = new Set(partial.failures.map((f) => `${f.account}/${f.region}`));
  const accounts = scope.accounts ?? [scope.account];
  const readNow = new Set(accounts.flatMap((a) => scope.regions.map((r) => `${a}/${r}`)).filter((t) => !failed.has(t)));
  const current = new Map(violations.map((v) => [v.key, v]));
  let changes: DigestChanges | null = null;
  if (previous) {
    const readThen = new Set(previous.scope);
    const comparable = (key: string): boolean => {
      const { account, region } = targetOfKey(key);
      const target = `${account}/${region}`;
      return readNow.has(target) && readThen.has(target) && (previous.truncatedAfter === undefined || key <= previous.truncatedAfter);
    };
    const before = new Set(previous.keys);
    const added = violations.filter((v) => comparable(v.key) && !before.has(v.key));
    const gone = previous.keys.filter((k) => comparable(k) && !current.has(k));
    const change = (v: Violation): DigestChange => ({
      arn: v.arn,
      ruleId: v.ruleId,
      account: v.account,
      region: v.region,
      kind: v.kind,
      name: v.name,
      owner: v.owner,
      severity: v.severity,
    });
    added.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.key.localeCompare(b.key));
    changes = {
      since: previous.finishedAt,
      newCount: added.length,
      resolvedCount: gone.length,
      newViolations: added.slice(0, MAX_CHANGES).map(change),
      resolved: gone.slice(0, MAX_CHANGES).map((k) => {
        const { arn, ruleId, account, region } = targetOfKey(k);
        return { arn, ruleId, account, region };
      }),
      notCompared: violations.filter((v) => !comparable(v.key)).length,
    };
  }

  const digest: Digest = {
    startedAt: partial.startedAt,
    finishedAt: partial.finishedAt,
    account: scope.account,
    regions: [...scope.regions],
    counts: { ...partial.counts },
    policies: [...partial.policies],
    resources: { ...partial.resources },
    violations: totals,
    findings: { ...partial.findings },
    byOwner: Object.fromEntries(owners.slice(0, MAX_OWNERS)),
    byRule: Object.fromEntries(rules),
    worstOffenders: partial.offenders.slice(0, MAX_OFFENDERS),
    changes,
    failures: partial.failures.slice(0, MAX_FAILURES).map((f) => ({ ...f })),
    unreadable: [...failed].sort(),
  };
  const truncated: NonNullable<Digest['truncated']> = {
    byOwner: Math.max(0, owners.length - MAX_OWNERS),
    newViolations: Math.max(0, (changes?.newCount ?? 0) - MAX_CHANGES),
    resolved: Math.max(0, (changes?.resolvedCount ?? 0) - MAX_CHANGES),
    failures: Math.max(0, partial.failures.length - MAX_FAILURES),
  };
  if (scope.accounts) Object.assign(truncated, organizationGroups(digest, violations, partial, accounts));
  if (Object.values(truncated).some((n) => n > 0)) digest.truncated = Object.fromEntries(Object.entries(truncated).filter(([, n]) => n > 0));

  // The next state: this sweep's violations, and the previous ones of the regions that failed now
  // (unknown is not resolved: they stay until a sweep reads the region again).
  const failedNow = (key: string): boolean => {
    const { account, region } = targetOfKey(key);
    return failed.has(`${account}/${region}`);
  };
  const carried = previous ? previous.keys.filter(failedNow) : [];
  const scopeThen = previous ? previous.scope.filter((t) => failed.has(t)) : [];
  // Carried keys are complete only up to where the previous state was cut: so is the new state.
  const cut = scopeThen.length > 0 ? previous?.truncatedAfter : undefined;
  const state = nextState(partial.finishedAt, [...new Set([...readNow, ...scopeThen])].sort(), [...new Set([...current.keys(), ...carried])], cut);
  return { digest, state };
}

/**
 * An organization sweep's groups, set on the digest: violations by account and by nearest OU, and
 * the accounts not read in full with why. Returns how many entries each list left off.
 */
function organizationGroups(
  digest: Digest,
  violations: readonly Violation[],
  partial: SweepPartial,
  accounts: readonly string[],
): NonNullable<Digest['truncated']> {
  const ous = partial.organizationalUnits ?? {};
  const nearestOu = (account: string): string | undefined => {
    const path = ous[account];
    return path ? (path[0] ?? 'root') : undefined;
  };
  const byAccount = new Map<string, SeverityCounts>();
  for (const v of violations) add(byAccount.get(v.account) ?? byAccount.set(v.account, emptyCounts()).get(v.account)!, v.severity);
  const worstAccounts = [...byAccount.entries()].sort(([ka, a], [kb, b]) => byWorst(a, b) || ka.localeCompare(kb));
  digest.byAccount = Object.fromEntries(
    worstAccounts.slice(0, MAX_ACCOUNTS).map(([account, counts]) => {
      const ou = nearestOu(account);
      return [account, ou ? { ...counts, organizationalUnit: ou } : counts];
    }),
  );

  const truncated: NonNullable<Digest['truncated']> = { byAccount: Math.max(0, worstAccounts.length - MAX_ACCOUNTS) };
  if (Object.keys(ous).length > 0) {
    const byOu = new Map<string, SeverityCounts & { accounts: number }>();
    for (const account of new Set([...accounts, ...partial.accounts])) {
      const ou = nearestOu(account);
      if (!ou) continue;
      const group = byOu.get(ou) ?? byOu.set(ou, { ...emptyCounts(), accounts: 0 }).get(ou)!;
      group.accounts++;
      const counts = byAccount.get(account);
      if (counts) for (const s of SEVERITIES) add(group, s, counts[s]);
    }
    const worstOus = [...byOu.entries()].sort(([ka, a], [kb, b]) => byWorst(a, b) || ka.localeCompare(kb));
    digest.byOrganizationalUnit = Object.fromEntries(worstOus.slice(0, MAX_ACCOUNTS));
    truncated.byOrganizationalUnit = Math.max(0, worstOus.length - MAX_ACCOUNTS);
  }

  const failuresOf = new Map<string, SweepFailure[]>();
  for (const f of partial.failures) (failuresOf.get(f.account) ?? failuresOf.set(f.account, []).get(f.account)!).push(f);
  const unreadable: UnreadableAccount[] = [...failuresOf.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([account, list]) => {
      const reasons = [...new Set(list.map((f) => `${f.operation ? `${f.operation}: ` : ''}${f.code}: ${f.message}`))];
      const reason = reasons.join('; ');
      return {
        account,
        regions: [...new Set(list.map((f) => f.region))].sort(),
        reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason,
      };
    });
  const total = new Set([...accounts, ...partial.accounts]).size;
  digest.accounts = { total, read: total - unreadable.length, unreadable: unreadable.slice(0, MAX_FAILURES) };
  // Every account the sweep was to read, those it found nothing in included.
  digest.counts.accounts = total;
  truncated.unreadableAccounts = Math.max(0, unreadable.length - MAX_FAILURES);
  return truncated;
}
