import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../src/core/types.js';
import { UnknownValueError } from '../../src/core/unknown.js';
import { loadResources } from '../../src/input/load.js';

const dir = join(import.meta.dirname, '../fixtures/daemon-express');
const load = (file: string): Resource[] => loadResources(readFileSync(join(dir, file), 'utf8'), file);
const lineOf = (r: Resource, path: string): number | undefined => r.origin.locate?.(path)?.line;
const textLine = (file: string, line: number): string => readFileSync(join(dir, file), 'utf8').split('\n')[line - 1] ?? '';

describe('daemons and Express services: API shapes', () => {
  it.each([
    ['register-daemon-task-definition.request.json', 'daemonTaskDefinition', 'node-agent'],
    ['describe-daemon-task-definition.response.json', 'daemonTaskDefinition', 'log-shipper:3'],
    ['create-daemon.request.json', 'daemon', 'node-agent'],
    ['update-daemon.request.json', 'daemon', 'node-agent'],
    ['describe-daemon.response.json', 'daemon', 'node-agent'],
    ['describe-daemon-revisions.response.json', 'daemon', 'node-agent'],
    ['create-express-gateway-service.request.json', 'expressService', 'storefront'],
    ['update-express-gateway-service.request.json', 'expressService', 'storefront'],
    ['describe-express-gateway-service.response.json', 'expressService', 'storefront'],
  ])('%s is one %s named %s, with no type problem', (file, kind, name) => {
    const resources = load(file);
    expect(resources.map((r) => [r.kind, r.name])).toEqual([[kind, name]]);
    expect(resources[0]!.problems).toBeUndefined();
  });

  it('a daemon names its daemon task definition as the task definition it runs', () => {
    expect(load('create-daemon.request.json')[0]!.taskDefinitionRef).toBe('arn:aws:ecs:eu-west-1:111122223333:daemon-task-definition/log-shipper:3');
  });

  it('fields an UpdateDaemon request or a DescribeDaemon output does not carry are unknown, not defaults', () => {
    for (const file of ['update-daemon.request.json', 'describe-daemon.response.json']) {
      const daemon = load(file)[0]!.object as { enableExecuteCommand?: boolean };
      expect(() => daemon.enableExecuteCommand).toThrow(UnknownValueError);
    }
    const update = load('update-express-gateway-service.request.json')[0]!.object as { taskRoleArn?: string; primaryContainer?: { image?: string } };
    expect(update.primaryContainer?.image).toBe('111122223333.dkr.ecr.eu-west-1.amazonaws.com/storefront:2.3.0');
    expect(() => update.taskRoleArn).toThrow(UnknownValueError);
  });

  it("a described Express service is read from its configuration, and its fields' lines are found there", () => {
    const file = 'describe-express-gateway-service.response.json';
    const [service] = load(file);
    expect(service!.object).toMatchObject({
      serviceName: 'storefront',
      taskRoleArn: 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
      primaryContainer: { image: 'nginx:latest' },
    });
    expect(textLine(file, lineOf(service!, 'primaryContainer.image')!)).toContain('"image": "nginx:latest"');
    expect(textLine(file, lineOf(service!, 'serviceName')!)).toContain('"serviceName"');
  });

  it('one resource per active configuration while a deployment runs', () => {
    type Configuration = { serviceRevisionArn: string; primaryContainer?: unknown };
    const described = JSON.parse(readFileSync(join(dir, 'describe-express-gateway-service.response.json'), 'utf8')) as {
      service: { activeConfigurations: Configuration[] };
    };
    const first = described.service.activeConfigurations[0]!;
    described.service.activeConfigurations.push({
      ...first,
      serviceRevisionArn: `${first.serviceRevisionArn.slice(0, -1)}8`,
      primaryContainer: { image: 'nginx:1.27' },
    });
    const resources = loadResources(JSON.stringify(described), 'two.json');
    expect(resources.map((r) => (r.object as { primaryContainer: { image: string } }).primaryContainer.image)).toEqual(['nginx:latest', 'nginx:1.27']);
    expect(resources[1]!.name).toMatch(/^storefront \(arn:.*\/8\)$/);
  });

  it('does not take over the documents it shares fields with', () => {
    // A RegisterTaskDefinition request (RegisterDaemonTaskDefinition takes the same fields) and services stay what they were.
    expect(loadResources(JSON.stringify({ family: 'web', pidMode: 'task', containerDefinitions: [{ name: 'a', image: 'x' }] }), 'a.json')[0]!.kind).toBe(
      'taskDefinition',
    );
    expect(loadResources(JSON.stringify({ serviceArn: 'arn:aws:ecs:eu-west-1:1:service/c/s', taskDefinition: 'web:1' }), 'b.json')[0]!.kind).toBe('service');
    expect(loadResources(JSON.stringify({ service: { serviceName: 's', taskDefinition: 'web:1' } }), 'c.json')[0]!.kind).toBe('service');
  });
});

describe('daemons and Express services: CloudTrail records', () => {
  it.each([
    ['register-daemon-task-definition.json', 'RegisterDaemonTaskDefinition', 'daemonTaskDefinition', 'node-agent'],
    ['create-daemon.json', 'CreateDaemon', 'daemon', 'node-agent'],
    ['update-daemon.json', 'UpdateDaemon', 'daemon', 'node-agent'],
    ['create-express-gateway-service.json', 'CreateExpressGatewayService', 'expressService', 'storefront'],
    ['update-express-gateway-service.json', 'UpdateExpressGatewayService', 'expressService', 'storefront'],
  ])('%s: a %s record is one %s, with who made the call', (file, eventName, kind, name) => {
    const [resource, ...rest] = load(`cloudtrail/${file}`);
    expect(rest).toEqual([]);
    expect(resource).toMatchObject({
      kind,
      name,
      request: { eventName, principalArn: 'arn:aws:sts::111122223333:assumed-role/deployer/ci', account: '111122223333', region: 'eu-west-1' },
    });
    expect(resource!.request!.eventId).toMatch(/^a1b2c3d4-/);
  });

  it('a RegisterDaemonTaskDefinition record keeps the new revision ARN from its response', () => {
    const [td] = load('cloudtrail/register-daemon-task-definition.json');
    expect(td!.object).toMatchObject({ daemonTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:daemon-task-definition/node-agent:1', pidMode: 'shared' });
    expect(textLine('cloudtrail/register-daemon-task-definition.json', lineOf(td!, 'containerDefinitions[0].privileged')!)).toContain('"privileged": true');
  });

  it('an UpdateExpressGatewayService record is read from its target configuration, not the partial request', () => {
    const [service] = load('cloudtrail/update-express-gateway-service.json');
    expect(service!.object).toMatchObject({ taskRoleArn: 'arn:aws:iam::111122223333:role/storefront' });
    expect(textLine('cloudtrail/update-express-gateway-service.json', lineOf(service!, 'primaryContainer.image')!)).toContain('storefront:2.3.0');
  });

  it('an UpdateDaemon record without a response is partial', () => {
    const record = JSON.parse(readFileSync(join(dir, 'cloudtrail/update-daemon.json'), 'utf8')) as { requestParameters: Record<string, unknown> };
    delete record.requestParameters.enableExecuteCommand;
    const daemon = loadResources(JSON.stringify(record), 'u.json')[0]!.object as { enableExecuteCommand?: boolean };
    expect(() => daemon.enableExecuteCommand).toThrow(UnknownValueError);
  });
});

describe('daemons and Express services: CloudFormation', () => {
  it('reads AWS::ECS::DaemonTaskDefinition, AWS::ECS::Daemon and AWS::ECS::ExpressGatewayService', () => {
    const resources = load('cloudformation.yaml');
    expect(resources.map((r) => [r.kind, r.name])).toEqual([
      ['daemonTaskDefinition', 'AgentTaskDefinition'],
      ['daemon', 'Agent'],
      ['expressService', 'Storefront'],
    ]);
    expect(resources[1]!.taskDefinitionRef).toBe('#AgentTaskDefinition');
    expect(resources[0]!.object).toMatchObject({ pidMode: 'shared', containerDefinitions: [{ privileged: true }] });
    expect(resources[2]!.object).toMatchObject({ primaryContainer: { image: 'nginx:latest', containerPort: 8080 } });
    expect(resources.every((r) => r.problems === undefined)).toBe(true);
  });
});
