// Proves the moto harness: the endpoint reaches a live server that SDK clients can use.
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { expect, it } from 'vitest';
import { awsClientConfig, defaultNetwork, describeWithMoto, motoEndpoint, uniqueName } from '../helpers/moto.js';

describeWithMoto('moto harness', () => {
  it('serves SNS: a created topic is listed', async () => {
    const sns = new SNSClient(awsClientConfig());
    const name = uniqueName('harness');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:123456789012:${name}`);
    // Other test files share the server, so look for ours among whatever else is listed.
    const arns: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sns.send(new ListTopicsCommand({ NextToken }));
      arns.push(...(page.Topics ?? []).map((t) => t.TopicArn!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(arns).toContain(TopicArn);
  });

  it('finds the default VPC subnets and its default security group', async () => {
    const network = await defaultNetwork();
    expect(network.subnets.length).toBeGreaterThan(0);
    for (const id of network.subnets) expect(id).toMatch(/^subnet-[0-9a-f]+$/);
    expect(network.securityGroups).toHaveLength(1);
    expect(network.securityGroups[0]).toMatch(/^sg-[0-9a-f]+$/);
  });

  it('listens on loopback only', () => {
    expect(motoEndpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
