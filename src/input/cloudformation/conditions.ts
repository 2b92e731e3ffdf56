/**
 * Conditions (`Fn::If`) are evaluated, not skipped: a resource is judged in scenarios, each an
 * assignment of the conditions its properties use, as cfn-lint reasons about condition scenarios.
 *
 * Bounding the cost: enumerating every combination of k conditions would be 2^k evaluations.
 * Instead, each branch of each `Fn::If` gets one scenario that reaches it (its own condition,
 * and those of the `Fn::If` around it, set accordingly; every other condition set to a value
 * consistent with the template), and equal scenarios are merged: at most 1 + 2 × (number of
 * `Fn::If`) scenarios, linear in the fields that depend on conditions. Every branch is judged;
 * what is not enumerated is combinations of independent conditions, which no single field
 * depends on.
 *
 * Reachability: conditions are read from the template's `Conditions` as formulas over
 * parameters (`!Equals [!Ref Env, prod]`, `!Not`, `!And`, `!Or`, `Condition`), so that a branch
 * no parameter value can reach (`IsProd` and `IsDev` both true) is not judged. Anything else in a
 * condition is an independent unknown.
 */
import { intrinsicName, isObject } from './intrinsics.js';

export type Assignment = Readonly<Record<string, boolean>>;

type Formula = { op: 'const'; value: boolean } | { op: 'atom'; atom: Atom } | { op: 'not'; of: Formula } | { op: 'and' | 'or'; of: Formula[] };

/** `param` atoms hold when the parameter has `value`; `free` atoms are independent booleans. */
type Atom = { kind: 'param'; param: string; value: string } | { kind: 'free'; key: string };

const OTHER = '\u0000other';

export interface ConditionModel {
  /**
   * Values for every condition of `names` that agree with `required` and the template's
   * definitions; undefined when none do (the branch cannot be reached).
   */
  complete(required: Assignment, names: readonly string[]): Record<string, boolean> | undefined;
}

export function conditionModel(template: Record<string, unknown>): ConditionModel {
  const definitions = isObject(template.Conditions) ? template.Conditions : {};
  const parameters = isObject(template.Parameters) ? template.Parameters : {};
  const formulas = new Map<string, Formula>();

  const parse = (value: unknown, resolving: readonly string[]): Formula => {
    if (typeof value === 'boolean') return { op: 'const', value };
    const key = intrinsicName(value);
    const argument = key ? (value as Record<string, unknown>)[key] : undefined;
    if (key === 'Condition' && typeof argument === 'string') return formulaOf(argument, resolving);
    if (key === 'Fn::Not' && Array.isArray(argument) && argument.length === 1) return { op: 'not', of: parse(argument[0], resolving) };
    if ((key === 'Fn::And' || key === 'Fn::Or') && Array.isArray(argument)) {
      return { op: key === 'Fn::And' ? 'and' : 'or', of: argument.map((a) => parse(a, resolving)) };
    }
    if (key === 'Fn::Equals' && Array.isArray(argument) && argument.length === 2) return equals(argument[0], argument[1]);
    return { op: 'atom', atom: { kind: 'free', key: JSON.stringify(value) } };
  };

  const equals = (a: unknown, b: unknown): Formula => {
    const literal = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
    const parameter = (v: unknown): string | undefined => (isObject(v) && typeof v.Ref === 'string' && v.Ref in parameters ? v.Ref : undefined);
    const [la, lb] = [literal(a), literal(b)];
    if (la !== undefined && lb !== undefined) return { op: 'const', value: la === lb };
    const [pa, pb] = [parameter(a), parameter(b)];
    if (pa && lb !== undefined) return { op: 'atom', atom: { kind: 'param', param: pa, value: lb } };
    if (pb && la !== undefined) return { op: 'atom', atom: { kind: 'param', param: pb, value: la } };
    return { op: 'atom', atom: { kind: 'free', key: JSON.stringify([a, b].map((x) => JSON.stringify(x)).sort()) } };
  };

  const formulaOf = (name: string, resolving: readonly string[] = []): Formula => {
    const known = formulas.get(name);
    if (known) return known;
    const definition = definitions[name];
    // Undefined, or defined through itself: an independent unknown, as cfn-lint would report it.
    const formula: Formula =
      definition === undefined || resolving.includes(name)
        ? { op: 'atom', atom: { kind: 'free', key: `condition:${name}` } }
        : parse(definition, [...resolving, name]);
    formulas.set(name, formula);
    return formula;
  };

  /** The values a parameter can take, as far as conditions tell them apart. */
  const domain = (param: string, compared: Set<string>): string[] => {
    const declared = parameters[param];
    const allowed = isObject(declared) && Array.isArray(declared.AllowedValues) ? declared.AllowedValues.map(String) : undefined;
    return allowed ?? [...compared, OTHER];
  };

  return {
    complete(required, names) {
      const requiredNames = Object.keys(required);
      // Search only the atoms the required conditions use (usually one or two parameters); every
      // other atom keeps its first value, so the completed scenario is a real assignment.
      const params = new Map<string, Set<string>>();
      const free = new Set<string>();
      const gather = (f: Formula): void => {
        if (f.op === 'atom') {
          if (f.atom.kind === 'param') {
            let values = params.get(f.atom.param);
            if (!values) params.set(f.atom.param, (values = new Set()));
            values.add(f.atom.value);
          } else free.add(f.atom.key);
        } else if (f.op === 'not') gather(f.of);
        else if (f.op !== 'const') f.of.forEach(gather);
      };
      requiredNames.forEach((n) => gather(formulaOf(n)));
      const searched = [
        ...[...params].map(([param, values]) => ({ key: `param:${param}`, values: domain(param, values) })),
        ...[...free].map((key) => ({ key: `free:${key}`, values: ['true', 'false'] })),
      ];
      const size = searched.reduce((n, atom) => n * atom.values.length, 1);
      if (size > 4096) return fallback(required, names);

      const chosen = new Map<string, string>();
      const value = (atom: Atom): boolean => {
        if (atom.kind === 'free') return (chosen.get(`free:${atom.key}`) ?? 'true') === 'true';
        const param = chosen.get(`param:${atom.param}`) ?? firstValue(atom.param);
        return param === atom.value;
      };
      const firstValues = new Map<string, string>();
      const firstValue = (param: string): string => {
        let first = firstValues.get(param);
        if (first === undefined) {
          const all = new Set<string>();
          for (const n of names) gatherParam(formulaOf(n), param, all);
          first = domain(param, all)[0] ?? OTHER;
          firstValues.set(param, first);
        }
        return first;
      };
      const evaluate = (f: Formula): boolean => {
        switch (f.op) {
          case 'const':
            return f.value;
          case 'atom':
            return value(f.atom);
          case 'not':
            return !evaluate(f.of);
          case 'and':
            return f.of.every(evaluate);
          case 'or':
            return f.of.some(evaluate);
        }
      };
      const indices = searched.map(() => 0);
      for (let n = 0; n < size; n++) {
        searched.forEach((atom, i) => chosen.set(atom.key, atom.values[indices[i]!]!));
        if (requiredNames.every((name) => evaluate(formulaOf(name)) === required[name])) {
          return Object.fromEntries(names.map((name) => [name, name in required ? required[name]! : evaluate(formulaOf(name))]));
        }
        for (let i = 0; i < indices.length; i++) {
          if (++indices[i]! < searched[i]!.values.length) break;
          indices[i] = 0;
        }
      }
      return undefined;
    },
  };
}

function gatherParam(f: Formula, param: string, into: Set<string>): void {
  if (f.op === 'atom') {
    if (f.atom.kind === 'param' && f.atom.param === param) into.add(f.atom.value);
  } else if (f.op === 'not') gatherParam(f.of, param, into);
  else if (f.op !== 'const') f.of.forEach((g) => gatherParam(g, param, into));
}

/** Too many atoms to search: conditions taken as independent, the unassigned ones true. */
const fallback = (required: Assignment, names: readonly string[]): Record<string, boolean> =>
  Object.fromEntries(names.map((name) => [name, required[name] ?? true]));

/** An `Fn::If` found in a resource's properties, and the conditions around it. */
interface IfSite {
  condition: string;
  /** The branches of enclosing `Fn::If` this one sits in. */
  enclosing: Assignment;
}

/** Every `Fn::If` in `value` whose condition is a name. */
function ifSites(value: unknown, enclosing: Assignment = {}, into: IfSite[] = [], depth = 0): IfSite[] {
  if (depth > 64) return into;
  if (Array.isArray(value)) {
    for (const item of value) ifSites(item, enclosing, into, depth + 1);
    return into;
  }
  if (!isObject(value)) return into;
  const branches = value['Fn::If'];
  if (intrinsicName(value) === 'Fn::If' && Array.isArray(branches) && branches.length === 3 && typeof branches[0] === 'string') {
    const condition = branches[0];
    into.push({ condition, enclosing });
    ifSites(branches[1], { ...enclosing, [condition]: true }, into, depth + 1);
    ifSites(branches[2], { ...enclosing, [condition]: false }, into, depth + 1);
    return into;
  }
  for (const child of Object.values(value)) ifSites(child, enclosing, into, depth + 1);
  return into;
}

/**
 * The scenarios a resource is judged in: one per branch of each `Fn::If` it can reach, merged
 * when equal. A resource with a `Condition` of its own exists only when it holds. Without any
 * `Fn::If`, one scenario without conditions.
 */
export function scenarioAssignments(properties: unknown, resourceCondition: string | undefined, model: ConditionModel): Assignment[] {
  const sites = ifSites(properties);
  if (sites.length === 0) return [{}];
  const names = [...new Set([...sites.map((s) => s.condition), ...(resourceCondition ? [resourceCondition] : [])])];
  const seen = new Set<string>();
  const scenarios: Assignment[] = [];
  for (const site of sites) {
    for (const value of [true, false]) {
      if (site.condition in site.enclosing && site.enclosing[site.condition] !== value) continue;
      const required: Record<string, boolean> = { ...site.enclosing, [site.condition]: value };
      if (resourceCondition) {
        if (resourceCondition in required && !required[resourceCondition]) continue;
        required[resourceCondition] = true;
      }
      const assignment = model.complete(required, names);
      if (!assignment) continue; // a branch no parameter value reaches
      const key = names.map((n) => (assignment[n] ? '1' : '0')).join('');
      if (seen.has(key)) continue;
      seen.add(key);
      scenarios.push(assignment);
    }
  }
  return scenarios.length > 0 ? scenarios : [fallback({}, names)];
}
