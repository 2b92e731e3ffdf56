/**
 * The scheduled sweep's digest: one SNS message per sweep that says how things stand — violations
 * by severity, owner and rule, the worst offenders and what enforcement would do about them, what
 * could not be read — and what changed since the previous sweep, known from a small state the
 * Lambda keeps between runs (the set of violations it saw).
 *
 * A violation is one rule broken by one resource (findings suspended by an exception do not count);
 * a rule that fails twice in one resource (two privileged containers) is one violation, two
 * findings. Changes are counted in violations, keyed by resource ARN and rule id.
 *
 * Pure: no SDK, no clock; the Lambda publishes what this returns and stores the state.
 */
import * as z from '../zod.js';
import { actionSummary, ALERT_SCHEMA_VERSION, CHATBOT_LIMITS, consoleUrl, MAX_MESSAGE_BYTES, MAX_SUBJECT_LENGTH, toAsciiLine, type AlertFormat, type ChatbotNotification } from '../admission/alert.js';
import { KIND_NAMES, SEVERITIES, severityRank, worstSeverity, type ResourceKind, type Severity } from '../core/types.js';
import type { SweepCounts, SweepFailure, SweepReport, SweptResource } from './types.js';

// ---------------------------------------------------------------------------------------------------------------------
// Types

/** Where the sweep looked: the previous state is compared only where both sweeps looked. */
export interface DigestScope {
  account: string;
  regions: readonly string[];
}

export type SeverityCounts = { total: number } & Record<Severity, number>;

export interface DigestOffender {
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
  /** What enforcement would do, one sentence per action. */
  enforcement: string[];
  notes: string[];
  consoleUrl: string;
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

/** The `json` format of a digest: what a subscriber parses. */
export interface SweepDigest {
  version: typeof ALERT_SCHEMA_VERSION;
  kind: 'ecs-admission.sweep';
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
  worstOffenders: DigestOffender[];
  /** `null` when there is no previous sweep to compare with. */
  changes: DigestChanges | null;
  failures: SweepFailure[];
  /** `account/region` that could not be read, wholly or in part (a cluster): not compared, not counted. */
  unreadable: string[];
  /** How many entries each list left off to fit in one SNS message. */
  truncated?: { byOwner?: number; newViolations?: number; resolved?: number; failures?: number };
}

/**
 * What the next sweep compares with. Small by design: it lives in one DynamoDB item (400 KB at
 * most), so it keeps at most MAX_STATE_KEYS keys and MAX_STATE_BYTES bytes of them — the first in
 * sorted order; `truncatedAfter` is the last kept, and keys sorting after it are not compared.
 */
export interface DigestState {
  version: 1;
  finishedAt: string;
  /** `account/region` read without failure. */
  scope: string[];
  /** `arn#ruleId`, sorted. */
  keys: string[];
  truncatedAfter?: string;
}

/** An SNS message: like an alert's, with Number attributes for subscription filter policies (`numeric`). */
export interface DigestMessage {
  subject: string;
  message: string;
  attributes: Record<string, { DataType: 'String' | 'String.Array' | 'Number'; StringValue: string }>;
}

/** The `chatbot` format, as alerts use it, for the sweep's digest. */
export type DigestChatbotNotification = ChatbotNotification<'ecs-admission.sweep'>;

export const MAX_OFFENDERS = 10;
export const MAX_CHANGES = 50;
export const MAX_OWNERS = 50;
export const MAX_FAILURES = 50;
/** Keys kept in the state: about 130 bytes each (ARN, `#`, rule id), so 5,000 keys are about 650 KB raw... */
export const MAX_STATE_KEYS = 5000;
/** ...and the byte cap keeps the item under DynamoDB's 400 KB whatever the names' lengths. */
export const MAX_STATE_BYTES = 300_000;

// ---------------------------------------------------------------------------------------------------------------------
// Entry point

export interface DigestOptions extends DigestScope {
  format: AlertFormat;
}

export interface BuiltDigest {
  digest: SweepDigest;
  message: DigestMessage;
  state: DigestState;
}

/** The digest of a sweep in the given format, and the state the next sweep compares with. */
export function buildDigest(report: SweepReport, options: DigestOptions, previous?: DigestState): BuiltDigest {
  const scope = { account: options.account, regions: [...options.regions] };
  const { digest, state } = digestOf(report, scope, previous);
  return { digest, state, message: digestMessage(digest, options.format) };
}

/** The SNS message of a digest: subject, body in the format, attributes. */
export function digestMessage(digest: SweepDigest, format: AlertFormat): DigestMessage {
  return { subject: digestSubject(digest), message: format === 'chatbot' ? JSON.stringify(chatbotDigest(digest)) : jsonMessage(digest), attributes: digestAttributes(digest) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Counting

interface Violation {
  key: string;
  arn: string;
  ruleId: string;
  severity: Severity;
  swept: SweptResource;
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

/** `account/region` of an ECS ARN, from the key (the ARN is everything before the last `#`). */
function targetOfKey(key: string): { account: string; region: string; arn: string; ruleId: string } {
  const cut = key.lastIndexOf('#');
  const arn = key.slice(0, cut);
  const parts = arn.split(':');
  return { arn, ruleId: key.slice(cut + 1), region: parts[3] ?? '', account: parts[4] ?? '' };
}

const owned = (swept: SweptResource): string => swept.plan?.resource.owner ?? 'unknown';

function violationsOf(resources: readonly SweptResource[]): Violation[] {
  const found = new Map<string, Violation>();
  for (const swept of resources) {
    const arn = swept.result.resource.origin.source;
    for (const finding of swept.result.findings) {
      if (finding.exception) continue;
      const key = violationKey(arn, finding.ruleId);
      const seen = found.get(key);
      if (!seen) found.set(key, { key, arn, ruleId: finding.ruleId, severity: finding.severity, swept });
      else if (severityRank(finding.severity) > severityRank(seen.severity)) seen.severity = finding.severity;
    }
  }
  return [...found.values()];
}

function digestOf(report: SweepReport, scope: DigestScope, previous: DigestState | undefined): { digest: SweepDigest; state: DigestState } {
  const violations = violationsOf(report.resources);
  const totals = emptyCounts();
  const byOwner = new Map<string, SeverityCounts>();
  const byRule = new Map<string, SeverityCounts>();
  const remediations = new Map<string, string>();
  for (const v of violations) {
    add(totals, v.severity);
    const owner = owned(v.swept);
    add(byOwner.get(owner) ?? byOwner.set(owner, emptyCounts()).get(owner)!, v.severity);
    add(byRule.get(v.ruleId) ?? byRule.set(v.ruleId, emptyCounts()).get(v.ruleId)!, v.severity);
    if (!remediations.has(v.ruleId)) remediations.set(v.ruleId, v.swept.result.findings.find((f) => f.ruleId === v.ruleId)?.remediation.trim() ?? '');
  }
  const findings = { ...emptyCounts(), excepted: 0 };
  for (const r of report.resources) {
    for (const f of r.result.findings) {
      if (f.exception) findings.excepted++;
      else add(findings, f.severity);
    }
  }
  const worstFirst = (map: Map<string, SeverityCounts>): [string, SeverityCounts][] => [...map.entries()].sort(([ka, a], [kb, b]) => byWorst(a, b) || ka.localeCompare(kb));
  const owners = worstFirst(byOwner);
  const rules = worstFirst(byRule).map(([rule, counts]): [string, SeverityCounts & { remediation: string }] => [rule, { ...counts, remediation: remediations.get(rule) ?? '' }]);

  // Compared only where both sweeps read without failure: a region that failed now (or then) would
  // otherwise show all its violations as resolved (or new).
  const failed = new Set(report.failures.map((f) => `${f.account}/${f.region}`));
  const readNow = new Set(scope.regions.map((r) => `${scope.account}/${r}`).filter((t) => !failed.has(t)));
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
      account: v.swept.account,
      region: v.swept.region,
      kind: v.swept.result.resource.kind,
      name: v.swept.result.resource.name,
      owner: owned(v.swept),
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

  const digest: SweepDigest = {
    version: ALERT_SCHEMA_VERSION,
    kind: 'ecs-admission.sweep',
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    account: scope.account,
    regions: [...scope.regions],
    counts: { ...report.counts },
    policies: [...report.policies],
    resources: {
      total: report.resources.length,
      violating: report.resources.filter((r) => r.result.findings.some((f) => !f.exception)).length,
      errored: report.resources.filter((r) => r.result.status === 'error').length,
    },
    violations: totals,
    findings,
    byOwner: Object.fromEntries(owners.slice(0, MAX_OWNERS)),
    byRule: Object.fromEntries(rules),
    worstOffenders: worstOffenders(report.resources),
    changes,
    failures: report.failures.slice(0, MAX_FAILURES).map((f) => ({ ...f })),
    unreadable: [...failed].sort(),
  };
  const truncated = { byOwner: Math.max(0, owners.length - MAX_OWNERS), newViolations: Math.max(0, (changes?.newCount ?? 0) - MAX_CHANGES), resolved: Math.max(0, (changes?.resolvedCount ?? 0) - MAX_CHANGES), failures: Math.max(0, report.failures.length - MAX_FAILURES) };
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
  const state = stateOf(report.finishedAt, [...new Set([...readNow, ...scopeThen])].sort(), [...new Set([...current.keys(), ...carried])], cut);
  return { digest, state };
}

/** Resources with violations, worst severity first, then most rules broken, then most findings. */
function worstOffenders(resources: readonly SweptResource[]): DigestOffender[] {
  const offenders: DigestOffender[] = [];
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
    const judged = swept.plan?.resource ?? { kind: resource.kind, arn: resource.origin.source, name: resource.name, tags: {}, owner: 'unknown' };
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
      enforcement: (swept.plan?.outcomes ?? []).map(actionSummary),
      notes: [...(swept.plan?.notes ?? [])],
      consoleUrl: consoleUrl(judged, swept.region),
    });
  }
  offenders.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.rules.length - a.rules.length || b.findings - a.findings || a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn));
  return offenders.slice(0, MAX_OFFENDERS);
}

// ---------------------------------------------------------------------------------------------------------------------
// State

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/** The first keys in sorted order that fit; `cut`: keys after it are unknown already. */
function stateOf(finishedAt: string, scope: string[], keys: string[], cut?: string): DigestState {
  const sorted = [...keys].sort().filter((k) => cut === undefined || k <= cut);
  const kept: string[] = [];
  let bytes = 0;
  for (const key of sorted) {
    // A key costs its bytes, two quotes and a comma in the JSON.
    const cost = byteLength(key) + 3;
    if (kept.length >= MAX_STATE_KEYS || bytes + cost > MAX_STATE_BYTES) break;
    kept.push(key);
    bytes += cost;
  }
  const state: DigestState = { version: 1, finishedAt, scope, keys: kept };
  if (kept.length < sorted.length) state.truncatedAfter = kept.at(-1) ?? '';
  else if (cut !== undefined) state.truncatedAfter = cut;
  return state;
}

const StateSchema = z.object({
  version: z.literal(1),
  finishedAt: z.string(),
  scope: z.array(z.string()),
  keys: z.array(z.string()),
  truncatedAfter: z.optional(z.string()),
});

/** A stored state, or undefined when it is not one this version understands (then the digest has no changes). */
export function parseDigestState(value: unknown): DigestState | undefined {
  const parsed = StateSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { truncatedAfter, ...rest } = parsed.data;
  return truncatedAfter === undefined ? { ...rest, version: 1 } : { ...rest, version: 1, truncatedAfter };
}

// ---------------------------------------------------------------------------------------------------------------------
// Subject

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `12 violations (3 critical, 4 high) in 1 account, 2 regions - 2 new, 1 resolved - 1 region unreadable`, no tag;
 * `compact` leaves out where, for subjects that would be too long otherwise.
 */
function headline(digest: SweepDigest, compact = false): string {
  const v = digest.violations;
  const worst = (['critical', 'high'] as const).filter((s) => v[s] > 0).map((s) => `${v[s]} ${s}`);
  const what = v.total === 0 ? 'no violations' : `${plural(v.total, 'violation')}${worst.length ? ` (${worst.join(', ')})` : ''}`;
  const parts = [compact ? what : `${what} in ${plural(digest.counts.accounts, 'account')}, ${plural(digest.counts.regions, 'region')}`];
  if (digest.changes) {
    const { newCount, resolvedCount } = digest.changes;
    parts.push(newCount === 0 && resolvedCount === 0 ? 'no change' : [newCount > 0 && `${newCount} new`, resolvedCount > 0 && `${resolvedCount} resolved`].filter(Boolean).join(', '));
  }
  const unreadable = digest.unreadable.length;
  if (unreadable > 0) parts.push(compact ? `${unreadable} unreadable` : `${plural(unreadable, 'region')} unreadable`);
  return parts.join(' - ');
}

/** ASCII, one line, at most MAX_SUBJECT_LENGTH: SNS refuses anything else, and the digest would be lost. */
export function digestSubject(digest: SweepDigest): string {
  const full = toAsciiLine(`[SWEEP] ${headline(digest)}`);
  if (full.length <= MAX_SUBJECT_LENGTH) return full;
  const compact = toAsciiLine(`[SWEEP] ${headline(digest, true)}`);
  return compact.length <= MAX_SUBJECT_LENGTH ? compact : `${compact.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

// ---------------------------------------------------------------------------------------------------------------------
// JSON document

/** The document as JSON; when it would not fit in SNS (very long names), the lists get shorter. */
function jsonMessage(digest: SweepDigest): string {
  const full = JSON.stringify(digest);
  if (byteLength(full) <= MAX_MESSAGE_BYTES) return full;
  for (const keep of [10, 3, 0]) {
    const changes = digest.changes && { ...digest.changes, newViolations: digest.changes.newViolations.slice(0, keep), resolved: digest.changes.resolved.slice(0, keep) };
    const owners = Object.entries(digest.byOwner);
    const truncated = {
      ...digest.truncated,
      byOwner: (digest.truncated?.byOwner ?? 0) + Math.max(0, owners.length - keep),
      newViolations: Math.max(0, (digest.changes?.newCount ?? 0) - keep),
      resolved: Math.max(0, (digest.changes?.resolvedCount ?? 0) - keep),
      failures: (digest.truncated?.failures ?? 0) + Math.max(0, digest.failures.length - keep),
    };
    const smaller: SweepDigest = {
      ...digest,
      byOwner: Object.fromEntries(owners.slice(0, keep)),
      changes,
      failures: digest.failures.slice(0, keep),
      worstOffenders: digest.worstOffenders.slice(0, Math.max(keep, 1)),
      truncated,
    };
    const text = JSON.stringify(smaller);
    if (byteLength(text) <= MAX_MESSAGE_BYTES || keep === 0) return text;
  }
  return full; // not reached
}

// ---------------------------------------------------------------------------------------------------------------------
// Chatbot custom notification

/** Slack mrkdwn treats `&`, `<` and `>` as control characters; names must not form links or mentions. */
const mrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const link = (url: string, label: string): string => `<${url}|${mrkdwn(label).replace(/\|/g, '/')}>`;

/** Cuts `text` to `max` UTF-16 units ending in `...`, never splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 3));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}...`;
}

const MAX_LINE = 500;
const MAX_NAME = 120;
/** A console link longer than this (very long names, percent-encoded) is left out; the name stays. */
const MAX_URL = 1000;
const EMOJI: Record<Severity | 'none', string> = { critical: ':rotating_light:', high: ':warning:', medium: ':large_yellow_circle:', low: ':information_source:', none: ':white_check_mark:' };

function severityLine(counts: SeverityCounts): string {
  return SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(' · ');
}

const shortName = (change: DigestChange): string => change.name ?? change.arn.slice(change.arn.indexOf('/') + 1);

/** Sections of lines; whole lines are kept while they fit, and each section says how many it left off. */
function description(digest: SweepDigest): string {
  const c = digest.counts;
  const v = digest.violations;
  const head = [
    `*ECS admission sweep* of account ${code(digest.account)} in ${digest.regions.map(code).join(', ')}`,
    `Read ${plural(c.clusters, 'cluster')}, ${plural(c.services, 'service')}, ${plural(c.taskSets, 'task set')}, ${plural(c.tasks, 'standalone task')}, ${plural(c.taskDefinitions, 'task definition revision')}. _Audit: nothing was changed._`,
    v.total === 0 ? '*No violations.*' : `*${plural(v.total, 'violation')}* (${severityLine(v)}) in ${plural(digest.resources.violating, 'resource')}`,
  ];
  /** `bounded`: lines built short already (they hold links, which must not be cut). */
  const sections: { title: string; lines: string[]; more: number; bounded?: boolean }[] = [];
  if (digest.changes) {
    const ch = digest.changes;
    const since = `since ${mrkdwn(ch.since)}`;
    if (ch.newCount === 0 && ch.resolvedCount === 0) head.push(`No change ${since}.`);
    else head.push(`*${ch.newCount} new, ${ch.resolvedCount} resolved* ${since}.`);
    if (ch.newCount > 0) {
      sections.push({
        title: '*New since the last sweep:*',
        lines: ch.newViolations.map((n) => `• *${mrkdwn(n.ruleId)}* (${n.severity ?? 'unknown'}) on ${mrkdwn(shortName(n))} (${n.kind ? KIND_NAMES[n.kind] : 'resource'}, ${mrkdwn(n.region)}, owner ${mrkdwn(n.owner ?? 'unknown')})`),
        more: ch.newCount - ch.newViolations.length,
      });
    }
    if (ch.resolvedCount > 0) {
      sections.push({ title: '*Resolved:*', lines: ch.resolved.map((r) => `• ${mrkdwn(r.ruleId)} on ${mrkdwn(shortName(r))} (${mrkdwn(r.region)})`), more: ch.resolvedCount - ch.resolved.length });
    }
  }
  if (digest.worstOffenders.length > 0) {
    sections.push({
      title: '*Worst offenders:*',
      lines: digest.worstOffenders.map((o) => {
        const would = o.enforcement.filter((e) => !e.startsWith('Would tag'));
        const rules = `${o.rules[0] ?? ''}${o.rules.length > 1 ? ` +${o.rules.length - 1}` : ''}`;
        // Only the text after the link is shortened: a cut link would leave a `<` open.
        const name = truncate(o.name, MAX_NAME);
        const what = o.consoleUrl.length <= MAX_URL ? link(o.consoleUrl, name) : mrkdwn(name);
        const where = o.account === digest.account ? o.region : `${o.account}/${o.region}`;
        return `• ${EMOJI[o.severity]} ${what}${mrkdwn(truncate(` (${KIND_NAMES[o.kind]}, ${where}, owner ${o.owner}): ${o.severity}, ${rules}${would.length ? ` — ${would.join('; ')}` : ''}`, MAX_LINE))}`;
      }),
      more: Math.max(0, digest.resources.violating - digest.worstOffenders.length),
      bounded: true,
    });
  }
  const owners = Object.entries(digest.byOwner);
  if (owners.length > 0) {
    const shown = owners.slice(0, 5);
    sections.push({ title: '*By owner:*', lines: shown.map(([owner, n]) => `• ${mrkdwn(owner)}: ${n.total} (${severityLine(n)})`), more: owners.length - shown.length + (digest.truncated?.byOwner ?? 0) });
  }
  if (digest.failures.length > 0) {
    sections.push({
      title: '*Could not be read* (not counted above):',
      lines: digest.failures.map((f) => `• ${mrkdwn(`${f.account}/${f.region}`)}: ${mrkdwn(`${f.operation ? `${f.operation}: ` : ''}${f.code}: ${f.message}`)}`),
      more: digest.truncated?.failures ?? 0,
    });
  }

  const max = CHATBOT_LIMITS.description;
  let text = head.map((l) => truncate(l, MAX_LINE)).join('\n');
  for (const section of sections) {
    const title = `\n\n${section.title}`;
    if (text.length + title.length + 60 > max) break;
    text += title;
    const lines = section.lines.map((l) => (section.bounded ? l : truncate(l, MAX_LINE)));
    for (const [i, line] of lines.entries()) {
      // Room for this line and for the one that says how many were left off.
      if (text.length + 1 + line.length + 40 > max) {
        const left = lines.length - i + section.more;
        text += `\n_...and ${left} more_`;
        break;
      }
      text += `\n${line}`;
      if (i === lines.length - 1 && section.more > 0) text += `\n_...and ${section.more} more_`;
    }
  }
  return truncate(text, max);
}

function chatbotDigest(digest: SweepDigest): DigestChatbotNotification {
  const worst = SEVERITIES.find((s) => digest.violations[s] > 0) ?? 'none';
  const subject = digestSubject(digest);
  // What to fix first: the worst rules, each with its remediation.
  const nextSteps = Object.entries(digest.byRule)
    .slice(0, CHATBOT_LIMITS.nextSteps)
    .map(([rule, n]) => truncate(`${mrkdwn(rule)} (${plural(n.total, 'violation')}): ${mrkdwn(n.remediation)}`, CHATBOT_LIMITS.nextStep));
  const keywords = [...new Set(['sweep', ...SEVERITIES.filter((s) => digest.violations[s] > 0), ...(digest.changes && digest.changes.newCount > 0 ? ['new violations'] : []), ...(digest.failures.length > 0 ? ['unreadable regions'] : [])])]
    .map((k) => truncate(k, CHATBOT_LIMITS.keyword))
    .slice(0, CHATBOT_LIMITS.keywords);
  const additionalContext: Record<string, string> = {
    account: digest.account,
    regions: digest.regions.join(','),
    violations: String(digest.violations.total),
    finishedAt: digest.finishedAt,
  };
  if (worst !== 'none') additionalContext.severity = worst;
  if (digest.changes) additionalContext.newViolations = String(digest.changes.newCount);
  return {
    version: '1.0',
    source: 'custom',
    id: `sweep-${digest.account}-${digest.finishedAt}`,
    content: {
      textType: 'client-markdown',
      title: truncate(`${EMOJI[worst]} ECS sweep: ${headline(digest)}`, CHATBOT_LIMITS.title),
      description: description(digest),
      nextSteps,
      keywords,
    },
    metadata: {
      // One thread per account: each day's digest follows the previous one.
      threadId: `ecs-admission/sweep/${digest.account}`,
      summary: subject,
      eventType: 'ecs-admission.sweep',
      relatedResources: digest.worstOffenders.map((o) => o.arn),
      additionalContext,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Message attributes

/**
 * For subscription filter policies (SNS allows 10): `kind` tells digests from decisions (which have
 * no `kind`), `violations`, `newViolations` and `failures` are Numbers (`numeric` filters).
 * `newViolations` and `resolved` are left out when there is nothing to compare with.
 */
function digestAttributes(digest: SweepDigest): DigestMessage['attributes'] {
  const out: DigestMessage['attributes'] = {};
  const str = (name: string, value: string | undefined): void => {
    if (value?.trim()) out[name] = { DataType: 'String', StringValue: value };
  };
  const num = (name: string, value: number): void => {
    out[name] = { DataType: 'Number', StringValue: String(value) };
  };
  str('kind', 'sweep');
  str('severity', SEVERITIES.find((s) => digest.violations[s] > 0));
  str('account', digest.account);
  if (digest.regions.length) out.regions = { DataType: 'String.Array', StringValue: JSON.stringify(digest.regions) };
  num('violations', digest.violations.total);
  if (digest.changes) {
    num('newViolations', digest.changes.newCount);
    num('resolved', digest.changes.resolvedCount);
  }
  num('failures', digest.failures.length + (digest.truncated?.failures ?? 0));
  const rules = Object.keys(digest.byRule);
  if (rules.length) out.rules = { DataType: 'String.Array', StringValue: JSON.stringify(rules) };
  return out;
}
