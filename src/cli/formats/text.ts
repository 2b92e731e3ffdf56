import { createColors } from 'picocolors';
import type { CheckReport } from '../../use-cases/check.js';
import type { ExceptionReport } from '../../policy/engine.js';
import { KIND_NAMES, locateFinding, SEVERITIES, type Severity } from '../../core/types.js';
import { actionSummary } from '../../render/alert/index.js';
import type { SweepReport } from '../../sweep/types.js';

export interface TextOptions {
  color: boolean;
  /** Also list passing resources and the rules that were skipped, with their reasons. */
  verbose: boolean;
}

const where = (line: number | undefined): string => (line !== undefined ? `:${line}` : '');

/** Per resource, findings grouped by severity (worst first), then one summary line. */
export function toText(report: CheckReport, options: TextOptions, exceptions: readonly ExceptionReport[] = []): string {
  const c = createColors(options.color);
  const severityColor: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
  };
  const lines: string[] = [];

  for (const problem of report.errors) lines.push(`${c.red(c.bold('error'))} ${problem.source}${where(problem.line)}: ${problem.message}`, '');
  for (const part of report.unjudged) lines.push(`${c.yellow(c.bold('not judged'))} ${part.source}${where(part.line)}: ${part.message}`, '');

  for (const result of report.results) {
    const { resource } = result;
    const show = (result.status !== 'pass' && result.status !== 'skip') || result.rules.some((r) => r.status === 'error');
    if (!show && !options.verbose) continue;
    const status = { fail: c.red('FAIL'), error: c.magenta('ERROR'), unknown: c.yellow('UNKNOWN'), pass: c.green('PASS'), skip: c.dim('SKIP') }[result.status];
    lines.push(`${c.bold(resource.origin.source)} ${c.dim('›')} ${c.bold(resource.name)} ${c.dim(`(${KIND_NAMES[resource.kind]})`)}  ${status}`);
    if (resource.notJudged !== undefined) lines.push(`  ${c.yellow('not judged')}  ${resource.notJudged}`);
    else if (result.reason !== undefined) lines.push(`  ${c.yellow('unknown')}  ${result.reason}`);
    for (const problem of resource.problems ?? []) {
      const at = resource.origin.locate?.(problem.path);
      lines.push(`  ${c.magenta('error')}  ${problem.path}: ${problem.message}${at ? c.dim(` (line ${at.line})`) : ''}`);
    }
    for (const severity of SEVERITIES) {
      const findings = result.findings.filter((f) => f.severity === severity);
      if (findings.length === 0) continue;
      lines.push(`  ${severityColor[severity](severity)}`);
      for (const f of findings) {
        const at = locateFinding(resource, f);
        const place = at ? `${f.path} ${c.dim(`(line ${at.line})`)}` : f.path;
        const action = f.exception ? c.dim('exc ') : f.action === 'deny' ? c.red('deny') : c.yellow('flag');
        lines.push(`    ${action}  ${f.message}${f.when ? c.dim(` (when ${f.when})`) : ''}`);
        if (f.exception) lines.push(`          ${c.dim(`excepted by ${f.exception.policy} until ${f.exception.expires}: ${f.exception.reason}`)}`);
        lines.push(`          ${c.dim(f.ruleId)}  ${place}`);
      }
    }
    if (result.policies?.length === 0) lines.push(`  ${c.dim('no policy applies (outside every scope)')}`);
    for (const r of result.rules) {
      const action = r.action ? ` (${r.action})` : '';
      // An error the policy counts is listed with the findings; one it ignores is shown here.
      if (r.status === 'error' && r.findings.length === 0) lines.push(`  ${c.magenta('error')}  ${r.ruleId} (ignored by policy): ${r.reason ?? ''}`);
      else if (r.status === 'unknown') lines.push(`  ${c.yellow('unknown')}  ${r.ruleId}${action}: ${r.reason ?? ''}`);
      else if (r.status === 'skip' && options.verbose) lines.push(`  ${c.dim(`skip   ${r.ruleId}: ${r.reason ?? ''}`)}`);
    }
    lines.push('');
  }

  for (const e of exceptions.filter((x) => x.status !== 'active')) {
    const what = { expired: c.red('expired'), expiring: c.yellow('expiring'), unused: c.yellow('unused'), active: 'active' }[e.status];
    lines.push(`${what} exception ${e.file} › ${e.policy} spec.exceptions[${e.index}] (${e.rules.join(', ')}, expires ${e.expires})`);
  }
  if (exceptions.some((x) => x.status !== 'active')) lines.push('');

  const s = report.summary;
  const counts = SEVERITIES.filter((sev) => s.bySeverity[sev] > 0).map((sev) => severityColor[sev](`${s.bySeverity[sev]} ${sev}`));
  const parts = [
    `${s.resources} resource${s.resources === 1 ? '' : 's'} checked (${report.ruleSet})`,
    `${s.failed} failed`,
    `${s.passed} passed`,
    ...(s.undecided ? [c.yellow(`${s.undecided} undecided`)] : []),
    ...(s.skipped ? [`${s.skipped} with no rule applying`] : []),
    ...(s.errored ? [c.magenta(`${s.errored} with errors`)] : []),
    s.findings === 0 ? c.green('no findings') : `${s.findings} finding${s.findings === 1 ? '' : 's'} (${counts.join(', ')})`,
    ...(s.denied ? [c.red(`${s.denied} deny`)] : []),
    ...(s.excepted ? [`${s.excepted} excepted`] : []),
    ...(s.inputErrors ? [c.red(`${s.inputErrors} unreadable input${s.inputErrors === 1 ? '' : 's'}`)] : []),
    ...(s.unjudged ? [c.yellow(`${s.unjudged} part${s.unjudged === 1 ? '' : 's'} not judged`)] : []),
  ];
  lines.push(parts.join(' · '));
  return lines.join('\n') + '\n';
}

/** `check`'s text report of the sweep's results, then what enforcement would do and what was swept. */
export function toSweepText(report: SweepReport, asCheck: CheckReport, options: TextOptions): string {
  const lines: string[] = [toText(asCheck, options).trimEnd(), ''];
  // A change, or a note on what enforcement could not do (nothing to roll back to: flagged instead).
  const planned = report.resources.filter((r) => r.plan && (r.plan.outcomes.some((o) => o.action.type !== 'tagResource') || r.plan.notes.length > 0));
  if (planned.length > 0) {
    lines.push('What enforcement would do:');
    for (const r of planned) {
      const p = r.plan!;
      const changes = p.outcomes.filter((o) => o.action.type !== 'tagResource');
      const actions = (changes.length > 0 ? changes : p.outcomes).map(actionSummary).join('; ');
      lines.push(
        `  ${r.account}/${r.region} ${p.resource.name} (${KIND_NAMES[p.resource.kind]}, owner ${p.resource.owner}): ${actions}${p.notes.length ? ` — ${p.notes.join(' ')}` : ''}`,
      );
    }
    lines.push('');
  }
  const c = report.counts;
  lines.push(
    `Swept ${c.accounts} account(s), ${c.regions} region(s): ${c.clusters} clusters, ${c.services} services, ${c.taskSets} task sets, ${c.tasks} standalone tasks, ${c.taskDefinitions} task definition revisions${report.failures.length ? ` · ${report.failures.length} could not be read` : ''}`,
  );
  return lines.join('\n') + '\n';
}
