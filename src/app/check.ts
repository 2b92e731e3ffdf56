import type { Evaluate } from '../core/evaluate.js';
import { indexTaskDefinitions } from '../core/task-definition-index.js';
import { severityRank, SEVERITIES, type Resource, type ResourceResult, type Severity } from '../core/types.js';
import { InputError } from '../input/errors.js';
import { loadResources } from '../input/load.js';

export interface InputText {
  source: string;
  text: string;
}

export interface InputProblem {
  source: string;
  line?: number;
  message: string;
}

export interface CheckSummary {
  resources: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  denied: number;
  flagged: number;
  /** Findings an exception suspends (counted apart from denied and flagged). */
  excepted: number;
  inputErrors: number;
}

export interface CheckReport {
  /** The preset or the policies evaluated with. */
  ruleSet: string;
  results: ResourceResult[];
  errors: InputProblem[];
  summary: CheckSummary;
}

/**
 * Checks documents offline: every input is loaded (a bad one is reported and the rest go on),
 * then every resource is evaluated. Task definitions are resolved across all inputs, so a service
 * file and its task definition file checked together are judged together.
 */
export function checkDocuments(
  inputs: readonly InputText[],
  ruleSet: string,
  makeEvaluate: (resolveTaskDefinition: ReturnType<typeof indexTaskDefinitions>) => Evaluate,
  /** Inputs that could not even be read (reported first). */
  unread: readonly InputProblem[] = [],
): CheckReport {
  const resources: Resource[] = [];
  const errors: InputProblem[] = [...unread];
  for (const input of inputs) {
    try {
      resources.push(...loadResources(input.text, input.source));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error.line === undefined ? { source: error.source, message: error.detail } : { source: error.source, line: error.line, message: error.detail });
    }
  }
  const results = resources.map(makeEvaluate(indexTaskDefinitions(resources)));
  return { ruleSet, results, errors, summary: summarize(results, errors.length) };
}

export function summarize(results: readonly ResourceResult[], inputErrors = 0): CheckSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const summary: CheckSummary = { resources: results.length, passed: 0, failed: 0, errored: 0, skipped: 0, findings: 0, bySeverity, denied: 0, flagged: 0, excepted: 0, inputErrors };
  for (const result of results) {
    if (result.status === 'pass') summary.passed++;
    else if (result.status === 'fail') summary.failed++;
    else if (result.status === 'error') summary.errored++;
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

/** `deny`: any finding whose action is deny; a severity: any finding at or above it; `none`: never. Excepted findings never count. */
export type FailOn = 'deny' | 'none' | Severity;

export function reachesThreshold(report: CheckReport, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return report.results.some((r) =>
    r.findings.some((f) => !f.exception && (failOn === 'deny' ? f.action === 'deny' : severityRank(f.severity) >= severityRank(failOn))),
  );
}
