/**
 * A realistic sweep report for the HTML report's tests and the sample in docs/: API-shaped ECS
 * objects in two accounts × two regions, evaluated by the real policy engine (a policy extending
 * `recommended`, with an exception), planned by the real planner, summarized like `check`. Only the
 * ECS reads are made up; every finding, verdict and planned action is what the code decides.
 */
import { plan, type PlanContext } from '../../src/admission/plan.js';
import type { ServiceState, TaskDefinitionState, TaskState } from '../../src/admission/ports.js';
import { summarize } from '../../src/use-cases/check.js';
import { indexTaskDefinitions } from '../../src/core/task-definition-index.js';
import type { ContainerDefinition, Resource, ResourceKind, TaskSet } from '../../src/core/types.js';
import { resourceFromApi } from '../../src/input/api.js';
import { compilePolicies, createPolicyEngine } from '../../src/policy/engine.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import type { SweepCounts, SweptResource, SweepReport } from '../../src/sweep/types.js';

export const SAMPLE_NOW = new Date('2026-11-23T06:00:04.218Z');
const EVENT_ID = 'sweep-2026-11-23';
const OWNER_TAGS = ['Owner', 'team'];

/** What the `hostile` variant adds: data that must be shown as text, never run. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
export const HOSTILE_OWNER = '"><script>alert(2)</script>';

/** A fake access key id: the HTML must never show environment values. */
export const SECRET_VALUE = 'AKIAZ7EXAMPLE4HTML42';

const POLICIES = `
apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: production, owner: platform }
spec:
  mode: audit
  extends: [recommended]
  exceptions:
    - rules: [require-non-root-user]
      match: { families: [batch-report] }
      reason: The legacy report generator writes to a root-owned spool; the rewrite is tracked in PLAT-1432.
      owner: platform
      expires: '2027-01-31'
---
apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: edge-hardening, owner: platform }
spec:
  mode: audit
  match: { clusters: [edge] }
  rules:
    no-execute-command: deny
    require-deployment-circuit-breaker: flag
`;

interface Env {
  account: string;
  region: string;
}

const arn = (env: Env, path: string): string => `arn:aws:ecs:${env.region}:${env.account}:${path}`;
const tags = (owner: string | undefined, key = 'Owner'): { key: string; value: string }[] =>
  owner === undefined
    ? []
    : [
        { key, value: owner },
        { key: 'env', value: 'prod' },
      ];

const image = (env: Env, repo: string, digit: string): string => `${env.account}.dkr.ecr.${env.region}.amazonaws.com/${repo}@sha256:${digit.repeat(64)}`;
const good = (env: Env, name: string, repo: string, digit: string): ContainerDefinition => ({
  name,
  image: image(env, repo, digit),
  essential: true,
  user: '10001',
  readonlyRootFilesystem: true,
  memory: 512,
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${repo}`, mode: 'non-blocking' } },
  healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'] },
});

/** The revisions that exist in every account and region (used or not: rollbacks look at the others). */
function taskDefinitions(env: Env): TaskDefinitionState[] {
  const td = (
    family: string,
    revision: number,
    owner: string | undefined,
    containers: ContainerDefinition[],
    extra: Partial<TaskDefinitionState> = {},
  ): TaskDefinitionState => ({
    taskDefinitionArn: arn(env, `task-definition/${family}:${revision}`),
    family,
    revision,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    taskRoleArn: `arn:aws:iam::${env.account}:role/${family}-task`,
    executionRoleArn: `arn:aws:iam::${env.account}:role/${family}-execution`,
    containerDefinitions: containers,
    tags: tags(owner),
    ...extra,
  });
  const payments = good(env, 'api', 'payments-api', 'a');
  const indexer = good(env, 'indexer', 'search-indexer', 'b');
  const keys = [
    { name: 'AWS_ACCESS_KEY_ID', value: SECRET_VALUE },
    { name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    { name: 'INDEX_BUCKET', value: 'search-index-prod' },
  ];
  return [
    td('payments-api', 40, 'payments', [payments]),
    td('payments-api', 41, 'payments', [
      { ...payments, image: image(env, 'payments-api', 'c') },
      { ...good(env, 'hsm-agent', 'hsm-agent', 'd'), privileged: true },
    ]),
    td('checkout-web', 17, 'payments', [good(env, 'web', 'checkout-web', 'e')]),
    td('search-indexer', 11, 'search', [{ ...indexer, environment: keys }]),
    td('search-indexer', 12, 'search', [{ ...indexer, image: image(env, 'search-indexer', 'f'), environment: keys }]),
    td('edge-gateway', 3, 'platform', [{ ...good(env, 'envoy', 'edge-gateway', '1'), image: 'envoyproxy/envoy:latest', readonlyRootFilesystem: false }]),
    td('edge-gateway', 4, 'platform', [good(env, 'envoy', 'edge-gateway', '2')]),
    td('platform-proxy', 8, 'platform', [good(env, 'proxy', 'platform-proxy', '3')]),
    td('batch-report', 5, 'search', [{ ...good(env, 'report', 'batch-report', '4'), user: 'root', memory: undefined, interactive: true }], {
      networkMode: 'bridge',
      requiresCompatibilities: ['EC2'],
      taskRoleArn: undefined,
      memory: undefined,
      cpu: undefined,
    }),
  ];
}

interface Layout {
  env: Env;
  clusters: string[];
  services: ServiceState[];
  taskSets: TaskSet[];
  tasks: TaskState[];
}

const vpc = (publicIp = false) => ({
  awsvpcConfiguration: {
    subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
    securityGroups: ['sg-0123456789abcdef0'],
    assignPublicIp: publicIp ? 'ENABLED' : 'DISABLED',
  },
});

function layout(env: Env, hostile: boolean): Layout {
  const service = (
    cluster: string,
    name: string,
    td: string | undefined,
    owner: string | undefined,
    extra: Partial<ServiceState> = {},
    ownerKey = 'Owner',
  ): ServiceState => ({
    serviceArn: arn(env, `service/${cluster}/${name}`),
    serviceName: name,
    clusterArn: arn(env, `cluster/${cluster}`),
    status: 'ACTIVE',
    launchType: 'FARGATE',
    networkConfiguration: vpc(),
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    ...(td
      ? {
          taskDefinition: arn(env, `task-definition/${td}`),
          deployments: [{ status: 'PRIMARY', taskDefinition: arn(env, `task-definition/${td}`), createdAt: '2026-11-20T10:00:00Z' }],
        }
      : {}),
    tags: tags(owner, ownerKey),
    ...extra,
  });
  const task = (cluster: string, id: string, td: string, owner: string | undefined, extra: Partial<TaskState> = {}): TaskState => ({
    taskArn: arn(env, `task/${cluster}/${id}`),
    taskDefinitionArn: arn(env, `task-definition/${td}`),
    clusterArn: arn(env, `cluster/${cluster}`),
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    launchType: 'FARGATE',
    networkConfiguration: vpc(),
    group: 'family:' + td.replace(/:\d+$/, ''),
    tags: tags(owner),
    ...extra,
  });
  const key = `${env.account}/${env.region}`;
  switch (key) {
    case '111122223333/eu-west-1':
      return {
        env,
        clusters: ['core', 'batch', 'edge'],
        services: [
          service('core', 'payments-api', 'payments-api:41', 'payments'),
          service('core', 'checkout-web', 'checkout-web:17', 'payments'),
          service('batch', 'search-indexer', 'search-indexer:12', 'search', {}, 'team'),
          service('edge', 'edge-gateway', 'edge-gateway:3', 'platform', {
            networkConfiguration: vpc(true),
            enableExecuteCommand: true,
            platformVersion: '1.3.0',
            deploymentConfiguration: {},
          }),
        ],
        taskSets: [],
        tasks: [],
      };
    case '111122223333/us-east-1':
      return {
        env,
        clusters: ['core'],
        services: [
          service('core', 'payments-api', 'payments-api:41', 'payments'),
          service('core', 'checkout-web', 'checkout-web:17', 'payments', { enableExecuteCommand: true }),
        ],
        taskSets: [],
        tasks: [],
      };
    case '222233334444/eu-west-1': {
      const services = [
        service('core', 'platform-proxy', 'platform-proxy:8', 'platform'),
        service('core', 'payments-api', undefined, 'payments', { deploymentController: { type: 'EXTERNAL' }, deploymentConfiguration: {} }),
      ];
      if (hostile) services.push(service('core', HOSTILE_NAME, 'search-indexer:12', HOSTILE_OWNER));
      return {
        env,
        clusters: ['core', 'batch'],
        services,
        taskSets: [
          {
            taskSetArn: arn(env, 'task-set/core/payments-api/ecs-svc/7361840295172630458'),
            id: 'ecs-svc/7361840295172630458',
            serviceArn: arn(env, 'service/core/payments-api'),
            clusterArn: arn(env, 'cluster/core'),
            taskDefinition: arn(env, 'task-definition/payments-api:41'),
            launchType: 'FARGATE',
            networkConfiguration: vpc(),
            tags: tags('payments'),
          },
        ],
        tasks: [
          // Run by hand without --propagate-tags: nobody owns it.
          task('batch', '4f6c1e2a9b3d4e5f8a7b6c5d4e3f2a1b', 'search-indexer:12', undefined),
          task('batch', '9d8c7b6a5f4e4d3c8b2a1f0e9d8c7b6a', 'batch-report:5', 'search', { launchType: 'EC2', networkConfiguration: undefined }),
        ],
      };
    }
    default:
      return {
        env,
        clusters: ['edge'],
        services: [service('edge', 'edge-gateway', 'edge-gateway:4', 'platform', { enableExecuteCommand: true })],
        taskSets: [],
        tasks: [],
      };
  }
}

const KIND_ORDER: Record<ResourceKind, number> = { taskDefinition: 0, service: 1, taskSet: 2, task: 3, daemonTaskDefinition: 4, daemon: 5, expressService: 6 };

export function sampleReport(options: { hostile?: boolean } = {}): SweepReport {
  const parsed = parsePolicyFile(POLICIES, 'policies/production.yaml');
  if (parsed.errors.length) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const { policies, errors } = compilePolicies(parsed.policies, { builtinRules, readExtended: () => [], now: SAMPLE_NOW });
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));

  const envs: Env[] = ['111122223333', '222233334444'].flatMap((account) => ['eu-west-1', 'us-east-1'].map((region) => ({ account, region })));
  const resources: SweptResource[] = [];
  const counts: SweepCounts = { accounts: 3, regions: 2, clusters: 0, services: 0, taskSets: 0, tasks: 0, taskDefinitions: 0 };

  for (const env of envs) {
    const { clusters, services, taskSets, tasks } = layout(env, options.hostile === true);
    const info = { account: env.account, region: env.region };
    const catalog = taskDefinitions(env).map((td) => resourceFromApi('taskDefinition', td, info));
    const engine = createPolicyEngine(policies, { now: SAMPLE_NOW, resolveTaskDefinition: indexTaskDefinitions(catalog) });

    const workloads: Resource[] = [
      ...services.map((s) => resourceFromApi('service', s, info)),
      ...taskSets.map((t) => resourceFromApi('taskSet', t, info)),
      ...tasks.map((t) => resourceFromApi('task', t, info)),
    ];
    // Only the revisions in use are swept (allRevisions: false).
    const used = new Set(workloads.map((w) => w.taskDefinitionRef));
    const revisions = catalog.filter((td) => used.has(td.origin.source));
    counts.clusters += clusters.length;
    counts.services += services.length;
    counts.taskSets += taskSets.length;
    counts.tasks += tasks.length;
    counts.taskDefinitions += revisions.length;

    for (const resource of [...revisions, ...workloads]) {
      const result = engine.evaluate(resource);
      const swept: SweptResource = { account: env.account, region: env.region, result };
      if (result.findings.some((f) => !f.exception)) {
        const ctx: PlanContext = { eventId: EVENT_ID, ownerTags: OWNER_TAGS };
        if (resource.kind === 'service' && result.findings.some((f) => !f.exception && f.action === 'deny' && f.path === 'taskDefinition')) {
          ctx.rollback = rollbackTo(resource, catalog, engine.evaluate);
        }
        const planned = plan(result, ctx);
        for (const outcome of planned.outcomes) outcome.status = 'would';
        swept.plan = planned;
      }
      resources.push(swept);
    }
  }

  resources.sort(
    (a, b) =>
      a.account.localeCompare(b.account) ||
      a.region.localeCompare(b.region) ||
      KIND_ORDER[a.result.resource.kind] - KIND_ORDER[b.result.resource.kind] ||
      a.result.resource.name.localeCompare(b.result.resource.name),
  );
  return {
    startedAt: SAMPLE_NOW.toISOString(),
    finishedAt: '2026-11-23T06:03:51.904Z',
    policies: policies.map((p) => p.name),
    allRevisions: false,
    resources,
    failures: [
      {
        account: '444455556666',
        region: 'eu-west-1',
        operation: 'ListClusters',
        code: 'AccessDeniedException',
        message:
          'User: arn:aws:sts::444455556666:assumed-role/ecs-admission-sweep/scan is not authorized to perform: ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action',
      },
    ],
    counts,
    summary: summarize(resources.map((r) => r.result)),
  };
}

/** Like src/admission/rollback.ts, synchronously: the newest other ACTIVE revision that no deny rule fails. */
function rollbackTo(
  service: Resource,
  catalog: Resource<'taskDefinition'>[],
  evaluate: (r: Resource) => { findings: { action: string; exception?: unknown }[] },
): PlanContext['rollback'] {
  const current = service.taskDefinitionRef ?? '';
  const family = current.slice(current.lastIndexOf('/') + 1).replace(/:\d+$/, '');
  const others = catalog
    .filter((td) => td.object.family === family && td.origin.source !== current)
    .sort((a, b) => (b.object.revision ?? 0) - (a.object.revision ?? 0));
  const compliant = others.find((td) => !evaluate(td).findings.some((f) => !f.exception && f.action === 'deny'));
  if (compliant) return { to: compliant.origin.source };
  return {
    none:
      others.length === 0 ? `${family} has no other ACTIVE revision` : `none of the ${others.length} other ACTIVE revisions of ${family} passes the deny rules`,
  };
}
