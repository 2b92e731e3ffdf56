/** The sweep digest: counts, worst offenders, changes since the previous sweep, the SNS message in both formats, the state. */
import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS } from '../../src/render/chatbot.js';
import { buildDigest, digestMessage, type DigestChatbotNotification, type SweepDigest } from '../../src/render/digest/index.js';
import { MAX_MESSAGE_BYTES } from '../../src/render/text.js';
import { plan } from '../../src/admission/plan.js';
import { summarize } from '../../src/use-cases/check.js';
import type { Finding, Resource, ResourceKind, Severity } from '../../src/core/types.js';
import { violationKey } from '../../src/sweep/digest.js';
import { MAX_STATE_BYTES, MAX_STATE_KEYS, parseDigestState, type DigestState } from '../../src/sweep/digest-state.js';
import type { SweepFailure, SweepReport, SweptResource } from '../../src/sweep/types.js';
import { HOSTILE_NAME, HOSTILE_OWNER, sampleReport } from './sample-report.js';

const ACCOUNT = '111122223333';
const EU = 'eu-west-1';
const US = 'us-east-1';
const SCOPE = { account: ACCOUNT, regions: [EU, US] };

type FindingSpec = [ruleId: string, severity: Severity, options?: { action?: 'deny' | 'flag'; excepted?: boolean; path?: string }];

const arnOf = (region: string, path: string, account = ACCOUNT): string => `arn:aws:ecs:${region}:${account}:${path}`;

/** A swept resource with the given findings, planned by the real planner as the sweep does. */
function swept(kind: ResourceKind, name: string, findings: FindingSpec[], options: { region?: string; owner?: string; account?: string } = {}): SweptResource {
  const region = options.region ?? EU;
  const account = options.account ?? ACCOUNT;
  const tags = options.owner ? [{ key: 'Owner', value: options.owner }] : [];
  const arn =
    kind === 'taskDefinition'
      ? arnOf(region, `task-definition/${name}`, account)
      : kind === 'service'
        ? arnOf(region, `service/apps/${name}`, account)
        : kind === 'task'
          ? arnOf(region, `task/apps/${name}`, account)
          : arnOf(region, `task-set/apps/web/${name}`, account);
  const object =
    kind === 'taskDefinition'
      ? {
          taskDefinitionArn: arn,
          family: name.split(':')[0],
          revision: Number(name.split(':')[1] ?? 1),
          status: 'ACTIVE',
          containerDefinitions: [{ name: 'app' }],
          tags,
        }
      : kind === 'service'
        ? { serviceArn: arn, serviceName: name, clusterArn: arnOf(region, 'cluster/apps', account), tags }
        : kind === 'task'
          ? { taskArn: arn, clusterArn: arnOf(region, 'cluster/apps', account), lastStatus: 'RUNNING', tags }
          : { taskSetArn: arn, id: name, clusterArn: arnOf(region, 'cluster/apps', account), serviceArn: arnOf(region, 'service/apps/web', account), tags };
  const resource = { kind, name, object, origin: { source: arn } } as Resource;
  const list: Finding[] = findings.map(([ruleId, severity, o = {}]) => ({
    ruleId,
    severity,
    action: o.action ?? 'deny',
    mode: 'audit',
    decidedBy: 'production',
    message: `${ruleId} fails`,
    path: o.path ?? (kind === 'taskDefinition' ? 'containerDefinitions[0].privileged' : 'enableExecuteCommand'),
    remediation: `Fix ${ruleId}.`,
    ...(o.excepted ? { exception: { policy: 'production', reason: 'migration', expires: '2099-01-01' } } : {}),
  }));
  const result = { resource, status: list.length ? ('fail' as const) : ('pass' as const), findings: list, rules: [] };
  const out: SweptResource = { account, region, result };
  if (list.some((f) => !f.exception)) {
    const planned = plan(result, { eventId: 'sweep-test', ownerTags: ['Owner'] });
    for (const o of planned.outcomes) o.status = 'would';
    out.plan = planned;
  }
  return out;
}

function report(resources: SweptResource[], options: { failures?: SweepFailure[]; finishedAt?: string; regions?: number } = {}): SweepReport {
  return {
    startedAt: '2026-11-23T06:00:00.000Z',
    finishedAt: options.finishedAt ?? '2026-11-23T06:01:00.000Z',
    policies: ['production'],
    allRevisions: false,
    resources,
    failures: options.failures ?? [],
    counts: {
      accounts: 1,
      regions: options.regions ?? 2,
      clusters: 2,
      services: resources.filter((r) => r.result.resource.kind === 'service').length,
      taskSets: 0,
      tasks: 0,
      taskDefinitions: resources.filter((r) => r.result.resource.kind === 'taskDefinition').length,
    },
    summary: summarize(resources.map((r) => r.result)),
  };
}

/** The resources of a typical day: two owners, two regions, an excepted finding and a clean revision. */
const day1 = (): SweptResource[] => [
  // Two privileged containers: one violation (one rule), two findings.
  swept(
    'taskDefinition',
    'web:3',
    [
      ['no-privileged-containers', 'critical'],
      ['no-privileged-containers', 'critical'],
      ['require-readonly-root-filesystem', 'medium', { action: 'flag' }],
    ],
    { owner: 'payments' },
  ),
  swept(
    'taskDefinition',
    'api:7',
    [
      ['no-aws-credentials-in-environment', 'critical'],
      ['require-non-root-user', 'high', { excepted: true }],
    ],
    { owner: 'search', region: US },
  ),
  swept(
    'service',
    'edge',
    [
      ['no-execute-command', 'high'],
      ['require-deployment-circuit-breaker', 'low', { action: 'flag', path: 'deploymentConfiguration.deploymentCircuitBreaker.enable' }],
    ],
    { owner: 'payments' },
  ),
  swept('service', 'worker', [['no-execute-command', 'high']]),
  swept('taskDefinition', 'clean:1', []),
];

const parse = (message: string): SweepDigest => JSON.parse(message) as SweepDigest;

describe('the sweep digest: counts', () => {
  it('counts violations (resource x rule, not excepted) and findings by severity, by owner worst first, and by rule', () => {
    const { digest } = buildDigest(report(day1()), { ...SCOPE, format: 'json' });
    expect(digest).toMatchObject({
      version: '1',
      kind: 'ecs-admission.sweep',
      account: ACCOUNT,
      regions: [EU, US],
      startedAt: '2026-11-23T06:00:00.000Z',
      finishedAt: '2026-11-23T06:01:00.000Z',
      policies: ['production'],
    });
    expect(digest.violations).toEqual({ total: 6, critical: 2, high: 2, medium: 1, low: 1 });
    expect(digest.findings).toEqual({ total: 7, critical: 3, high: 2, medium: 1, low: 1, excepted: 1 });
    expect(digest.resources).toEqual({ total: 5, violating: 4, errored: 0 });
    expect(Object.entries(digest.byOwner)).toEqual([
      ['payments', { total: 4, critical: 1, high: 1, medium: 1, low: 1 }],
      ['search', { total: 1, critical: 1, high: 0, medium: 0, low: 0 }],
      // No owner tag, and the sweep has no caller to fall back on.
      ['unknown', { total: 1, critical: 0, high: 1, medium: 0, low: 0 }],
    ]);
    expect(Object.keys(digest.byRule)).toEqual([
      'no-aws-credentials-in-environment',
      'no-privileged-containers',
      'no-execute-command',
      'require-readonly-root-filesystem',
      'require-deployment-circuit-breaker',
    ]);
    expect(digest.byRule['no-execute-command']).toEqual({ total: 2, critical: 0, high: 2, medium: 0, low: 0, remediation: 'Fix no-execute-command.' });
    expect(digest.failures).toEqual([]);
    expect(digest.changes).toBeNull();
  });

  it('a clean sweep says so', () => {
    const built = buildDigest(report([swept('taskDefinition', 'clean:1', [])], { regions: 1 }), { account: ACCOUNT, regions: [EU], format: 'json' });
    expect(built.digest.violations.total).toBe(0);
    expect(built.digest.worstOffenders).toEqual([]);
    expect(built.message.subject).toBe('[SWEEP] no violations in 1 account, 1 region');
    expect(built.message.attributes.severity).toBeUndefined();
    expect(built.state.keys).toEqual([]);
  });
});

describe('the sweep digest: worst offenders', () => {
  it('orders by worst severity, then rules broken, then findings, and says what enforcement would do', () => {
    const { digest } = buildDigest(report(day1()), { ...SCOPE, format: 'json' });
    expect(digest.worstOffenders.map((o) => `${o.name} ${o.severity} ${o.rules.join(',')}`)).toEqual([
      // Two critical resources: web:3 breaks two rules, api:7 one.
      'web:3 critical no-privileged-containers,require-readonly-root-filesystem',
      'api:7 critical no-aws-credentials-in-environment',
      'edge high no-execute-command,require-deployment-circuit-breaker',
      'worker high no-execute-command',
    ]);
    const [web, api, edge] = digest.worstOffenders;
    expect(web).toMatchObject({
      kind: 'taskDefinition',
      arn: arnOf(EU, 'task-definition/web:3'),
      account: ACCOUNT,
      region: EU,
      owner: 'payments',
      verdict: 'deny',
      findings: 3,
    });
    expect(web!.enforcement).toEqual(['Would deregister web:3', expect.stringMatching(/^Would tag web:3 with ecs-admission:verdict/)]);
    expect(web!.consoleUrl).toBe('https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/web/3/containers?region=eu-west-1');
    expect(api).toMatchObject({ region: US, owner: 'search' });
    expect(edge!.enforcement[0]).toBe('Would update service edge (ECS Exec disabled)');
  });

  it('keeps the ten worst', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      swept('service', `svc-${String(i).padStart(2, '0')}`, [['no-execute-command', i === 17 ? 'critical' : 'high']]),
    );
    const { digest } = buildDigest(report(many), { ...SCOPE, format: 'json' });
    expect(digest.worstOffenders).toHaveLength(10);
    expect(digest.worstOffenders.map((o) => o.name).slice(0, 3)).toEqual(['svc-17', 'svc-00', 'svc-01']);
  });
});

describe('the sweep digest: changes since the previous sweep', () => {
  const first = () => buildDigest(report(day1()), { ...SCOPE, format: 'json' });

  it('keeps the violations as sorted arn#rule keys, with the regions read', () => {
    const { state } = first();
    expect(state).toEqual({
      version: 1,
      finishedAt: '2026-11-23T06:01:00.000Z',
      scope: [`${ACCOUNT}/${EU}`, `${ACCOUNT}/${US}`],
      keys: [
        violationKey(arnOf(EU, 'service/apps/edge'), 'no-execute-command'),
        violationKey(arnOf(EU, 'service/apps/edge'), 'require-deployment-circuit-breaker'),
        violationKey(arnOf(EU, 'service/apps/worker'), 'no-execute-command'),
        violationKey(arnOf(EU, 'task-definition/web:3'), 'no-privileged-containers'),
        violationKey(arnOf(EU, 'task-definition/web:3'), 'require-readonly-root-filesystem'),
        violationKey(arnOf(US, 'task-definition/api:7'), 'no-aws-credentials-in-environment'),
      ],
    });
    expect(parseDigestState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('reports no change when nothing changed', () => {
    const again = buildDigest(report(day1(), { finishedAt: '2026-11-24T06:01:00.000Z' }), { ...SCOPE, format: 'json' }, first().state);
    expect(again.digest.changes).toEqual({ since: '2026-11-23T06:01:00.000Z', newCount: 0, resolvedCount: 0, newViolations: [], resolved: [], notCompared: 0 });
    expect(again.message.subject).toBe('[SWEEP] 6 violations (2 critical, 2 high) in 1 account, 2 regions - no change');
    expect(again.message.attributes.newViolations).toEqual({ DataType: 'Number', StringValue: '0' });
  });

  it('lists new violations (a new resource, a new rule on a known one) worst first, and resolved ones', () => {
    const resources = day1().filter((r) => r.result.resource.name !== 'worker');
    resources.push(swept('task', 'batch-1', [['no-aws-credentials-in-environment', 'critical']], { owner: 'data', region: US }));
    resources[2] = swept(
      'service',
      'edge',
      [
        ['no-execute-command', 'high'],
        ['no-public-ip', 'high', { path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp' }],
        ['require-deployment-circuit-breaker', 'low', { action: 'flag' }],
      ],
      { owner: 'payments' },
    );
    const { digest, message } = buildDigest(report(resources), { ...SCOPE, format: 'json' }, first().state);
    expect(digest.changes).toMatchObject({ newCount: 2, resolvedCount: 1, notCompared: 0 });
    expect(digest.changes!.newViolations).toEqual([
      {
        arn: arnOf(US, 'task/apps/batch-1'),
        ruleId: 'no-aws-credentials-in-environment',
        account: ACCOUNT,
        region: US,
        kind: 'task',
        name: 'batch-1',
        owner: 'data',
        severity: 'critical',
      },
      {
        arn: arnOf(EU, 'service/apps/edge'),
        ruleId: 'no-public-ip',
        account: ACCOUNT,
        region: EU,
        kind: 'service',
        name: 'edge',
        owner: 'payments',
        severity: 'high',
      },
    ]);
    expect(digest.changes!.resolved).toEqual([{ arn: arnOf(EU, 'service/apps/worker'), ruleId: 'no-execute-command', account: ACCOUNT, region: EU }]);
    expect(message.subject).toBe('[SWEEP] 7 violations (3 critical, 2 high) in 1 account, 2 regions - 2 new, 1 resolved');
  });

  it('does not call the violations of a region that could not be read resolved, and keeps them for next time', () => {
    const failure: SweepFailure = { account: ACCOUNT, region: US, operation: 'ListClusters', code: 'ThrottlingException', message: 'Rate exceeded' };
    const euOnly = day1().filter((r) => r.region === EU);
    const { digest, state, message } = buildDigest(report(euOnly, { failures: [failure] }), { ...SCOPE, format: 'json' }, first().state);
    expect(digest.changes).toMatchObject({ newCount: 0, resolvedCount: 0 });
    expect(digest.failures).toEqual([failure]);
    expect(digest.unreadable).toEqual([`${ACCOUNT}/${US}`]);
    expect(state.keys).toContain(violationKey(arnOf(US, 'task-definition/api:7'), 'no-aws-credentials-in-environment'));
    expect(state.scope).toEqual([`${ACCOUNT}/${EU}`, `${ACCOUNT}/${US}`]);
    expect(message.subject).toBe('[SWEEP] 5 violations (1 critical, 2 high) in 1 account, 2 regions - no change - 1 region unreadable');

    // Read again the day after: the carried violation is still there, so it is not new.
    const next = buildDigest(report(day1()), { ...SCOPE, format: 'json' }, state);
    expect(next.digest.changes).toMatchObject({ newCount: 0, resolvedCount: 0 });
  });

  it('does not compare a region the previous sweep did not read', () => {
    const euState: DigestState = { ...first().state, scope: [`${ACCOUNT}/${EU}`], keys: first().state.keys.filter((k) => k.includes(`:${EU}:`)) };
    const { digest } = buildDigest(report(day1()), { ...SCOPE, format: 'json' }, euState);
    expect(digest.changes).toMatchObject({ newCount: 0, resolvedCount: 0, notCompared: 1 });
  });

  it('caps the state (keys and bytes) for DynamoDB, and compares only up to where it was cut', () => {
    const names = Array.from({ length: 6000 }, (_, i) => `${'very-long-service-name-'.repeat(4)}${String(i).padStart(5, '0')}`);
    const big = names.map((n) =>
      swept('service', n, [
        ['no-execute-command', 'high'],
        ['no-public-ip', 'high'],
      ]),
    );
    const { state } = buildDigest(report(big), { ...SCOPE, format: 'json' });
    expect(state.keys.length).toBeLessThanOrEqual(MAX_STATE_KEYS);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThan(MAX_STATE_BYTES + 1000);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThan(400 * 1024);
    expect(state.truncatedAfter).toBe(state.keys.at(-1));

    // The same resources plus one sorting before the cut and one after it: only the first is known to be new.
    const more = [...big, swept('service', 'aaa-new', [['no-execute-command', 'high']]), swept('service', 'zzz-new', [['no-execute-command', 'high']])];
    const { digest, state: next } = buildDigest(report(more), { ...SCOPE, format: 'json' }, state);
    expect(digest.changes!.newViolations.map((n) => n.name)).toEqual(['aaa-new']);
    expect(digest.changes!.resolvedCount).toBe(0);
    // Compared: the keys kept, and aaa-new (before the cut).
    expect(digest.changes!.notCompared).toBe(big.length * 2 + 2 - state.keys.length - 1);
    expect(next.keys.length).toBeLessThanOrEqual(MAX_STATE_KEYS);
  });

  it('ignores a stored state it does not understand', () => {
    expect(parseDigestState({ version: 2, keys: [] })).toBeUndefined();
    expect(parseDigestState('garbage')).toBeUndefined();
    expect(parseDigestState({ version: 1, finishedAt: 'x', scope: [], keys: ['a'], truncatedAfter: 'a' })).toEqual({
      version: 1,
      finishedAt: 'x',
      scope: [],
      keys: ['a'],
      truncatedAfter: 'a',
    });
  });
});

describe('the sweep digest: SNS message', () => {
  it('has an ASCII subject of at most 99 characters, whatever the counts', () => {
    const failures = Array.from(
      { length: 400 },
      (_, i): SweepFailure => ({ account: ACCOUNT, region: `xx-region-${i}`, code: 'AccessDenied', message: 'denied – “no”' }),
    );
    const many = Array.from({ length: 1200 }, (_, i) =>
      swept('service', `s${i}`, [
        ['no-execute-command', i % 2 ? 'critical' : 'high'],
        ['no-public-ip', 'high'],
      ]),
    );
    const previous: DigestState = {
      version: 1,
      finishedAt: '2026-11-22T06:00:00Z',
      scope: [`${ACCOUNT}/${EU}`, `${ACCOUNT}/${US}`],
      keys: Array.from({ length: 3000 }, (_, i) => violationKey(arnOf(US, `service/apps/old${i}`), 'no-public-ip')).sort(),
    };
    const { message } = buildDigest(report(many, { failures, regions: 402 }), { ...SCOPE, format: 'json' }, previous);
    expect(message.subject.length).toBeLessThanOrEqual(99);
    expect(message.subject).toMatch(/^[\x20-\x7E]+$/);
    // Too long with where: the counts and the changes matter more.
    expect(message.subject).toBe('[SWEEP] 2400 violations (600 critical, 1800 high) - 2400 new, 3000 resolved - 400 unreadable');
  });

  it('sends the JSON document with attributes for subscription filter policies', () => {
    const { message, digest } = buildDigest(report(day1()), { ...SCOPE, format: 'json' });
    expect(parse(message.message)).toEqual(JSON.parse(JSON.stringify(digest)));
    expect(message.subject).toBe('[SWEEP] 6 violations (2 critical, 2 high) in 1 account, 2 regions');
    expect(message.attributes).toEqual({
      kind: { DataType: 'String', StringValue: 'sweep' },
      severity: { DataType: 'String', StringValue: 'critical' },
      account: { DataType: 'String', StringValue: ACCOUNT },
      regions: { DataType: 'String.Array', StringValue: JSON.stringify([EU, US]) },
      violations: { DataType: 'Number', StringValue: '6' },
      failures: { DataType: 'Number', StringValue: '0' },
      rules: { DataType: 'String.Array', StringValue: JSON.stringify(Object.keys(digest.byRule)) },
    });
    expect(Object.keys(message.attributes).length).toBeLessThanOrEqual(10);
  });

  it('keeps the JSON document under the SNS size limit, saying what it left off', () => {
    const longName = 'n'.repeat(250);
    const many = Array.from({ length: 3000 }, (_, i) =>
      swept('service', `${longName}-${i}`, [['no-execute-command', 'high']], { owner: `owner-${i}-${'o'.repeat(200)}` }),
    );
    const previous: DigestState = { version: 1, finishedAt: '2026-11-22T06:00:00Z', scope: [`${ACCOUNT}/${EU}`, `${ACCOUNT}/${US}`], keys: [] };
    const failures = Array.from(
      { length: 200 },
      (_, i): SweepFailure => ({ account: ACCOUNT, region: US, code: 'Throttling', message: `cluster c${i}: ${'x'.repeat(2000)}` }),
    );
    const { message } = buildDigest(report(many, { failures }), { ...SCOPE, format: 'json' }, previous);
    expect(Buffer.byteLength(message.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const doc = parse(message.message);
    expect(doc.changes!.newCount).toBe(3000);
    expect(doc.truncated!.newViolations).toBe(3000 - doc.changes!.newViolations.length);
    expect(doc.truncated!.failures).toBe(200 - doc.failures.length);
  });

  it('in the Chatbot format: title, Slack mrkdwn description, next steps, keywords and one thread per account', () => {
    const previous = buildDigest(report(day1().filter((r) => r.result.resource.name !== 'edge')), { ...SCOPE, format: 'json' }).state;
    const { message } = buildDigest(report(day1()), { ...SCOPE, format: 'chatbot' }, previous);
    const n = JSON.parse(message.message) as DigestChatbotNotification;
    expect(n).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: `sweep-${ACCOUNT}-2026-11-23T06:01:00.000Z`,
      content: { textType: 'client-markdown' },
      metadata: { threadId: `ecs-admission/sweep/${ACCOUNT}`, eventType: 'ecs-admission.sweep', summary: message.subject },
    });
    expect(n.content.title).toBe(':rotating_light: ECS sweep: 6 violations (2 critical, 2 high) in 1 account, 2 regions - 2 new');
    const d = n.content.description;
    expect(d).toContain(`*ECS admission sweep* of account \`${ACCOUNT}\` in \`${EU}\`, \`${US}\``);
    expect(d).toContain('*6 violations* (2 critical · 2 high · 1 medium · 1 low) in 4 resources');
    expect(d).toContain('*New since the last sweep:*\n• *no-execute-command* (high) on edge (service, eu-west-1, owner payments)');
    expect(d).toContain(
      '*Worst offenders:*\n• :rotating_light: <https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/web/3/containers?region=eu-west-1|web:3> (task definition, eu-west-1, owner payments): critical, no-privileged-containers +1 — Would deregister web:3',
    );
    expect(d).toContain('*By owner:*\n• payments: 4 (1 critical · 1 high · 1 medium · 1 low)');
    expect(n.content.nextSteps[0]).toBe('no-aws-credentials-in-environment (1 violation): Fix no-aws-credentials-in-environment.');
    expect(n.content.keywords).toEqual(['sweep', 'critical', 'high', 'medium', 'low', 'new violations']);
    expect(n.metadata.relatedResources[0]).toBe(arnOf(EU, 'task-definition/web:3'));
    expect(n.metadata.additionalContext).toEqual({
      account: ACCOUNT,
      regions: `${EU},${US}`,
      violations: '6',
      finishedAt: '2026-11-23T06:01:00.000Z',
      severity: 'critical',
      newViolations: '2',
    });
  });

  it('keeps within the Chatbot limits and escapes names, with many long and hostile names', () => {
    const hostile = sampleReport({ hostile: true });
    const many = Array.from({ length: 400 }, (_, i) =>
      swept('service', `${HOSTILE_NAME}-${'x'.repeat(300)}-${i}`, [[`custom-rule-${'r'.repeat(100)}-${i % 20}`, 'critical']], {
        owner: `${HOSTILE_OWNER}-${i}`,
      }),
    );
    const failures = Array.from(
      { length: 100 },
      (_, i): SweepFailure => ({ account: ACCOUNT, region: EU, code: 'AccessDenied', message: `<@U123> ${'m'.repeat(800)} ${i}` }),
    );
    const previous: DigestState = {
      version: 1,
      finishedAt: '2026-11-22T06:00:00Z',
      scope: [`${ACCOUNT}/${EU}`, `${ACCOUNT}/${US}`],
      keys: Array.from({ length: 500 }, (_, i) => violationKey(arnOf(EU, `service/apps/${HOSTILE_NAME}${i}`), 'r')).sort(),
    };
    for (const r of [report([...hostile.resources, ...many], { failures }), hostile]) {
      const { message } = buildDigest(r, { ...SCOPE, format: 'chatbot' }, previous);
      const n = JSON.parse(message.message) as DigestChatbotNotification;
      expect(n.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
      expect(n.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
      expect(n.content.nextSteps.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
      for (const s of n.content.nextSteps) expect(s.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextStep);
      expect(n.content.keywords.length).toBeLessThanOrEqual(CHATBOT_LIMITS.keywords);
      for (const k of n.content.keywords) expect(k.length).toBeLessThanOrEqual(CHATBOT_LIMITS.keyword);
      // Names and messages never form markup: every < and > in the text is one of the digest's own links.
      const withoutLinks = n.content.description.replace(/<https:\/\/[^|<>]+\|[^<>]*>/g, '');
      expect(withoutLinks).not.toMatch(/[<>]/);
      expect(n.content.description).not.toContain(HOSTILE_NAME);
      expect(n.content.description).not.toContain('<@U123>');
      expect(Buffer.byteLength(message.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    }
    const { message } = buildDigest(report(many, { failures }), { ...SCOPE, format: 'chatbot' }, previous);
    expect((JSON.parse(message.message) as DigestChatbotNotification).content.description).toMatch(/_\.\.\.and \d+ more_/);
  });

  it('renders both formats from one digest', () => {
    const built = buildDigest(report(day1()), { ...SCOPE, format: 'json' });
    const chat = digestMessage(built.digest, 'chatbot');
    expect(chat.subject).toBe(built.message.subject);
    expect(chat.attributes).toEqual(built.message.attributes);
    expect((JSON.parse(chat.message) as DigestChatbotNotification).source).toBe('custom');
  });

  it('summarizes a realistic sweep (the sample report)', () => {
    const sample = sampleReport();
    const { digest, message } = buildDigest(sample, { account: '111122223333', regions: ['eu-west-1', 'us-east-1'], format: 'json' });
    expect(digest.violations.total).toBeGreaterThan(0);
    expect(digest.failures).toEqual(sample.failures);
    // The excepted finding is counted apart.
    expect(digest.findings.excepted).toBeGreaterThan(0);
    expect(digest.worstOffenders[0]!.severity).toBe('critical');
    expect(message.subject).toMatch(/^\[SWEEP\] \d+ violations \(\d+ critical(, \d+ high)?\) in 3 accounts, 2 regions - 1 region unreadable$/);
  });
});
