/**
 * Never fail open: what the Lambda cannot read or tell apart is alerted as unverified, with the
 * reason, and nothing is changed; a deny rule that errors counts as its `onError` says (a flag by
 * default), with the error said.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admit } from '../../src/use-cases/admit.js';
import { buildAlert, type AlertDocument } from '../../src/render/alert/index.js';
import { UnreadableError } from '../../src/admission/ports.js';
import { admissionDeps, GOOD, loadCelCompiler, PRIVILEGED, registered, requestOf, world, type World } from '../helpers/admission.js';
import { ACCOUNT, REGION } from '../helpers/fake-ecs.js';

let w: World;
beforeAll(loadCelCompiler);
beforeEach(() => {
  w = world();
});

describe('unverified calls', () => {
  it('a call in another account or Region is alerted, not passed as "gone"', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    const elsewhere = { ...registered(arn), account: '999988887777' };
    const result = await admit(elsewhere, admissionDeps(w, 'enforce', { settings: { home: { account: ACCOUNT, region: REGION } } }));
    expect(result.status).toBe('decided');
    expect(w.ecs.writes).toEqual([]);
    const [decision] = w.alerts.published;
    expect(decision).toMatchObject({ verdict: 'unverified', resource: { kind: 'taskDefinition', name: 'web:1' } });
    expect(decision!.unverified![0]).toBe(
      `the call was made in account 999988887777, Region ${REGION}; this function reads account ${ACCOUNT} in Region ${REGION} only`,
    );
    const otherRegion = await admit(
      { ...registered(arn, 'e2'), cloudTrailEventId: 'other', region: 'us-west-2' },
      admissionDeps(w, 'enforce', { settings: { home: { account: ACCOUNT, region: REGION } } }),
    );
    expect(otherRegion.decisions[0]!.unverified![0]).toContain('Region us-west-2');
  });

  it('a describe that ECS refuses (access denied) is alerted with the code', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    w.ecs.describeTaskDefinition = () => Promise.reject(new UnreadableError('AccessDeniedException', 'not authorized to perform ecs:DescribeTaskDefinition'));
    const result = await admit(registered(arn), admissionDeps(w, 'enforce'));
    expect(result.decisions[0]).toMatchObject({
      verdict: 'unverified',
      unverified: ['ECS refused to describe it (AccessDeniedException: not authorized to perform ecs:DescribeTaskDefinition)'],
    });
    expect(w.alerts.published).toHaveLength(1);
  });

  it('a transient failure (throttling, 5xx) is not unverified: it is thrown, and the event retried', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    w.ecs.describeTaskDefinition = () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(admit(registered(arn), admissionDeps(w, 'enforce'))).rejects.toThrow('Rate exceeded');
    expect(w.alerts.published).toEqual([]);
  });

  it('a service, task set or task that cannot be found is unverified; a deleted service is gone', async () => {
    const missing = await admit(
      requestOf({ eventName: 'UpdateService', requestParameters: { cluster: 'prod', service: 'nowhere' } }),
      admissionDeps(w, 'enforce'),
    );
    expect(missing.decisions[0]).toMatchObject({
      verdict: 'unverified',
      resource: { kind: 'service', name: 'nowhere' },
      unverified: ['service nowhere cannot be found in cluster prod'],
    });
    const td = w.ecs.register('api', [GOOD]);
    w.ecs.addService('old', td, { status: 'INACTIVE' });
    const deleted = await admit(
      requestOf({ eventName: 'UpdateService', eventID: 'another-record', requestParameters: { cluster: 'prod', service: 'old' } }),
      admissionDeps(w, 'enforce'),
    );
    expect(deleted).toMatchObject({ status: 'gone', reason: 'service old was deleted', decisions: [] });
    expect(w.alerts.published).toHaveLength(1);
  });

  it('the alert says "could not be verified", with the reason, in both formats', async () => {
    const result = await admit(
      requestOf({ eventName: 'UpdateService', requestParameters: { cluster: 'prod', service: 'nowhere' } }),
      admissionDeps(w, 'enforce'),
    );
    const decision = result.decisions[0]!;
    const json = buildAlert(decision, 'json');
    expect(json.subject).toBe('[UNVERIFIED] nowhere service could not be verified');
    expect((JSON.parse(json.message) as AlertDocument).unverified).toEqual(['service nowhere cannot be found in cluster prod']);
    expect(json.attributes.verdict).toEqual({ DataType: 'String', StringValue: 'unverified' });
    const chat = JSON.parse(buildAlert(decision, 'chatbot').message) as { content: { title: string; description: string } };
    expect(chat.content.title).toContain(':grey_question:');
    expect(chat.content.description).toContain('*Could not verify:*\n• service nowhere cannot be found in cluster prod');
  });
});

describe('a deny rule that errors', () => {
  const spec = `  customRules:
    - id: needs-a-label
      action: deny
      severity: high
      appliesTo: [taskDefinition]
      message: every container names its team
      expression: object.containerDefinitions.all(c, c.dockerLabels.team != "")
`;

  it('by default (onError: flag) is flagged and alerted with the error, and nothing destructive is done', async () => {
    const arn = w.ecs.register('web', [GOOD]);
    const result = await admit(registered(arn), admissionDeps(w, 'enforce', { spec }));
    expect(result.ruleErrors).toEqual([expect.stringMatching(/^web:1: rule needs-a-label could not be evaluated: .*No such key/)]);
    const [decision] = w.alerts.published;
    expect(decision).toMatchObject({ verdict: 'flag', unverified: [expect.stringMatching(/rule needs-a-label could not be evaluated/)] });
    expect(w.ecs.writes.filter((x) => !x.startsWith('tagResource'))).toEqual([]);
  });

  it('with onError: deny, the error denies', async () => {
    const arn = w.ecs.register('web', [GOOD]);
    await admit(registered(arn), admissionDeps(w, 'enforce', { spec: spec + '      onError: deny\n' }));
    expect(w.ecs.writes[0]).toBe(`deregisterTaskDefinition ${arn}`);
  });
});
