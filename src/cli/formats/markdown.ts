import type { CheckReport } from '../../use-cases/check.js';
import { hasError } from '../../use-cases/check.js';
import { KIND_NAMES, locateFinding, SEVERITIES, severityRank } from '../../core/types.js';
import { uriOf } from './sarif.js';

/** GitHub's limit on a pull-request comment, in characters. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;

/**
 * Markdown for pull-request comments and the GitHub job summary: a heading with the verdict, the
 * findings as a table, then errors and what was not judged, passing resources folded away.
 * Everything from the inputs is escaped (a resource name holding `|`, a backtick or HTML must not
 * break the table or inject markup). A report larger than `maxChars` is cut, section by section,
 * and says how many lines of each were left out.
 */
export function toMarkdown(report: CheckReport, cwd: string, maxChars = GITHUB_COMMENT_MAX_CHARS): string {
  const s = report.summary;
  const place = (source: string, line?: number): string => md(`${uriOf(source, cwd)}${line !== undefined ? `:${line}` : ''}`);
  const errored = report.errors.length > 0 || report.results.some(hasError);
  const verdict = errored
    ? '⛔ errors: not everything could be judged'
    : s.denied > 0
      ? `❌ ${s.denied} finding${s.denied === 1 ? '' : 's'} would be denied`
      : s.undecided > 0 || s.unjudged > 0
        ? '⚠️ no denial, but not everything could be decided'
        : s.flagged > 0
          ? `⚠️ passed with ${s.flagged} flagged finding${s.flagged === 1 ? '' : 's'}`
          : '✅ passed';

  const counts = SEVERITIES.filter((sev) => s.bySeverity[sev] > 0).map((sev) => `${s.bySeverity[sev]} ${sev}`);
  const head = [
    `## ecs-admission: ${verdict}`,
    '',
    [
      `${s.resources} resource${s.resources === 1 ? '' : 's'} checked (${md(report.ruleSet)})`,
      `${s.failed} failed`,
      `${s.passed} passed`,
      ...(s.undecided ? [`${s.undecided} undecided`] : []),
      ...(s.errored ? [`${s.errored} with errors`] : []),
      s.findings === 0 ? 'no findings' : `${s.findings} finding${s.findings === 1 ? '' : 's'} (${counts.join(', ')})`,
      ...(s.denied ? [`${s.denied} deny`] : []),
      ...(s.excepted ? [`${s.excepted} excepted`] : []),
      ...(s.inputErrors ? [`${s.inputErrors} unreadable input${s.inputErrors === 1 ? '' : 's'}`] : []),
      ...(s.unjudged ? [`${s.unjudged} part${s.unjudged === 1 ? '' : 's'} not judged`] : []),
    ].join(' · '),
  ];

  const errors = [
    ...report.errors.map((e) => `- ${place(e.source, e.line)}: ${md(e.message)}`),
    ...report.results.flatMap(({ resource, status, reason, rules }) => {
      const who = `${place(resource.origin.source)} › ${md(resource.name)}`;
      return [
        ...(status === 'error' && reason !== undefined ? [`- ${who}: ${md(reason)}`] : []),
        ...(resource.problems ?? []).map(
          (p) => `- ${place(resource.origin.source, resource.origin.locate?.(p.path)?.line)} › ${md(resource.name)}: ${md(`${p.path}: ${p.message}`)}`,
        ),
        ...rules
          .filter((r) => r.status === 'error')
          .map((r) => `- ${who}: rule error in ${md(r.ruleId)}${r.findings.length === 0 ? ' (ignored by policy)' : ''}: ${md(r.reason ?? '')}`),
      ];
    }),
  ];

  const notJudged = [
    ...report.unjudged.map((u) => `- ${place(u.source, u.line)}: ${md(u.message)}`),
    ...report.results.flatMap(({ resource, reason, rules, status }) => {
      const who = `${place(resource.origin.source)} › ${md(resource.name)}`;
      return [
        ...(resource.notJudged !== undefined ? [`- ${who}: not judged: ${md(resource.notJudged)}`] : []),
        ...(resource.notJudged === undefined && reason !== undefined && status !== 'error' ? [`- ${who}: ${md(reason)}`] : []),
        ...rules
          .filter((r) => r.status === 'unknown')
          .map((r) => `- ${who}: ${md(r.ruleId)}${r.action ? ` (${r.action})` : ''} could not decide: ${md(r.reason ?? '')}`),
      ];
    }),
  ];

  const rows = report.results
    .flatMap(({ resource, findings }) => findings.map((f) => ({ resource, f })))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity))
    .map(({ resource, f }) => {
      const line = locateFinding(resource, f)?.line;
      const action = f.exception ? 'excepted' : f.error ? `${f.action} (rule error)` : f.action;
      const message = `${f.message}${f.when ? ` (when ${f.when})` : ''}`;
      return `| ${md(resource.name)} (${KIND_NAMES[resource.kind]}) | ${md(f.ruleId)} | ${f.severity} | ${action} | ${place(resource.origin.source, line)} | ${md(message)} |`;
    });

  const passing = report.results
    .filter((r) => r.status === 'pass' && r.findings.length === 0)
    .map(({ resource }) => `- ${place(resource.origin.source)} › ${md(resource.name)} (${KIND_NAMES[resource.kind]})`);

  // Sections in the order a reader needs them; a cut drops the tail of the later ones first.
  const sections: Section[] = [
    { what: 'errors', open: ['', `### Errors (${errors.length})`, ''], items: errors, close: [] },
    { what: 'not judged', open: ['', `### Not judged or undecided (${notJudged.length})`, ''], items: notJudged, close: [] },
    {
      what: 'findings',
      open: ['', `### Findings (${rows.length})`, '', '| resource | rule | severity | action | file:line | message |', '|---|---|---|---|---|---|'],
      items: rows,
      close: [],
    },
    {
      what: 'passing resources',
      open: ['', '<details>', `<summary>${passing.length} passing resource${passing.length === 1 ? '' : 's'}</summary>`, ''],
      items: passing,
      close: ['', '</details>'],
    },
  ];
  return fit(head, sections, maxChars);
}

interface Section {
  what: string;
  open: string[];
  items: string[];
  close: string[];
}

/** The head, then as much of each section as fits in `maxChars` with the note saying what was cut. */
function fit(head: string[], sections: readonly Section[], maxChars: number): string {
  const NOTE_ROOM = 400;
  const lines = [...head];
  let size = head.join('\n').length + 1;
  const cut: string[] = [];
  for (const section of sections) {
    if (section.items.length === 0) continue;
    const frame = [...section.open, ...section.close].join('\n').length + section.open.length + section.close.length;
    if (size + frame + NOTE_ROOM > maxChars) {
      cut.push(`${section.items.length} ${section.what}`);
      continue;
    }
    lines.push(...section.open);
    size += frame;
    let kept = 0;
    for (const item of section.items) {
      if (size + item.length + 1 + NOTE_ROOM > maxChars) break;
      lines.push(item);
      size += item.length + 1;
      kept++;
    }
    if (kept < section.items.length) cut.push(`${section.items.length - kept} of ${section.items.length} ${section.what}`);
    lines.push(...section.close);
  }
  if (cut.length > 0)
    lines.push(
      '',
      `> **Cut to fit ${maxChars.toLocaleString('en-US')} characters** (GitHub's comment limit): ${cut.join(', ')} not shown. The full report: \`ecs-admission check --format json\` or the SARIF file.`,
    );
  return lines.join('\n') + '\n';
}

/**
 * Text from the inputs, made inert: HTML special characters as entities, Markdown punctuation
 * (table pipes, backticks, emphasis, links, `$` math) backslash-escaped, line breaks folded to spaces.
 */
export const md = (s: string): string =>
  s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!$]/g, '\\$&');
