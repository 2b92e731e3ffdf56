// Reads policy files from disk: the one loader the CLI, the Lambda and the sweep share.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Rule } from '../core/rule.js';
import { compilePolicies, type CompiledPolicy } from '../policy/engine.js';
import { PolicyError } from '../policy/errors.js';
import { parsePolicyFile, type ParsedPolicy } from '../policy/load.js';

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

/** Reads and compiles the policies of the given files and directories. */
export function loadPolicies(paths: readonly string[], builtinRules: readonly Rule[], now: Date): { policies: CompiledPolicy[]; errors: PolicyError[] } {
  const { files, errors } = policyFiles(paths);
  const parsed: ParsedPolicy[] = [];
  for (const file of files) {
    const result = parsePolicyFile(readFileSync(file, 'utf8'), file);
    parsed.push(...result.policies);
    errors.push(...result.errors);
  }
  const readExtended = (path: string, from: string): ParsedPolicy[] => {
    const file = resolve(dirname(from), path);
    const result = parsePolicyFile(readFileSync(file, 'utf8'), file);
    if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join('; '));
    return result.policies;
  };
  const compiled = compilePolicies(parsed, { builtinRules, readExtended, now });
  return { policies: compiled.policies, errors: [...errors, ...compiled.errors] };
}
