// The counts of a report, apart from the file readers of check.ts: the sweep (and so the sweep
// Lambda) counts its results without loading the YAML reader.
import { SEVERITIES, type ResourceResult, type Severity } from './types.js';

export interface CheckSummary {
  resources: number;
  passed: number;
  failed: number;
  errored: number;
  /** Resources a rule could not decide on (a value unknown offline), or that could not be judged. */
  undecided: number;
  skipped: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  denied: number;
  flagged: number;
  /** Findings an exception suspends (counted apart from denied and flagged). */
  excepted: number;
  inputErrors: number;
  /** Parts of templates that hold resources no one can judge offline. */
  unjudged: number;
}

export function summarize(results: readonly ResourceResult[], inputErrors = 0, unjudged = 0): CheckSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const summary: CheckSummary = {
    resources: results.length,
    passed: 0,
    failed: 0,
    errored: 0,
    undecided: 0,
    skipped: 0,
    findings: 0,
    bySeverity,
    denied: 0,
    flagged: 0,
    excepted: 0,
    inputErrors,
    unjudged,
  };
  for (const result of results) {
    if (result.status === 'pass') summary.passed++;
    else if (result.status === 'fail') summary.failed++;
    else if (result.status === 'error') summary.errored++;
    else if (result.status === 'unknown') summary.undecided++;
    else summary.skipped++;
    for (const finding of result.findings) {
      summary.findings++;
      bySeverity[finding.severity]++;
      if (finding.exception) summary.excepted++;
      else if (finding.action === 'deny') summary.denied++;
      else summary.flagged++;
    }
  }
  return summary;
}
