/**
 * Helpers for tests that talk to the run's local moto server (started by test/setup/moto-server.ts).
 *
 *   import { describeWithMoto, awsClientConfig } from '../helpers/moto.js';
 *   describeWithMoto('SNS alerts', () => {
 *     const sns = new SNSClient(awsClientConfig());
 *     ...
 *   });
 *
 * ONE server serves the whole run, and vitest runs test files in parallel workers against it.
 * So give every AWS resource a unique name (see `uniqueName`) instead of calling `resetMoto()`:
 * a reset wipes the state of every file running at that moment, and gives the default VPC new
 * random subnet and security-group ids.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, inject } from 'vitest';

/** The moto server's URL, or null when moto_server is not installed (the tests then skip). */
export function motoEndpoint(): string | null {
  return inject('motoEndpoint');
}

/**
 * `describe` that skips its tests when there is no moto server. Its tests carry the `moto` tag, by
 * which the skip summary at the end of `npm test` counts them (test/setup/prerequisites.ts).
 */
export function describeWithMoto(name: string, body: () => void): void {
  describe.skipIf(!motoEndpoint())(name, { tags: ['moto'] }, body);
}

/**
 * Config for any AWS SDK v3 client, pointing at moto with dummy credentials. Safe to call in a
 * `describeWithMoto` body: vitest runs that body to collect the tests even when it skips them, so
 * without a server this returns an endpoint that names the problem instead of throwing.
 */
export function awsClientConfig(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const endpoint = motoEndpoint() ?? 'http://no-moto-server-in-this-run.invalid';
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/** A name no other test uses: `<prefix>-<8 hex chars>` (fits SNS, SQS, ECS and rule names). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Clears ALL moto state, for every test file at once; prefer unique names (see above). */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${requireEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
  cachedNetwork.clear();
}

const cachedNetwork = new Map<string, Promise<{ subnets: string[]; securityGroups: string[] }>>();

/**
 * Subnets and the default security group of moto's default VPC, for FARGATE/awsvpc calls (moto
 * checks them against its EC2, and the ids are random on every server start). There is no EC2
 * SDK client in the project, so this sends EC2's query API by hand; moto picks the service from
 * the credential scope of the Authorization header and does not check the signature.
 */
export function defaultNetwork(region = 'us-east-1'): Promise<{ subnets: string[]; securityGroups: string[] }> {
  const cached = cachedNetwork.get(region);
  if (cached) return cached;
  const lookup = (async () => {
    const subnetXml = await ec2Query(region, { Action: 'DescribeSubnets', 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' });
    const subnets = matches(subnetXml, /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/g);
    const vpcs = matches(subnetXml, /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/g);
    if (subnets.length === 0 || vpcs.length !== 1) throw new Error(`moto has no single default VPC with subnets:\n${subnetXml}`);
    const groupXml = await ec2Query(region, {
      Action: 'DescribeSecurityGroups',
      'Filter.1.Name': 'vpc-id',
      'Filter.1.Value.1': vpcs[0]!,
      'Filter.2.Name': 'group-name',
      'Filter.2.Value.1': 'default',
    });
    // The default group's rules name the group itself again, hence the de-duplication in matches().
    const securityGroups = matches(groupXml, /<groupId>(sg-[0-9a-f]+)<\/groupId>/g);
    if (securityGroups.length !== 1) throw new Error(`expected one default security group:\n${groupXml}`);
    return { subnets, securityGroups };
  })();
  cachedNetwork.set(region, lookup);
  // A failed lookup is not cached, so the next call tries again.
  lookup.catch(() => cachedNetwork.delete(region));
  return lookup;
}

async function ec2Query(region: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(requireEndpoint(), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `AWS4-HMAC-SHA256 Credential=x/20240101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ ...params, Version: '2016-11-15' }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`EC2 ${params.Action} on moto: HTTP ${response.status}\n${text.slice(0, 500)}`);
  return text;
}

/** The first capture group of every match, each value once, in order. */
function matches(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => m[1]!))];
}

function requireEndpoint(): string {
  const endpoint = motoEndpoint();
  if (!endpoint) throw new Error('no moto server in this run: wrap the test in describeWithMoto');
  return endpoint;
}

/** What an SQS subscriber of an SNS topic receives: the envelope's subject, message and attributes. */
export interface SnsDelivery {
  subject: string;
  message: string;
  attributes: Record<string, { Type: string; Value: string }>;
}

/** A new SNS topic with an SQS queue subscribed; `received()` returns what arrived since its last call. */
export async function subscribedTopic(
  prefix: string,
  region = 'us-east-1',
  name = uniqueName(prefix),
): Promise<{ topicArn: string; received: () => Promise<SnsDelivery[]> }> {
  const sns = new SNSClient({ ...awsClientConfig(), region });
  const sqs = new SQSClient({ ...awsClientConfig(), region });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(`${prefix}-inbox`) }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  const received = async (): Promise<SnsDelivery[]> => {
    const messages = [];
    for (;;) {
      // moto deletes nothing on receive; the visibility timeout hides them from the next call.
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!out.Messages?.length) break;
      messages.push(...out.Messages);
    }
    return messages.map((m) => {
      const envelope = JSON.parse(m.Body!) as { Subject: string; Message: string; MessageAttributes?: SnsDelivery['attributes'] };
      return { subject: envelope.Subject, message: envelope.Message, attributes: envelope.MessageAttributes ?? {} };
    });
  };
  return { topicArn, received };
}

/** A new ledger table, shaped as serverless.yml declares it. */
export async function ledgerTable(region = 'us-east-1'): Promise<string> {
  const table = uniqueName('ledger');
  await new DynamoDBClient({ ...awsClientConfig(), region }).send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'eventId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
    }),
  );
  return table;
}

/** moto moves a task one state along on every DescribeTasks; real tasks keep running. Applies to the whole server. */
export async function freezeTaskStates(): Promise<void> {
  await fetch(`${requireEndpoint()}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
}
