import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { root, runCli, scratch } from '../helpers/cli.js';

const examples = join(root, 'docs/examples');

const run = runCli;
const tmp = scratch;

const privileged = JSON.stringify({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'public.ecr.aws/x/agent:1.0', privileged: true }] });
const publicService = JSON.stringify({
  serviceName: 'web',
  taskDefinition: 'agent',
  networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } },
});

interface JsonReport {
  results: {
    source: { file: string; name: string; logicalId?: string };
    kind: string;
    status: string;
    findings: { ruleId: string; severity: string; action: string; message: string; path: string; line?: number }[];
    rules: { ruleId: string; status: string; reason?: string }[];
  }[];
  errors: { source: string; line?: number; message: string }[];
  summary: Record<string, unknown>;
}

describe('ecs-admission check', () => {
  it('exits 1 and reports denied findings of the shipped examples', async () => {
    const { status, stdout } = await run(['check', examples, '--format', 'json']);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    const agent = report.results.find((r) => r.source.name === 'metrics-agent:14')!;
    expect(agent).toMatchObject({ kind: 'taskDefinition', status: 'fail', source: { file: join(examples, 'metrics-agent-task-definition.json') } });
    expect(agent.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'no-privileged-containers',
        severity: 'critical',
        action: 'deny',
        path: 'containerDefinitions[1].privileged',
        line: 26,
      }),
    );
    const service = report.results.find((r) => r.source.logicalId === 'WebService')!;
    expect(service.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'no-public-ip', path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp', line: 33 }),
    );
    expect(report.summary).toMatchObject({ resources: 4, inputErrors: 0 });
  });

  it('exits 0 when nothing reaches --fail-on, and 1 when a severity threshold is reached', async () => {
    const dir = tmp({ 'svc.json': JSON.stringify({ serviceName: 'web', enableExecuteCommand: true }) });
    expect((await run(['check', dir, '--fail-on', 'deny'])).status).toBe(0);
    expect((await run(['check', dir, '--fail-on', 'none'])).status).toBe(0);
    expect((await run(['check', join(dir, 'svc.json'), '--fail-on', 'high'])).status).toBe(0);
    expect((await run(['check', dir, '--fail-on', 'low'])).status).toBe(1);
  });

  it('judges a service with its task definition when both files are given', async () => {
    const dir = tmp({ 'td.json': privileged, 'svc.json': publicService });
    const report = JSON.parse((await run(['check', dir, '--format', 'json'])).stdout) as JsonReport;
    const service = report.results.find((r) => r.kind === 'service')!;
    expect(service.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ['no-public-ip', 'high', 'Service assigns public IP addresses to its tasks.'],
      ['require-compliant-task-definition', 'critical', 'Service runs task definition agent, which breaks no-privileged-containers.'],
    ]);
  });

  it('says which rules could not decide and why, without --verbose', async () => {
    const dir = tmp({ 'svc.json': publicService });
    const report = JSON.parse((await run(['check', dir, '--format', 'json'])).stdout) as JsonReport;
    expect(report.results[0]!.rules).toContainEqual({
      ruleId: 'require-compliant-task-definition',
      status: 'unknown',
      action: 'deny',
      reason: 'task definition agent is not among the inputs: pass its file too to check it',
    });
    const text = (await run(['check', dir])).stdout;
    expect(text).toContain('unknown  require-compliant-task-definition (deny): task definition agent is not among the inputs');
  });

  it('exits 2 for unreadable input, names the file and line, and still reports the rest', async () => {
    const dir = tmp({ 'a-notes.yaml': 'title: release notes\nitems: []\n', 'b-td.json': privileged, 'c-broken.json': '{"family": ' });
    const { status, stdout, stderr } = await run(['check', dir, join(dir, 'missing.json'), '--format', 'json']);
    expect(status).toBe(2);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.errors.map((e) => [e.source.replace(dir, ''), e.line, e.message.split(';')[0]])).toEqual([
      ['/missing.json', undefined, 'no such file or directory'],
      ['/a-notes.yaml', 1, 'not an ECS document (found keys: title, items)'],
      ['/c-broken.json', 1, expect.stringMatching(/^not valid JSON: /)],
    ]);
    expect(report.results.map((r) => r.source.name)).toEqual(['agent']);
    // The errors are in the report; stderr says how many, once.
    expect(stderr).toBe('ecs-admission check: 3 inputs could not be read or parsed: see "errors" in the report\n');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 for bad usage, with the usage text', async () => {
    for (const args of [
      ['check'],
      ['check', examples, '--format', 'xml'],
      ['check', examples, '--fail-on', 'severe'],
      ['check', examples, '--bogus'],
      ['frobnicate'],
    ]) {
      const { status, stderr } = await run(args);
      expect(status, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/Usage: ecs-admission/);
    }
    expect((await run(['check', examples, '--format', 'xml'])).stderr).toContain('--format must be one of text, json, sarif, junit, markdown (got xml)');
  });

  it('prints text grouped by severity, with colour only on a terminal', async () => {
    const dir = tmp({ 'td.json': privileged });
    const plain = (await run(['check', dir])).stdout;
    expect(plain).toContain(
      'td.json › agent (task definition)  FAIL\n  critical\n    deny  Container "agent" runs privileged.\n          no-privileged-containers  containerDefinitions[0].privileged (line 1)',
    );
    expect(plain).toMatch(/1 resource checked \(recommended\) · 1 failed · 0 passed · .*1 critical.* · 1 deny\n$/);
    expect(plain).not.toContain('\u001b[');
    expect((await run(['check', dir], { isTTY: true })).stdout).toContain('\u001b[');
    expect((await run(['check', dir], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });

  it('uses the strict preset when asked', async () => {
    const dir = tmp({ 'td.json': privileged });
    const recommended = JSON.parse((await run(['check', dir, '--format', 'json'])).stdout) as JsonReport;
    const strict = JSON.parse((await run(['check', dir, '--format', 'json', '--preset', 'strict'])).stdout) as JsonReport;
    expect(strict.results[0]!.rules.length).toBeGreaterThan(recommended.results[0]!.rules.length);
  });
});

describe('ecs-admission check --format sarif', () => {
  it('gives SARIF 2.1.0 with rule metadata, file, line and a fingerprint', async () => {
    const dir = tmp({
      'td.json':
        '{\n  "family": "agent",\n  "containerDefinitions": [\n    { "name": "agent", "image": "public.ecr.aws/x/agent:1.0", "privileged": true }\n  ]\n}\n',
    });
    const { stdout } = await run(['check', dir, '--format', 'sarif']);
    const sarif = JSON.parse(stdout) as Log;
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.name).toBe('ecs-admission');
    const rule = run0.tool.driver.rules!.find((r) => r.id === 'no-privileged-containers')!;
    expect(rule.properties!['security-severity']).toBe('9.5');
    expect(rule.help!.text).toContain('Remediation:');
    const result = run0.results!.find((r) => r.ruleId === 'no-privileged-containers')!;
    expect(result.level).toBe('error');
    expect(run0.tool.driver.rules![result.ruleIndex!]!.id).toBe('no-privileged-containers');
    const { artifactLocation, region } = result.locations![0]!.physicalLocation!;
    expect(artifactLocation!.uri).toMatch(/td\.json$/);
    expect(artifactLocation!.uriBaseId).toBe('%SRCROOT%');
    expect(region).toEqual({ startLine: 4, startColumn: 77 });
    expect(result.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe('agent.containerDefinitions[0].privileged');
    expect(result.partialFingerprints!['ecsAdmissionFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ecs-admission rules', () => {
  it('lists every rule, and explains one', async () => {
    const list = await run(['rules']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^no-privileged-containers +critical +deny +Disallow privileged containers$/m);
    const one = await run(['rules', 'no-privileged-containers']);
    expect(one.stdout).toContain('Why: A privileged container gets every Linux capability');
    expect(one.stdout).toContain('Fix: Remove `privileged`');
    expect(one.stdout).toContain('AWS Security Hub ECS.4');
  });

  it('gives JSON with the stable fields', async () => {
    const rules = JSON.parse((await run(['rules', '--format', 'json'])).stdout) as Record<string, unknown>[];
    expect(rules.find((r) => r.id === 'no-public-ip')).toMatchObject({
      id: 'no-public-ip',
      title: 'Disallow public IP addresses on tasks',
      severity: 'high',
      defaultAction: 'deny',
      appliesTo: ['service', 'taskSet', 'task', 'daemon', 'expressService'],
      options: { type: 'object' },
    });
  });

  it('exits 2 for an unknown rule', async () => {
    const { status, stderr } = await run(['rules', 'no-such-rule']);
    expect(status).toBe(2);
    expect(stderr).toContain('no rule named no-such-rule');
  });
});

describe('the installed command', () => {
  const bin = join(root, 'bin/ecs-admission.js');

  it('runs as a process, reads standard input, and exits with the status of the check', () => {
    const result = spawnSync(process.execPath, [bin, 'check', '-', '--format', 'json'], { input: privileged, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect((JSON.parse(result.stdout) as JsonReport).results[0]!.source).toEqual({ file: '-', name: 'agent' });
  });

  it('prints its version', () => {
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
