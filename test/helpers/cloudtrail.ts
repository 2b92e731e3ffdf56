/** A CloudTrail record of an ECS call, as CloudTrail writes one; tests override what they need. */
export function cloudTrailRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: '3e5e1c56-0000-4000-8000-000000000001',
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RegisterTaskDefinition',
    awsRegion: 'eu-west-1',
    recipientAccountId: '123456789012',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci' },
    ...overrides,
  };
}

/** The EventBridge event that carries a CloudTrail record of an ECS call to the Lambda. */
export function eventBridgeEvent(detail: Record<string, unknown>, id = 'a1b2c3d4-0000-4000-8000-000000000001'): Record<string, unknown> {
  const record = cloudTrailRecord(detail);
  return {
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecs',
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}
