import type { RelatedTaskDefinition, Report, RuleContext } from './rule.js';
import { NO_FINDINGS, type RuleSet, type RuleSetting } from './rule-set.js';
import { mergeScenarios } from './scenarios.js';
import type { RunnableKind } from './task-definition-index.js';
import type { Finding, Resource, ResourceResult, RuleResult, RuleStatus } from './types.js';
import { CannotDecideError } from './unknown.js';

export interface EvaluatorOptions {
  /** Applied to every result, related task definitions' included (policy exceptions). */
  afterEvaluate?: (result: ResourceResult) => ResourceResult;
  /**
   * Finds the task definition a service, task set or task runs. Return a string to say why it
   * cannot be found; `require-compliant-task-definition` then reports `unknown` with that reason.
   */
  resolveTaskDefinition?: ResolveTaskDefinition;
}

export type Evaluate = (resource: Resource) => ResourceResult;

/** Finds the task definition `ref` names among what was read with `from`; a string says why it cannot. */
export type ResolveTaskDefinition = (ref: string, from: Resource) => Resource<RunnableKind> | string;

/**
 * Evaluates resources against a rule set. Pure: no I/O, no clock. Never a silent pass:
 * - a rule that throws gives `error`, and a finding with the action its `onError` chooses;
 * - a rule that reads a value unknown offline gives `unknown`, naming the field;
 * - a resource with a field of the wrong type is `error` whatever its rules say;
 * - a CloudFormation resource with `Fn::If` is judged in each of its scenarios, and fails when any does.
 * With `resolveTaskDefinition`, results are cached per resource, so a task definition shared by
 * many services is evaluated once.
 */
export function createEvaluator(ruleSets: RuleSet | ((resource: Resource) => RuleSet), options: EvaluatorOptions = {}): Evaluate {
  const ruleSetFor = typeof ruleSets === 'function' ? ruleSets : () => ruleSets;
  // Only an evaluator that resolves task definitions needs the cache (a task definition shared by
  // many workloads is then evaluated once); without one, caching costs more in GC than it saves.
  const cache = options.resolveTaskDefinition ? new WeakMap<Resource, ResourceResult>() : undefined;

  const related = (resource: Resource): RelatedTaskDefinition | undefined => {
    const ref = resource.taskDefinitionRef;
    if (!ref) return undefined;
    const found = options.resolveTaskDefinition?.(ref, resource) ?? `task definition ${ref} is not available to evaluate`;
    if (typeof found === 'string') return { ref, status: 'missing', reason: found };
    return { ref, status: 'found', result: evaluate(found) };
  };

  const judge = (resource: Resource, settings: readonly RuleSetting[], taskDefinition: RelatedTaskDefinition | undefined): ResourceResult => {
    const run = new RuleRun(resource, taskDefinition);
    const rules: RuleResult[] = [];
    const findings: Finding[] = [];
    let status: RuleStatus = 'skip';
    for (let i = 0; i < settings.length; i++) {
      const setting = settings[i]!;
      const result = run.run(setting);
      rules.push(result);
      const found = result.findings;
      for (let j = 0; j < found.length; j++) findings.push(found[j]!);
      // An error the policy chose to ignore is shown, and counts as Kubernetes' `failurePolicy: Ignore` does: admitted.
      const counted = result.status === 'error' && setting.onError === 'ignore' ? 'pass' : result.status;
      if (statusRank[counted] > statusRank[status]) status = counted;
    }
    return { resource, status, findings, rules };
  };

  const evaluate: Evaluate = (resource) => {
    const cached = cache?.get(resource);
    if (cached) return cached;
    let result: ResourceResult;
    if (resource.notJudged !== undefined) {
      result = { resource, status: 'unknown', reason: resource.notJudged, findings: NO_FINDINGS, rules: [] };
    } else {
      const settings = ruleSetFor(resource).byKind[resource.kind];
      const taskDefinition = resource.kind === 'taskDefinition' || resource.kind === 'daemonTaskDefinition' ? undefined : related(resource);
      result = resource.scenarios
        ? mergeScenarios(
            resource,
            resource.scenarios.map((s) => judge({ ...resource, object: s.object, origin: { ...resource.origin, locate: s.locate } }, settings, taskDefinition)),
          )
        : judge(resource, settings, taskDefinition);
    }
    // A value the API rejects: whatever the rules said, the resource has not passed.
    if (resource.problems && resource.problems.length > 0 && result.status !== 'fail') result.status = 'error';
    // What is judged may not be what is deployed: never a pass.
    if (resource.caveat !== undefined && statusRank[result.status] < statusRank.unknown) {
      result.status = 'unknown';
      result.reason = resource.caveat;
    }
    if (options.afterEvaluate) result = options.afterEvaluate(result);
    cache?.set(resource, result);
    return result;
  };
  return evaluate;
}

const statusRank: Record<RuleStatus, number> = { skip: 0, pass: 1, unknown: 2, error: 3, fail: 4 };

/**
 * Runs the rules of one evaluation. One context object serves every rule in turn (this is the
 * hot path: a task definition meets some thirty rules), and a rule without findings allocates none.
 */
class RuleRun implements RuleContext<unknown> {
  options: unknown;
  private setting!: RuleSetting;
  private findings: Finding[] | undefined;

  constructor(
    private readonly resource: Resource,
    readonly taskDefinition: RelatedTaskDefinition | undefined,
  ) {}

  readonly report = (r: Report): void => {
    const { rule, severity, action, mode, decidedBy } = this.setting;
    const finding: Finding = {
      ruleId: rule.id,
      severity: severity === 'inherit' ? (r.severity ?? 'high') : severity,
      action,
      mode,
      decidedBy,
      message: r.message,
      path: r.path,
      // Always present (possibly undefined): one object shape for every finding keeps this fast.
      container: r.container,
      remediation: rule.remediation,
    };
    (this.findings ??= []).push(finding);
  };

  run(setting: RuleSetting): RuleResult {
    const { rule } = setting;
    const { resource } = this;
    this.setting = setting;
    this.options = setting.options;
    this.findings = undefined;
    try {
      const reason = rule.notApplicable?.(resource.object, resource, setting.options);
      if (reason !== undefined) return { ruleId: rule.id, status: 'skip', reason, findings: NO_FINDINGS };
      rule.check(resource.object, this, resource);
      const findings = this.findings;
      return findings ? { ruleId: rule.id, status: 'fail', findings } : setting.passed;
    } catch (error) {
      const findings = this.findings ?? NO_FINDINGS;
      if (error instanceof CannotDecideError) {
        // What was found before the unknown value is certain; otherwise the rule cannot decide.
        if (findings.length > 0) return { ruleId: rule.id, status: 'fail', findings, reason: error.message };
        return { ruleId: rule.id, status: 'unknown', reason: error.message, action: setting.action, findings };
      }
      return this.failed(setting, errorText(error));
    }
  }

  /** A rule that could not be evaluated: `error`, with the finding its `onError` asks for. */
  private failed(setting: RuleSetting, reason: string): RuleResult {
    const { rule, onError } = setting;
    if (onError === 'ignore') return { ruleId: rule.id, status: 'error', reason, action: setting.action, findings: NO_FINDINGS };
    const finding: Finding = {
      ruleId: rule.id,
      severity: setting.severity === 'inherit' ? 'high' : setting.severity,
      action: onError,
      mode: setting.mode,
      decidedBy: setting.decidedBy,
      message: `The rule could not be evaluated: ${reason.replace(/\.$/, '')}.`,
      path: '',
      container: undefined,
      remediation: rule.remediation,
      error: true,
    };
    return { ruleId: rule.id, status: 'error', reason, action: setting.action, findings: [finding] };
  }
}

/** A rule's exception as a reason: a value of the wrong type names its field; anything else is a throw. */
function errorText(error: unknown): string {
  if (error instanceof Error && error.name === 'InvalidValueError') return error.message;
  return `rule threw: ${error instanceof Error ? error.message : String(error)}`;
}
