/**
 * The "Run it locally" recipe of docs/lambda.md, run as written: its commands (the AWS CLI against moto,
 * then `serverless invoke local` with the deployment's plugin, bundling and environment) in a copy
 * of the service, against the run's moto server. Two things differ from a reader's shell: moto is
 * the run's (its endpoint replaces http://127.0.0.1:5000), and the Region is one no other test file
 * uses (it replaces eu-west-1 everywhere, the copied sample event included), so that the sample's
 * payments-api:1 and the fixed names of the ledger, topic and kill switch are this test's own.
 */
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { awsClientConfig, describeWithMoto, motoEndpoint } from '../helpers/moto.js';
import { docSection, shellCommands } from '../helpers/docs.js';
import { copyService } from '../helpers/serverless-package.js';

const DOC_ENDPOINT = 'http://127.0.0.1:5000';
const DOC_REGION = 'eu-west-1';
const REGION = 'eu-north-1';

/** The recipe up to `serverless invoke local`, the server's own start left out (the run has one). */
function recipe(): string[] {
  const commands = shellCommands(docSection('docs/lambda.md', '## Run it locally'));
  const last = commands.findIndex((c) => c.includes('npx serverless invoke local'));
  expect(last, 'the recipe runs serverless invoke local').toBeGreaterThan(0);
  expect(commands[0]).toMatch(/^moto_server -H 127\.0\.0\.1 -p 5000 &$/);
  return commands.slice(1, last + 1).map((c) => c.replaceAll(DOC_ENDPOINT, motoEndpoint()!).replaceAll(DOC_REGION, REGION));
}

/** Runs commands in one bash, in the copy of the service; rejects with the output when one fails. */
function run(work: string, commands: string[]): Promise<{ stdout: string }> {
  return promisify(execFile)('bash', ['-c', ['set -euo pipefail', ...commands].join('\n')], {
    cwd: work,
    timeout: 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '',
      // The AWS CLI may come from pyenv, which finds itself through its root.
      ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
      // No real credentials or AWS config; no telemetry; quiet logs and no metrics on stdout.
      HOME: work,
      SLS_TELEMETRY_DISABLED: '1',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`the recipe failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
}

describeWithMoto('the docs recipe: serverless invoke local against moto', () => {
  it('states the Region in every step, and the same one', () => {
    for (const command of shellCommands(docSection('docs/lambda.md', '## Run it locally')).filter(
      (c) => /^(aws|npx serverless) /.test(c) || c.includes(' npx serverless '),
    )) {
      expect(command, command).toContain(`--region ${DOC_REGION}`);
    }
  });

  it(
    'runs the bundled handler on the sample event and enforces against moto; a missing resource is named, with a readable stack',
    { timeout: 240_000 },
    async () => {
      const work = mkdtempSync(join(inject('runDir'), 'invoke-local-'));
      copyService(work);
      // What the recipe reads besides the service: the sample event and the enforcing test policy.
      const event = readFileSync(join(root, 'docs/events/register-task-definition.json'), 'utf8').replaceAll(DOC_REGION, REGION);
      cpSync(join(root, 'docs/events'), join(work, 'docs/events'), { recursive: true });
      writeFileSync(join(work, 'docs/events/register-task-definition.json'), event);
      cpSync(join(root, 'test/fixtures/policies'), join(work, 'test/fixtures/policies'), { recursive: true });

      const commands = recipe();
      const { stdout } = await run(work, commands);
      const result = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as Record<string, unknown>;
      expect(result).toMatchObject({
        status: 'decided',
        decisions: [{ verdict: 'deny', mode: 'enforce', actions: ['done deregisterTaskDefinition payments-api:1', 'done tagResource payments-api:1'] }],
      });
      const after = await new ECSClient({ ...awsClientConfig(), region: REGION }).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'payments-api:1' }));
      expect(after.taskDefinition!.status).toBe('INACTIVE');

      // The same command with a ledger table that does not exist: the error names it, and its stack
      // points into the sources, not into the minified bundle.
      const invoke = commands.at(-1)!.replace(/LOCAL_LEDGER_TABLE=\S+/, 'LOCAL_LEDGER_TABLE=no-such-ledger');
      expect(invoke).toContain('LOCAL_LEDGER_TABLE=no-such-ledger');
      const failed = await run(work, [commands.find((c) => c.startsWith('export AWS_ENDPOINT_URL='))!, invoke]).then(
        () => 'succeeded',
        (error: Error) => error.message,
      );
      expect(failed).toContain('no-such-ledger');
      expect(failed).toContain('ECS_ADMISSION_LEDGER_TABLE');
      expect(failed).toMatch(/at .*\/src\/[\w/-]+\.ts:\d+:\d+/);
      expect(failed).not.toMatch(/handler\.cjs:\d+:\d+/);
    },
  );
});
