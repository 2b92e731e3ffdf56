/**
 * Calls a guardrail refused (AccessDenied): with reportBlocked, reported as `blocked` decisions —
 * nothing read, nothing done, one alert per CloudTrail record naming the deny rules the request
 * breaks; without it, ignored as every failed call.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAdmissionEvent } from '../../src/admission/event.js';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { buildAlert, type AlertDocument } from '../../src/render/alert/index.js';
import { alertNotification } from '../../src/render/alert/chatbot.js';
import { admit } from '../../src/use-cases/admit.js';
import { admissionDeps, GOOD, KEY, loadCelCompiler, PRIVILEGED, world, type World } from '../helpers/admission.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { ACCOUNT, REGION } from '../helpers/fake-ecs.js';

const SCP_DENY =
  'User: arn:aws:sts::123456789012:assumed-role/deployer/ci is not authorized to perform: ecs:RegisterTaskDefinition on resource: arn:aws:ecs:eu-west-1:123456789012:task-definition/web:* with an explicit deny in a service control policy';

const refused = (detail: Record<string, unknown>) =>
  eventBridgeEvent({ recipientAccountId: ACCOUNT, awsRegion: REGION, errorCode: 'AccessDenied', errorMessage: SCP_DENY, responseElements: null, ...detail });

const registerPrivileged = (secret = 'hunter2-not-a-real-one') =>
  refused({
    eventName: 'RegisterTaskDefinition',
    requestParameters: { family: 'web', containerDefinitions: [{ ...PRIVILEGED, environment: [{ name: 'DB_PASSWORD', value: secret }] }] },
  });

const blockedRequest = (event: Record<string, unknown>): AdmissionRequest => {
  const parsed = parseAdmissionEvent(event, { reportBlocked: true });
  if ('ignored' in parsed) throw new Error(parsed.reason);
  return parsed;
};

describe('parseAdmissionEvent with reportBlocked', () => {
  it('ignores a refused call by default, as every failed call', () => {
    expect(parseAdmissionEvent(registerPrivileged())).toMatchObject({ ignored: true, reason: 'RegisterTaskDefinition failed (AccessDenied): nothing changed' });
  });

  it('keeps AccessDenied and AccessDeniedException, with the message and the request, and the target the request names', () => {
    expect(blockedRequest(registerPrivileged())).toMatchObject({
      eventName: 'RegisterTaskDefinition',
      cloudTrailEventId: '3e5e1c56-0000-4000-8000-000000000001',
      target: { kind: 'registration', family: 'web' },
      blocked: { errorCode: 'AccessDenied', errorMessage: SCP_DENY, parameters: { family: 'web' } },
    });
    const run = blockedRequest(
      refused({ eventName: 'RunTask', errorCode: 'AccessDeniedException', requestParameters: { cluster: 'batch', taskDefinition: 'miner:3' } }),
    );
    expect(run).toMatchObject({ target: { kind: 'task', cluster: 'batch', tasks: [] }, blocked: { errorCode: 'AccessDeniedException' } });
    const taskSet = blockedRequest(refused({ eventName: 'CreateTaskSet', requestParameters: { cluster: 'prod', service: 'api' } }));
    expect(taskSet).toMatchObject({ target: { kind: 'taskSet', cluster: 'prod', service: 'api', taskSet: '(not created)' } });
  });

  it('still ignores every other failure, and the calls of ecs-admission itself', () => {
    const throttled = refused({ eventName: 'CreateService', errorCode: 'ThrottlingException', requestParameters: { serviceName: 'api' } });
    expect(parseAdmissionEvent(throttled, { reportBlocked: true })).toMatchObject({ ignored: true });
    const own = 'arn:aws:iam::123456789012:role/ecs-admission';
    const ours = refused({
      eventName: 'UpdateService',
      requestParameters: { service: 'api' },
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/ecs-admission/x', sessionContext: { sessionIssuer: { arn: own } } },
    });
    expect(parseAdmissionEvent(ours, { reportBlocked: true, ownRoleArn: own })).toMatchObject({ ignored: true });
  });
});

let w: World;
beforeAll(loadCelCompiler);
beforeEach(() => {
  w = world();
});

describe('a blocked decision', () => {
  it('names the deny rules the request breaks, reads and does nothing, and alerts once per CloudTrail record', async () => {
    const request = blockedRequest(registerPrivileged());
    const first = await admit(request, admissionDeps(w, 'enforce'));
    expect(first).toMatchObject({ status: 'decided', key: KEY });
    expect(w.ecs.writes).toEqual([]);
    const [decision] = w.alerts.published;
    expect(decision).toMatchObject({
      verdict: 'blocked',
      mode: 'audit',
      outcomes: [],
      severity: 'critical',
      resource: { kind: 'taskDefinition', name: 'web', family: 'web' },
      blocked: { errorCode: 'AccessDenied', errorMessage: SCP_DENY, rules: ['no-privileged-containers'] },
    });
    expect(decision!.findings.every((f) => f.action === 'deny')).toBe(true);
    // The request's parameters are never kept: an environment value may be a secret.
    expect(JSON.stringify(w.alerts.published)).not.toContain('hunter2');
    expect(decision!.request.blocked).toEqual({ errorCode: 'AccessDenied', errorMessage: SCP_DENY });

    // The same record again (another EventBridge event): no second alert.
    const again = await admit(blockedRequest(registerPrivileged()), admissionDeps(w, 'enforce'));
    expect(again.status).toBe('duplicate');
    expect(w.alerts.published).toHaveLength(1);
  });

  it('names no rule when the policies find nothing to deny, and says so', async () => {
    await admit(
      blockedRequest(refused({ eventName: 'RegisterTaskDefinition', requestParameters: { family: 'web', containerDefinitions: [GOOD] } })),
      admissionDeps(w, 'audit'),
    );
    const [decision] = w.alerts.published;
    expect(decision).toMatchObject({ verdict: 'blocked', blocked: { rules: [] }, findings: [] });
    expect(decision!.severity).toBeUndefined();
  });

  it('a refused RunTask is the task definition it would have run; without parameters, it says so', async () => {
    await admit(
      blockedRequest(refused({ eventName: 'RunTask', requestParameters: { cluster: 'batch', taskDefinition: 'miner:3' } })),
      admissionDeps(w, 'enforce'),
    );
    expect(w.alerts.published[0]).toMatchObject({ verdict: 'blocked', resource: { kind: 'task', name: 'miner:3', family: 'miner', cluster: 'batch' } });
    expect(w.ecs.writes).toEqual([]);

    const bare = blockedRequest(refused({ eventName: 'CreateService', eventID: 'other-record', requestParameters: null }));
    await admit(bare, admissionDeps(w, 'enforce'));
    expect(w.alerts.published[1]).toMatchObject({
      verdict: 'blocked',
      notes: ['CloudTrail recorded no request parameters: the rules it breaks cannot be told.'],
    });
  });
});

describe('the blocked alert', () => {
  it('carries the verdict, what AWS said and the rules, in both formats', async () => {
    await admit(blockedRequest(registerPrivileged()), admissionDeps(w, 'enforce'));
    const decision = w.alerts.published[0]!;
    const json = buildAlert(decision, 'json');
    const doc = JSON.parse(json.message) as AlertDocument;
    expect(doc).toMatchObject({
      kind: 'ecs-admission.decision',
      verdict: 'blocked',
      eventName: 'RegisterTaskDefinition',
      principal: { arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci' },
      actions: [],
      blocked: { errorCode: 'AccessDenied', errorMessage: SCP_DENY, rules: ['no-privileged-containers'] },
    });
    expect(json.subject).toBe('[BLOCKED critical] web task definition blocked by AWS - no-privileged-containers');
    expect(json.attributes.verdict).toEqual({ DataType: 'String', StringValue: 'blocked' });

    const chat = alertNotification(decision);
    expect(chat.content.title).toContain(':shield: [BLOCKED critical]');
    expect(chat.content.description).toContain('*Blocked by AWS* (`AccessDenied`): ');
    expect(chat.content.description).toContain('The request breaks `no-privileged-containers`: the guardrail of this rule matched.');
    expect(chat.content.description).toContain('_Nothing ran: no action was taken._');
  });
});
