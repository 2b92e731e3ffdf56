/** The sweep with an in-memory inventory: batching, reading each revision once, bounded concurrency, faults. */
import { describe, expect, it } from 'vitest';
import type { ServiceState, TaskDefinitionState, TaskState } from '../../src/admission/ports.js';
import { compilePolicies, createPolicyEngine } from '../../src/policy/engine.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import { sweep, type SweepOptions } from '../../src/use-cases/sweep.js';
import type { EcsInventory, SweepTarget } from '../../src/sweep/types.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const { policies } = compilePolicies(
  parsePolicyFile('apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec: { extends: [recommended] }\n', 'p.yaml').policies,
  { builtinRules, readExtended: () => [], now: NOW },
);
const options = (extra: Partial<SweepOptions> = {}): SweepOptions => ({
  allRevisions: false,
  concurrency: 4,
  parallelTargets: 2,
  ownerTags: ['Owner'],
  makeEvaluate: (resolveTaskDefinition) => createPolicyEngine(policies, { now: NOW, resolveTaskDefinition }).evaluate,
  policies: ['p'],
  now: () => NOW,
  ...extra,
});
const arn = (path: string) => `arn:aws:ecs:eu-west-1:111122223333:${path}`;

/** A cluster with `services` services on 2 revisions and `tasks` standalone tasks; every call recorded. */
function inventory(services: number, tasks: number) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const record = async <T>(name: string, value: T): Promise<T> => {
    calls.push(name);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return value;
  };
  const td = (rev: number): TaskDefinitionState => ({
    taskDefinitionArn: arn(`task-definition/web:${rev}`),
    family: 'web',
    revision: rev,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [
      {
        name: 'app',
        image: 'nginx@sha256:' + 'a'.repeat(64),
        user: '1',
        readonlyRootFilesystem: true,
        logConfiguration: { logDriver: 'awslogs' },
        privileged: rev === 2,
      },
    ],
    tags: [{ key: 'Owner', value: 'web-team' }],
  });
  const serviceArns = Array.from({ length: services }, (_, i) => arn(`service/c1/s${i}`));
  const taskArns = Array.from({ length: tasks }, (_, i) => arn(`task/c1/t${i}`));
  const inv: EcsInventory = {
    listClusters: () => record('ListClusters', [arn('cluster/c1')]),
    listServices: () => record('ListServices', serviceArns),
    describeServices: (_c, names) => {
      expect(names.length).toBeLessThanOrEqual(10);
      return record(
        'DescribeServices',
        names.map(
          (n, i): ServiceState => ({
            serviceArn: n,
            serviceName: n.split('/').pop(),
            clusterArn: arn('cluster/c1'),
            taskDefinition: arn(`task-definition/web:${(i % 2) + 1}`),
            status: 'ACTIVE',
          }),
        ),
      );
    },
    listTasks: () => record('ListTasks', taskArns),
    describeTasks: (_c, list) => {
      expect(list.length).toBeLessThanOrEqual(100);
      return record(
        'DescribeTasks',
        list.map(
          (t): TaskState => ({
            taskArn: t,
            taskDefinitionArn: arn('task-definition/web:1'),
            lastStatus: 'RUNNING',
            group: t.endsWith('0') ? 'service:s0' : 'family:web',
          }),
        ),
      );
    },
    describeTaskDefinition: (ref) => record(`DescribeTaskDefinition ${ref.split('/').pop()}`, td(Number(ref.split(':').pop()))),
    listActiveTaskDefinitions: () => record('ListTaskDefinitions', [arn('task-definition/web:1'), arn('task-definition/web:2'), arn('task-definition/web:3')]),
    listActiveRevisions: () => record('ListTaskDefinitions family', [arn('task-definition/web:2'), arn('task-definition/web:1')]),
    describeService: () => Promise.resolve(undefined),
    describeTaskSet: () => Promise.resolve(undefined),
  };
  return { inv, calls, maxInFlight: () => maxInFlight };
}

const target = (inv: EcsInventory, region = 'eu-west-1'): SweepTarget => ({ account: '111122223333', region, open: () => Promise.resolve(inv) });

describe('sweep', () => {
  it('batches describes (10 services, 100 tasks), reads each revision once, and keeps to the concurrency limit', async () => {
    const { inv, calls, maxInFlight } = inventory(25, 150);
    const report = await sweep([target(inv)], options({ concurrency: 3 }));
    const count = (name: string) => calls.filter((c) => c === name).length;
    expect(count('DescribeServices')).toBe(3);
    expect(count('DescribeTasks')).toBe(2);
    expect(calls.filter((c) => c.startsWith('DescribeTaskDefinition')).sort()).toEqual(['DescribeTaskDefinition web:1', 'DescribeTaskDefinition web:2']);
    expect(maxInFlight()).toBeLessThanOrEqual(3);
    // Tasks a service started are judged through the service.
    expect(report.counts).toEqual({ accounts: 1, regions: 1, clusters: 1, services: 25, taskSets: 0, tasks: 135, taskDefinitions: 2 });
    const web = report.resources.find((r) => r.result.resource.name === 's1')!;
    expect(web.plan).toMatchObject({
      verdict: 'deny',
      resource: { owner: 'web-team' },
      outcomes: [
        { action: { type: 'updateService', changes: { taskDefinition: arn('task-definition/web:1') } }, status: 'would' },
        { action: { type: 'tagResource' }, status: 'would' },
      ],
    });
  });

  it('reads every ACTIVE revision with allRevisions', async () => {
    const { inv } = inventory(1, 0);
    const report = await sweep([target(inv)], options({ allRevisions: true }));
    expect(report.resources.filter((r) => r.result.resource.kind === 'taskDefinition').map((r) => r.result.resource.name)).toEqual(['web:1', 'web:2', 'web:3']);
  });

  it('reports an account whose calls are denied or throttled beyond retries, and sweeps the others', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: ecs:ListClusters'), { name: 'AccessDeniedException' });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const good = inventory(2, 0).inv;
    const report = await sweep(
      [
        { account: '111122223333', region: 'eu-west-1', open: () => Promise.resolve(good) },
        { account: '444455556666', region: 'eu-west-1', open: () => Promise.resolve({ ...good, listClusters: () => Promise.reject(denied) }) },
        { account: '777788889999', region: 'eu-west-1', open: () => Promise.resolve({ ...good, listServices: () => Promise.reject(throttled) }) },
        {
          account: '000011112222',
          region: 'eu-west-1',
          open: () => Promise.reject(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' })),
        },
      ],
      options(),
    );
    expect(report.failures).toEqual([
      { account: '000011112222', region: 'eu-west-1', operation: 'connect', code: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole' },
      {
        account: '444455556666',
        region: 'eu-west-1',
        operation: 'ListClusters',
        code: 'AccessDeniedException',
        message: 'User is not authorized to perform: ecs:ListClusters',
      },
      { account: '777788889999', region: 'eu-west-1', operation: 'ListServices', code: 'ThrottlingException', message: 'cluster c1: Rate exceeded' },
    ]);
    expect(new Set(report.resources.map((r) => r.account))).toEqual(new Set(['111122223333']));
    expect(report.counts.clusters).toBe(2);
  });

  it('reports progress as it goes', async () => {
    const seen: string[] = [];
    await sweep(
      [target(inventory(1, 0).inv, 'eu-west-1'), target(inventory(1, 0).inv, 'eu-west-2')],
      options({ onProgress: (p) => p.finished && seen.push(`${p.targetsDone}/${p.targets}`) }),
    );
    expect(seen).toEqual(['1/2', '2/2']);
  });
});
