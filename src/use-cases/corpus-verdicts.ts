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
import type { ReadModuleFile } from '../input/terraform/expressions.js';
import type { SourceText } from '../input/terraform/hcl.js';
import type { Resource } from '../core/types.js';

export interface FileVerdicts {
  error?: string;
  /** Files of a Terraform module that could not be read (the others are still judged). */
  errors?: string[];
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
  return judged(loaded.resources, loaded.unjudged, builtinRules);
}

/**
 * The same for one Terraform module: its files (`source` names relative to whatever `readFile`
 * resolves against) loaded together, as `check` loads a directory of `.tf` files.
 */
export async function verdictsOfModule(files: readonly SourceText[], builtinRules: readonly Rule[], readFile?: ReadModuleFile): Promise<FileVerdicts> {
  const { loadTerraformSources } = await import('../input/terraform/hcl.js');
  const loaded = await loadTerraformSources(files, readFile);
  const out = judged(loaded.resources, loaded.unjudged, builtinRules);
  if (loaded.errors.length > 0) out.errors = loaded.errors.map((e) => `${e.source}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}`);
  return out;
}

function judged(resources: readonly Resource[], unjudged: readonly { message: string }[], builtinRules: readonly Rule[]): FileVerdicts {
  const evaluate = createEvaluator(presetRuleSet('strict', builtinRules), { resolveTaskDefinition: indexTaskDefinitions(resources) });
  const out: FileVerdicts = {};
  if (unjudged.length > 0) out.unjudged = unjudged.map((u) => u.message);
  out.resources = resources.map((resource) => {
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
