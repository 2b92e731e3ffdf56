import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPreset } from '../../core/presets.js';
import { indexTaskDefinitions } from '../../core/task-definition-index.js';
import type { Resource } from '../../core/types.js';
import { InputError } from '../../input/errors.js';
import { loadResources } from '../../input/load.js';
import { parseDocuments } from '../../input/parse.js';
import { presetPolicy, type CompiledPolicy } from '../../policy/engine.js';
import { mismatches, SuiteSchema, type Suite } from '../../policy/suite.js';
import { builtinRules } from '../../rules/index.js';
import type { CommandArgs, Io } from '../io.js';
import { confinedPath, loadPolicies } from '../../adapters/policy-files.js';
import { policyEvaluator } from '../../policy/evaluator.js';

export const TEST_USAGE = `Usage: ecs-admission test [dir|file]...

Runs policy test suites (default: every *.test.yaml under policies/): each case evaluates a
fixture with the suite's policies and compares the result of every rule it names (pass, fail,
skip, unknown, error or off; optionally the finding count, a message, the action, the deciding
policy, whether an exception applies). Every mismatch is reported. Fixtures are named relative to
the suite and must sit in its directory or below (or under --policy-root).

Options:
  --policy-root <dir>  the directory suites and policies may name files in (default: each file's own)

Exit status: 0 every expectation holds, 1 one does not, 2 a suite or a fixture cannot be read
(every case of such a fixture is counted).`;

export const isSuite = (name: string): boolean => /\.test\.ya?ml$/i.test(name);

/** The suites under the paths: files as named, directories recursively. */
export function suiteFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && isSuite(entry.name)) files.push(path);
    }
  };
  for (const path of paths) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) walk(path);
    else files.push(path);
  }
  return files;
}

export async function runTest(args: CommandArgs, io: Io): Promise<number> {
  const files = suiteFiles(args.positionals.length > 0 ? args.positionals : ['policies']);
  if (files.length === 0) {
    io.stderr(`no test suite (*.test.yaml) found in ${args.positionals.join(', ') || 'policies'}\n`);
    return 2;
  }
  const root = typeof args.values['policy-root'] === 'string' ? args.values['policy-root'] : undefined;
  return runSuites(files, io, root);
}

/** Runs the suites, printing each case and a summary; the exit status of `test`. */
export async function runSuites(files: readonly string[], io: Io, root: string | undefined): Promise<number> {
  let broken = 0;
  let failed = 0;
  let passed = 0;
  let unreadable = 0;
  for (const file of files) {
    const outcome = await runSuite(file, io, root);
    if (outcome === 'broken') broken++;
    else {
      failed += outcome.failed;
      passed += outcome.passed;
      unreadable += outcome.unreadable;
    }
  }
  const more = [
    ...(unreadable ? [`${unreadable} case${unreadable === 1 ? '' : 's'} with an unreadable fixture`] : []),
    ...(broken ? [`${broken} suite${broken === 1 ? '' : 's'} unreadable`] : []),
  ];
  io.stdout(`\n${passed} passed, ${failed} failed${more.map((m) => `, ${m}`).join('')} (${files.length} suite${files.length === 1 ? '' : 's'})\n`);
  return broken > 0 || unreadable > 0 ? 2 : failed > 0 ? 1 : 0;
}

async function runSuite(file: string, io: Io, root: string | undefined): Promise<{ passed: number; failed: number; unreadable: number } | 'broken'> {
  const problem = (message: string): 'broken' => {
    io.stderr(`${file}: ${message}\n`);
    return 'broken';
  };
  let suite: Suite;
  try {
    const [doc] = parseDocuments(readFileSync(file, 'utf8'), file);
    const parsed = SuiteSchema.safeParse(doc?.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const at = doc?.locate(issue.path.filter((k): k is string | number => typeof k !== 'symbol'));
      return problem(`${at ? `line ${at.line}: ` : ''}${issue.path.join('.') || '(suite)'}: ${issue.message}`);
    }
    suite = parsed.data;
  } catch (error) {
    return problem(error instanceof InputError ? error.detail : String(error));
  }
  const dir = dirname(file);
  const now = suite.now ? new Date(`${suite.now}T12:00:00Z`) : new Date();
  const policies: CompiledPolicy[] = [];
  const paths = suite.policies.filter((p) => !isPreset(p)).map((p) => resolve(dir, p));
  for (const preset of suite.policies.filter(isPreset)) policies.push(presetPolicy(preset, builtinRules));
  if (paths.length > 0) {
    const loaded = await loadPolicies(paths, builtinRules, now, root ? { root } : {});
    if (loaded.errors.length > 0) return problem(loaded.errors.map((e) => e.message).join('\n'));
    policies.push(...loaded.policies);
  }

  io.stdout(`${suite.name ?? file}\n`);
  let passed = 0;
  let failed = 0;
  let unreadable = 0;
  for (const testCase of suite.cases) {
    let resources: Resource[];
    try {
      const fixture = confinedPath(testCase.resource, file, root);
      resources = loadResources(readFileSync(fixture, 'utf8'), fixture);
    } catch (error) {
      // Counted, and the other cases still run.
      unreadable++;
      const why = error instanceof InputError ? error.detail : (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      io.stdout(`  ✗ ${testCase.name}: cannot use ${testCase.resource}: ${why}\n`);
      continue;
    }
    if (testCase.context) for (const r of resources) r.request = { ...r.request, ...testCase.context };
    const evaluate = policyEvaluator(policies, { now }).makeEvaluate(indexTaskDefinitions(resources));
    const target = testCase.select ? resources.find((r) => r.name === testCase.select) : resources[resources.length - 1];
    if (!target) return problem(`case "${testCase.name}": no resource named ${testCase.select ?? '(any)'} in ${testCase.resource}`);
    const result = evaluate(target);
    const problems = Object.entries(testCase.expect).flatMap(([ruleId, expectation]) => mismatches(ruleId, expectation, result));
    if (problems.length === 0) {
      passed++;
      io.stdout(`  ✓ ${testCase.name}\n`);
    } else {
      failed++;
      io.stdout(`  ✗ ${testCase.name} (${testCase.resource} › ${target.name})\n${problems.map((p) => `      ${p}\n`).join('')}`);
    }
  }
  return { passed, failed, unreadable };
}
