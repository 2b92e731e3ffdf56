// `ecs-admission policy push`: what validate checks and what test runs, before anything is
// uploaded; then the compiled bundle, as a new version of the object (moto's S3).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { root, runCli, scratch, policyText } from '../helpers/cli.js';
import { awsClientConfig, describeWithMoto, motoEndpoint, uniqueName } from '../helpers/moto.js';

const EXAMPLE = join(root, 'policies/examples/production-enforce');

/** The example policy and its suite, with the suite's first expectation turned false when asked. */
function example(options: { failing?: boolean } = {}): string {
  const dir = scratch();
  cpSync(EXAMPLE, dir, { recursive: true });
  if (options.failing) {
    const suite = join(dir, 'tests/production-enforce.test.yaml');
    writeFileSync(suite, readFileSync(suite, 'utf8').replace('require-non-root-user: pass', 'require-non-root-user: fail'));
  }
  return dir;
}

describe('ecs-admission policy push: refusals before any upload', () => {
  it('needs a bucket, a region and policies, and knows only push', async () => {
    for (const [args, message] of [
      [['push', EXAMPLE, '--region', 'us-east-1'], '--bucket <name> is required'],
      [['push', EXAMPLE, '--bucket', 'b'], 'no region'],
      [['pull', '--bucket', 'b'], 'unknown policy command "pull" (policy commands: push)'],
    ] as const) {
      const { status, stderr } = await runCli(['policy', ...args]);
      expect(status).toBe(2);
      expect(stderr).toContain(message);
    }
    const { status, stdout } = await runCli(['policy', '--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: ecs-admission policy push <file|dir>... --bucket <name> [--key <key>]');
  });

  it('refuses a policy that does not validate, with file:line, and calls no AWS', async () => {
    const dir = scratch({ 'prod.yaml': policyText('prod', 'rules:\n  require-healthchek: deny') });
    // No endpoint is reachable here: the push must stop before any call.
    const { status, stderr } = await runCli(['policy', 'push', dir, '--bucket', 'nowhere', '--region', 'us-east-1'], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(status).toBe(2);
    expect(stderr).toContain(
      `${join(dir, 'prod.yaml')}:7:5: spec.rules.require-healthchek: unknown rule "require-healthchek" (did you mean "require-healthcheck"?)`,
    );
    expect(stderr).toContain('nothing uploaded to s3://nowhere/policies.json');
  });
});

describeWithMoto('ecs-admission policy push against moto', () => {
  const s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true });
  let bucket: string;
  beforeEach(async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', motoEndpoint()!);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    bucket = uniqueName('policies');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return () => vi.unstubAllEnvs();
  });
  const versions = async (key = 'policies.json') => (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }))).Versions ?? [];
  const push = (...args: string[]) => runCli(['policy', 'push', ...args, '--bucket', bucket, '--region', 'us-east-1']);

  it('refuses when a policy test fails, prints the mismatch, and uploads nothing', async () => {
    const { status, stdout, stderr } = await push(example({ failing: true }));
    expect(status).toBe(2);
    expect(stdout).toContain('require-non-root-user: expected fail, got pass');
    expect(stderr).toContain(`a policy test failed: nothing uploaded to s3://${bucket}/policies.json`);
    expect(await versions()).toEqual([]);
  });

  it('runs the suites that name a policy file given alone', async () => {
    const { status } = await push(join(example({ failing: true }), 'policy.yaml'));
    expect(status).toBe(2);
    expect(await versions()).toEqual([]);
  });

  it('uploads the compiled bundle when everything holds, and prints the new version', async () => {
    const dir = example();
    const { status, stdout, stderr } = await push(dir, '--key', 'prod/policies.json');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const [version, ...more] = await versions('prod/policies.json');
    expect(more).toEqual([]);
    expect(stdout).toContain(`1 policy pushed to s3://${bucket}/prod/policies.json: payments-prod\nversion ${version!.VersionId}\n`);
    expect(stdout).toMatch(/\d+ passed, 0 failed \(1 suite\)/);
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'prod/policies.json', VersionId: version!.VersionId }))
    ).Body!.transformToString();
    expect(JSON.parse(body)).toMatchObject({
      format: 'ecs-admission/compiled-policies',
      sources: [dir],
      policies: [{ name: 'payments-prod', mode: 'enforce' }],
    });
  });

  it('pushes a policy scoped by organizational unit, its suite giving the OUs as the Lambda would, with a note', async () => {
    const dir = scratch({
      'prod.yaml': policyText('prod', 'mode: enforce\nextends: [recommended]\nmatch:\n  organizationalUnits: ["ou-ab12-prod*"]'),
      'tests/prod.test.yaml': [
        'apiVersion: ecs-admission/v1',
        'kind: PolicyTest',
        'policies: [../prod.yaml]',
        'cases:',
        '  - name: an account in a production OU (nested) is in scope',
        '    resource: td.json',
        '    context: { account: "222222222222", organizationalUnits: ["ou-ab12-team0001", "ou-ab12-prod0001"] }',
        '    expect: { no-privileged-containers: { result: fail, action: deny } }',
        '  - name: another OU is not',
        '    resource: td.json',
        '    context: { account: "333333333333", organizationalUnits: ["ou-ab12-sandbox1"] }',
        '    expect: { no-privileged-containers: off }',
        '  - name: offline, the OUs are unknown and the scope matches nothing',
        '    resource: td.json',
        '    expect: { no-privileged-containers: off }',
        '',
      ].join('\n'),
      'tests/td.json': JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] }),
    });
    const { status, stdout } = await push(dir);
    expect(status).toBe(0);
    expect(stdout).toContain(`${join(dir, 'prod.yaml')}: note: policy "prod" scopes by organizationalUnits`);
    expect(stdout).toMatch(/3 passed, 0 failed/);
    expect(await versions()).toHaveLength(1);
  });
});
