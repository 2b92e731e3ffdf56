/** The body of the HTML report: the worst offenders, every finding by resource, and what passed. */
import type { ActionOutcome, PlannedAction } from '../../admission/types.js';
import { KIND_NAMES, SEVERITIES, kindTitle, type Finding, type Severity } from '../../core/types.js';
import { actionSummary } from '../alert/wording.js';
import { plural } from '../text.js';
import { html, withCode, type Markup } from './markup.js';
import { bySeverity, SEVERITY_TITLE, type Item } from './view.js';

const severityBadge = (s: Severity): Markup => html`<span class="sev sev-${s}">${SEVERITY_TITLE[s]}</span>`;

function verdictBadge(verdict: 'deny' | 'flag' | 'pass' | undefined, excepted: boolean): Markup {
  if (verdict === 'deny') return html`<span class="verdict verdict-deny">Would deny</span>`;
  if (verdict === 'flag') return html`<span class="verdict verdict-flag">Would flag</span>`;
  return excepted ? html`<span class="verdict verdict-excepted">Excepted</span>` : html`<span class="verdict verdict-pass">Passes</span>`;
}

const where = (item: Item): Markup => html`<code>${item.swept.account}</code> · ${item.swept.region}${item.cluster ? html` · ${item.cluster}` : ''}`;

const severityCounts = (findings: readonly Finding[]): Markup => {
  const counts = bySeverity(findings);
  return html`<span class="counts">${SEVERITIES.filter((s) => counts[s] > 0).map((s) => html`<span class="count-pill sev-${s}" title="${counts[s]} ${s}">${counts[s]} ${s}</span>`)}</span>`;
};

const mainAction = (item: Item): Markup => {
  const outcomes = item.swept.plan?.outcomes ?? [];
  const destructive = outcomes.filter((o) => o.action.type !== 'tagResource');
  if (destructive.length) return html`${destructive.map((o, i) => html`${i ? html`<br>` : ''}${actionSummary(o)}`)}`;
  if (item.swept.plan?.verdict === 'deny')
    return html`<span class="warn">Flag only: ${item.swept.plan.notes.length ? 'cannot fix automatically' : 'no action'}</span>`;
  return html`<span class="muted">Tag and alert</span>`;
};

export function offenders(items: readonly Item[]): Markup {
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
    (o) =>
      html`<li class="action action-${icon(o.action.type)}"><span class="action-text">${actionSummary(o)}</span> <span class="muted small">for ${o.rules.join(', ')}</span>${o.detail ? html` <span class="small">${o.detail}</span>` : ''}</li>`,
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
  const search = [
    judged.name,
    judged.arn,
    KIND_NAMES[judged.kind],
    swept.account,
    swept.region,
    item.cluster ?? '',
    item.owner,
    judged.family ?? '',
    judged.service ?? '',
    ...tags.map(([k, v]) => `${k}=${v}`),
  ]
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

export function findingsSection(items: readonly Item[]): Markup {
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

export function passedSection(items: readonly Item[]): Markup {
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
