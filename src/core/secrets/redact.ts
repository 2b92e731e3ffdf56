/**
 * The last line of defence before anything is shown: every text of a result (finding messages,
 * names, reasons, `when`, problems) with every detected secret masked, and the reasons (which
 * may carry an error's own words) also with the values of the resource's sensitive fields
 * (environment values, commands, docker labels, log options; core/shape.ts) masked. Rules and
 * readers already avoid printing values, and custom rules mask what their messages quote
 * (policy/custom-rule.ts); this catches what they cannot foresee. Names, images and built-in
 * messages are not searched for sensitive values: an environment value `us-west-2` must not
 * mask the region in every image name.
 *
 * Applied once per result where a use case hands results to output (check, the sweep, the
 * Lambda's decisions), not on the evaluation hot path.
 */
import { SHAPES, type Shape } from '../shape.js';
import type { Finding, Resource, ResourceResult, RuleResult } from '../types.js';
import { unguarded, UnknownValue } from '../unknown.js';
import { maskSecretsIn, maskValuesIn } from './mask.js';

export function redactResult(result: ResourceResult): ResourceResult {
  let values: Set<string> | undefined;
  const maskReason = (text: string): string => maskValuesIn(text, (values ??= sensitiveValues(result.resource)));
  const mask = maskSecretsIn;
  const maskFinding = (f: Finding): Finding => {
    const message = f.error ? maskReason(f.message) : mask(f.message);
    const when = f.when === undefined ? undefined : mask(f.when);
    const container = f.container === undefined ? undefined : mask(f.container);
    if (message === f.message && when === f.when && container === f.container) return f;
    return { ...f, message, container, ...(when !== undefined ? { when } : {}) };
  };
  const maskRule = (r: RuleResult): RuleResult => {
    const reason = r.reason === undefined ? undefined : maskReason(r.reason);
    const findings = r.findings.length === 0 ? r.findings : r.findings.map(maskFinding);
    return reason === r.reason && findings.every((f, i) => f === r.findings[i]) ? r : { ...r, ...(reason !== undefined ? { reason } : {}), findings };
  };
  const rules = result.rules.map(maskRule);
  const findings = rules.flatMap((r) => r.findings);
  const out: ResourceResult = {
    ...result,
    resource: redactResource(result.resource, mask, maskReason),
    rules,
    findings: findings.length === result.findings.length ? findings : result.findings.map(maskFinding),
  };
  if (result.reason !== undefined) out.reason = maskReason(result.reason);
  return out;
}

/** The resource as reports show it: its name and the texts about it masked (a copy, when anything changes). */
function redactResource(resource: Resource, mask: (text: string) => string, maskReason: (text: string) => string): Resource {
  const name = mask(resource.name);
  const problems = resource.problems?.map((p) => ({ path: p.path, message: maskReason(p.message) }));
  const notJudged = resource.notJudged === undefined ? undefined : maskReason(resource.notJudged);
  const caveat = resource.caveat === undefined ? undefined : maskReason(resource.caveat);
  const same =
    name === resource.name &&
    notJudged === resource.notJudged &&
    caveat === resource.caveat &&
    (problems ?? []).every((p, i) => p.message === resource.problems![i]!.message);
  if (same) return resource;
  return {
    ...resource,
    name,
    ...(problems ? { problems } : {}),
    ...(notJudged !== undefined ? { notJudged } : {}),
    ...(caveat !== undefined ? { caveat } : {}),
  };
}

/** The string values of a resource's sensitive fields, in every scenario. */
export function sensitiveValues(resource: Resource): Set<string> {
  const values = new Set<string>();
  const objects = resource.scenarios ? resource.scenarios.map((s) => s.object) : [resource.object];
  for (const object of objects) collect(unguarded(object), SHAPES[resource.kind], false, values, 0);
  return values;
}

function collect(value: unknown, shape: Shape | undefined, sensitive: boolean, into: Set<string>, depth: number): void {
  if (depth > 32 || value === null || value === undefined || value instanceof UnknownValue) return;
  const inside = sensitive || shape?.sensitive === true;
  if (typeof value === 'string') {
    if (inside) into.add(value);
    return;
  }
  if (typeof value !== 'object') return;
  const node = unguarded(value);
  if (Array.isArray(node)) {
    for (const item of node) collect(item, shape?.type === 'list' ? shape.of : undefined, inside, into, depth + 1);
    return;
  }
  for (const [key, child] of Object.entries(node)) {
    const childShape = shape?.type === 'object' ? shape.fields[key] : shape?.type === 'map' ? shape.of : undefined;
    // Outside the known shape only sensitive subtrees matter.
    if (childShape || inside) collect(child, childShape, inside, into, depth + 1);
  }
}
