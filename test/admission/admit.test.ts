import { beforeEach, describe, expect, it } from 'vitest';
import { admit, type AdmitDependencies } from '../../src/use-cases/admit.js';
import { compilePolicies, createPolicyEngine } from '../../src/policy/engine.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import { admissionDeps, GOOD, KEY, NOW, PRIVILEGED, ran, registered, requestOf as request, serviceUpdated, world, type World } from '../helpers/admission.js';
import { ACCOUNT, FakeAlerts, REGION, type FakeEcs } from '../helpers/fake-ecs.js';

let w: World;
let ecs: FakeEcs;
let alerts: FakeAlerts;
let ledger: World['ledger'];

function deps(mode: 'audit' | 'enforce', settings: Partial<AdmitDependencies['settings']> = {}, forceAudit = false): AdmitDependencies {
  return admissionDeps(w, mode, { settings, forceAudit });
}

beforeEach(() => {
  w = world();
  ({ ecs, alerts, ledger } = w);
});

describe('admit: task definitions', () => {
  it('deregisters and tags a denied revision in enforce mode, and alerts once', async () => {
    const arn = ecs.register('web', [PRIVILEGED], { tags: [{ key: 'Owner', value: 'payments' }] });
    const result = await admit(registered(arn), deps('enforce'));
    expect(result.status).toBe('decided');
    expect(ecs.writes).toEqual([
      `deregisterTaskDefinition ${arn}`,
      `tagResource ${arn} {"ecs-admission:verdict":"denied","ecs-admission:rules":"no-privileged-containers","ecs-admission:event":"evt-1"}`,
    ]);
    expect(ecs.taskDefinitions.get(arn)!.status).toBe('INACTIVE');
    const [decision] = alerts.published;
    expect(decision).toMatchObject({
      verdict: 'deny',
      mode: 'enforce',
      severity: 'critical',
      resource: { kind: 'taskDefinition', name: 'web:1', family: 'web', owner: 'payments' },
    });
    expect(decision!.outcomes.map((o) => [o.action.type, o.status])).toEqual([
      ['deregisterTaskDefinition', 'done'],
      ['tagResource', 'done'],
    ]);
    expect(ledger.entries.get(KEY)!.stage).toBe('alerted');
  });

  it('changes nothing in audit mode and says what it would do', async () => {
    const arn = ecs.register('web', [PRIVILEGED]);
    await admit(registered(arn), deps('audit'));
    expect(ecs.writes).toEqual([]);
    expect(alerts.published[0]!.outcomes.map((o) => [o.action.type, o.status])).toEqual([
      ['deregisterTaskDefinition', 'would'],
      ['tagResource', 'would'],
    ]);
    expect(alerts.published[0]!.mode).toBe('audit');
  });

  it('lets the forced audit switch override an enforce policy', async () => {
    const arn = ecs.register('web', [PRIVILEGED]);
    await admit(registered(arn), deps('enforce', {}, true));
    expect(ecs.writes).toEqual([]);
    expect(alerts.published[0]!.outcomes.every((o) => o.status === 'would')).toBe(true);
  });

  it('only tags a revision whose findings are flags, and names the caller as owner without owner tags', async () => {
    const arn = ecs.register('web', [{ ...GOOD, readonlyRootFilesystem: false }]);
    await admit(registered(arn), deps('enforce'));
    expect(ecs.writes).toEqual([
      `tagResource ${arn} {"ecs-admission:verdict":"flagged","ecs-admission:rules":"require-readonly-root-filesystem","ecs-admission:event":"evt-1"}`,
    ]);
    expect(alerts.published[0]).toMatchObject({ verdict: 'flag', resource: { owner: 'arn:aws:sts::123456789012:assumed-role/deployer/ci' } });
  });

  it('does nothing and sends nothing for a compliant revision', async () => {
    const arn = ecs.register('web', [GOOD]);
    expect(await admit(registered(arn), deps('enforce'))).toMatchObject({ status: 'passed', decisions: [] });
    expect(ecs.writes).toEqual([]);
    expect(alerts.published).toEqual([]);
  });

  it('alerts a revision it cannot find as unverified, and changes nothing', async () => {
    const result = await admit(registered(`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/gone:1`), deps('enforce'));
    expect(result.status).toBe('decided');
    expect(ecs.writes).toEqual([]);
    expect(alerts.published).toEqual([
      expect.objectContaining({
        verdict: 'unverified',
        outcomes: [],
        unverified: [`task definition arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/gone:1 cannot be found`],
      }),
    ]);
  });
});

describe('admit: re-delivery and failures', () => {
  it('acts and alerts once when the same event arrives twice', async () => {
    const arn = ecs.register('web', [PRIVILEGED]);
    await admit(registered(arn), deps('enforce'));
    const again = await admit(registered(arn), deps('enforce'));
    expect(again.status).toBe('duplicate');
    expect(ecs.writes).toHaveLength(2);
    expect(alerts.published).toHaveLength(1);
  });

  it('sends the alert on retry when acting succeeded but alerting failed, without acting again', async () => {
    const arn = ecs.register('web', [PRIVILEGED]);
    alerts.fail = true;
    await expect(admit(registered(arn), deps('enforce'))).rejects.toThrow('SNS unavailable');
    expect(ledger.entries.get(KEY)!.stage).toBe('acted');
    alerts.fail = false;
    const retry = await admit(registered(arn), deps('enforce'));
    expect(retry.status).toBe('duplicate');
    expect(ecs.writes).toHaveLength(2);
    expect(alerts.published).toHaveLength(1);
    expect(alerts.published[0]!.outcomes.map((o) => o.status)).toEqual(['done', 'done']);
  });

  it('on retry sends only the alerts that failed: the second channel, not the first again', async () => {
    alerts = w.alerts = new FakeAlerts(['topic', 'chatbot']);
    const arn = ecs.register('web', [PRIVILEGED]);
    alerts.failOn = 'chatbot';
    await expect(admit(registered(arn), deps('enforce'))).rejects.toThrow('SNS unavailable (chatbot)');
    expect(ledger.entries.get(KEY)).toMatchObject({ stage: 'acted', sent: ['0:topic'] });
    alerts.failOn = undefined;
    const retry = await admit(registered(arn), deps('enforce'));
    expect(retry.status).toBe('duplicate');
    expect(alerts.byChannel.get('topic')).toHaveLength(1);
    expect(alerts.byChannel.get('chatbot')).toHaveLength(1);
    expect(ecs.writes).toHaveLength(2);
    expect(ledger.entries.get(KEY)!.stage).toBe('alerted');
  });

  it('on retry sends only the alerts that failed: the later decisions of a RunTask', async () => {
    const bad = ecs.register('job', [PRIVILEGED]);
    const tasks = ['t1', 't2', 't3'].map((id) => ecs.addTask(id, bad));
    let publishes = 0;
    const publish = alerts.publish.bind(alerts);
    alerts.publish = (decision, channel) => (++publishes === 2 ? Promise.reject(new Error('SNS throttled')) : publish(decision, channel));
    await expect(admit(ran(tasks), deps('enforce'))).rejects.toThrow('SNS throttled');
    expect(alerts.published.map((d) => d.resource.name)).toEqual(['t1']);
    await admit(ran(tasks), deps('enforce'));
    expect(alerts.published.map((d) => d.resource.name)).toEqual(['t1', 't2', 't3']);
    expect(ecs.writes.filter((w) => w.startsWith('stopTask'))).toHaveLength(3);
  });

  it('finishes the planned actions on retry when AWS failed midway', async () => {
    const arn = ecs.register('web', [PRIVILEGED]);
    ecs.failNext = { type: 'tagResource' };
    await expect(admit(registered(arn), deps('enforce'))).rejects.toThrow('service unavailable');
    expect(ledger.entries.get(KEY)!.stage).toBe('planned');
    await admit(registered(arn), deps('enforce'));
    expect(ecs.writes.filter((w) => w.startsWith('tagResource'))).toHaveLength(1);
    expect(alerts.published).toHaveLength(1);
  });

  it('reports an action AWS refuses as failed, and still alerts', async () => {
    const arn = ecs.register('web', [PRIVILEGED]);
    ecs.failNext = { type: 'deregisterTaskDefinition', refuse: true };
    await admit(registered(arn), deps('enforce'));
    const [deregister] = alerts.published[0]!.outcomes;
    expect(deregister).toMatchObject({ status: 'failed', detail: 'deregisterTaskDefinition refused (InvalidParameterException): refused by the fake' });
  });
});

describe('admit: services', () => {
  it('rolls a service back to the previous deployment when its new revision is denied', async () => {
    const good = ecs.register('api', [GOOD]);
    const bad = ecs.register('api', [PRIVILEGED]);
    const svc = ecs.addService('api', bad, {
      deployments: [
        { status: 'PRIMARY', taskDefinition: bad, createdAt: '2026-11-23T10:00:00Z' },
        { status: 'ACTIVE', taskDefinition: good, createdAt: '2026-11-20T10:00:00Z' },
      ],
    });
    await admit(serviceUpdated('api'), deps('enforce'));
    expect(ecs.services.get(svc)!.taskDefinition).toBe(good);
    expect(alerts.published[0]!.outcomes[0]).toMatchObject({
      action: { type: 'updateService', changes: { taskDefinition: good } },
      status: 'done',
      rules: ['require-compliant-task-definition'],
    });
  });

  it('never rolls back to a revision that is itself denied: it takes the newest compliant one', async () => {
    const good = ecs.register('api', [GOOD]);
    const alsoBad = ecs.register('api', [{ ...GOOD, privileged: true, name: 'other' }]);
    const bad = ecs.register('api', [PRIVILEGED]);
    ecs.addService('api', bad, {
      deployments: [
        { status: 'PRIMARY', taskDefinition: bad },
        { status: 'ACTIVE', taskDefinition: alsoBad },
      ],
    });
    await admit(serviceUpdated('api'), deps('enforce'));
    expect(alerts.published[0]!.outcomes[0]!.action).toMatchObject({ type: 'updateService', changes: { taskDefinition: good } });
  });

  it('flags and says so when no compliant revision exists', async () => {
    const bad = ecs.register('api', [PRIVILEGED]);
    ecs.addService('api', bad);
    await admit(serviceUpdated('api'), deps('enforce'));
    const [decision] = alerts.published;
    expect(decision!.outcomes.map((o) => o.action.type)).toEqual(['tagResource']);
    expect(decision!.notes).toEqual(['require-compliant-task-definition: cannot roll api back: api has no other ACTIVE revision. Flagged instead.']);
    expect(ecs.writes.some((w) => w.startsWith('updateService'))).toBe(false);
  });

  it('restores the compliant property value: no public IP', async () => {
    const good = ecs.register('api', [GOOD]);
    const svc = ecs.addService('api', good, {
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' } },
    });
    await admit(serviceUpdated('api'), deps('enforce'));
    expect(ecs.services.get(svc)!.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
    });
  });

  it('puts several properties back in one UpdateService when a policy denies them', async () => {
    const strictPolicy = `apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: strict-services }
spec:
  mode: enforce
  extends: [recommended]
  rules:
    no-execute-command: deny
    require-latest-fargate-platform: deny
    require-deployment-circuit-breaker: deny
`;
    const { policies } = compilePolicies(parsePolicyFile(strictPolicy, 's.yaml').policies, { builtinRules, readExtended: () => [], now: NOW });
    const good = ecs.register('api', [GOOD]);
    ecs.addService('api', good, {
      enableExecuteCommand: true,
      platformVersion: '1.3.0',
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } },
    });
    await admit(serviceUpdated('api'), {
      ...deps('enforce'),
      makeEvaluate: (resolveTaskDefinition) => createPolicyEngine(policies, { now: NOW, resolveTaskDefinition }).evaluate,
    });
    expect(ecs.writes.filter((w) => w.startsWith('updateService'))).toEqual([
      'updateService api {"enableExecuteCommand":false,"platformVersion":"LATEST","deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":true}}}',
    ]);
  });

  it('would roll back in audit mode, naming the target, and changes nothing', async () => {
    const good = ecs.register('api', [GOOD]);
    const bad = ecs.register('api', [PRIVILEGED]);
    ecs.addService('api', bad);
    await admit(serviceUpdated('api'), deps('audit'));
    expect(ecs.writes).toEqual([]);
    expect(alerts.published[0]!.outcomes[0]).toMatchObject({ action: { type: 'updateService', changes: { taskDefinition: good } }, status: 'would' });
  });
});

describe('admit: task sets and tasks', () => {
  it('deletes a task set that runs a denied revision', async () => {
    const bad = ecs.register('api', [PRIVILEGED]);
    const ts = ecs.addTaskSet('ecs-svc/1', 'api', bad);
    await admit(
      request({ eventName: 'CreateTaskSet', requestParameters: { cluster: 'prod', service: 'api' }, responseElements: { taskSet: { taskSetArn: ts } } }),
      deps('enforce'),
    );
    expect(ecs.taskSets.has(ts)).toBe(false);
  });

  it('stops a task whose overrides inject AWS credentials into a compliant revision', async () => {
    const good = ecs.register('job', [GOOD]);
    const task = ecs.addTask('t1', good, {
      overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }] }] },
    });
    await admit(ran([task]), deps('enforce'));
    expect(ecs.writes[0]).toBe(`stopTask ${task} ecs-admission: breaks require-compliant-task-definition (event evt-1)`);
    const [decision] = alerts.published;
    expect(decision!.findings[0]!.message).toContain('job:1 with overrides');
    expect(JSON.stringify(decision)).not.toContain('wJalrXUtnFEMI');
  });

  it('caps destructive actions per invocation and flags the rest', async () => {
    const bad = ecs.register('job', [PRIVILEGED]);
    const tasks = ['t1', 't2', 't3'].map((id) => ecs.addTask(id, bad));
    await admit(ran(tasks), deps('enforce', { maxActions: 2 }));
    expect(ecs.writes.filter((w) => w.startsWith('stopTask'))).toHaveLength(2);
    expect(ecs.tasks.get(tasks[2]!)!.desiredStatus).toBe('RUNNING');
    expect(alerts.published).toHaveLength(3);
    expect(alerts.published[2]!.notes).toEqual(['Action cap reached (2 per invocation): stopping task t3 was not carried out; flagged instead.']);
    expect(alerts.published[2]!.outcomes.map((o) => o.action.type)).toEqual(['tagResource']);
  });
});
