/**
 * `ecs-admission scan` against moto server: seeded clusters, services, task sets, tasks and
 * revisions (compliant, violating, excepted, shared) in two regions and two accounts. Every
 * expected finding is asserted, and nothing else; moto's state is the same afterwards.
 * Regions of their own (ap-northeast-3, ca-central-1) keep other test files' resources out.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import { CreateAccountCommand, CreateOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { awsClientConfig, defaultNetwork, describeWithMoto, freezeTaskStates, motoEndpoint } from '../helpers/moto.js';
import { recordingProxy } from '../helpers/recording-proxy.js';

const R1 = 'ap-northeast-3';
const R2 = 'ca-central-1';
const OTHER = '222233334444';
const GOOD: ContainerDefinition = {
  name: 'app',
  image: '123456789012.dkr.ecr.ap-northeast-3.amazonaws.com/app@sha256:' + 'c'.repeat(64),
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs' },
  memory: 256,
};

interface JsonResult {
  kind: string;
  name: string;
  account: string;
  region: string;
  status: string;
  findings: { ruleId: string; exception?: unknown }[];
  owner?: string;
  verdict?: string;
  enforcement?: { type: string; summary: string }[];
  notes?: string[];
}

describeWithMoto('ecs-admission scan against moto server', () => {
  let dir: string;
  let policy: string;
  const state = async (): Promise<string> => {
    // What the sweep must not change: revisions' status and tags, services' task definitions and network.
    const out: unknown[] = [];
    for (const region of [R1, R2]) {
      const ecs = new ECSClient({ ...awsClientConfig(), region });
      const arns = [
        ...((await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }))).taskDefinitionArns ?? []),
        ...((await ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }))).taskDefinitionArns ?? []),
      ];
      for (const arn of arns.sort()) {
        const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
        out.push([arn, td.taskDefinition!.status, td.tags]);
      }
      const services = await ecs.send(
        new DescribeServicesCommand({ cluster: 'apps', services: ['web', 'web-canary', 'api', 'legacy', 'blue-green'], include: ['TAGS'] }),
      );
      out.push(services.services?.map((s) => [s.serviceName, s.taskDefinition, s.networkConfiguration, s.tags, s.taskSets?.length]));
    }
    return JSON.stringify(out);
  };
  let before: string;

  beforeAll(async () => {
    await freezeTaskStates();
    const network = await defaultNetwork(R1);
    const awsvpc = (assignPublicIp: 'ENABLED' | 'DISABLED' = 'DISABLED') => ({
      awsvpcConfiguration: { subnets: network.subnets.slice(0, 1), securityGroups: network.securityGroups, assignPublicIp },
    });
    const ecs = new ECSClient({ ...awsClientConfig(), region: R1 });
    const register = async (family: string, containers: ContainerDefinition[], owner = 'payments') =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family,
            containerDefinitions: containers,
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            tags: [{ key: 'Owner', value: owner }],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    await ecs.send(new CreateClusterCommand({ clusterName: 'apps' }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'batch' }));
    const web1 = await register('web', [GOOD]);
    const web2 = await register('web', [{ ...GOOD, privileged: true }]);
    await register('web', [{ ...GOOD, name: 'unused', privileged: true }]); // web:3, ACTIVE, used by nothing
    const legacy = await register('legacy', [{ ...GOOD, privileged: true }], 'billing');
    const job = await register('job', [{ ...GOOD, environment: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' }] }], 'data');
    const service = (serviceName: string, taskDefinition: string, extra: object = {}) =>
      ecs.send(
        new CreateServiceCommand({
          cluster: 'apps',
          serviceName,
          taskDefinition,
          desiredCount: 1,
          launchType: 'FARGATE',
          networkConfiguration: awsvpc(),
          ...extra,
        }),
      );
    await service('web', web2); // denied revision, shared with web-canary
    await service('web-canary', web2);
    await service('api', web1, { networkConfiguration: awsvpc('ENABLED') });
    await service('legacy', legacy); // excepted by the policy
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'apps',
        serviceName: 'blue-green',
        taskDefinition: web1,
        desiredCount: 1,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    await ecs.send(
      new CreateTaskSetCommand({ cluster: 'apps', service: 'blue-green', taskDefinition: web2, launchType: 'FARGATE', networkConfiguration: awsvpc() }),
    );
    await ecs.send(new RunTaskCommand({ cluster: 'batch', taskDefinition: job, launchType: 'FARGATE', networkConfiguration: awsvpc() }));

    // A second region of the same account: compliant only.
    const ecs2 = new ECSClient({ ...awsClientConfig(), region: R2 });
    await ecs2.send(new CreateClusterCommand({ clusterName: 'apps' }));
    const td2 = (
      await ecs2.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [GOOD],
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    await ecs2.send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'web', taskDefinition: td2, desiredCount: 1 }));

    // A second account, reached by assuming a role (moto keeps each account's resources apart).
    const assumed = (
      await new STSClient({ ...awsClientConfig(), region: R1 }).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OTHER}:role/Audit`, RoleSessionName: 'seed' }),
      )
    ).Credentials!;
    const other = new ECSClient({
      endpoint: motoEndpoint()!,
      region: R1,
      credentials: { accessKeyId: assumed.AccessKeyId!, secretAccessKey: assumed.SecretAccessKey!, sessionToken: assumed.SessionToken! },
    });
    await other.send(new CreateClusterCommand({ clusterName: 'apps' }));
    const host = (
      await other.send(
        new RegisterTaskDefinitionCommand({
          family: 'agent',
          containerDefinitions: [GOOD],
          networkMode: 'host',
          requiresCompatibilities: ['EC2'],
          memory: '512',
          taskRoleArn: `arn:aws:iam::${OTHER}:role/agent`,
          tags: [{ key: 'team', value: 'platform' }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    await other.send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'agent', taskDefinition: host, desiredCount: 1 }));

    dir = mkdtempSync(join(tmpdir(), 'ecs-admission-scan-'));
    policy = join(dir, 'policy.yaml');
    writeFileSync(
      policy,
      `apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: fleet }
spec:
  mode: enforce
  extends: [recommended]
  rules:
    require-awsvpc-network-mode: off
  exceptions:
    - rules: [no-privileged-containers]
      match: { families: [legacy] }
      reason: billing batch needs privileged until its migration
      owner: billing
      expires: 2099-01-01
`,
    );
    vi.stubEnv('AWS_ENDPOINT_URL', motoEndpoint()!);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    before = await state();
  });
  afterAll(() => vi.unstubAllEnvs());

  const scan = (...args: string[]) => runCli(['scan', '--policy', policy, ...args], { env: { AWS_REGION: R1, AWS_MAX_ATTEMPTS: '2' } });

  it('finds every violation that runs, says what enforcement would do, and changes nothing', async () => {
    const { status, stdout, stderr } = await scan(
      '--regions',
      `${R1},${R2}`,
      '--accounts',
      `123456789012,${OTHER}`,
      '--role-name',
      'Audit',
      '--format',
      'json',
      '--html',
      join(dir, 'report.html'),
    );
    expect(stderr).toContain('report written to');
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as { results: JsonResult[]; failures: unknown[]; counts: Record<string, number> };
    expect(report.failures).toEqual([]);
    expect(report.counts).toEqual({ accounts: 2, regions: 2, clusters: 4, services: 7, taskSets: 1, tasks: 1, taskDefinitions: 6 });

    const failing = report.results
      .filter((r) => r.findings.some((f) => !f.exception))
      .map(
        (r) => `${r.account}/${r.region} ${r.kind} ${r.name}: ${[...new Set(r.findings.filter((f) => !f.exception).map((f) => f.ruleId))].sort().join(',')}`,
      );
    expect(failing.sort()).toEqual(
      [
        `${OTHER}/${R1} taskDefinition agent:1: no-host-network-mode`,
        `${OTHER}/${R1} service agent: require-compliant-task-definition`,
        `123456789012/${R1} taskDefinition web:2: no-privileged-containers`,
        `123456789012/${R1} taskDefinition job:1: no-aws-credentials-in-environment`,
        `123456789012/${R1} service web: require-compliant-task-definition`,
        `123456789012/${R1} service web-canary: require-compliant-task-definition`,
        `123456789012/${R1} service api: no-public-ip`,
        `123456789012/${R1} taskSet ${report.results.find((r) => r.kind === 'taskSet')!.name}: require-compliant-task-definition`,
        `123456789012/${R1} task ${report.results.find((r) => r.kind === 'task')!.name}: require-compliant-task-definition`,
      ].sort(),
    );
    // Unused revisions are not read without --all-revisions; the excepted one is reported as excepted.
    expect(report.results.some((r) => r.name === 'web:3')).toBe(false);
    const legacy = report.results.find((r) => r.name === 'legacy:1')!;
    expect(legacy.findings.map((f) => f.ruleId)).toEqual(['no-privileged-containers']);
    expect(legacy.findings[0]!.exception).toMatchObject({ reason: 'billing batch needs privileged until its migration' });

    const would = Object.fromEntries(
      report.results.filter((r) => r.enforcement).map((r) => [r.name, r.enforcement!.filter((e) => e.type !== 'tagResource').map((e) => e.summary)]),
    );
    expect(would['web:2']).toEqual(['Would deregister web:2']);
    expect(would.web).toEqual(['Would roll service web back to web:1']);
    expect(would.api).toEqual([expect.stringMatching(/^Would update service api/)]);
    expect(report.results.find((r) => r.name === 'agent' && r.kind === 'service')!.notes).toEqual([
      expect.stringContaining('cannot roll agent back: agent has no other ACTIVE revision'),
    ]);
    expect(report.results.find((r) => r.name === 'job:1')).toMatchObject({ owner: 'data', verdict: 'deny' });

    expect(await state()).toBe(before);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('web-canary');
  });

  it('with --all-revisions, judges ACTIVE revisions nothing uses', async () => {
    const { stdout } = await scan('--all-revisions', '--format', 'json');
    const report = JSON.parse(stdout) as { results: JsonResult[] };
    expect(report.results.find((r) => r.name === 'web:3')).toMatchObject({
      status: 'fail',
      enforcement: [{ summary: 'Would deregister web:3' }, { type: 'tagResource' }],
    });
  });

  it('reports a region it cannot read and goes on with the others', async () => {
    const { status, stdout, stderr } = await scan('--regions', `nowhere-1,${R2}`, '--format', 'json');
    expect(status).toBe(2);
    const report = JSON.parse(stdout) as { results: JsonResult[]; failures: { account: string; region: string; operation: string }[] };
    expect(report.failures).toEqual([expect.objectContaining({ account: '123456789012', region: 'nowhere-1', operation: 'ListClusters' })]);
    expect(
      report.results
        .filter((r) => r.region === R2)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['web', 'web:1']);
    expect(stderr).toContain('ecs-admission scan: 123456789012/nowhere-1: ListClusters:');
  });

  it('prints a readable text summary with what enforcement would do', async () => {
    const { stdout } = await scan('--regions', R1);
    expect(stdout).toContain('What enforcement would do:');
    expect(stdout).toContain(`123456789012/${R1} web (service, owner payments): Would roll service web back to web:1`);
    expect(stdout).toMatch(/Swept 1 account\(s\), 1 region\(s\): 2 clusters, 5 services, 1 task sets, 1 standalone tasks, 4 task definition revisions/);
  });

  it('gives SARIF located by each resource ARN', async () => {
    const { stdout } = await scan('--regions', R1, '--format', 'sarif');
    const sarif = JSON.parse(stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
    };
    const web2 = sarif.runs[0]!.results.find(
      (r) => r.ruleId === 'no-privileged-containers' && r.locations[0]!.physicalLocation.artifactLocation.uri.endsWith(':task-definition/web:2'),
    )!;
    expect(web2.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: `arn:aws:ecs:${R1}:123456789012:task-definition/web:2` });
  });

  it('draws a progress bar on a terminal', async () => {
    const { stderr } = await runCli(['scan', '--policy', policy, '--regions', R2], { isTTY: true, env: { AWS_REGION: R2, NO_COLOR: '1' } });
    expect(stderr).toContain('sweeping');
    expect(stderr).toMatch(/1\/1 account-regions · \d+ API calls · 2 resources/);
  });

  it('assumes the member role by default, and reports an account it cannot enter as a failure naming it, never with other data', async () => {
    const proxy = await recordingProxy(motoEndpoint()!);
    vi.stubEnv('AWS_ENDPOINT_URL', proxy.endpoint);
    try {
      const reachable = '555566667777';
      const refused = '999988887777';
      proxy.inject({ action: 'AssumeRole', contains: refused, refuse: 'AccessDenied', times: 10 });
      const { status, stdout, stderr } = await scan('--regions', R2, '--accounts', `123456789012,${reachable},${refused}`, '--format', 'json');
      expect(proxy.calls('AssumeRole', `${reachable}%3Arole%2Fecs-admission-member`)).toHaveLength(1);
      expect(status).toBe(2);
      expect(stderr).toMatch(
        new RegExp(`${refused}/${R2}: .*cannot assume arn:aws:iam::${refused}:role/ecs-admission-member .*deploy the member stack in ${refused}`),
      );
      const report = JSON.parse(stdout) as { failures: { account: string }[]; results: JsonResult[] };
      expect(report.failures.map((f) => f.account)).toEqual([refused]);
      expect(report.results.filter((r) => r.account === refused)).toEqual([]);
      expect(report.results.filter((r) => r.account === '123456789012').length).toBeGreaterThan(0);
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL', motoEndpoint()!);
      await proxy.close();
    }
  });

  it('sweeps every ACTIVE account of the organization through the named role', async () => {
    const organizations = new OrganizationsClient({ ...awsClientConfig(), region: 'us-east-1' });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' })).catch((e: Error) => {
      if (e.name !== 'AlreadyInOrganizationException') throw e;
    });
    await organizations.send(new CreateAccountCommand({ AccountName: 'workloads', Email: 'workloads@example.com' }));
    const ids = ((await organizations.send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => a.Id!).sort();
    const { stdout } = await scan('--organization', '--role-name', 'Audit', '--regions', R2, '--format', 'json');
    const report = JSON.parse(stdout) as { failures: unknown[]; counts: { accounts: number }; results: JsonResult[] };
    expect(report.failures).toEqual([]);
    expect(report.counts.accounts).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(2);
  });
});
