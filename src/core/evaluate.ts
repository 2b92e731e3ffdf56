import type { RelatedTaskDefinition, Report, RuleContext } from './rule.js';
import type { RuleSet, RuleSetting } from './rule-set.js';
import type { Finding, Resource, ResourceResult, RuleResult, RuleStatus } from './types.js';
import { CannotDecideError } from './unknown.js';

export interface EvaluatorOptions {
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
 * `skip` naming the field. Task definition results are cached per resource, so a task definition
 * shared by many services is evaluated once.
 */
export function createEvaluator(ruleSet: RuleSet, options: EvaluatorOptions = {}): Evaluate {
  const cache = new WeakMap<Resource, ResourceResult>();

  const related = (resource: Resource): RelatedTaskDefinition | undefined => {
    const ref = resource.taskDefinitionRef;
    if (!ref) return undefined;
    const found = options.resolveTaskDefinition?.(ref, resource) ?? `task definition ${ref} is not available to evaluate`;
    if (typeof found === 'string') return { ref, status: 'missing', reason: found };
    return { ref, status: 'found', result: evaluate(found) };
  };

  const evaluate: Evaluate = (resource) => {
    const cached = cache.get(resource);
    if (cached) return cached;
    const settings = ruleSet.byKind[resource.kind];
    const taskDefinition = resource.kind === 'taskDefinition' ? undefined : related(resource);
    const rules: RuleResult[] = [];
    const findings: Finding[] = [];
    let status: RuleStatus = 'skip';
    for (const setting of settings) {
      const result = runRule(setting, resource, taskDefinition);
      rules.push(result);
      if (result.findings.length > 0) findings.push(...result.findings);
      status = worse(status, result.status);
    }
    const result: ResourceResult = { resource, status, findings, rules };
    cache.set(resource, result);
    return result;
  };
  return evaluate;
}

const statusRank: Record<RuleStatus, number> = { skip: 0, pass: 1, error: 2, fail: 3 };
const worse = (a: RuleStatus, b: RuleStatus): RuleStatus => (statusRank[b] > statusRank[a] ? b : a);

function runRule(setting: RuleSetting, resource: Resource, taskDefinition: RelatedTaskDefinition | undefined): RuleResult {
  const { rule } = setting;
  const findings: Finding[] = [];
  const report = (r: Report): void => {
    const severity = setting.severity === 'inherit' ? (r.severity ?? 'high') : setting.severity;
    const finding: Finding = { ruleId: rule.id, severity, action: setting.action, message: r.message, path: r.path, remediation: rule.remediation };
    if (r.container !== undefined) finding.container = r.container;
    findings.push(finding);
  };
  try {
    const reason = rule.notApplicable?.(resource.object, resource, setting.options);
    if (reason !== undefined) return { ruleId: rule.id, status: 'skip', reason, findings };
    const ctx: RuleContext<unknown> = taskDefinition
      ? { options: setting.options, report, taskDefinition }
      : { options: setting.options, report };
    rule.check(resource.object, ctx, resource);
    return { ruleId: rule.id, status: findings.length > 0 ? 'fail' : 'pass', findings };
  } catch (error) {
    if (error instanceof CannotDecideError) {
      // What was found before the unknown value is certain; otherwise the rule cannot decide.
      if (findings.length > 0) return { ruleId: rule.id, status: 'fail', findings, reason: error.message };
      return { ruleId: rule.id, status: 'skip', reason: error.message, findings };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ruleId: rule.id, status: 'error', reason: `rule threw: ${message}`, findings: [] };
  }
}
