import { describe, expect, it } from 'vitest';
import type { Message as AlertMessage } from '../../src/core/channel.js';
import { ALERT_SCHEMA_VERSION, buildAlert, type AlertDocument } from '../../src/render/alert/index.js';
import { CHATBOT_LIMITS, type ChatbotNotification } from '../../src/render/chatbot.js';
import { consoleUrl } from '../../src/render/console.js';
import { MAX_MESSAGE_BYTES, toAsciiLine } from '../../src/render/text.js';
import type { Decision, JudgedResource } from '../../src/admission/types.js';
import type { Finding } from '../../src/core/types.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ecsArn = (path: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:${path}`;
const ATTRIBUTE_NAMES = ['severity', 'verdict', 'mode', 'account', 'region', 'cluster', 'family', 'owner', 'rules', 'decisionId'];

const privileged: Finding = {
  ruleId: 'no-privileged-containers',
  severity: 'critical',
  action: 'deny',
  mode: 'enforce',
  decidedBy: 'prod-baseline',
  message: 'Container app runs privileged',
  path: 'containerDefinitions[0].privileged',
  container: 'app',
  remediation: 'Remove privileged: true from the container definition.',
};
const excepted: Finding = {
  ruleId: 'require-log-configuration',
  severity: 'low',
  action: 'flag',
  mode: 'enforce',
  decidedBy: 'prod-baseline',
  message: 'Container sidecar has no log configuration',
  path: 'containerDefinitions[1].logConfiguration',
  container: 'sidecar',
  remediation: 'Add a logConfiguration with the awslogs driver.',
  exception: { policy: 'prod-baseline', reason: 'legacy sidecar', owner: 'platform', expires: '2027-01-01' },
};

function request(overrides: Partial<Decision['request']> = {}): Decision['request'] {
  return {
    eventId: 'evt-0001',
    cloudTrailEventId: 'ct-0001',
    eventName: 'RegisterTaskDefinition',
    eventTime: '2026-11-20T10:00:00Z',
    account: ACCOUNT,
    region: REGION,
    principal: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`, type: 'AssumedRole', sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/deployer` },
    target: { kind: 'taskDefinition', taskDefinition: ecsArn('task-definition/web:3') },
    ...overrides,
  };
}

/** A task definition with a privileged container, denied in enforce mode and deregistered. */
function deniedTaskDefinition(family = 'web', revision = 3): Decision {
  const name = `${family}:${revision}`;
  const arn = ecsArn(`task-definition/${name}`);
  return {
    decisionId: `d-${name}`,
    request: request({ target: { kind: 'taskDefinition', taskDefinition: arn } }),
    resource: { kind: 'taskDefinition', arn, name, family, tags: { team: 'payments', 'ecs-admission:verdict': 'deny' }, owner: 'payments' },
    verdict: 'deny',
    mode: 'enforce',
    severity: 'critical',
    findings: [privileged, excepted],
    outcomes: [
      { action: { type: 'deregisterTaskDefinition', resourceArn: arn, name }, status: 'done', rules: ['no-privileged-containers'] },
      {
        action: { type: 'tagResource', resourceArn: arn, name, tags: { 'ecs-admission:verdict': 'deny', 'ecs-admission:rules': 'no-privileged-containers' } },
        status: 'done',
        rules: ['no-privileged-containers'],
      },
    ],
    notes: [],
    policies: ['prod-baseline'],
  };
}

const publicIp: Finding = {
  ruleId: 'no-public-ip',
  severity: 'high',
  action: 'deny',
  mode: 'audit',
  decidedBy: 'prod-baseline',
  message: 'Service assigns public IPs to its tasks',
  path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp',
  remediation: 'Set assignPublicIp to DISABLED and route egress through a NAT gateway.',
};

/** A service update denied in audit mode: the rollback is only described. */
function auditedServiceRollback(): Decision {
  const arn = ecsArn('service/prod/api');
  return {
    decisionId: 'd-api',
    request: request({
      eventId: 'evt-0002',
      cloudTrailEventId: undefined,
      eventName: 'UpdateService',
      target: { kind: 'service', cluster: 'prod', service: 'api' },
    }),
    resource: { kind: 'service', arn, name: 'api', cluster: ecsArn('cluster/prod'), family: 'web', service: 'api', tags: {}, owner: 'team-api@example.com' },
    verdict: 'deny',
    mode: 'audit',
    severity: 'high',
    findings: [publicIp],
    outcomes: [
      {
        action: {
          type: 'updateService',
          resourceArn: arn,
          name: 'api',
          cluster: 'prod',
          service: 'api',
          changes: { taskDefinition: ecsArn('task-definition/web:2') },
        },
        status: 'would',
        rules: ['no-public-ip'],
        detail: 'web:2 is the last revision that passes',
      },
    ],
    notes: ['Audit mode: nothing was changed.'],
    policies: ['prod-baseline'],
  };
}

/** A task started with a writable root file system: flagged, no family or cluster known beyond the ARN. */
function flaggedTask(): Decision {
  const arn = ecsArn('task/batch/0123456789abcdef');
  return {
    decisionId: 'd-task',
    request: request({
      eventId: 'evt-0003',
      eventName: 'RunTask',
      principal: { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, type: 'IAMUser' },
      target: { kind: 'task', cluster: 'batch', tasks: [arn] },
    }),
    resource: { kind: 'task', arn, name: '0123456789abcdef', tags: {}, owner: `arn:aws:iam::${ACCOUNT}:user/alice` },
    verdict: 'flag',
    mode: 'audit',
    severity: 'medium',
    findings: [
      {
        ruleId: 'readonly-root-filesystem',
        severity: 'medium',
        action: 'flag',
        mode: 'audit',
        decidedBy: 'recommended',
        message: 'Container worker has a writable root file system',
        path: 'containerDefinitions[0].readonlyRootFilesystem',
        container: 'worker',
        remediation: 'Set readonlyRootFilesystem: true.',
      },
    ],
    outcomes: [],
    notes: [],
    policies: [],
  };
}

/** Enough findings (with multi-byte text) to overflow SNS and every Chatbot limit. */
function manyFindings(count = 2500): Decision {
  const decision = deniedTaskDefinition();
  decision.findings = Array.from({ length: count }, (_, i) => ({
    ruleId: i === 0 ? `a-rule-id-that-is-much-longer-than-chatbot-allows-for-one-keyword-${'x'.repeat(20)}` : `rule-${i % 40}`,
    severity: 'high',
    action: 'deny',
    mode: 'enforce',
    decidedBy: 'prod-baseline',
    message: `Finding ${i}: container définition ${'é'.repeat(60)} <b>&</b>`,
    path: `containerDefinitions[${i}].privileged`,
    container: `c${i}`,
    remediation: `Fix ${i % 7}: ${'remediation text '.repeat(30)}`,
  }));
  return decision;
}

const bytes = (text: string): number => new TextEncoder().encode(text).length;
const json = (alert: AlertMessage): AlertDocument => JSON.parse(alert.message) as AlertDocument;
const chatbot = (alert: AlertMessage): ChatbotNotification => JSON.parse(alert.message) as ChatbotNotification;

function expectValidSubject(subject: string): void {
  expect(subject.length).toBeLessThanOrEqual(100);
  expect(subject).toMatch(/^[\x20-\x7E]+$/);
  expect(subject).not.toBe('');
}

function expectValidChatbot(n: ChatbotNotification, decision: Decision): void {
  expect(n.version).toBe('1.0');
  expect(n.source).toBe('custom');
  expect(n.id).toBe(decision.decisionId);
  expect(n.content.textType).toBe('client-markdown');
  expect(n.content.description.trim()).not.toBe('');
  expect(n.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
  expect(n.content.title.length).toBeLessThanOrEqual(250);
  expect(n.content.nextSteps.length).toBeLessThanOrEqual(5);
  for (const step of n.content.nextSteps) expect(step.length).toBeLessThanOrEqual(350);
  expect(new Set(n.content.nextSteps).size).toBe(n.content.nextSteps.length);
  expect(n.content.keywords.length).toBeLessThanOrEqual(10);
  for (const keyword of n.content.keywords) {
    expect(keyword.length).toBeGreaterThan(0);
    expect(keyword.length).toBeLessThanOrEqual(75);
  }
  expect(n.metadata.eventType).toBe('ecs-admission.decision');
  expect(n.metadata.relatedResources).toEqual([decision.resource.arn]);
  for (const value of Object.values(n.metadata.additionalContext)) expect(typeof value).toBe('string');
}

function expectValidAttributes(attributes: AlertMessage['attributes']): void {
  const names = Object.keys(attributes);
  expect(names.length).toBeLessThanOrEqual(10);
  for (const name of names) expect(ATTRIBUTE_NAMES).toContain(name);
  for (const [name, { DataType, StringValue }] of Object.entries(attributes)) {
    expect(StringValue.trim()).not.toBe('');
    expect(DataType).toBe(name === 'rules' ? 'String.Array' : 'String');
  }
}

describe('buildAlert: denied task definition, enforced', () => {
  const decision = deniedTaskDefinition();

  it('says what happened and why in the subject', () => {
    const { subject } = buildAlert(decision, 'json');
    // The excepted finding does not count, so only the denying rule is named.
    expect(subject).toBe('[DENY critical] web:3 task definition deregistered - no-privileged-containers');
    expectValidSubject(subject);
  });

  it('writes the versioned JSON document, field by field', () => {
    const alert = buildAlert(decision, 'json');
    expect(json(alert)).toStrictEqual({
      version: ALERT_SCHEMA_VERSION,
      kind: 'ecs-admission.decision',
      decisionId: 'd-web:3',
      eventId: 'evt-0001',
      cloudTrailEventId: 'ct-0001',
      eventName: 'RegisterTaskDefinition',
      eventTime: '2026-11-20T10:00:00Z',
      account: ACCOUNT,
      region: REGION,
      principal: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`, type: 'AssumedRole' },
      resource: {
        kind: 'taskDefinition',
        arn: ecsArn('task-definition/web:3'),
        name: 'web:3',
        family: 'web',
        owner: 'payments',
        consoleUrl: 'https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/web/3/containers?region=eu-west-1',
      },
      mode: 'enforce',
      verdict: 'deny',
      severity: 'critical',
      actions: [
        { type: 'deregisterTaskDefinition', status: 'done', target: 'web:3', summary: 'Deregistered web:3', rules: ['no-privileged-containers'] },
        {
          type: 'tagResource',
          status: 'done',
          target: 'web:3',
          summary: 'Tagged web:3 with ecs-admission:verdict, ecs-admission:rules',
          rules: ['no-privileged-containers'],
        },
      ],
      findings: [
        {
          ruleId: 'no-privileged-containers',
          severity: 'critical',
          action: 'deny',
          mode: 'enforce',
          decidedBy: 'prod-baseline',
          message: 'Container app runs privileged',
          path: 'containerDefinitions[0].privileged',
          container: 'app',
          remediation: 'Remove privileged: true from the container definition.',
        },
        {
          ruleId: 'require-log-configuration',
          severity: 'low',
          action: 'flag',
          mode: 'enforce',
          decidedBy: 'prod-baseline',
          message: 'Container sidecar has no log configuration',
          path: 'containerDefinitions[1].logConfiguration',
          container: 'sidecar',
          remediation: 'Add a logConfiguration with the awslogs driver.',
          exception: { policy: 'prod-baseline', reason: 'legacy sidecar', owner: 'platform', expires: '2027-01-01' },
        },
      ],
      notes: [],
      policies: ['prod-baseline'],
    });
  });

  it('never copies resource fields beyond those listed (tags stay out)', () => {
    const alert = buildAlert(decision, 'json');
    expect(alert.message).not.toContain('ecs-admission:verdict":"deny"');
    expect(Object.keys(json(alert).resource).sort()).toEqual(['arn', 'consoleUrl', 'family', 'kind', 'name', 'owner']);
  });

  it('writes a Chatbot custom notification', () => {
    const n = chatbot(buildAlert(decision, 'chatbot'));
    expectValidChatbot(n, decision);
    expect(n.content.title).toBe(':no_entry: [DENY critical] web:3 task definition deregistered: no-privileged-containers');
    const d = n.content.description;
    expect(d).toContain('<https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/web/3/containers?region=eu-west-1|web:3>');
    expect(d).toContain(`Account \`${ACCOUNT}\``);
    expect(d).toContain('Region `eu-west-1`');
    expect(d).toContain(`\`RegisterTaskDefinition\` by \`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci\` (AssumedRole)`);
    expect(d).toContain('• Deregistered web:3');
    expect(d).toContain('• *no-privileged-containers* (critical): Container app runs privileged [app]');
    expect(d).toContain(
      '• *require-log-configuration* (low): Container sidecar has no log configuration [sidecar] _(exception of prod-baseline until 2027-01-01)_',
    );
    // Remediations of findings that count come first.
    expect(n.content.nextSteps).toEqual(['Remove privileged: true from the container definition.', 'Add a logConfiguration with the awslogs driver.']);
    expect(n.content.keywords).toEqual(['deny', 'critical', 'enforce', 'no-privileged-containers']);
    expect(n.metadata.threadId).toBe(`ecs-admission/${ACCOUNT}/${REGION}/web`);
    expect(n.metadata.summary).toBe('[DENY critical] web:3 task definition deregistered - no-privileged-containers');
    expect(n.metadata.additionalContext).toEqual({
      account: ACCOUNT,
      region: REGION,
      verdict: 'deny',
      severity: 'critical',
      owner: 'payments',
      eventId: 'evt-0001',
      decisionId: 'd-web:3',
    });
  });

  it('sets the same filterable attributes in both formats', () => {
    const { attributes } = buildAlert(decision, 'json');
    expect(attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      verdict: { DataType: 'String', StringValue: 'deny' },
      mode: { DataType: 'String', StringValue: 'enforce' },
      account: { DataType: 'String', StringValue: ACCOUNT },
      region: { DataType: 'String', StringValue: REGION },
      family: { DataType: 'String', StringValue: 'web' },
      owner: { DataType: 'String', StringValue: 'payments' },
      rules: { DataType: 'String.Array', StringValue: '["no-privileged-containers"]' },
      decisionId: { DataType: 'String', StringValue: 'd-web:3' },
    });
    expectValidAttributes(attributes);
    expect(buildAlert(decision, 'chatbot').attributes).toEqual(attributes);
  });
});

describe('buildAlert: service rollback in audit mode', () => {
  const decision = auditedServiceRollback();

  it('says what would be done', () => {
    const alert = buildAlert(decision, 'json');
    expect(alert.subject).toBe('[DENY high] would roll back service api - no-public-ip');
    expectValidSubject(alert.subject);
    const doc = json(alert);
    expect(doc.cloudTrailEventId).toBeUndefined();
    expect(doc.resource).toStrictEqual({
      kind: 'service',
      arn: ecsArn('service/prod/api'),
      name: 'api',
      cluster: 'prod',
      family: 'web',
      service: 'api',
      owner: 'team-api@example.com',
      consoleUrl: 'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/health?region=eu-west-1',
    });
    expect(doc.actions).toStrictEqual([
      {
        type: 'updateService',
        status: 'would',
        target: 'api',
        summary: 'Would roll service api back to web:2',
        rules: ['no-public-ip'],
        detail: 'web:2 is the last revision that passes',
      },
    ]);
    expect(doc.notes).toEqual(['Audit mode: nothing was changed.']);
    expect(doc.mode).toBe('audit');
  });

  it('writes a Chatbot notification threaded by family, with the cluster named', () => {
    const n = chatbot(buildAlert(decision, 'chatbot'));
    expectValidChatbot(n, decision);
    expect(n.content.title).toBe(':no_entry: [DENY high] would roll back service api: no-public-ip');
    expect(n.content.description).toContain('Cluster `prod`');
    expect(n.content.description).toContain(
      '*Audit mode, nothing was changed:*\n• Would roll service api back to web:2: web:2 is the last revision that passes',
    );
    expect(n.content.description).toContain('(owner: team-api@example.com)');
    expect(n.content.keywords).toEqual(['deny', 'high', 'audit', 'no-public-ip']);
    expect(n.metadata.threadId).toBe(`ecs-admission/${ACCOUNT}/${REGION}/web`);
  });

  it('filters on the cluster name, not its ARN', () => {
    const { attributes } = buildAlert(decision, 'chatbot');
    expectValidAttributes(attributes);
    expect(attributes.cluster).toEqual({ DataType: 'String', StringValue: 'prod' });
    expect(attributes.decisionId?.StringValue).toBe('d-api');
  });

  it('describes the other ways a service is put back, deleted task sets and failures', () => {
    const other = auditedServiceRollback();
    other.mode = 'enforce';
    other.outcomes = [
      {
        action: {
          type: 'updateService',
          resourceArn: other.resource.arn,
          name: 'api',
          cluster: 'prod',
          service: 'api',
          changes: { enableExecuteCommand: false },
        },
        status: 'done',
        rules: ['no-exec'],
      },
      {
        action: { type: 'deleteTaskSet', resourceArn: ecsArn('task-set/prod/api/ecs-svc/42'), name: 'ecs-svc/42', cluster: 'prod', service: 'api' },
        status: 'failed',
        rules: ['no-public-ip'],
        detail: 'AccessDeniedException',
      },
    ];
    const alert = buildAlert(other, 'json');
    expect(json(alert).actions.map((a) => a.summary)).toEqual([
      'Updated service api (ECS Exec disabled)',
      'Failed to delete task set ecs-svc/42 of service api',
    ]);
    expect(alert.subject).toBe('[DENY high] api service rolled back - no-public-ip');

    other.outcomes = other.outcomes.slice(1);
    expect(buildAlert(other, 'json').subject).toBe('[DENY high] failed to delete task set ecs-svc/42 - no-public-ip');
    other.outcomes = [];
    other.notes = ['No earlier revision of web passes: nothing to roll back to.'];
    expect(buildAlert(other, 'json').subject).toBe('[DENY high] api service denied, not enforced - no-public-ip');
  });
});

describe('buildAlert: flagged task', () => {
  const decision = flaggedTask();

  it('reads as flagged and leaves unknown attributes out', () => {
    const alert = buildAlert(decision, 'json');
    expect(alert.subject).toBe('[FLAG medium] 0123456789abcdef task flagged - readonly-root-filesystem');
    expectValidSubject(alert.subject);
    expectValidAttributes(alert.attributes);
    expect(Object.keys(alert.attributes)).toEqual(['severity', 'verdict', 'mode', 'account', 'region', 'owner', 'rules', 'decisionId']);
    expect(json(alert).resource.consoleUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/batch/tasks/0123456789abcdef/configuration?region=eu-west-1',
    );
    expect(json(alert).actions).toEqual([]);
  });

  it('writes a Chatbot notification with a warning and an IAM user as caller', () => {
    const n = chatbot(buildAlert(decision, 'chatbot'));
    expectValidChatbot(n, decision);
    expect(n.content.title.startsWith(':warning: [FLAG medium]')).toBe(true);
    expect(n.content.description).toContain(`\`RunTask\` by \`arn:aws:iam::${ACCOUNT}:user/alice\` (IAMUser)`);
    expect(n.content.description).toContain('_Audit mode: nothing was changed._');
    expect(n.metadata.threadId).toBe(`ecs-admission/${ACCOUNT}/${REGION}/0123456789abcdef`);
  });

  it('omits the severity when there is none and never sends an empty value', () => {
    const passed: Decision = { ...flaggedTask(), verdict: 'pass', severity: undefined, findings: [], resource: { ...flaggedTask().resource, owner: '' } };
    const alert = buildAlert(passed, 'chatbot');
    expect(alert.subject).toBe('[PASS] 0123456789abcdef task passed');
    expect(Object.keys(alert.attributes)).toEqual(['verdict', 'mode', 'account', 'region', 'decisionId']);
    expectValidAttributes(alert.attributes);
    const n = chatbot(alert);
    expectValidChatbot(n, passed);
    expect(n.metadata.additionalContext).toEqual({ account: ACCOUNT, region: REGION, verdict: 'pass', eventId: 'evt-0003', decisionId: 'd-task' });
    expect(n.content.nextSteps).toEqual([]);
  });
});

describe('buildAlert: size limits', () => {
  const decision = manyFindings();

  it('drops findings from the end of the JSON document to fit SNS, and says how many', () => {
    const alert = buildAlert(decision, 'json');
    expect(bytes(alert.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const doc = json(alert);
    expect(doc.truncatedFindings).toBeGreaterThan(0);
    expect(doc.findings.length + (doc.truncatedFindings ?? 0)).toBe(decision.findings.length);
    expect(doc.findings.map((f) => f.path)).toEqual(decision.findings.slice(0, doc.findings.length).map((f) => f.path));
    // As many as fit: one more finding would not.
    const oneMore = { ...doc, findings: decision.findings.slice(0, doc.findings.length + 1), truncatedFindings: (doc.truncatedFindings ?? 0) - 1 };
    expect(bytes(JSON.stringify(oneMore))).toBeGreaterThan(MAX_MESSAGE_BYTES);
  });

  it('leaves a document that fits alone', () => {
    expect(json(buildAlert(manyFindings(10), 'json')).truncatedFindings).toBeUndefined();
  });

  it('keeps the Chatbot notification within its limits', () => {
    const alert = buildAlert(decision, 'chatbot');
    const n = chatbot(alert);
    expectValidChatbot(n, decision);
    expect(n.content.description).toMatch(/_\.\.\.and \d+ more findings_$/);
    // Text from findings cannot form Slack links or mentions.
    expect(n.content.description).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(n.content.nextSteps).toHaveLength(5);
    expect(n.content.nextSteps.every((s) => s.endsWith('...'))).toBe(true);
    expect(n.content.keywords).toHaveLength(10);
    expect(n.content.keywords.slice(0, 3)).toEqual(['deny', 'critical', 'enforce']);
    expect(n.content.keywords[3]).toHaveLength(75);
    expect(n.content.title.length).toBe(250);
    expect(bytes(alert.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('sends every rule id that counts as a String.Array attribute', () => {
    const { attributes, subject } = buildAlert(decision, 'json');
    expectValidAttributes(attributes);
    const rules = JSON.parse(attributes.rules?.StringValue ?? '[]') as string[];
    // rule-0 … rule-39 and the long one, each once.
    expect(rules).toHaveLength(41);
    expect(new Set(rules).size).toBe(41);
    expectValidSubject(subject);
    expect(subject.endsWith(' +40')).toBe(true);
  });
});

describe('subject', () => {
  it('shortens a long family name, keeping its revision, the action and the rule', () => {
    const family = 'payments-platform-checkout-orchestrator-blue-green-canary-eu-west-1-production';
    const alert = buildAlert(deniedTaskDefinition(family, 12), 'json');
    expectValidSubject(alert.subject);
    expect(alert.subject).toBe('[DENY critical] payments-platform-che...:12 task definition deregistered - no-privileged-containers');
    expect(alert.subject.length).toBe(99);
  });

  it('shortens a long rule id next, keeping the count of the others', () => {
    const decision = deniedTaskDefinition();
    decision.findings = [
      { ...privileged, ruleId: `a-${'very-'.repeat(20)}long-rule-id` },
      { ...privileged, ruleId: 'other' },
    ];
    const { subject } = buildAlert(decision, 'json');
    expectValidSubject(subject);
    expect(subject).toBe('[DENY critical] web:3 task definition deregistered - a-very-very-very-very-very-very-very-ver... +1');
  });

  it('shortens both a long name and a long rule id', () => {
    const decision = deniedTaskDefinition('f'.repeat(200), 1);
    decision.findings = [{ ...privileged, ruleId: 'r'.repeat(200) }];
    decision.outcomes = [];
    const { subject } = buildAlert(decision, 'json');
    expectValidSubject(subject);
    expect(subject).toBe(`[DENY critical] ${'f'.repeat(7)}...:1 task definition denied, not enforced - ${'r'.repeat(28)}...`);
    expect(subject).toHaveLength(99);
  });

  it('keeps only printable ASCII', () => {
    expect(toAsciiLine('web — café\n“quoted”…\u0007✓')).toBe('web - cafe "quoted"...??');
    const decision = deniedTaskDefinition();
    decision.resource = { ...decision.resource, name: 'wéb—x:3' };
    decision.outcomes = [];
    decision.mode = 'audit';
    const { subject } = buildAlert(decision, 'json');
    expectValidSubject(subject);
    expect(subject).toBe('[DENY critical] web-x:3 task definition would be denied - no-privileged-containers');
  });
});

describe('consoleUrl', () => {
  const base: JudgedResource = { kind: 'taskDefinition', arn: ecsArn('task-definition/web:3'), name: 'web:3', family: 'web', tags: {}, owner: 'o' };

  it('links a task definition revision', () => {
    expect(consoleUrl(base, 'us-east-1')).toBe('https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/web/3/containers?region=us-east-1');
    expect(consoleUrl({ ...base, arn: '', name: 'web' }, 'us-east-1')).toBe(
      'https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/web?region=us-east-1',
    );
  });

  it('links a service, by cluster name', () => {
    const service: JudgedResource = { ...base, kind: 'service', arn: ecsArn('service/prod/api'), name: 'api', cluster: ecsArn('cluster/prod'), service: 'api' };
    expect(consoleUrl(service, REGION)).toBe('https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/health?region=eu-west-1');
    // Cluster and service taken from the ARN when not given.
    expect(consoleUrl({ ...service, cluster: undefined, service: undefined }, REGION)).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/health?region=eu-west-1',
    );
  });

  it('links a task set to its service page', () => {
    const taskSet: JudgedResource = { ...base, kind: 'taskSet', arn: ecsArn('task-set/prod/api/ecs-svc/1234'), name: 'ecs-svc/1234' };
    expect(consoleUrl(taskSet, REGION)).toBe('https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/health?region=eu-west-1');
  });

  it('links a task, in the default cluster for old-format ARNs', () => {
    const task: JudgedResource = { ...base, kind: 'task', arn: ecsArn('task/prod/abc123'), name: 'abc123', cluster: 'prod' };
    expect(consoleUrl(task, REGION)).toBe('https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/abc123/configuration?region=eu-west-1');
    expect(consoleUrl({ ...task, arn: ecsArn('task/abc123'), cluster: undefined }, REGION)).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/default/tasks/abc123/configuration?region=eu-west-1',
    );
  });

  it('encodes path segments', () => {
    const service: JudgedResource = { ...base, kind: 'service', arn: '', name: 'a/b c', cluster: 'my cluster', service: 'a/b c' };
    expect(consoleUrl(service, REGION)).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/my%20cluster/services/a%2Fb%20c/health?region=eu-west-1',
    );
  });
});
