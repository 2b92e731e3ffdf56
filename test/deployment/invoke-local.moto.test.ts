/**
 * `serverless invoke local` on a sample event, against moto: the deployment's own bundling
 * (serverless-esbuild, cjs) and environment, with the LOCAL_* strings standing in for the
 * CloudFormation references it cannot resolve offline. Runs on a copy of the service.
 */
import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { awsClientConfig, describeWithMoto, ledgerTable, motoEndpoint, uniqueName } from '../helpers/moto.js';
import { copyService, runServerless } from '../helpers/serverless-package.js';

// A region no other test file uses, so the sample's payments-api:1 is this test's own.
const REGION = 'eu-north-1';

describeWithMoto('serverless invoke local', () => {
  it('runs the bundled handler on a sample event and enforces against moto', { timeout: 150_000 }, async () => {
    const event = readFileSync(join(root, 'docs/events/register-task-definition.json'), 'utf8').replaceAll('eu-west-1', REGION);
    const request = (JSON.parse(event) as { detail: { requestParameters: Record<string, unknown> } }).detail.requestParameters;
    const aws = { ...awsClientConfig(), region: REGION };
    await new ECSClient(aws).send(new RegisterTaskDefinitionCommand(request as never));
    const topic = (await new SNSClient(aws).send(new CreateTopicCommand({ Name: uniqueName('alerts') }))).TopicArn!;
    const table = await ledgerTable(REGION);

    const work = mkdtempSync(join(inject('runDir'), 'invoke-local-'));
    copyService(work);
    // Policies are read from the package, so the enforcing one goes where the package takes it from.
    cpSync(join(root, 'test/fixtures/policies/enforce-recommended.yaml'), join(work, 'policies/local-enforce.yaml'));
    writeFileSync(join(work, 'event.json'), event);

    const { stdout } = await runServerless(work, ['invoke', 'local', '-f', 'admission', '-p', 'event.json', '--region', REGION, '--param=mode=enforce', '--param=policies=policies/local-enforce.yaml'], {
      timeoutMs: 120_000,
      env: {
        AWS_ENDPOINT_URL: motoEndpoint()!,
        POWERTOOLS_LOG_LEVEL: 'WARN',
        POWERTOOLS_METRICS_DISABLED: 'true',
        LOCAL_TOPIC_ARN: topic,
        LOCAL_CHATBOT_TOPIC_ARN: topic,
        LOCAL_LEDGER_TABLE: table,
        LOCAL_ROLE_ARN: `arn:aws:iam::123456789012:role/ecs-admission-dev-${REGION}-lambdaRole`,
      },
    });
    const result = JSON.parse(stdout.slice(stdout.indexOf('{\n'))) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'decided', decisions: [{ verdict: 'deny', mode: 'enforce', actions: ['done deregisterTaskDefinition payments-api:1', 'done tagResource payments-api:1'] }] });
    const after = await new ECSClient(aws).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'payments-api:1' }));
    expect(after.taskDefinition!.status).toBe('INACTIVE');
  });
});
