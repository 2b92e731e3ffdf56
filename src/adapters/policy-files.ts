// Reads policy files from disk: the one loader the CLI, the Lambda and the sweep share.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Rule } from '../core/rule.js';
import { compilePolicies, usesCustomRules, type CompiledPolicy } from '../policy/engine.js';
import { PolicyError } from '../policy/errors.js';
import type { ParsedPolicy } from '../policy/load.js';

const POLICY_FILE = /\.(ya?ml|json)$/i;

/**
 * Policy files under the paths given: files as named, directories recursively — except `tests/`
 * folders and `*.test.yaml` files, where policy test suites and their fixtures live.
 */
export function policyFiles(paths: readonly string[]): { files: string[]; errors: PolicyError[] } {
  const files: string[] = [];
  const errors: PolicyError[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'tests' && entry.name !== 'node_modules') walk(path);
      } else if (POLICY_FILE.test(entry.name) && !/\.test\.ya?ml$/i.test(entry.name) && !entry.name.endsWith('.schema.json')) files.push(path);
    }
  };
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    } catch {
      errors.push(new PolicyError(path, 'no such file or directory'));
    }
  }
  return { files, errors };
}

/**
 * Reads and compiles the policies of the given files and directories, with the files they extend.
 * The readers load here, on first use, not when the module is imported: the YAML reader with the
 * first policy read, and cel-js only when some policy has custom rules (the Lambda's cold start
 * pays for neither at import).
 */
export async function loadPolicies(paths: readonly string[], builtinRules: readonly Rule[], now: Date): Promise<{ policies: CompiledPolicy[]; errors: PolicyError[] }> {
  const { files, errors } = policyFiles(paths);
  const { parsePolicyFile } = await import('../policy/load.js');
  const read = new Map<string, ReturnType<typeof parsePolicyFile>>();
  const readFile = (file: string): ReturnType<typeof parsePolicyFile> => {
    let result = read.get(file);
    if (!result) read.set(file, (result = parsePolicyFile(readFileSync(file, 'utf8'), file)));
    return result;
  };
  const readExtended = (path: string, from: string): ParsedPolicy[] => {
    const result = readFile(resolve(dirname(from), path));
    if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join('; '));
    return result.policies;
  };

  const parsed: ParsedPolicy[] = [];
  for (const file of files) {
    const result = readFile(file);
    parsed.push(...result.policies);
    errors.push(...result.errors);
  }
  const compileCustomRule = usesCustomRules(parsed, readExtended) ? (await import('../policy/custom-rule.js')).compileCustomRule : undefined;

  const compiled = compilePolicies(parsed, { builtinRules, readExtended, now, ...(compileCustomRule ? { compileCustomRule } : {}) });
  return { policies: compiled.policies, errors: [...errors, ...compiled.errors] };
}
