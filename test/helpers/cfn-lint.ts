/**
 * cfn-lint (a Python tool, like moto) on a CloudFormation template. Without it the tests that need
 * it skip locally (tagged `cfn-lint`, counted by the skip summary); with
 * ECS_ADMISSION_REQUIRE_CFN_LINT=1 (or ECS_ADMISSION_REQUIRE_MOTO=1, CI's switch for its external
 * test tools) a missing cfn-lint fails them instead.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { required } from '../setup/prerequisites.js';

export const hasCfnLint = spawnSync('cfn-lint', ['--version']).status === 0;
/** Whether the cfn-lint tests run (or fail for want of cfn-lint) rather than skip. */
export const runCfnLint = hasCfnLint || required('cfn-lint') || required('moto');

/** cfn-lint's exit code and output (errors and warnings; empty when it finds nothing) on `path`. */
export async function cfnLint(path: string): Promise<{ code: number | string | undefined; output: string; seconds: number }> {
  const started = Date.now();
  const result = await promisify(execFile)('cfn-lint', ['--', path], { timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number | string; stdout?: string; stderr?: string; message: string }) => ({
      code: error.code,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
    }),
  );
  return { ...result, seconds: (Date.now() - started) / 1000 };
}
