// Reads policy files from disk: the one loader the CLI, the Lambda and the sweep share.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
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

/** Whether `file` is `dir` or under it, after symbolic links are resolved. */
export function isWithin(file: string, dir: string): boolean {
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  const rel = relative(real(dir), real(file));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The file a policy names (`extends`, a suite's `resource`), resolved against the naming file's
 * directory and confined to it, or to `root` when one is given: a policy cannot read
 * `/etc/shadow` and print its lines back as errors.
 */
export function confinedPath(path: string, from: string, root: string | undefined): string {
  const target = resolve(dirname(from), path);
  const allowed = root ?? dirname(from);
  if (!isWithin(target, allowed))
    throw new Error(`${path} is outside ${allowed}: name a file in that directory or below${root ? '' : ' (or choose a wider root with --policy-root)'}`);
  return target;
}

/**
 * Reads and compiles the policies of the given files and directories, with the files they extend.
 * Each file is read and compiled once, however often it is extended. `extends` is confined to the
 * directory of the file that names it, or to `root`. The readers load here, on first use, not
 * when the module is imported: the YAML reader with the first policy read, and cel-js only when
 * some policy has custom rules (the Lambda's cold start pays for neither at import).
 */
export async function loadPolicies(
  paths: readonly string[],
  builtinRules: readonly Rule[],
  now: Date,
  options: { root?: string } = {},
): Promise<{ policies: CompiledPolicy[]; errors: PolicyError[] }> {
  const { files, errors } = policyFiles(paths);
  const { parsePolicyFile } = await import('../policy/load.js');
  const read = new Map<string, ReturnType<typeof parsePolicyFile>>();
  const readFile = (file: string): ReturnType<typeof parsePolicyFile> => {
    let result = read.get(file);
    if (!result) read.set(file, (result = parsePolicyFile(readFileSync(file, 'utf8'), file)));
    return result;
  };
  const readExtended = (path: string, from: string): ParsedPolicy[] => {
    const file = confinedPath(path, from, options.root);
    let result: ReturnType<typeof parsePolicyFile>;
    try {
      result = readFile(file);
    } catch (error) {
      throw new Error(
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? 'unreadable')}`,
      );
    }
    // Never the other file's content: its problems are for `validate` to show, on that file.
    if (result.errors.length > 0)
      throw new Error(
        `${path} is not a valid policy file (${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}: run ecs-admission validate on it)`,
      );
    return result.policies;
  };

  const parsed: ParsedPolicy[] = [];
  const partial: ParsedPolicy[] = [];
  for (const file of files) {
    const result = readFile(file);
    parsed.push(...result.policies);
    partial.push(...result.partial);
    errors.push(...result.errors);
  }
  const compileCustomRule = usesCustomRules([...parsed, ...partial], readExtended) ? (await import('../policy/custom-rule.js')).compileCustomRule : undefined;
  const compileOptions = { builtinRules, readExtended, now, ...(compileCustomRule ? { compileCustomRule } : {}) };

  const compiled = compilePolicies(parsed, compileOptions);
  // What is left of a document with schema errors, compiled only for its other problems: every
  // problem of a policy shows in one run.
  const more = partial.length > 0 ? compilePolicies(partial, compileOptions).errors : [];
  const byPlace = (a: PolicyError, b: PolicyError): number =>
    a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  return { policies: compiled.policies, errors: [...errors, ...more, ...compiled.errors].sort(byPlace) };
}
