/**
 * The verdict of a CloudFormation resource with conditions (`Fn::If`), from the verdicts of its
 * scenarios (see `Scenario`). A rule fails when it fails in any scenario, and each finding says
 * under which conditions it holds (`when IsProd`); it errors, or is unknown, when it does in any
 * scenario; it passes only when it passes (or does not apply) in every one.
 */
import type { Finding, Resource, ResourceResult, RuleResult, RuleStatus, Scenario } from './types.js';

const STATUS_ORDER: readonly RuleStatus[] = ['fail', 'error', 'unknown', 'pass', 'skip'];

export function mergeScenarios(resource: Resource, results: readonly ResourceResult[]): ResourceResult {
  const scenarios = resource.scenarios!;
  const first = results[0]!;
  const rules: RuleResult[] = [];
  const findings: Finding[] = [];
  let status: RuleStatus = 'skip';
  for (let i = 0; i < first.rules.length; i++) {
    const perScenario = results.map((r) => r.rules[i]!);
    const worst = STATUS_ORDER.find((s) => perScenario.some((r) => r.status === s))!;
    const chosen = perScenario.filter((r) => r.status === worst);
    const merged: RuleResult = { ruleId: first.rules[i]!.ruleId, status: worst, findings: [] };
    const reason = chosen.find((r) => r.reason !== undefined)?.reason;
    if (reason !== undefined) merged.reason = reason;
    const action = chosen.find((r) => r.action !== undefined)?.action;
    if (action !== undefined) merged.action = action;
    if (worst === 'fail' || worst === 'error') {
      merged.findings = mergeFindings(
        scenarios,
        perScenario.map((r) => (r.status === worst ? r.findings : [])),
      );
    }
    rules.push(merged);
    findings.push(...merged.findings);
    if (STATUS_ORDER.indexOf(worst) < STATUS_ORDER.indexOf(status)) status = worst;
  }
  return { resource, status, findings, rules };
}

/**
 * One finding per distinct finding across scenarios. A condition is named in `when` when the
 * finding's field (or one of its parents) is set by an `Fn::If` on it, and the finding shows up
 * under one value of the condition only: under both, the condition does not matter.
 */
function mergeFindings(scenarios: readonly Scenario[], perScenario: readonly (readonly Finding[])[]): Finding[] {
  const byKey = new Map<string, { finding: Finding; seen: Map<string, Set<boolean>>; at?: Finding['at'] }>();
  perScenario.forEach((found, s) => {
    const scenario = scenarios[s]!;
    for (const finding of found) {
      const key = `${finding.ruleId}\u0000${finding.path}\u0000${finding.container ?? ''}\u0000${finding.message}`;
      let entry = byKey.get(key);
      if (!entry) {
        entry = { finding, seen: new Map() };
        const at = scenario.locate?.(finding.path);
        if (at) entry.at = at;
        byKey.set(key, entry);
      }
      for (const branch of scenario.branches) {
        if (!covers(branch.path, finding.path)) continue;
        let values = entry.seen.get(branch.condition);
        if (!values) entry.seen.set(branch.condition, (values = new Set()));
        values.add(branch.value);
      }
    }
  });
  return [...byKey.values()].map(({ finding, seen, at }) => {
    const conditions = [...seen].filter(([, values]) => values.size === 1).map(([name, values]) => (values.has(true) ? name : `not ${name}`));
    const merged: Finding = { ...finding };
    if (at) merged.at = at;
    if (conditions.length > 0) merged.when = conditions.join(' and ');
    return merged;
  });
}

/** Whether a field at `path` is set by an `Fn::If` at `branchPath` (itself or a parent of it). */
const covers = (branchPath: string, path: string): boolean =>
  branchPath === '' || path === branchPath || path.startsWith(`${branchPath}.`) || path.startsWith(`${branchPath}[`);
