import { describe, expect, it } from 'vitest';
import { MalformedEventError, parseAdmissionEvent } from '../../src/admission/event.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';

const OWN_ROLE = 'arn:aws:iam::123456789012:role/ecs-admission-dev-eu-west-1-lambdaRole';
const role = (arn: string) => ({ type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/x/y', sessionContext: { sessionIssuer: { arn } } });

describe('parseAdmissionEvent', () => {
  it('takes the registered revision from the response, and who made the call', () => {
    const event = eventBridgeEvent({
      eventName: 'RegisterTaskDefinition',
      userIdentity: role('arn:aws:iam::123456789012:role/deployer'),
      requestParameters: { family: 'web' },
      responseElements: { taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7' } },
    });
    expect(parseAdmissionEvent(event, { ownRoleArn: OWN_ROLE })).toEqual({
      eventId: 'a1b2c3d4-0000-4000-8000-000000000001',
      cloudTrailEventId: '3e5e1c56-0000-4000-8000-000000000001',
      eventName: 'RegisterTaskDefinition',
      eventTime: '2026-11-20T10:00:00Z',
      account: '123456789012',
      region: 'eu-west-1',
      principal: { arn: 'arn:aws:sts::123456789012:assumed-role/x/y', type: 'AssumedRole', sessionIssuerArn: 'arn:aws:iam::123456789012:role/deployer' },
      target: { kind: 'taskDefinition', taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7' },
    });
  });

  it('without the response, keeps the registered content to find the revision by (never the family alone)', () => {
    const requestParameters = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }] };
    expect(parseAdmissionEvent(eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters }))).toMatchObject({
      target: { kind: 'registration', family: 'web', registered: requestParameters },
    });
    // Truncated: no container definitions, nothing to compare with.
    const truncated = parseAdmissionEvent(eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters: { family: 'web' } }));
    expect(truncated).toMatchObject({ target: { kind: 'registration', family: 'web' } });
    expect((truncated as { target: { registered?: unknown } }).target.registered).toBeUndefined();
  });

  it('names the service, task set and tasks, with the default cluster when none is given', () => {
    expect(parseAdmissionEvent(eventBridgeEvent({ eventName: 'UpdateService', requestParameters: { service: 'api' } }))).toMatchObject({
      target: { kind: 'service', cluster: 'default', service: 'api' },
    });
    expect(parseAdmissionEvent(eventBridgeEvent({ eventName: 'CreateService', requestParameters: { cluster: 'prod', serviceName: 'api' } }))).toMatchObject({
      target: { kind: 'service', cluster: 'prod', service: 'api' },
    });
    expect(
      parseAdmissionEvent(
        eventBridgeEvent({
          eventName: 'CreateTaskSet',
          requestParameters: { cluster: 'prod', service: 'api' },
          responseElements: { taskSet: { taskSetArn: 'arn:ts' } },
        }),
      ),
    ).toMatchObject({ target: { kind: 'taskSet', cluster: 'prod', service: 'api', taskSet: 'arn:ts' } });
    expect(
      parseAdmissionEvent(
        eventBridgeEvent({
          eventName: 'RunTask',
          requestParameters: { cluster: 'prod' },
          responseElements: { tasks: [{ taskArn: 'arn:t1' }, { taskArn: 'arn:t2' }] },
        }),
      ),
    ).toMatchObject({ target: { kind: 'task', cluster: 'prod', tasks: ['arn:t1', 'arn:t2'] } });
  });

  it('accepts an IAM user call, which has no session issuer', () => {
    const event = eventBridgeEvent({
      eventName: 'UpdateService',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' },
      requestParameters: { service: 'api' },
    });
    expect(parseAdmissionEvent(event, { ownRoleArn: OWN_ROLE })).toMatchObject({ principal: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' } });
  });

  it.each([
    ['its own calls', { eventName: 'UpdateService', userIdentity: role(OWN_ROLE), requestParameters: { service: 'api' } }, 'made by ecs-admission itself'],
    ['failed calls', { eventName: 'UpdateService', errorCode: 'AccessDenied', requestParameters: { service: 'api' } }, 'failed (AccessDenied)'],
    ['read-only calls', { eventName: 'DescribeServices', requestParameters: {} }, 'does not change what runs'],
    ['other services', { eventSource: 'iam.amazonaws.com', eventName: 'CreateRole' }, 'not ECS'],
    [
      'a RunTask that started nothing',
      { eventName: 'RunTask', requestParameters: {}, responseElements: { tasks: [], failures: [{ reason: 'RESOURCE:CPU' }] } },
      'started no task',
    ],
  ])('ignores %s', (_, detail, reason) => {
    const parsed = parseAdmissionEvent(eventBridgeEvent(detail), { ownRoleArn: OWN_ROLE });
    expect(parsed).toMatchObject({ ignored: true, eventId: 'a1b2c3d4-0000-4000-8000-000000000001' });
    expect((parsed as { reason: string }).reason).toContain(reason);
  });

  it('rejects what is not a CloudTrail event, naming the event id and the field', () => {
    expect(() => parseAdmissionEvent({ id: 'e-1', source: 'aws.ecs' })).toThrow(MalformedEventError);
    expect(() => parseAdmissionEvent({ id: 'e-1', source: 'aws.ecs' })).toThrow(
      /^event e-1: not an EventBridge "AWS API Call via CloudTrail" event: version: /,
    );
    expect(() => parseAdmissionEvent('nonsense')).toThrow(/event \(no id\)/);
  });

  it('rejects an event that does not say which resource changed', () => {
    expect(() => parseAdmissionEvent(eventBridgeEvent({ eventName: 'CreateTaskSet', requestParameters: { service: 'api' } }))).toThrow(
      /CreateTaskSet event names no task set ARN/,
    );
    expect(() => parseAdmissionEvent(eventBridgeEvent({ eventName: 'RegisterTaskDefinition', requestParameters: {} }))).toThrow(
      /names no task definition ARN or family/,
    );
  });
});
