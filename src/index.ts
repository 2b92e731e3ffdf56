/** The library entry: the engine, the built-in rules and the loaders, for scripts and other tools. */
export { createEvaluator } from './core/evaluate.js';
export { presetRuleSet, PRESETS } from './core/presets.js';
export { buildRuleSet } from './core/rule-set.js';
export { defineRule } from './core/rule.js';
export { indexTaskDefinitions } from './core/task-definition-index.js';
export * from './core/types.js';
export { loadDocument, loadResources } from './input/load.js';
export { detectSecret, findSecrets } from './core/secrets/detect.js';
export { redactResult } from './core/secrets/redact.js';
export { checkDocuments } from './app/check.js';
export { verdictsOf } from './app/corpus-verdicts.js';
export { builtinRules, ruleById } from './rules/index.js';
export { withRulesTable, renderRulesTable } from './docs/rules-table.js';
export { policyJsonSchema } from './policy/schema.js';
export { compilePolicies, createPolicyEngine, presetPolicy } from './policy/engine.js';
export { compileCustomRule } from './policy/custom-rule.js';
export { loadPolicies } from './adapters/policy-files.js';
export { parsePolicyFile } from './policy/load.js';
