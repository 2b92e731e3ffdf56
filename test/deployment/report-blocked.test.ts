// reportBlocked: the admission pattern also takes the ECS calls a guardrail refused (AccessDenied,
// AccessDeniedException) and no other failure; the member stack's ReportBlocked does the same, and
// the function gets ECS_ADMISSION_REPORT_BLOCKED. Off (the default), the pattern is unchanged
// (event-pattern.test.ts, organization.test.ts). Run in moto's EventBridge, as event-pattern.test.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDocuments } from '../../src/input/parse.js';
import { root } from '../helpers/cli.js';
import { cloudTrailRecord } from '../helpers/cloudtrail.js';
import { awsClientConfig, describeWithMoto, uniqueName } from '../helpers/moto.js';
import { packageService, type Template } from '../helpers/serverless-package.js';

type Pattern = { detail: Record<string, unknown> };
const OWN_ROLE = 'arn:aws:iam::123456789012:role/ecs-admission-dev-AdmissionRole-Q2W3E4R5T6Y7';
const BLOCKED_CODES = [{ exists: false }, 'AccessDenied', 'AccessDeniedException'];

describeWithMoto('reportBlocked=true', () => {
  let template: Template;
  let pattern: Pattern;
  const events = new EventBridgeClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  const name = uniqueName('blocked-rule');
  let queueUrl: string;

  beforeAll(async () => {
    template = (await packageService({ reportBlocked: 'true' })).template;
    const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern !== undefined)!;
    pattern = rule.Properties.EventPattern as Pattern;
    const resolved = JSON.stringify(pattern, (_key, value: unknown) =>
      JSON.stringify(value) === JSON.stringify({ 'Fn::GetAtt': ['AdmissionRole', 'Arn'] }) ? OWN_ROLE : value,
    );
    await events.send(new CreateEventBusCommand({ Name: name }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: resolved, State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn }] }));
  }, 120_000);

  afterAll(async () => {
    await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: name, Ids: ['queue'] }));
    await events.send(new DeleteRuleCommand({ Name: name, EventBusName: name }));
    await events.send(new DeleteEventBusCommand({ Name: name }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  });

  it('takes AccessDenied and AccessDeniedException besides the calls that succeeded, and tells the function', () => {
    expect(pattern.detail.errorCode).toEqual(BLOCKED_CODES);
    const fn = template.Resources.AdmissionLambdaFunction!.Properties.Environment as { Variables: Record<string, unknown> };
    expect(fn.Variables.ECS_ADMISSION_REPORT_BLOCKED).toBe('true');
  });

  it("is the member stack's pattern with ReportBlocked=true", () => {
    const member = parseDocuments(readFileSync(join(root, 'deploy/member.yaml'), 'utf8'), 'deploy/member.yaml')[0]!.value as Template;
    const forward = Object.values(member.Resources).find((r) => r.Type === 'AWS::Events::Rule')!.Properties.EventPattern as Pattern;
    expect(forward.detail.errorCode).toEqual({ 'Fn::If': ['ReportBlocked', BLOCKED_CODES, [{ exists: false }]] });
  });

  it('lets through the refused calls, and no other failure', async () => {
    const call = (errorCode?: string) =>
      cloudTrailRecord({ eventID: randomUUID(), eventName: 'RegisterTaskDefinition', awsRegion: 'us-east-1', ...(errorCode ? { errorCode } : {}) });
    const calls = {
      ok: call(),
      denied: call('AccessDenied'),
      deniedException: call('AccessDeniedException'),
      throttled: call('ThrottlingException'),
      invalid: call('InvalidParameterException'),
    };
    const put = await events.send(
      new PutEventsCommand({
        Entries: Object.values(calls).map((detail) => ({
          EventBusName: name,
          Source: 'aws.ecs',
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const byId = new Map(Object.entries(calls).map(([what, detail]) => [String(detail.eventID), what]));
    const arrived: string[] = [];
    for (let attempt = 0; attempt < 10 && arrived.length < 3; attempt++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: attempt ? 1 : 0 }));
      for (const m of Messages ?? []) {
        arrived.push(byId.get((JSON.parse(m.Body!) as { detail: { eventID: string } }).detail.eventID) ?? '?');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const m of Messages ?? []) arrived.push(byId.get((JSON.parse(m.Body!) as { detail: { eventID: string } }).detail.eventID) ?? '?');
    expect(arrived.sort()).toEqual(['denied', 'deniedException', 'ok']);
  });
});
