/** The top of the HTML report: what was swept, what could not be read, the summary cards and the charts. */
import type { PlannedAction } from '../../admission/types.js';
import { SEVERITIES, type Severity } from '../../core/types.js';
import type { SweepReport } from '../../sweep/types.js';
import { plural } from '../text.js';
import { barChart, group } from './charts.js';
import { html, type Markup, type Part } from './markup.js';
import { bySeverity, period, SEVERITY_TITLE, type Item } from './view.js';

export function header(report: SweepReport, items: readonly Item[]): Markup {
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

export function failures(report: SweepReport): Markup {
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
    for (const { action } of plan.outcomes) countEffect(e, action);
    if (plan.verdict === 'deny' && plan.notes.length > 0) e.manual++;
  }
  return e;
}

function countEffect(e: Effects, action: PlannedAction): void {
  switch (action.type) {
    case 'deregisterTaskDefinition':
    case 'deleteDaemonTaskDefinition':
      e.deregister++;
      return;
    case 'deleteTaskSet':
      e.deleteTaskSet++;
      return;
    case 'stopTask':
      e.stopTask++;
      return;
    case 'tagResource':
      e.tag++;
      return;
    case 'updateService':
      if (action.changes.taskDefinition) e.rollback++;
      else e.settings++;
      return;
    // A daemon update always names its task definition, and an Express restore puts back a whole earlier revision.
    case 'updateDaemon':
    case 'restoreExpressService':
      e.rollback++;
      return;
  }
}

export function summary(items: readonly Item[]): Markup {
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
${card(
  'verdict-deny',
  denied.length,
  'Would deny',
  `${plural(
    denied.reduce((n, i) => n + i.counted.filter((f) => f.action === 'deny').length, 0),
    'deny finding',
  )}`,
  'verdict-card-deny',
)}
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

export function charts(items: readonly Item[]): Markup {
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
