/** The report's view of a sweep: every resource with what the page shows about it, computed once; dates in words. */
import type { JudgedResource } from '../../admission/types.js';
import { factsOf } from '../../core/identity.js';
import { severityRank, worstSeverity, type Finding, type Severity } from '../../core/types.js';
import type { SweptResource } from '../../sweep/types.js';
import { consoleUrl } from '../console.js';
import { html, type Markup } from './markup.js';

export interface Item {
  swept: SweptResource;
  /** Anchor id of the resource's card. */
  id: string;
  judged: JudgedResource;
  cluster?: string;
  owner: string;
  url: string;
  findings: Finding[];
  /** Findings that count: not suspended by an exception. */
  counted: Finding[];
  worst?: Severity;
  score: number;
}

export const WEIGHT: Record<Severity, number> = { critical: 1000, high: 100, medium: 10, low: 1 };

export const bySeverity = (findings: readonly Finding[]): Record<Severity, number> => {
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
};

export function itemOf(swept: SweptResource): Omit<Item, 'id'> {
  const { resource, findings } = swept.result;
  let judged = swept.plan?.resource;
  if (!judged) {
    const facts = factsOf(resource);
    judged = { kind: resource.kind, arn: resource.origin.source, name: resource.name, tags: facts.tags, owner: '' };
    if (facts.cluster) judged.cluster = facts.cluster;
    if (facts.family) judged.family = facts.family;
    if (facts.service) judged.service = facts.service;
  }
  const counted = findings.filter((f) => !f.exception);
  const item: Omit<Item, 'id'> = {
    swept,
    judged,
    owner: judged.owner || 'unknown',
    url: consoleUrl(judged, swept.region),
    findings: [...findings].sort(
      (a, b) => Number(!!a.exception) - Number(!!b.exception) || severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId),
    ),
    counted,
    score: counted.reduce((sum, f) => sum + WEIGHT[f.severity], 0),
  };
  const worst = worstSeverity(counted.map((f) => f.severity));
  if (worst) item.worst = worst;
  if (judged.cluster) item.cluster = judged.cluster;
  return item;
}

const VERDICT_RANK = { deny: 2, flag: 1, pass: 0 } as const;

/** Worst first: denied before flagged, then by the worst severity, then by weight, then by place and name. */
export const worseFirst = (a: Omit<Item, 'id'>, b: Omit<Item, 'id'>): number =>
  VERDICT_RANK[b.swept.plan?.verdict ?? 'pass'] - VERDICT_RANK[a.swept.plan?.verdict ?? 'pass'] ||
  b.score - a.score ||
  b.counted.length - a.counted.length ||
  a.swept.account.localeCompare(b.swept.account) ||
  a.swept.region.localeCompare(b.swept.region) ||
  a.judged.kind.localeCompare(b.judged.kind) ||
  a.judged.name.localeCompare(b.judged.name);

export const SEVERITY_TITLE: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** `2026-11-23 06:00:04 UTC`; the text as given when it is not a date. */
export function when(iso: string): { day: string; time: string } | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const text = date.toISOString();
  return { day: text.slice(0, 10), time: text.slice(11, 19) };
}

export function period(startedAt: string, finishedAt: string): Markup {
  const start = when(startedAt);
  const end = when(finishedAt);
  if (!start || !end) return html`${startedAt} – ${finishedAt}`;
  const seconds = Math.max(0, Math.round((new Date(finishedAt).getTime() - new Date(startedAt).getTime()) / 1000));
  const took =
    seconds < 60
      ? `${seconds} s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min ${seconds % 60} s`
        : `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  const endText = end.day === start.day ? end.time : `${end.day} ${end.time}`;
  return html`<time datetime="${startedAt}">${start.day} ${start.time}</time> – <time datetime="${finishedAt}">${endText}</time> UTC <span class="muted">(${took})</span>`;
}
