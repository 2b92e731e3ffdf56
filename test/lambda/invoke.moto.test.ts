/** `npm run invoke` (the built handler bundle, run as a process) against moto, and the sample events it ships. */
import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { describeWithMoto, motoEndpoint } from '../helpers/moto.js';

const SAMPLES = join(root, 'docs/events');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, event: JSON.parse(readFileSync(join(SAMPLES, f), 'utf8')) as { detail: { eventName: string } } }));

// That the sample events cover every handled call, each one a request the Lambda judges, is checked
// with the other lists of handled calls in test/deployment/event-pattern.test.ts.

describeWithMoto('npm run invoke', () => {
  it('runs the bundled handler on a sample event end to end against moto', async () => {
    // The sample names payments-api:1 in eu-west-1 of moto's default account: create it there.
    const ecs = new ECSClient({ endpoint: motoEndpoint()!, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const sample = samples.find((s) => s.file === 'register-task-definition.json')!.event as unknown as {
      detail: { requestParameters: Record<string, unknown> };
    };
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(sample.detail.requestParameters as never));
    expect(registered.taskDefinition!.taskDefinitionArn).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/payments-api:1');

    const env = {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL: motoEndpoint()!,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      ECS_ADMISSION_MODE: 'enforce',
      ECS_ADMISSION_POLICIES: await compiledPolicies('test/fixtures/policies/enforce-recommended.yaml'),
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const { stdout } = await promisify(execFile)('node', ['scripts/invoke.js', 'docs/events/register-task-definition.json'], { cwd: root, env });
    const result = JSON.parse(stdout.slice(stdout.indexOf('{\n'))) as Record<string, unknown>;
    expect(result).toMatchObject({
      status: 'decided',
      decisions: [{ verdict: 'deny', mode: 'enforce', actions: ['done deregisterTaskDefinition payments-api:1', 'done tagResource payments-api:1'] }],
    });
    const after = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'payments-api:1' }));
    expect(after.taskDefinition!.status).toBe('INACTIVE');
  });

  it('says what is wrong with a missing event file, without a stack trace', async () => {
    const failure = await promisify(execFile)('node', ['scripts/invoke.js', 'no-such-event.json'], { cwd: root }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2, stderr: 'no-such-event.json: no such file\n' });
  });
});
