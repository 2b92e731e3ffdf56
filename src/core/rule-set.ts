import type { Rule } from './rule.js';
import { RESOURCE_KINDS, type Action, type Finding, type Mode, type OnError, type ResourceKind, type RuleResult, type Severity } from './types.js';

/** The findings of a rule that found nothing: one frozen empty list. */
export const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];

/** One rule switched on, with the action, severity and options it runs with. */
export interface RuleSetting {
  rule: Rule;
  action: Exclude<Action, 'off'>;
  severity: Severity | 'inherit';
  /** Parsed and defaulted against the rule's options schema. */
  options: unknown;
  /** The preset or policy that chose this setting, shown in the output. */
  decidedBy: string;
  /** `enforce`: a deny is carried out (by the Lambda); `audit`: only reported as what would be done. */
  mode: Mode;
  /** What an error of the rule counts as (default `flag`): never a silent pass. */
  onError: OnError;
  /** The result of a pass, the same every time: shared (frozen) rather than built per evaluation. */
  passed: RuleResult;
}

export interface RuleSet {
  name: string;
  settings: readonly RuleSetting[];
  /** Settings of the rules that apply to a kind, precomputed: the evaluator's hot path. */
  byKind: Readonly<Record<ResourceKind, readonly RuleSetting[]>>;
}

export interface RuleChoice {
  action: Action;
  severity?: Severity;
  options?: unknown;
  /** Who made the choice, when not the rule set itself (combined policies). */
  decidedBy?: string;
  mode?: Mode;
  onError?: OnError;
}

export class RuleOptionsError extends Error {
  constructor(
    readonly ruleId: string,
    readonly issues: string,
  ) {
    super(`invalid options for rule ${ruleId}: ${issues}`);
    this.name = 'RuleOptionsError';
  }
}

/** Validates options against the rule's schema and fills the defaults; throws `RuleOptionsError`. */
export function parseRuleOptions(rule: Rule, options: unknown): unknown {
  const parsed = rule.options.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  throw new RuleOptionsError(rule.id, parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; '));
}

/** Builds a rule set from a choice per rule; options are validated here, once, not per evaluation. */
export function buildRuleSet(name: string, rules: readonly Rule[], choose: (rule: Rule) => RuleChoice): RuleSet {
  const settings: RuleSetting[] = [];
  for (const rule of rules) {
    const choice = choose(rule);
    if (choice.action === 'off') continue;
    const options = parseRuleOptions(rule, choice.options);
    settings.push({
      rule,
      action: choice.action,
      severity: choice.severity ?? rule.severity,
      options,
      decidedBy: choice.decidedBy ?? name,
      mode: choice.mode ?? 'audit',
      onError: choice.onError ?? 'flag',
      passed: Object.freeze({ ruleId: rule.id, status: 'pass', findings: NO_FINDINGS }),
    });
  }
  const byKind = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, settings.filter((s) => s.rule.appliesTo.includes(kind))])) as Record<
    ResourceKind,
    RuleSetting[]
  >;
  return { name, settings, byKind };
}
