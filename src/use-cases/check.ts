import { redactResult } from '../core/secrets/redact.js';
import { maskSecretsIn } from '../core/secrets/mask.js';
import { indexTaskDefinitions } from '../core/task-definition-index.js';
import { severityRank, type Resource, type ResourceResult, type Severity } from '../core/types.js';
import { InputError } from '../input/errors.js';
import { loadDocument } from '../input/load.js';
import { summarize, type CheckSummary } from '../core/summary.js';
import type { MakeEvaluate } from '../policy/evaluator.js';
import type { ReadModuleFile } from '../input/terraform/expressions.js';

export { summarize, type CheckSummary } from '../core/summary.js';

export interface InputText {
  source: string;
  text: string;
}

export interface InputProblem {
  source: string;
  line?: number;
  message: string;
}

export interface CheckReport {
  /** The preset or the policies evaluated with. */
  ruleSet: string;
  results: ResourceResult[];
  errors: InputProblem[];
  /** Parts of the inputs that hold resources no one can judge offline (`Fn::Transform` of resources). */
  unjudged: InputProblem[];
  summary: CheckSummary;
}

/**
 * Checks documents offline: every input is loaded (a bad one is reported and the rest go on),
 * then every resource is evaluated. Task definitions are resolved across all inputs, so a service
 * file and its task definition file checked together are judged together. Each input is
 * isolated: whatever one file does to the reader or the evaluator, the others are still judged.
 * Results come out redacted: no sensitive value or detected secret is in any text.
 */
export function checkDocuments(
  inputs: readonly InputText[],
  ruleSet: string,
  makeEvaluate: MakeEvaluate,
  /** Inputs that could not even be read (reported first). */
  unread: readonly InputProblem[] = [],
  /** What was loaded beforehand (Terraform source, which loads asynchronously): judged with the rest. */
  preloaded?: PreloadedInputs,
): CheckReport {
  const resources: Resource[] = [...(preloaded?.resources ?? [])];
  const errors: InputProblem[] = [...unread, ...(preloaded?.errors ?? [])];
  const unjudged: InputProblem[] = [...(preloaded?.unjudged ?? [])];
  for (const input of inputs) {
    try {
      const loaded = loadDocument(input.text, input.source);
      resources.push(...loaded.resources);
      unjudged.push(...loaded.unjudged);
    } catch (error) {
      errors.push(problemOf(input.source, error));
    }
  }
  const evaluate = makeEvaluate(indexTaskDefinitions(resources));
  const results = resources.map((resource) => {
    try {
      return redactResult(evaluate(resource));
    } catch (error) {
      // A defect of ours must not hide the other resources: this one is an error, named.
      return { resource, status: 'error' as const, reason: `could not be evaluated: ${errorText(error)}`, findings: [], rules: [] };
    }
  });
  return { ruleSet, results, errors, unjudged, summary: summarize(results, errors.length, unjudged.length) };
}

/** Resources read ahead of `checkDocuments`, with the problems met reading them. */
export interface PreloadedInputs {
  resources: readonly Resource[];
  errors: readonly InputProblem[];
  unjudged: readonly InputProblem[];
}

/**
 * `checkDocuments` for any input, Terraform source (`.tf`, `.tf.json`) included: its files are
 * read one directory (module) at a time, and the HCL parser is loaded only when there are any.
 */
export async function checkInputs(
  inputs: readonly InputText[],
  ruleSet: string,
  makeEvaluate: MakeEvaluate,
  unread: readonly InputProblem[] = [],
  /** Reads the files `file()` and `templatefile()` name (src/adapters/module-files.ts); without it, they are unknown. */
  readModuleFile?: ReadModuleFile,
): Promise<CheckReport> {
  const terraform = inputs.filter((input) => TERRAFORM_SOURCE.test(input.source));
  if (terraform.length === 0) return checkDocuments(inputs, ruleSet, makeEvaluate, unread);
  const { loadTerraformSources } = await import('../input/terraform/hcl.js');
  const loaded = await loadTerraformSources(terraform, readModuleFile);
  const others = inputs.filter((input) => !TERRAFORM_SOURCE.test(input.source));
  return checkDocuments(others, ruleSet, makeEvaluate, unread, loaded);
}

/** Terraform source files (the same test as `isTerraformSource`, without loading its module). */
const TERRAFORM_SOURCE = /\.tf(\.json)?$/i;

function problemOf(source: string, error: unknown): InputProblem {
  if (error instanceof InputError)
    return error.line === undefined ? { source: error.source, message: error.detail } : { source: error.source, line: error.line, message: error.detail };
  // Not an input error we foresaw (a defect, or a stack overflow on a pathological file): still one error, for this file.
  return { source, message: `could not be read: ${errorText(error)}` };
}

const errorText = (error: unknown): string => maskSecretsIn(error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error));

/**
 * `deny`: any finding whose action is deny; `unknown`: that, or a deny rule that could not decide,
 * or something not judged at all; a severity: any finding at or above it; `none`: never.
 * Excepted findings never count.
 */
export type FailOn = 'deny' | 'unknown' | 'none' | Severity;

export function reachesThreshold(report: CheckReport, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const counted = report.results.some((r) =>
    r.findings.some(
      (f) => !f.exception && (failOn === 'deny' || failOn === 'unknown' ? f.action === 'deny' : severityRank(f.severity) >= severityRank(failOn)),
    ),
  );
  if (counted || failOn !== 'unknown') return counted;
  return (
    report.unjudged.length > 0 ||
    report.results.some((r) => r.resource.notJudged !== undefined || r.rules.some((rule) => rule.status === 'unknown' && rule.action === 'deny'))
  );
}

/** Whether a resource has an error that counts: a value the API rejects, or a rule error the policy does not ignore. */
export const hasError = (result: ResourceResult): boolean =>
  result.status === 'error' || (result.resource.problems?.length ?? 0) > 0 || result.rules.some((r) => r.status === 'error' && r.findings.length > 0);
