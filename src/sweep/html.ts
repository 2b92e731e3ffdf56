/**
 * The sweep report as one self-contained HTML page: inline CSS, inline SVG charts, one small inline
 * script (filters), nothing fetched. For the platform and security teams deciding whether to turn
 * enforcement on: what would be denied, where, whose, and what enforcement would do about it.
 *
 * Pure and deterministic: the same report gives the same bytes (no clock, no locale). Everything
 * that comes from data is escaped by the `html` template tag; only this file's own markup is raw.
 * A Content-Security-Policy admits the page's own style and script by hash and nothing else, so
 * even markup that slipped through could neither run nor load anything.
 */
import { createHash } from 'node:crypto';
import { actionSummary, consoleUrl } from '../admission/alert.js';
import type { ActionOutcome, JudgedResource, PlannedAction } from '../admission/types.js';
import { KIND_NAMES, SEVERITIES, kindTitle, severityRank, worstSeverity, type Finding, type Severity } from '../core/types.js';
import { factsOf } from '../policy/match.js';
import type { SweepReport, SweptResource } from './types.js';

// ---------------------------------------------------------------------------------------------------------------------
// Escaping: a template tag that escapes every interpolated value unless it is markup built here

class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Markup | string | number | boolean | undefined | null | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and (double- or single-quoted) attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const render = (part: Part): string => {
  if (part instanceof Markup) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === undefined || part === null || part === false || part === true) return '';
  return escapeHtml(String(part));
};

function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Markup(out);
}

// ---------------------------------------------------------------------------------------------------------------------
// The view: every resource with what the page shows about it, computed once

interface Item {
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

const WEIGHT: Record<Severity, number> = { critical: 1000, high: 100, medium: 10, low: 1 };

const bySeverity = (findings: readonly Finding[]): Record<Severity, number> => {
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
};

function itemOf(swept: SweptResource): Omit<Item, 'id'> {
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
    findings: [...findings].sort((a, b) => Number(!!a.exception) - Number(!!b.exception) || severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId)),
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
const worseFirst = (a: Omit<Item, 'id'>, b: Omit<Item, 'id'>): number =>
  VERDICT_RANK[b.swept.plan?.verdict ?? 'pass'] - VERDICT_RANK[a.swept.plan?.verdict ?? 'pass'] ||
  b.score - a.score ||
  b.counted.length - a.counted.length ||
  a.swept.account.localeCompare(b.swept.account) ||
  a.swept.region.localeCompare(b.swept.region) ||
  a.judged.kind.localeCompare(b.judged.kind) ||
  a.judged.name.localeCompare(b.judged.name);

// ---------------------------------------------------------------------------------------------------------------------
// Words

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const SEVERITY_TITLE: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** `2026-11-23 06:00:04 UTC`; the text as given when it is not a date. */
function when(iso: string): { day: string; time: string } | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const text = date.toISOString();
  return { day: text.slice(0, 10), time: text.slice(11, 19) };
}

function period(startedAt: string, finishedAt: string): Markup {
  const start = when(startedAt);
  const end = when(finishedAt);
  if (!start || !end) return html`${startedAt} – ${finishedAt}`;
  const seconds = Math.max(0, Math.round((new Date(finishedAt).getTime() - new Date(startedAt).getTime()) / 1000));
  const took = seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  const endText = end.day === start.day ? end.time : `${end.day} ${end.time}`;
  return html`<time datetime="${startedAt}">${start.day} ${start.time}</time> – <time datetime="${finishedAt}">${endText}</time> UTC <span class="muted">(${took})</span>`;
}

/** Backticks in remediation texts become code, after escaping. */
const withCode = (text: string): Markup => new Markup(escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>'));

// ---------------------------------------------------------------------------------------------------------------------
// Charts: horizontal bars stacked by severity, inline SVG

interface BarRow {
  label: string;
  counts: Record<Severity, number>;
  /** Text after the count (muted). */
  note?: string;
}

const COLORS: Record<Severity, string> = { critical: '#9f1d2d', high: '#d9542b', medium: '#e3a21a', low: '#8c99ad' };

/** Roughly the width of a character of the label font (12px, wide fonts included). */
const CHAR_WIDTH = 7.1;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`);

const breakdown = (counts: Record<Severity, number>): string =>
  SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');

/**
 * Bars stacked by severity. `wide`: the label left of its bar, for desktops and print; `compact`: the label above its
 * bar, for phones, where a wide chart scaled down would make its text unreadable. CSS shows one of the two.
 */
function barSvg(id: string, title: string, rows: readonly BarRow[], width: number, layout: 'wide' | 'compact', labelShare = 0.42): Markup {
  const compact = layout === 'compact';
  const rowHeight = compact ? 40 : 28;
  const top = 4;
  const height = top * 2 + Math.max(1, rows.length) * rowHeight;
  const longest = Math.max(4, ...rows.map((r) => r.label.length));
  const labelWidth = compact ? 0 : Math.min(Math.round(width * labelShare), Math.ceil(longest * CHAR_WIDTH) + 12);
  const maxChars = Math.floor((compact ? width - 4 : labelWidth - 12) / CHAR_WIDTH);
  const tail = Math.max(40, ...rows.map((r) => Math.ceil((String(total(r.counts)).length + (r.note ? r.note.length + 3 : 0)) * CHAR_WIDTH) + 14));
  const area = Math.max(40, width - labelWidth - tail - (compact ? 2 : 0));
  const max = Math.max(1, ...rows.map((r) => total(r.counts)));
  const desc = rows.map((r) => `${r.label}: ${total(r.counts)} (${breakdown(r.counts)})`).join('; ');
  const bars = rows.map((row, i) => {
    const y = top + i * rowHeight;
    const barY = compact ? y + 19 : y + 6;
    const sum = total(row.counts);
    let x = labelWidth + (compact ? 1 : 0);
    const segments = SEVERITIES.filter((s) => row.counts[s] > 0).map((s) => {
      const w = Math.max(2, (row.counts[s] / max) * area);
      const rect = html`<rect x="${x.toFixed(1)}" y="${barY}" width="${w.toFixed(1)}" height="${compact ? 14 : 16}" rx="2" fill="${COLORS[s]}" class="seg seg-${s}"/>`;
      x += w;
      return rect;
    });
    const label = compact
      ? html`<text class="label" x="1" y="${y + 10}" dominant-baseline="middle">${clip(row.label, maxChars)}</text>`
      : html`<text class="label" x="${labelWidth - 10}" y="${y + 14}" text-anchor="end" dominant-baseline="middle">${clip(row.label, maxChars)}</text>`;
    const count = html`<text class="count" x="${(x + 6).toFixed(1)}" y="${barY + (compact ? 7 : 8)}" dominant-baseline="middle">${sum}${row.note ? html`<tspan class="note" dx="6">${row.note}</tspan>` : ''}</text>`;
    return html`<g class="bar" data-label="${row.label}" data-count="${sum}"><title>${row.label}: ${plural(sum, 'finding')} (${breakdown(row.counts)})</title>${label}${segments}${count}</g>`;
  });
  const key = `${id}-${layout}`;
  const axis = compact ? '' : html`<line class="axis" x1="${labelWidth}" x2="${labelWidth}" y1="0" y2="${height}"/>`;
  const empty = rows.length === 0 ? html`<text class="label" x="${labelWidth + 8}" y="${top + 14}" dominant-baseline="middle">No findings</text>` : '';
  return html`<svg class="chart chart-${layout}" data-chart="${id}" role="img" aria-labelledby="${key}-title ${key}-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title id="${key}-title">${title}</title><desc id="${key}-desc">${desc || 'No findings.'}</desc>${axis}${bars}${empty}</svg>`;
}

function barChart(id: string, title: string, rows: readonly BarRow[], width: number, labelShare?: number): Markup {
  return html`${barSvg(id, title, rows, width, 'wide', labelShare)}${barSvg(id, title, rows, 340, 'compact')}`;
}

const total = (counts: Record<Severity, number>): number => counts.critical + counts.high + counts.medium + counts.low;

/** Rows of a chart: counted findings grouped by a key, biggest (then worst) first. */
function group(items: readonly Item[], key: (item: Item, finding: Finding) => string): BarRow[] {
  const rows = new Map<string, BarRow>();
  for (const item of items) {
    for (const f of item.counted) {
      const label = key(item, f);
      let row = rows.get(label);
      if (!row) rows.set(label, (row = { label, counts: { critical: 0, high: 0, medium: 0, low: 0 } }));
      row.counts[f.severity]++;
    }
  }
  const weight = (r: BarRow): number => SEVERITIES.reduce((sum, s) => sum + r.counts[s] * WEIGHT[s], 0);
  return [...rows.values()].sort((a, b) => total(b.counts) - total(a.counts) || weight(b) - weight(a) || a.label.localeCompare(b.label));
}

// ---------------------------------------------------------------------------------------------------------------------
// The page's pieces

const severityBadge = (s: Severity): Markup => html`<span class="sev sev-${s}">${SEVERITY_TITLE[s]}</span>`;

function verdictBadge(verdict: 'deny' | 'flag' | 'pass' | undefined, excepted: boolean): Markup {
  if (verdict === 'deny') return html`<span class="verdict verdict-deny">Would deny</span>`;
  if (verdict === 'flag') return html`<span class="verdict verdict-flag">Would flag</span>`;
  return excepted ? html`<span class="verdict verdict-excepted">Excepted</span>` : html`<span class="verdict verdict-pass">Passes</span>`;
}

function header(report: SweepReport, items: readonly Item[]): Markup {
  const { counts } = report;
  const facts: [number, string, string][] = [
    [counts.accounts, 'account', 'accounts'],
    [counts.regions, 'region', 'regions'],
    [counts.clusters, 'cluster', 'clusters'],
    [counts.services, 'service', 'services'],
    [counts.taskSets, 'task set', 'task sets'],
    [counts.tasks, 'standalone task', 'standalone tasks'],
    [counts.taskDefinitions, 'task definition revision', 'task definition revisions'],
  ];
  const policies = report.policies.length ? report.policies.map((p, i) => html`${i ? ', ' : ''}<code>${p}</code>`) : html`<span class="muted">none</span>`;
  return html`<header class="top">
<div class="brand"><svg class="logo" width="28" height="28" viewBox="0 0 28 28" aria-hidden="true"><rect width="28" height="28" rx="7" fill="#1f2a44"/><path d="M8 14.5l4 4 8-9" stroke="#fff" stroke-width="2.6" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg><h1>ecs-admission sweep</h1><span class="mode">Audit · nothing was changed</span></div>
<dl class="facts">
<div><dt>When</dt><dd>${period(report.startedAt, report.finishedAt)}</dd></div>
<div><dt>Policies</dt><dd>${policies}</dd></div>
<div><dt>Revisions</dt><dd>${report.allRevisions ? 'every ACTIVE task definition revision' : 'task definition revisions in use'}</dd></div>
</dl>
<p class="scope" data-metric="scope">${facts.map(([n, one, many], i) => html`${i ? html`<span class="dot" aria-hidden="true">·</span>` : ''}<span><b>${n}</b> ${n === 1 ? one : many}</span>`)}<span class="dot" aria-hidden="true">·</span><span><b data-metric="resources">${items.length}</b> ${items.length === 1 ? 'resource' : 'resources'} judged</span></p>
</header>`;
}

function failures(report: SweepReport): Markup {
  if (report.failures.length === 0) return html``;
  const n = report.failures.length;
  return html`<section class="failures" role="alert" aria-labelledby="failures-title" data-metric="failures">
<h2 id="failures-title"><svg width="18" height="18" viewBox="0 0 20 20" aria-hidden="true"><path d="M10 2L1 18h18L10 2z" fill="#9f1d2d"/><path d="M10 8v4.5" stroke="#fff" stroke-width="2" stroke-linecap="round"/><circle cx="10" cy="15.2" r="1.2" fill="#fff"/></svg>${n === 1 ? '1 account and region could not be read' : `${n} accounts and regions could not be read`}: this report is incomplete</h2>
<p>What runs there was not judged. Fix the access (or the error below) and sweep again before deciding on enforcement.</p>
<ul class="failure-list">
${report.failures.map((f) => html`<li class="failure"><div class="failure-where"><code>${f.account}</code><span class="dot" aria-hidden="true">·</span>${f.region}${f.operation ? html`<span class="dot" aria-hidden="true">·</span>${f.operation}` : ''}<span class="code">${f.code}</span></div><div class="failure-message">${f.message}</div></li>`)}
</ul>
</section>`;
}

interface Effects {
  deregister: number;
  rollback: number;
  settings: number;
  deleteTaskSet: number;
  stopTask: number;
  tag: number;
  /** Denied resources that enforcement could not (fully) fix: what a person has to look at. */
  manual: number;
}

function effects(items: readonly Item[]): Effects {
  const e: Effects = { deregister: 0, rollback: 0, settings: 0, deleteTaskSet: 0, stopTask: 0, tag: 0, manual: 0 };
  for (const item of items) {
    const plan = item.swept.plan;
    if (!plan) continue;
    for (const { action } of plan.outcomes) {
      if (action.type === 'deregisterTaskDefinition') e.deregister++;
      else if (action.type === 'deleteTaskSet') e.deleteTaskSet++;
      else if (action.type === 'stopTask') e.stopTask++;
      else if (action.type === 'tagResource') e.tag++;
      else if (action.changes.taskDefinition) e.rollback++;
      else e.settings++;
    }
    if (plan.verdict === 'deny' && plan.notes.length > 0) e.manual++;
  }
  return e;
}

function summary(items: readonly Item[]): Markup {
  const counted = items.flatMap((i) => i.counted);
  const sev = bySeverity(counted);
  const resourcesWith = (s: Severity): number => items.filter((i) => i.counted.some((f) => f.severity === s)).length;
  const excepted = items.reduce((n, i) => n + i.findings.length - i.counted.length, 0);
  const denied = items.filter((i) => i.swept.plan?.verdict === 'deny');
  const flagged = items.filter((i) => i.swept.plan?.verdict === 'flag');
  const clean = items.length - denied.length - flagged.length;
  const e = effects(items);
  const card = (metric: string, value: number, label: Part, sub: Part, cls = ''): Markup =>
    html`<div class="card ${cls}" data-metric="${metric}"><div class="value">${value}</div><div class="label">${label}</div><div class="sub">${sub}</div></div>`;
  return html`<section class="summary" aria-label="Summary">
<div class="group">
<h2>Findings that count <span class="muted">(${plural(counted.length, 'finding')}${excepted ? `, ${excepted} excepted` : ''})</span></h2>
<div class="cards sev-cards">${SEVERITIES.map((s) => card(`severity-${s}`, sev[s], SEVERITY_TITLE[s], `in ${plural(resourcesWith(s), 'resource')}`, `sev-card sev-card-${s}`))}</div>
</div>
<div class="group">
<h2>Verdicts <span class="muted">(${plural(items.length, 'resource')})</span></h2>
<div class="cards">
${card('verdict-deny', denied.length, 'Would deny', `${plural(denied.reduce((n, i) => n + i.counted.filter((f) => f.action === 'deny').length, 0), 'deny finding')}`, 'verdict-card-deny')}
${card('verdict-flag', flagged.length, 'Would flag', 'only flag findings: tagged and alerted', 'verdict-card-flag')}
${card('verdict-pass', clean, 'Pass', 'nothing that counts', 'verdict-card-pass')}
</div>
</div>
<div class="group wide">
<h2>What enforcement would do</h2>
<div class="cards effects">
${card('deregister', e.deregister, 'Deregister', e.deregister === 1 ? 'task definition revision' : 'task definition revisions')}
${card('rollback', e.rollback, 'Roll back', `${e.rollback === 1 ? 'service' : 'services'} to a compliant revision`)}
${card('settings', e.settings, 'Fix settings', `${e.settings === 1 ? 'service' : 'services'}: public IP, ECS Exec…`)}
${card('delete-task-set', e.deleteTaskSet, 'Delete', e.deleteTaskSet === 1 ? 'task set' : 'task sets')}
${card('stop-task', e.stopTask, 'Stop', e.stopTask === 1 ? 'standalone task' : 'standalone tasks')}
${card('manual', e.manual, 'Need a person', `denied, but not fixable automatically`, e.manual ? 'attention' : '')}
</div>
<p class="muted small">And tag ${plural(e.tag, 'resource')} with the verdict and the rules they break. In audit mode nothing is changed; these are the actions an <code>enforce</code> policy would take today.</p>
</div>
</section>`;
}

function legend(): Markup {
  return html`<ul class="legend" aria-label="Severity colours">${SEVERITIES.map((s) => html`<li><span class="swatch swatch-${s}" aria-hidden="true"></span>${SEVERITY_TITLE[s]}</li>`)}</ul>`;
}

function charts(items: readonly Item[]): Markup {
  const actions = new Map<string, Set<string>>();
  for (const f of items.flatMap((i) => i.counted)) {
    const set = actions.get(f.ruleId) ?? new Set<string>();
    set.add(f.action);
    actions.set(f.ruleId, set);
  }
  const rules = group(items, (_, f) => f.ruleId).map((row) => ({ ...row, note: [...(actions.get(row.label) ?? [])].sort().join(' + ') }));
  const places = group(items, (item) => `${item.swept.account} · ${item.swept.region} · ${item.cluster ?? 'task definitions'}`);
  const owners = group(items, (item) => item.owner);
  return html`<section class="charts" aria-labelledby="charts-title">
<div class="section-head"><h2 id="charts-title">Where the findings are</h2>${legend()}</div>
<figure class="panel"><figcaption>By rule <span class="muted">· deny or flag as the policies decide</span></figcaption>${barChart('chart-rule', 'Findings that count, by rule', rules, 1080)}</figure>
<div class="panel-grid">
<figure class="panel"><figcaption>By account · region · cluster</figcaption>${barChart('chart-place', 'Findings that count, by account, region and cluster', places, 700, 0.5)}</figure>
<figure class="panel"><figcaption>By owner <span class="muted">· from the owner tags</span></figcaption>${barChart('chart-owner', 'Findings that count, by owner', owners, 330, 0.45)}</figure>
</div>
</section>`;
}

const where = (item: Item): Markup =>
  html`<code>${item.swept.account}</code> · ${item.swept.region}${item.cluster ? html` · ${item.cluster}` : ''}`;

const severityCounts = (findings: readonly Finding[]): Markup => {
  const counts = bySeverity(findings);
  return html`<span class="counts">${SEVERITIES.filter((s) => counts[s] > 0).map((s) => html`<span class="count-pill sev-${s}" title="${counts[s]} ${s}">${counts[s]} ${s}</span>`)}</span>`;
};

const mainAction = (item: Item): Markup => {
  const outcomes = item.swept.plan?.outcomes ?? [];
  const destructive = outcomes.filter((o) => o.action.type !== 'tagResource');
  if (destructive.length) return html`${destructive.map((o, i) => html`${i ? html`<br>` : ''}${actionSummary(o)}`)}`;
  if (item.swept.plan?.verdict === 'deny') return html`<span class="warn">Flag only: ${item.swept.plan.notes.length ? 'cannot fix automatically' : 'no action'}</span>`;
  return html`<span class="muted">Tag and alert</span>`;
};

function offenders(items: readonly Item[]): Markup {
  const worst = items.filter((i) => i.counted.length > 0).slice(0, 10);
  if (worst.length === 0) return html``;
  return html`<section class="offenders" aria-labelledby="offenders-title">
<div class="section-head"><h2 id="offenders-title">Worst offenders</h2><p class="muted small">The resources with the most severe findings first.</p></div>
<div class="table-wrap panel flush"><table class="plain offenders-table"><thead><tr><th>#</th><th>Resource</th><th>Where</th><th>Owner</th><th>Findings</th><th>Verdict</th><th>Enforcement would</th></tr></thead><tbody>
${worst.map((item, i) => html`<tr><td class="num">${i + 1}</td><td><span class="kind">${KIND_NAMES[item.judged.kind]}</span><br><a href="#${item.id}" class="name">${item.judged.name}</a></td><td class="nowrap">${where(item)}</td><td>${item.owner}</td><td>${severityCounts(item.counted)}</td><td>${verdictBadge(item.swept.plan?.verdict, false)}</td><td class="small">${mainAction(item)}</td></tr>`)}
</tbody></table></div>
</section>`;
}

const OUR_TAGS = /^ecs-admission:/;

function actionsList(outcomes: readonly ActionOutcome[]): Markup {
  if (outcomes.length === 0) return html``;
  const icon = (type: PlannedAction['type']): string => (type === 'tagResource' ? 'tag' : 'act');
  return html`<ul class="actions">${outcomes.map(
    (o) => html`<li class="action action-${icon(o.action.type)}"><span class="action-text">${actionSummary(o)}</span> <span class="muted small">for ${o.rules.join(', ')}</span>${o.detail ? html` <span class="small">${o.detail}</span>` : ''}</li>`,
  )}</ul>`;
}

function findingRow(f: Finding): Markup {
  const search = [f.ruleId, f.message, f.path, f.container ?? '', f.decidedBy, f.severity].join(' ').toLowerCase();
  const exception = f.exception
    ? html`<div class="exception">Excepted by <b>${f.exception.policy}</b> until <time datetime="${f.exception.expires}">${f.exception.expires}</time>${f.exception.owner ? html` (owner ${f.exception.owner})` : ''}: ${f.exception.reason}</div>`
    : '';
  return html`<tr class="finding${f.exception ? ' excepted' : ''}" data-severity="${f.severity}"${f.exception ? html` data-excepted=""` : ''} data-search="${search}">
<td>${severityBadge(f.severity)}</td>
<td><code class="rule">${f.ruleId}</code><div class="muted small">policy <b>${f.decidedBy}</b> · ${f.mode}</div></td>
<td class="wrap"><div class="message">${f.message}</div><div class="path"><code>${f.path}</code>${f.container ? html` <span class="muted">in container</span> <code>${f.container}</code>` : ''}</div>${exception}</td>
<td><span class="act act-${f.exception ? 'excepted' : f.action}">${f.exception ? 'excepted' : f.action}</span></td>
<td class="wrap small remediation">${withCode(f.remediation)}</td>
</tr>`;
}

function resourceCard(item: Item): Markup {
  const { swept, judged } = item;
  const plan = swept.plan;
  const tags = Object.entries(judged.tags).filter(([k]) => !OUR_TAGS.test(k));
  const search = [judged.name, judged.arn, KIND_NAMES[judged.kind], swept.account, swept.region, item.cluster ?? '', item.owner, judged.family ?? '', judged.service ?? '', ...tags.map(([k, v]) => `${k}=${v}`)]
    .join(' ')
    .toLowerCase();
  const excepted = item.findings.length > item.counted.length;
  return html`<article class="resource resource-${plan?.verdict ?? 'excepted'}" id="${item.id}" data-search="${search}">
<header>
<div class="title-line">${verdictBadge(plan?.verdict, excepted)}<span class="kind">${kindTitle(judged.kind)}</span><h3><a href="${item.url}" target="_blank" rel="noopener noreferrer" title="Open in the AWS console">${judged.name}<svg class="ext" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><path d="M4.5 2.5h-2v7h7v-2M7 2.5h2.5V5M9.5 2.5L5.5 6.5" stroke="currentColor" stroke-width="1.3" fill="none" stroke-linecap="round"/></svg></a></h3>${severityCounts(item.counted)}</div>
<dl class="meta">
<div><dt>Account</dt><dd><code>${swept.account}</code></dd></div>
<div><dt>Region</dt><dd>${swept.region}</dd></div>
${item.cluster ? html`<div><dt>Cluster</dt><dd>${item.cluster}</dd></div>` : ''}
${judged.service && judged.kind !== 'service' ? html`<div><dt>Service</dt><dd>${judged.service}</dd></div>` : ''}
${judged.family && judged.kind !== 'taskDefinition' ? html`<div><dt>Task definition</dt><dd>${judged.family}</dd></div>` : ''}
<div><dt>Owner</dt><dd class="owner">${item.owner}</dd></div>
</dl>
<div class="arn"><code>${judged.arn}</code></div>
${tags.length ? html`<ul class="tags" aria-label="Tags">${tags.map(([k, v]) => html`<li><span class="tag-key">${k}</span>${v ? html`<span class="tag-value">${v}</span>` : ''}</li>`)}</ul>` : ''}
</header>
${plan ? actionsList(plan.outcomes) : ''}
${plan?.notes.length ? html`<ul class="notes">${plan.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<div class="table-wrap"><table class="findings"><thead><tr><th class="c-sev">Severity</th><th class="c-rule">Rule · policy</th><th>Finding</th><th class="c-act">Action</th><th class="c-fix">Remediation</th></tr></thead><tbody>
${item.findings.map(findingRow)}
</tbody></table></div>
</article>`;
}

function findingsSection(items: readonly Item[]): Markup {
  const withFindings = items.filter((i) => i.findings.length > 0);
  const all = withFindings.flatMap((i) => i.findings);
  const counts = bySeverity(all);
  const excepted = all.filter((f) => f.exception).length;
  return html`<section class="all-findings" aria-labelledby="findings-title">
<div class="section-head"><h2 id="findings-title">Every finding, by resource</h2><p class="muted small">${plural(all.length, 'finding')} in ${plural(withFindings.length, 'resource')}. Names link to the AWS console.</p></div>
<form class="filters" id="filters" hidden role="search" aria-label="Filter findings">
<fieldset><legend>Severity</legend>${SEVERITIES.map((s) => html`<label class="check check-${s}"><input type="checkbox" name="severity" value="${s}" checked> ${SEVERITY_TITLE[s]} <span class="muted">${counts[s]}</span></label>`)}
${excepted ? html`<label class="check"><input type="checkbox" name="excepted" id="show-excepted" checked> Excepted <span class="muted">${excepted}</span></label>` : ''}</fieldset>
<label class="search"><span class="visually-hidden">Search</span><input type="search" id="search" name="q" placeholder="Search resource, rule, owner, account…" autocomplete="off" spellcheck="false"></label>
<output id="shown" aria-live="polite">${plural(all.length, 'finding')}</output>
</form>
<div class="resources">${withFindings.map(resourceCard)}</div>
<p class="empty" id="no-match" hidden>No finding matches the filters.</p>
</section>`;
}

function passedSection(items: readonly Item[]): Markup {
  const passed = items.filter((i) => i.findings.length === 0);
  if (passed.length === 0) return html``;
  const status = (item: Item): Markup => {
    const s = item.swept.result.status;
    if (s === 'error' || s === 'skip' || s === 'unknown') {
      const why = item.swept.result.rules.filter((r) => r.status === s && r.reason).map((r) => `${r.ruleId}: ${r.reason ?? ''}`);
      const label = { error: 'rule error', skip: 'not evaluated', unknown: 'undecided' }[s];
      return html`<span class="status status-${s}">${label}</span>${why.length ? html` <span class="small muted">${why.join('; ')}</span>` : ''}`;
    }
    const skipped = item.swept.result.rules.filter((r) => r.status === 'skip' || r.status === 'error');
    return html`<span class="status status-pass">pass</span>${skipped.length ? html` <span class="small muted">${skipped.map((r) => `${r.ruleId} ${r.status === 'error' ? 'errored' : 'skipped'}${r.reason ? ` (${r.reason})` : ''}`).join('; ')}</span>` : ''}`;
  };
  return html`<section class="passed" aria-labelledby="passed-title"><details><summary><h2 id="passed-title">${plural(passed.length, 'resource')} without findings</h2></summary>
<div class="table-wrap panel flush"><table class="plain"><thead><tr><th>Resource</th><th>Kind</th><th>Where</th><th>Status</th></tr></thead><tbody>
${passed.map((item) => html`<tr><td><a href="${item.url}" target="_blank" rel="noopener noreferrer">${item.judged.name}</a></td><td>${KIND_NAMES[item.judged.kind]}</td><td class="nowrap">${where(item)}</td><td class="wrap">${status(item)}</td></tr>`)}
</tbody></table></div></details></section>`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Style and script (constant: their hashes go in the Content-Security-Policy)

const STYLE = `
:root{--bg:#f5f6f8;--panel:#fff;--ink:#1b2233;--muted:#5d6779;--line:#e2e5eb;--soft:#f0f2f5;--accent:#2b59c3;
--critical:#9f1d2d;--high:#d9542b;--medium:#e3a21a;--low:#8c99ad;
--critical-bg:#fbe8ea;--high-bg:#fdeee7;--medium-bg:#fdf4de;--low-bg:#eef1f5;
--critical-ink:#8a1526;--high-ink:#a83d18;--medium-ink:#7f5600;--low-ink:#4a5568;color-scheme:light}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1200px;margin:0 auto;padding:28px 32px 64px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1,h2,h3{margin:0;line-height:1.25}
h1{font-size:22px;font-weight:700;letter-spacing:-.01em}
h2{font-size:16px;font-weight:650}
h3{font-size:16px;font-weight:650;overflow-wrap:anywhere}
.muted{color:var(--muted);font-weight:400}.small{font-size:12.5px}.nowrap{white-space:nowrap}.wrap{overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{padding-bottom:18px;border-bottom:1px solid var(--line);margin-bottom:22px}
.brand{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.mode{margin-left:auto;font-size:12px;font-weight:600;color:#1f6b3a;background:#e4f3e9;border:1px solid #c5e6d0;padding:3px 10px;border-radius:999px}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:14px 0 0}
.facts div{display:flex;gap:8px;align-items:baseline}
.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
.facts dd{margin:0}
.scope{margin:10px 0 0;color:var(--muted);display:flex;flex-wrap:wrap;gap:2px 8px}
.scope b{color:var(--ink);font-weight:650}.dot{color:#b5bcc8}
.failures{background:#fff5f5;border:1px solid #f1c2c7;border-left:4px solid var(--critical);border-radius:10px;padding:16px 20px;margin-bottom:24px}
.failures h2{display:flex;align-items:center;gap:8px;color:var(--critical-ink);font-size:15.5px}
.failures p{margin:6px 0 12px;color:#5b2a30}
.failure-list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.failure{background:#fff;border:1px solid #f3d3d7;border-radius:8px;padding:9px 12px}
.failure-where{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;font-weight:600}
.failure-where .code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;font-weight:600;color:var(--critical-ink);background:var(--critical-bg);border-radius:999px;padding:0 8px}
.failure-message{margin-top:3px;font-size:13px;color:#4a3034;overflow-wrap:anywhere}
.summary{display:grid;grid-template-columns:minmax(0,1.35fr) minmax(0,1fr);gap:18px 28px;margin-bottom:30px}
.summary .wide{grid-column:1/-1}
.group h2{margin-bottom:10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(118px,1fr));gap:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 14px 12px;position:relative;overflow:hidden}
.card .value{font-size:28px;font-weight:700;line-height:1.1;font-variant-numeric:tabular-nums}
.card .label{font-weight:650;margin-top:2px}
.card .sub{font-size:12px;color:var(--muted)}
.sev-card{border-top:4px solid var(--low)}
.sev-card-critical{border-top-color:var(--critical)}.sev-card-critical .value{color:var(--critical-ink)}
.sev-card-high{border-top-color:var(--high)}.sev-card-high .value{color:var(--high-ink)}
.sev-card-medium{border-top-color:var(--medium)}.sev-card-medium .value{color:var(--medium-ink)}
.sev-card-low .value{color:var(--low-ink)}
.verdict-card-deny .value{color:var(--critical-ink)}.verdict-card-flag .value{color:var(--medium-ink)}.verdict-card-pass .value{color:#1f6b3a}
.effects .card{background:#fbfcfd}
.card.attention{background:#fff8ec;border-color:#f1d9a8}
.section-head{display:flex;align-items:baseline;gap:8px 16px;flex-wrap:wrap;margin:0 0 12px}
.section-head p{margin:0}
.charts,.offenders,.all-findings,.passed{margin-bottom:32px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 16px}
.panel.flush{padding:0}
.panel figcaption{font-weight:650;margin-bottom:8px}
.panel-grid{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:16px}
.panel-grid .panel{margin:0}
.chart{display:block;max-width:100%;height:auto;overflow:visible}
.chart-compact{display:none}
.chart .label{font-size:12px;fill:#2d3548}
.chart .count{font-size:12px;font-weight:700;fill:#2d3548}
.chart .note{font-weight:400;fill:#7a8396}
.chart .axis{stroke:#d5d9e0;stroke-width:1}
.chart .seg{stroke:#fff;stroke-width:1}
.chart .bar:hover .seg{opacity:.85}
.legend{display:flex;gap:14px;list-style:none;margin:0 0 0 auto;padding:0;font-size:12.5px;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{width:11px;height:11px;border-radius:3px;display:inline-block;background:var(--low)}
.swatch-critical{background:var(--critical)}.swatch-high{background:var(--high)}.swatch-medium{background:var(--medium)}
table{border-collapse:collapse;width:100%}
.table-wrap{overflow-x:auto}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:650;padding:9px 12px;border-bottom:1px solid var(--line);background:#fafbfc}
td{padding:9px 12px;border-bottom:1px solid var(--soft);vertical-align:top}
tbody tr:last-child td{border-bottom:0}
.plain .num{color:var(--muted);font-variant-numeric:tabular-nums;width:1%}
.offenders-table .name{font-weight:600;overflow-wrap:anywhere}
.offenders-table td:nth-child(2){min-width:250px}
.kind{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:650}
.sev,.verdict,.act,.count-pill,.status{display:inline-block;border-radius:999px;font-size:11.5px;font-weight:650;padding:1px 9px;white-space:nowrap;line-height:1.6}
.sev-critical{background:var(--critical-bg);color:var(--critical-ink)}
.sev-high{background:var(--high-bg);color:var(--high-ink)}
.sev-medium{background:var(--medium-bg);color:var(--medium-ink)}
.sev-low{background:var(--low-bg);color:var(--low-ink)}
.sev::before{content:"";display:inline-block;width:7px;height:7px;border-radius:50%;margin-right:6px;vertical-align:1px;background:currentColor}
.counts{display:inline-flex;flex-wrap:wrap;gap:4px}
.count-pill{font-weight:600;padding:0 8px}
.verdict-deny{background:var(--critical);color:#fff}
.verdict-flag{background:var(--medium-bg);color:var(--medium-ink);box-shadow:inset 0 0 0 1px #efd9a3}
.verdict-pass{background:#e4f3e9;color:#1f6b3a}
.verdict-excepted{background:var(--soft);color:var(--muted)}
.act{padding:0 8px;font-weight:600;background:var(--soft);color:var(--muted)}
.act-deny{background:#fbe8ea;color:var(--critical-ink)}
.act-flag{background:var(--medium-bg);color:var(--medium-ink)}
.status-pass{background:#e4f3e9;color:#1f6b3a}.status-error{background:var(--critical-bg);color:var(--critical-ink)}.status-skip{background:var(--soft);color:var(--muted)}.status-unknown{background:#fdf3d8;color:#7a5200}
.warn{color:var(--high-ink);font-weight:600}
.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;align-items:center;gap:10px 18px;background:rgba(245,246,248,.94);backdrop-filter:blur(6px);padding:10px 0 12px;margin-bottom:6px;border-bottom:1px solid var(--line)}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.filters legend{float:left;margin-right:6px;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:650}
.check{display:inline-flex;align-items:center;gap:6px;background:var(--panel);border:1px solid var(--line);border-radius:999px;padding:3px 11px 3px 8px;cursor:pointer;user-select:none;font-size:13px}
.check input{margin:0;accent-color:var(--ink)}
.check-critical input{accent-color:var(--critical)}.check-high input{accent-color:var(--high)}.check-medium input{accent-color:#c98a0b}.check-low input{accent-color:#6f7d93}
.search{flex:1 1 260px;max-width:420px}
.search input{width:100%;font:inherit;padding:6px 12px;border:1px solid #cfd4dc;border-radius:8px;background:#fff;color:var(--ink)}
.search input:focus{outline:2px solid #b9c9ef;border-color:var(--accent)}
#shown{margin-left:auto;font-size:12.5px;color:var(--muted);font-variant-numeric:tabular-nums}
.resources{display:flex;flex-direction:column;gap:14px;margin-top:12px}
.resource{background:var(--panel);border:1px solid var(--line);border-radius:10px;overflow:hidden;border-left:4px solid var(--line)}
.resource-deny{border-left-color:var(--critical)}
.resource-flag{border-left-color:var(--medium)}
.resource>header{padding:14px 18px 10px}
.title-line{display:flex;align-items:center;flex-wrap:wrap;gap:6px 10px}
.title-line h3 a{color:var(--ink)}
.title-line h3 a:hover{color:var(--accent)}
.ext{margin-left:5px;color:var(--muted);vertical-align:0}
.title-line .counts{margin-left:auto}
.meta{display:flex;flex-wrap:wrap;gap:2px 22px;margin:8px 0 0;font-size:13px}
.meta div{display:flex;gap:6px;align-items:baseline}
.meta dt{color:var(--muted)}
.meta dd{margin:0;font-weight:550;overflow-wrap:anywhere}
.arn{margin-top:4px;color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.tags{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.tags li{display:inline-flex;font-size:11.5px;border:1px solid var(--line);border-radius:6px;overflow:hidden;max-width:100%}
.tag-key{background:var(--soft);padding:0 7px;color:var(--muted);overflow-wrap:anywhere}
.tag-value{padding:0 7px;overflow-wrap:anywhere}
.actions,.notes{list-style:none;margin:0;padding:8px 18px;border-top:1px solid var(--soft)}
.actions li,.notes li{padding:2px 0 2px 22px;position:relative}
.action::before{content:"";position:absolute;left:3px;top:8px;width:9px;height:9px;border-radius:2px;background:var(--critical)}
.action-tag::before{background:#c3c9d4;border-radius:50%}
.action-act .action-text{font-weight:600}
.notes{background:#fffaf0;color:#6b4a00}
.notes li::before{content:"!";position:absolute;left:2px;top:3px;width:14px;height:14px;border-radius:50%;background:var(--medium);color:#fff;font-size:10px;font-weight:800;text-align:center;line-height:14px}
.findings{border-top:1px solid var(--line);table-layout:fixed}
.findings .c-sev{width:104px}.findings .c-rule{width:250px}.findings .c-act{width:86px}.findings .c-fix{width:29%}
.findings td{font-size:13.5px}
.rule{font-weight:600;font-size:.86em;overflow-wrap:anywhere}
.message{overflow-wrap:anywhere}
.path{margin-top:3px;font-size:12px;overflow-wrap:anywhere}
.path code{background:var(--soft);padding:0 4px;border-radius:4px}
.remediation{color:#3b4456}
.remediation code{background:var(--soft);padding:0 3px;border-radius:3px;font-size:.92em}
tr.excepted td,tr.excepted .remediation,tr.excepted .muted{color:#8a93a3}
tr.excepted .sev,tr.excepted .path code{filter:grayscale(1);opacity:.75}
.exception{margin-top:6px;font-size:12.5px;color:#374151;background:var(--soft);border-left:3px solid #b9c0cc;border-radius:4px;padding:4px 8px}
.empty{padding:24px;text-align:center;color:var(--muted)}
details summary{cursor:pointer;list-style:none;display:flex;align-items:center;gap:8px;margin-bottom:12px}
details summary::-webkit-details-marker{display:none}
details summary::before{content:"";width:8px;height:8px;border-right:2px solid var(--muted);border-bottom:2px solid var(--muted);transform:rotate(-45deg);transition:transform .15s}
details[open] summary::before{transform:rotate(45deg)}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:14px}
@media (max-width:640px){.chart-wide{display:none}.chart-compact{display:block;width:100%}}
@media (max-width:900px){main{padding:20px 16px 48px}.summary,.panel-grid{grid-template-columns:1fr}.legend{margin-left:0}.findings{table-layout:auto;min-width:760px}}
@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}.filters{display:none!important}
.card,.panel,.resource,.failures{break-inside:avoid;box-shadow:none}.resource{break-inside:auto}tr{break-inside:avoid}
.ext{display:none}a{color:inherit}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;

const SCRIPT = `(function(){
var form=document.getElementById('filters');if(!form)return;form.hidden=false;
var cards=[].slice.call(document.querySelectorAll('.resource'));
var rows=[].slice.call(document.querySelectorAll('tr.finding'));
var q=document.getElementById('search'),out=document.getElementById('shown'),none=document.getElementById('no-match'),exc=document.getElementById('show-excepted');
function apply(){
var on={};[].forEach.call(form.querySelectorAll('input[name=severity]'),function(i){on[i.value]=i.checked});
var words=q.value.toLowerCase().split(/\\s+/).filter(Boolean),shown=0;
cards.forEach(function(card){var any=false,base=card.getAttribute('data-search')||'';
[].forEach.call(card.querySelectorAll('tr.finding'),function(row){var text=base+' '+row.getAttribute('data-search');
var ok=on[row.getAttribute('data-severity')]&&(!row.hasAttribute('data-excepted')||!exc||exc.checked)&&words.every(function(w){return text.indexOf(w)>=0});
row.hidden=!ok;if(ok){any=true;shown++}});card.hidden=!any});
out.textContent=shown===rows.length?rows.length+' findings':shown+' of '+rows.length+' findings';none.hidden=shown>0;}
form.addEventListener('input',apply);form.addEventListener('change',apply);form.addEventListener('submit',function(e){e.preventDefault()});
window.addEventListener('beforeprint',function(){[].forEach.call(document.querySelectorAll('details'),function(d){d.open=true})});
apply();})();`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const CSP = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

// ---------------------------------------------------------------------------------------------------------------------

/** The whole page. Deterministic: the same report gives the same HTML. */
export function renderHtmlReport(report: SweepReport): string {
  const items: Item[] = report.resources
    .map(itemOf)
    .sort(worseFirst)
    .map((item, i) => ({ ...item, id: `r${i + 1}` }));
  const counted = items.reduce((n, i) => n + i.counted.length, 0);
  const day = when(report.startedAt)?.day ?? report.startedAt;
  const title = `ecs-admission sweep · ${day} · ${plural(counted, 'finding')}${report.failures.length ? ' · incomplete' : ''}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="ecs-admission">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<main>
${header(report, items)}
${failures(report)}
${summary(items)}
${charts(items)}
${offenders(items)}
${findingsSection(items)}
${passedSection(items)}
<footer>Generated by <code>ecs-admission scan</code> from the sweep of ${report.startedAt}. Findings suspended by a policy exception are shown dimmed and never count. Resource names link to the AWS console (sign-in required).</footer>
</main>
<script>${new Markup(SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
