import { buildRuleSet, type RuleSet } from './rule-set.js';
import type { Rule } from './rule.js';

export const PRESETS = ['recommended', 'strict'] as const;
export type PresetName = (typeof PRESETS)[number];

export const isPreset = (name: string): name is PresetName => (PRESETS as readonly string[]).includes(name);

/**
 * Presets are computed from the rules' metadata, never listed by hand:
 * - `recommended`: each rule's own default action (the catalog's "recommended" column);
 * - `strict`: every rule on; `deny` for critical, high and inherited severities, `flag` for the rest.
 */
export function presetRuleSet(name: PresetName, rules: readonly Rule[]): RuleSet {
  if (name === 'recommended') return buildRuleSet(name, rules, (rule) => ({ action: rule.recommended }));
  return buildRuleSet(name, rules, (rule) => ({
    action: rule.severity === 'critical' || rule.severity === 'high' || rule.severity === 'inherit' ? 'deny' : 'flag',
  }));
}
