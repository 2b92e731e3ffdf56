/**
 * Policy files compiled into the bundle the Lambdas read (ECS_ADMISSION_POLICIES), as
 * `ecs-admission compile` writes it: once per test run and set of paths, in the run's scratch
 * folder (test/setup/run-dir.ts), shared by the test files of the run.
 *
 *   const POLICIES = await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml');
 *   readConfig({ ECS_ADMISSION_POLICIES: POLICIES, ... });
 *
 * Paths are as `compile` takes them (relative to the repository root, where the tests run, or
 * absolute); the bundle names its policies' files as given.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadPolicies } from '../../src/adapters/policy-files.js';
import { toBundle } from '../../src/policy/bundle.js';
import { builtinRules } from '../../src/rules/index.js';

/** The path of the compiled bundle of `paths`; throws with every problem when they do not compile. */
export async function compiledPolicies(...paths: string[]): Promise<string> {
  const folder = join(inject('runDir'), 'compiled-policies');
  const file = join(folder, `${createHash('sha256').update(JSON.stringify(paths)).digest('hex').slice(0, 16)}.json`);
  if (existsSync(file)) return file;
  const { policies, errors } = await loadPolicies(paths, builtinRules, new Date());
  if (errors.length > 0 || policies.length === 0)
    throw new Error(`${paths.join(', ')} do not compile:\n${errors.map((e) => e.message).join('\n') || 'no policy found'}`);
  mkdirSync(folder, { recursive: true });
  // Written whole, then moved into place: a test file in another worker never reads half of it.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(toBundle(policies, { sources: paths, compiledBy: 'ecs-admission tests' })));
  renameSync(partial, file);
  return file;
}
