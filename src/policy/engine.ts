import { createEvaluator, type Evaluate, type ResolveTaskDefinition } from '../core/evaluate.js';
import { isPreset, presetRuleSet, type PresetName } from '../core/presets.js';
import { buildRuleSet, parseRuleOptions, RuleOptionsError, type RuleChoice, type RuleSet } from '../core/rule-set.js';
import type { Rule } from '../core/rule.js';
import type { Action, Mode, OnError, Resource } from '../core/types.js';
import { closest, distance } from 'fastest-levenshtein';
import type { compileCustomRule, CustomRuleSpec } from './custom-rule.js';
import { CustomRuleError, pathText, PolicyError, type SpecLocation } from './errors.js';
import { applyExceptions, dayOf, exceptionStatus, type ExceptionEntry, type ExceptionStatus } from './exceptions.js';
import type { ParsedPolicy } from './load.js';
import { factsOf, type ResourceFacts } from '../core/identity.js';
import { excluded, matches } from './match.js';
import type { Match } from './schema.js';

/** A policy ready to apply: `extends` resolved, rules and custom rules checked. */
export interface CompiledPolicy {
  name: string;
  file: string;
  mode: Mode;
  /** What a rule error counts as, for the rules that do not say (default `flag`). */
  onError?: OnError;
  match?: Match;
  exclude?: Match;
  /** The action, severity and options of every rule the policy turns on or off. */
  choices: Map<string, RuleChoice>;
  /** Its custom rules and those of the files it extends, each with the spec it was compiled from. */
  customRules: CompiledCustomRule[];
  /** Every rule the policy can name: the built-in ones and its custom rules. */
  rules: ReadonlyMap<string, Rule>;
  exceptions: ExceptionEntry[];
}

/** A custom rule, and where it came from: what a compiled policy bundle stores to build it again. */
export interface CompiledCustomRule {
  rule: Rule;
  spec: CustomRuleSpec;
  where: SpecLocation;
}

export interface CompileOptions {
  builtinRules: readonly Rule[];
  /** Reads the policy file an `extends` entry names (relative to `from`). */
  readExtended: (path: string, from: string) => ParsedPolicy[];
  now: Date;
  /**
   * Compiles a policy's CEL rules (`compileCustomRule` of ./custom-rule.js). Injected, so that
   * cel-js loads only where a policy has custom rules: its set-up is a cold-start cost.
   */
  compileCustomRule?: typeof compileCustomRule;
}

const ACTION_RANK: Record<Action, number> = { off: 0, flag: 1, deny: 2 };

/**
 * Whether a policy, or a policy file it extends, has custom rules: the caller then loads the CEL
 * compiler for `compileCustomRule`. A file that cannot be read counts as none; compiling reports it.
 */
/** Whether any policy (its match, its exclude, or an exception's match) scopes by organizational unit: only then are OUs looked up. */
export const usesOrganizationalUnits = (policies: readonly Pick<CompiledPolicy, 'match' | 'exclude' | 'exceptions'>[]): boolean =>
  policies.some((p) => !!(p.match?.organizationalUnits || p.exclude?.organizationalUnits || p.exceptions.some((e) => e.spec.match?.organizationalUnits)));

export function usesCustomRules(parsed: readonly ParsedPolicy[], readExtended: CompileOptions['readExtended']): boolean {
  const seen = new Set<ParsedPolicy>();
  const uses = (p: ParsedPolicy): boolean => {
    if (seen.has(p)) return false;
    seen.add(p);
    if (p.policy.spec.customRules.length > 0) return true;
    return p.policy.spec.extends.some((base) => {
      if (isPreset(base)) return false;
      try {
        return readExtended(base, p.file).some(uses);
      } catch {
        return false;
      }
    });
  };
  return parsed.some(uses);
}

/**
 * Resolves `extends`, checks rule ids, options, custom rules and exception lifetimes. Returns the
 * policies that compiled and every error, each with file, line and column.
 */
export function compilePolicies(parsed: readonly ParsedPolicy[], options: CompileOptions): { policies: CompiledPolicy[]; errors: PolicyError[] } {
  const errors: PolicyError[] = [];
  const builtinIds = new Set(options.builtinRules.map((r) => r.id));
  const policies: CompiledPolicy[] = [];
  const names = new Map<string, string>();

  type Compiled = Omit<CompiledPolicy, 'exceptions' | 'rules'> & { ok: boolean };
  // Each policy is compiled once, however many files extend it: a diamond of extends stays
  // linear, and the errors of a shared base are reported once.
  // Keyed by file and name, not by object: a reader may parse a file anew for each reference.
  const keyOf = (p: ParsedPolicy): string => `${p.file}\u0000${p.policy.metadata.name}`;
  const compiled = new Map<string, Compiled>();
  const inProgress = new Set<string>();
  const compile = (p: ParsedPolicy): Compiled => {
    const key = keyOf(p);
    const done = compiled.get(key);
    if (done) return done;
    inProgress.add(key);
    const result = compileOne(p);
    inProgress.delete(key);
    compiled.set(key, result);
    return result;
  };
  const compileOne = (p: ParsedPolicy): Compiled => {
    const { policy, file } = p;
    /** An error at a field (or, with `key`, at the field's name). */
    const at = (path: (string | number)[], detail: string, key = false): PolicyError => {
      const where = p.locate(path, key);
      return new PolicyError(file, `${pathText(path)}: ${detail}`, where?.line, where?.column);
    };
    let ok = true;
    const fail = (error: PolicyError): void => {
      errors.push(error);
      ok = false;
    };
    const choices = new Map<string, RuleChoice>();
    const customRules: CompiledCustomRule[] = [];

    policy.spec.extends.forEach((base, i) => {
      if (isPreset(base)) {
        for (const s of presetRuleSet(base, options.builtinRules).settings) choices.set(s.rule.id, { action: s.action });
        for (const rule of options.builtinRules) if (!choices.has(rule.id)) choices.set(rule.id, { action: 'off' });
        return;
      }
      let bases: ParsedPolicy[];
      try {
        bases = options.readExtended(base, file);
      } catch (error) {
        return fail(at(['spec', 'extends', i], `cannot extend "${base}": ${(error as Error).message}; use recommended, strict or a policy file path`));
      }
      for (const b of bases) {
        if (inProgress.has(keyOf(b))) return fail(at(['spec', 'extends', i], `extends itself through ${base}`));
        const extended = compile(b);
        for (const [id, choice] of extended.choices) choices.set(id, choice);
        // Once each: a rule that reaches this policy along two paths of extends is one rule.
        for (const custom of extended.customRules) if (!customRules.some((c) => c.rule === custom.rule)) customRules.push(custom);
      }
    });

    policy.spec.customRules.forEach((spec, i) => {
      const where = p.locate(['spec', 'customRules', i, 'expression']) ?? p.locate(['spec', 'customRules', i]);
      if (!options.compileCustomRule) {
        return fail(
          new PolicyError(file, 'customRules: the CEL compiler is not loaded (pass compileCustomRule to compilePolicies)', where?.line, where?.column),
        );
      }
      try {
        const location: SpecLocation = { file, ...(where ? { line: where.line, column: where.column } : {}) };
        const rule = options.compileCustomRule(spec, location, builtinIds);
        customRules.push({ rule, spec, where: location });
        const onError = spec.onError ?? policy.spec.onError;
        choices.set(rule.id, { action: spec.action, severity: spec.severity, ...(onError ? { onError } : {}) });
      } catch (error) {
        if (!(error instanceof CustomRuleError)) throw error;
        fail(new PolicyError(file, `customRules[${error.ruleId}]: ${error.detail}`, where?.line, where?.column));
      }
    });

    const known = [...builtinIds, ...customRules.map((c) => c.rule.id)];
    for (const [id, override] of Object.entries(policy.spec.rules)) {
      const rule = options.builtinRules.find((r) => r.id === id) ?? customRules.find((c) => c.rule.id === id)?.rule;
      if (!rule) {
        const guess = closest(id, known);
        fail(at(['spec', 'rules', id], `unknown rule "${id}"${distance(id, guess) <= 4 ? ` (did you mean "${guess}"?)` : ''}`, true));
        continue;
      }
      const base = choices.get(id);
      const o = typeof override === 'string' ? { action: override } : override;
      const choice: RuleChoice = { action: o.action ?? base?.action ?? rule.recommended };
      const severity = o.severity ?? base?.severity;
      if (severity) choice.severity = severity;
      const opts = o.options ?? base?.options;
      if (opts !== undefined) choice.options = opts;
      const onError = ('onError' in o ? o.onError : undefined) ?? base?.onError;
      if (onError) choice.onError = onError;
      try {
        parseRuleOptions(rule, choice.options);
      } catch (error) {
        if (!(error instanceof RuleOptionsError)) throw error;
        fail(at(['spec', 'rules', id, 'options'], error.issues));
        continue;
      }
      choices.set(id, choice);
    }
    return {
      name: policy.metadata.name,
      file,
      mode: policy.spec.mode,
      ...(policy.spec.onError ? { onError: policy.spec.onError } : {}),
      ...(policy.spec.match ? { match: policy.spec.match } : {}),
      ...(policy.spec.exclude ? { exclude: policy.spec.exclude } : {}),
      choices,
      customRules,
      ok,
    };
  };

  const today = dayOf(options.now);
  for (const p of parsed) {
    const name = p.policy.metadata.name;
    const where = p.locate(['metadata', 'name']);
    const other = names.get(name);
    if (other) {
      errors.push(new PolicyError(p.file, `metadata.name: policy "${name}" is already defined in ${other}`, where?.line, where?.column));
      continue;
    }
    names.set(name, p.file);
    const compiled = compile(p);
    const exceptions: ExceptionEntry[] = [];
    p.policy.spec.exceptions.forEach((spec, index) => {
      const at = p.locate(['spec', 'exceptions', index]);
      const unknownRule = spec.rules.find((id) => !compiled.choices.has(id) && !builtinIds.has(id));
      if (unknownRule) errors.push(new PolicyError(p.file, `spec.exceptions[${index}].rules: unknown rule "${unknownRule}"`, at?.line, at?.column));
      const max = p.policy.spec.maxExceptionDays;
      if (max !== undefined && Date.parse(spec.expires) - Date.parse(today) > max * 86_400_000) {
        errors.push(
          new PolicyError(p.file, `spec.exceptions[${index}].expires: ${spec.expires} is more than maxExceptionDays (${max}) from today`, at?.line, at?.column),
        );
      }
      exceptions.push({ policy: name, file: p.file, index, spec, applied: 0, missed: 0 });
    });
    const rules = new Map([...options.builtinRules, ...compiled.customRules.map((c) => c.rule)].map((r) => [r.id, r] as const));
    if (compiled.ok) policies.push({ ...compiled, rules, exceptions });
  }
  return { policies, errors };
}

export interface ExceptionReport {
  policy: string;
  file: string;
  index: number;
  rules: string[];
  reason: string;
  owner?: string;
  expires: string;
  status: ExceptionStatus;
  applied: number;
}

export interface PolicyEngine {
  evaluate: Evaluate;
  /** Every exception with its status so far: active, expiring, expired or unused. */
  exceptions: () => ExceptionReport[];
}

export interface EngineOptions {
  now: Date;
  /** Forces audit over every policy (ECS_ADMISSION_MODE=audit, --audit). */
  forceAudit?: boolean;
  resolveTaskDefinition?: ResolveTaskDefinition;
}

/**
 * Evaluates each resource with the policies that apply to it (match and not exclude). Where
 * several apply, each rule takes the strictest setting: deny over flag over off, then enforce over
 * audit, then the first policy by name; the finding names the policy that decided.
 */
export function createPolicyEngine(policies: readonly CompiledPolicy[], options: EngineOptions): PolicyEngine {
  const ordered = [...policies].sort((a, b) => a.name.localeCompare(b.name));
  const today = dayOf(options.now);
  const ruleSets = new Map<string, RuleSet>();
  // Facts are read only when some policy is scoped or has exceptions; otherwise every policy applies.
  const needsFacts = ordered.some((p) => p.match !== undefined || p.exclude !== undefined || p.exceptions.length > 0);
  interface Applying {
    facts: ResourceFacts | undefined;
    list: CompiledPolicy[];
    names: string[];
    /** The rule set cache key: the names joined. */
    key: string;
  }
  const applyingTo = (facts: ResourceFacts | undefined, list: CompiledPolicy[]): Applying => {
    const names = list.map((p) => p.name);
    return { facts, list, names, key: names.join(',') };
  };
  const everywhere = applyingTo(undefined, ordered);
  const applyingNow = new Map<Resource, Applying>();
  const applying = (resource: Resource) => {
    if (!needsFacts) return everywhere;
    let found = applyingNow.get(resource);
    if (!found) {
      const facts = factsOf(resource);
      found = applyingTo(
        facts,
        ordered.filter((p) => matches(p.match, facts) && !excluded(p.exclude, facts)),
      );
      // Kept from the rule set choice to the exceptions of the same evaluation, then dropped.
      applyingNow.set(resource, found);
    }
    return found;
  };

  const ruleSetFor = (resource: Resource): RuleSet => {
    const { list, key } = applying(resource);
    let ruleSet = ruleSets.get(key);
    if (!ruleSet) {
      const chosen = new Map<string, { rule: Rule; choice: RuleChoice }>();
      for (const policy of list) {
        const mode: Mode = options.forceAudit ? 'audit' : policy.mode;
        for (const [id, choice] of policy.choices) {
          const onError = choice.onError ?? policy.onError;
          const candidate = { ...choice, decidedBy: policy.name, mode, ...(onError ? { onError } : {}) };
          const current = chosen.get(id);
          if (!current || stricter(candidate, current.choice)) chosen.set(id, { rule: policy.rules.get(id)!, choice: candidate });
        }
      }
      const rules = [...chosen.values()].map((c) => c.rule);
      ruleSet = buildRuleSet(key || '(no policy)', rules, (rule) => chosen.get(rule.id)!.choice);
      ruleSets.set(key, ruleSet);
    }
    return ruleSet;
  };

  const evaluate = createEvaluator(ruleSetFor, {
    ...(options.resolveTaskDefinition ? { resolveTaskDefinition: options.resolveTaskDefinition } : {}),
    afterEvaluate: (result) => {
      const { facts, list, names } = applying(result.resource);
      applyingNow.delete(result.resource);
      const judged = facts
        ? applyExceptions(
            result,
            list.flatMap((p) => p.exceptions),
            facts,
            today,
          )
        : result;
      judged.policies = names;
      return judged;
    },
  });

  return {
    evaluate,
    exceptions: () =>
      ordered.flatMap((p) =>
        p.exceptions.map((e) => ({
          policy: e.policy,
          file: e.file,
          index: e.index,
          rules: e.spec.rules,
          reason: e.spec.reason,
          ...(e.spec.owner ? { owner: e.spec.owner } : {}),
          expires: e.spec.expires,
          status: exceptionStatus(e, today),
          applied: e.applied,
        })),
      ),
  };
}

const stricter = (a: RuleChoice, b: RuleChoice): boolean =>
  ACTION_RANK[a.action] !== ACTION_RANK[b.action] ? ACTION_RANK[a.action] > ACTION_RANK[b.action] : a.mode === 'enforce' && b.mode !== 'enforce';

/** A built-in preset as a policy that applies everywhere, in audit mode. */
export function presetPolicy(name: PresetName, builtinRules: readonly Rule[]): CompiledPolicy {
  const choices = new Map<string, RuleChoice>(presetRuleSet(name, builtinRules).settings.map((s) => [s.rule.id, { action: s.action }]));
  return {
    name,
    file: `(built-in preset ${name})`,
    mode: 'audit',
    choices,
    customRules: [],
    rules: new Map(builtinRules.map((r) => [r.id, r])),
    exceptions: [],
  };
}

/** Every rule some policy turns on, with its strictest action: what SARIF lists as the tool's rules. */
export function activeRules(policies: readonly CompiledPolicy[]): { rule: Rule; action: Exclude<Action, 'off'>; severity: Rule['severity'] }[] {
  const active = new Map<string, { rule: Rule; choice: RuleChoice }>();
  for (const policy of policies) {
    for (const [id, choice] of policy.choices) {
      const current = active.get(id);
      if (choice.action !== 'off' && (!current || stricter(choice, current.choice))) active.set(id, { rule: policy.rules.get(id)!, choice });
    }
  }
  return [...active.values()]
    .sort((a, b) => a.rule.id.localeCompare(b.rule.id))
    .map(({ rule, choice }) => ({ rule, action: choice.action as Exclude<Action, 'off'>, severity: choice.severity ?? rule.severity }));
}
