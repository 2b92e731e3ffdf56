import type { RelatedTaskDefinition, Report, RuleContext } from './rule.js';
import { NO_FINDINGS, type RuleSet, type RuleSetting } from './rule-set.js';
import type { Finding, Resource, ResourceResult, RuleResult, RuleStatus } from './types.js';
import { CannotDecideError } from './unknown.js';

export interface EvaluatorOptions {
  /** Applied to every result, related task definitions' included (policy exceptions). */
  afterEvaluate?: (result: ResourceResult) => ResourceResult;
  /**
   * Finds the task definition a service, task set or task runs. Return a string to say why it
   * cannot be found; `require-compliant-task-definition` then skips with that reason.
   */
  resolveTaskDefinition?: (ref: string, from: Resource) => Resource<'taskDefinition'> | string;
}

export type Evaluate = (resource: Resource) => ResourceResult;

/**
 * Evaluates resources against a rule set. Pure: no I/O, no clock. A rule that throws gives an
 * `error` result (never a crash, never a pass); a rule that reads a value unknown offline gives
 * `skip` naming the field. With `resolveTaskDefinition`, results are cached per resource, so a task
 * definition shared by many services is evaluated once.
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

  const evaluate: Evaluate = (resource) => {
    const cached = cache?.get(resource);
    if (cached) return cached;
    const settings = ruleSetFor(resource).byKind[resource.kind];
    const run = new RuleRun(resource, resource.kind === 'taskDefinition' ? undefined : related(resource));
    const rules: RuleResult[] = [];
    const findings: Finding[] = [];
    let status: RuleStatus = 'skip';
    for (let i = 0; i < settings.length; i++) {
      const result = run.run(settings[i]!);
      rules.push(result);
      const found = result.findings;
      for (let j = 0; j < found.length; j++) findings.push(found[j]!);
      if (statusRank[result.status] > statusRank[status]) status = result.status;
    }
    let result: ResourceResult = { resource, status, findings, rules };
    if (options.afterEvaluate) result = options.afterEvaluate(result);
    cache?.set(resource, result);
    return result;
  };
  return evaluate;
}

const statusRank: Record<RuleStatus, number> = { skip: 0, pass: 1, error: 2, fail: 3 };


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
        return { ruleId: rule.id, status: 'skip', reason: error.message, findings };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { ruleId: rule.id, status: 'error', reason: `rule threw: ${message}`, findings: NO_FINDINGS };
    }
  }
}
