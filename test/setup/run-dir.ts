/**
 * vitest globalSetup: one scratch folder for the whole run, shared by the test files (which run in
 * separate workers) and removed at the end. test/helpers/serverless-package.ts keeps the one
 * `serverless package` output of the run there, so that two test files need not build it twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder that lives as long as the test run. */
    runDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-run-'));
  project.provide('runDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
