/**
 * The verdict of every rule of the strict preset on every resource of a file, in a compact form
 * a test can compare and a reviewer can read: `pass`, `skip`, `unknown`, `error`, or `fail:N`
 * (N findings, with the conditions of each when there are any). Used for the corpus of real public
 * files kept in the tests (test/corpus), whose expected verdicts are reviewed and committed.
 */
import { createEvaluator } from '../core/evaluate.js';
import { presetRuleSet } from '../core/presets.js';
import type { Rule } from '../core/rule.js';
import { indexTaskDefinitions } from '../core/task-definition-index.js';
import { InputError } from '../input/errors.js';
import { loadDocument } from '../input/load.js';

export interface FileVerdicts {
  error?: string;
  unjudged?: string[];
  resources?: { name: string; kind: string; status: string; problems?: string[]; rules: Record<string, string> }[];
}

export function verdictsOf(text: string, source: string, builtinRules: readonly Rule[]): FileVerdicts {
  let loaded;
  try {
    loaded = loadDocument(text, source);
  } catch (error) {
    if (error instanceof InputError) return { error: error.detail };
    throw error;
  }
  const evaluate = createEvaluator(presetRuleSet('strict', builtinRules), { resolveTaskDefinition: indexTaskDefinitions(loaded.resources) });
  const out: FileVerdicts = {};
  if (loaded.unjudged.length > 0) out.unjudged = loaded.unjudged.map((u) => u.message);
  out.resources = loaded.resources.map((resource) => {
    const result = evaluate(resource);
    const rules = Object.fromEntries(
      result.rules.map((r) => {
        if (r.status !== 'fail') return [r.ruleId, r.status];
        const when = [...new Set(r.findings.map((f) => f.when).filter(Boolean))];
        return [r.ruleId, `fail:${r.findings.length}${when.length ? ` when ${when.join(' | ')}` : ''}`];
      }),
    );
    return {
      name: resource.name,
      kind: resource.kind,
      status: result.status,
      ...(resource.problems?.length ? { problems: resource.problems.map((p) => `${p.path}: ${p.message}`) } : {}),
      rules,
    };
  });
  return out;
}
