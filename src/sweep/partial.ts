/**
 * A sweep's report reduced to what its digest needs: its violations (one line each: resource ARN,
 * rule, severity, owner, where), its counts, its worst offenders and its failures — not the
 * resources themselves. Partials of different accounts or Regions merge into the partial of all of
 * them, and the digest of the merge is the digest of one sweep over everything (src/sweep/digest.ts
 * builds every digest from a partial).
 *
 * What this is for: an organization sweep keeps one partial per account-region in memory instead
 * of every resource it read, and a sweep fanned out over Step Functions (one invocation per
 * account) hands each account's partial to the step that merges them.
 *
 * Pure: no SDK, no clock; serializes to JSON.
 */
import { SEVERITIES, severityRank, worstSeverity, type ResourceKind, type Severity } from '../core/types.js';
import type { JudgedResource } from '../admission/types.js';
import type { ActionOutcome } from '../admission/types.js';
import type { SweepCounts, SweepFailure, SweepReport, SweptResource } from './types.js';

/** One rule broken by one resource (findings suspended by an exception do not count). */
export type SeverityCounts = { total: number } & Record<Severity, number>;

/** A resource with violations, and what enforcement would do about it. */
export interface Offender {
  kind: ResourceKind;
  name: string;
  arn: string;
  account: string;
  region: string;
  owner: string;
  verdict: 'deny' | 'flag';
  severity: Severity;
  /** Rules broken (not excepted), worst first. */
  rules: string[];
  findings: number;
  /** What enforcement would do (every outcome `would`). */
  outcomes: ActionOutcome[];
  notes: string[];
  /** The resource as judged, for links to it. */
  resource: JudgedResource;
}

export interface PartialViolation {
  arn: string;
  ruleId: string;
  /** The worst severity among the resource's findings of this rule. */
  severity: Severity;
  account: string;
  region: string;
  kind: ResourceKind;
  name: string;
  owner: string;
}

export interface SweepPartial {
  version: 1;
  startedAt: string;
  finishedAt: string;
  policies: string[];
  /** The accounts and the Regions swept (read or not), sorted. */
  accounts: string[];
  regions: string[];
  counts: SweepCounts;
  resources: { total: number; violating: number; errored: number };
  findings: SeverityCounts & { excepted: number };
  /** In the report's order (account, Region, kind, name), each (resource, rule) once. */
  violations: PartialViolation[];
  /** Each rule's remediation, as its first violation in that order gives it. */
  remediations: Record<string, string>;
  /** The worst offenders (at most MAX_OFFENDERS), worst first: the merge keeps the worst of all. */
  offenders: Offender[];
  failures: SweepFailure[];
  /** Accounts' organizational units, nearest first, where they were looked up. */
  organizationalUnits?: Record<string, string[]>;
}

/** Resources listed among the worst offenders of a digest. */
export const MAX_OFFENDERS = 10;

const emptyCounts = (): SeverityCounts => ({ total: 0, critical: 0, high: 0, medium: 0, low: 0 });
const addTo = (counts: SeverityCounts, severity: Severity, n = 1): void => {
  counts.total += n;
  counts[severity] += n;
};

const owned = (swept: SweptResource): string => swept.plan?.resource.owner ?? 'unknown';

/** Worst severity first, then most rules broken, then most findings; then by name and ARN: a total order. */
export const offenderOrder = (a: Offender, b: Offender): number =>
  severityRank(b.severity) - severityRank(a.severity) ||
  b.rules.length - a.rules.length ||
  b.findings - a.findings ||
  a.name.localeCompare(b.name) ||
  a.arn.localeCompare(b.arn);

export interface PartialScope {
  /** The accounts and Regions the sweep was asked to read: one where nothing was found still counts. */
  accounts?: readonly string[];
  regions?: readonly string[];
  organizationalUnits?: Record<string, readonly string[]>;
}

/** The partial of a sweep's report. */
export function partialOf(report: SweepReport, scope: PartialScope = {}): SweepPartial {
  const { organizationalUnits } = scope;
  const violations = new Map<string, PartialViolation>();
  const remediations: Record<string, string> = {};
  const findings = { ...emptyCounts(), excepted: 0 };
  for (const swept of report.resources) {
    const arn = swept.result.resource.origin.source;
    for (const finding of swept.result.findings) {
      if (finding.exception) {
        findings.excepted++;
        continue;
      }
      addTo(findings, finding.severity);
      const key = `${arn}#${finding.ruleId}`;
      const seen = violations.get(key);
      if (seen) {
        if (severityRank(finding.severity) > severityRank(seen.severity)) seen.severity = finding.severity;
        continue;
      }
      violations.set(key, {
        arn,
        ruleId: finding.ruleId,
        severity: finding.severity,
        account: swept.account,
        region: swept.region,
        kind: swept.result.resource.kind,
        name: swept.result.resource.name,
        owner: owned(swept),
      });
      if (!(finding.ruleId in remediations)) remediations[finding.ruleId] = finding.remediation.trim();
    }
  }
  const partial: SweepPartial = {
    version: 1,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    policies: [...report.policies],
    accounts: [...new Set([...(scope.accounts ?? []), ...report.resources.map((r) => r.account), ...report.failures.map((f) => f.account)])].sort(),
    regions: [...new Set([...(scope.regions ?? []), ...report.resources.map((r) => r.region), ...report.failures.map((f) => f.region)])].sort(),
    counts: { ...report.counts },
    resources: {
      total: report.resources.length,
      violating: report.resources.filter((r) => r.result.findings.some((f) => !f.exception)).length,
      errored: report.resources.filter((r) => r.result.status === 'error').length,
    },
    findings,
    violations: [...violations.values()],
    remediations,
    offenders: worstOffenders(report.resources),
    failures: report.failures.map((f) => ({ ...f })),
  };
  if (organizationalUnits && Object.keys(organizationalUnits).length > 0)
    partial.organizationalUnits = Object.fromEntries(Object.entries(organizationalUnits).map(([a, ous]) => [a, [...ous]]));
  return partial;
}

/**
 * The partial of all of them: as if one sweep had read everything they read. Give them in the
 * order of their accounts and Regions (as one sweep reports its resources): each rule's
 * remediation is the first one met.
 */
export function mergePartials(partials: readonly SweepPartial[]): SweepPartial {
  if (partials.length === 0) throw new Error('no partial sweep report to merge');
  const first = partials[0]!;
  if (partials.length === 1) return first;
  const accounts = [...new Set(partials.flatMap((p) => p.accounts))].sort();
  const regions = [...new Set(partials.flatMap((p) => p.regions))].sort();
  const counts: SweepCounts = { accounts: accounts.length, regions: regions.length, clusters: 0, services: 0, taskSets: 0, tasks: 0, taskDefinitions: 0 };
  const resources = { total: 0, violating: 0, errored: 0 };
  const findings = { ...emptyCounts(), excepted: 0 };
  const remediations: Record<string, string> = {};
  const organizationalUnits: Record<string, string[]> = {};
  for (const p of partials) {
    for (const k of ['clusters', 'services', 'taskSets', 'tasks', 'taskDefinitions'] as const) counts[k] += p.counts[k];
    for (const k of ['total', 'violating', 'errored'] as const) resources[k] += p.resources[k];
    findings.excepted += p.findings.excepted;
    for (const s of SEVERITIES) addTo(findings, s, p.findings[s]);
    for (const [rule, text] of Object.entries(p.remediations)) if (!(rule in remediations)) remediations[rule] = text;
    Object.assign(organizationalUnits, p.organizationalUnits);
  }
  const merged: SweepPartial = {
    version: 1,
    startedAt: partials.map((p) => p.startedAt).sort()[0]!,
    finishedAt: partials
      .map((p) => p.finishedAt)
      .sort()
      .at(-1)!,
    policies: [...first.policies],
    accounts,
    regions,
    counts,
    resources,
    findings,
    violations: partials.flatMap((p) => p.violations),
    remediations,
    offenders: partials
      .flatMap((p) => p.offenders)
      .sort(offenderOrder)
      .slice(0, MAX_OFFENDERS),
    failures: partials.flatMap((p) => p.failures).sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region)),
  };
  if (Object.keys(organizationalUnits).length > 0) merged.organizationalUnits = organizationalUnits;
  return merged;
}

/** Resources with violations, worst first (see offenderOrder), at most MAX_OFFENDERS. */
function worstOffenders(resources: readonly SweptResource[]): Offender[] {
  const offenders: Offender[] = [];
  for (const swept of resources) {
    const counted = swept.result.findings.filter((f) => !f.exception);
    const severity = worstSeverity(counted.map((f) => f.severity));
    if (!severity) continue;
    const resource = swept.result.resource;
    const worstOfRule = new Map<string, Severity>();
    for (const f of counted) {
      const seen = worstOfRule.get(f.ruleId);
      if (!seen || severityRank(f.severity) > severityRank(seen)) worstOfRule.set(f.ruleId, f.severity);
    }
    const rules = [...worstOfRule.entries()].sort(([ra, a], [rb, b]) => severityRank(b) - severityRank(a) || ra.localeCompare(rb)).map(([r]) => r);
    const judged: JudgedResource = swept.plan?.resource ?? {
      kind: resource.kind,
      arn: resource.origin.source,
      name: resource.name,
      tags: {},
      owner: 'unknown',
    };
    offenders.push({
      kind: resource.kind,
      name: resource.name,
      arn: resource.origin.source,
      account: swept.account,
      region: swept.region,
      owner: judged.owner,
      verdict: counted.some((f) => f.action === 'deny') ? 'deny' : 'flag',
      severity,
      rules,
      findings: counted.length,
      outcomes: [...(swept.plan?.outcomes ?? [])],
      notes: [...(swept.plan?.notes ?? [])],
      resource: judged,
    });
  }
  offenders.sort(offenderOrder);
  return offenders.slice(0, MAX_OFFENDERS);
}
