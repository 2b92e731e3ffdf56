import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Resource, TaskDefinition } from '../../src/core/types.js';
import { InputError } from '../../src/input/errors.js';
import { HANDLED_EVENTS } from '../../src/input/api.js';
import { loadResources } from '../../src/input/load.js';
import { cloudTrailRecord } from '../helpers/cloudtrail.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const read = (path: string): string => readFileSync(join(fixtures, path), 'utf8');
const load = (value: unknown, source = 'input.json') => loadResources(typeof value === 'string' ? value : JSON.stringify(value), source);
const loadError = (value: unknown, source = 'input.json'): InputError => {
  try {
    load(value, source);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
};

const td = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] };

describe('loadResources: API shapes', () => {
  it('reads a bare task definition / RegisterTaskDefinition request', () => {
    const [r] = load(td);
    expect(r).toMatchObject({ kind: 'taskDefinition', name: 'web', object: td });
  });

  it('reads a real DescribeTaskDefinition output and keeps its tags on the task definition', () => {
    const [r, ...rest] = load(read('recorded/test_ecs_task_def_tags.ecs.DescribeTaskDefinition_1.json'));
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ kind: 'taskDefinition', name: 'c7n:1', object: { networkMode: 'host', tags: [{ key: 'Role', value: 'dev' }] } });
  });

  it('reads a real RegisterTaskDefinition response', () => {
    const [r] = load(read('recorded/test_ecs_service_update_definition.ecs.RegisterTaskDefinition_1.json'));
    expect(r).toMatchObject({ kind: 'taskDefinition', name: 'dev-redash-server:77' });
  });

  it('reads each service of a real DescribeServices output, with the task definition it runs', () => {
    const resources = load(read('recorded/test_ecs_service_subnet.ecs.DescribeServices_1.json'));
    expect(resources.map((r) => [r.kind, r.name])).toEqual([
      ['service', 'c7n-test'],
      ['service', 'test-no-tag'],
    ]);
    expect(resources[0]!.taskDefinitionRef).toMatch(/^arn:aws:ecs:.*:task-definition\//);
  });

  it('reads a real UpdateService response as a service', () => {
    const [r] = load(read('recorded/test_ecs_service_update.ecs.UpdateService_1.json'));
    expect(r).toMatchObject({ kind: 'service', name: 'custodian-service-update-test' });
  });

  it('reads CreateService, CreateTaskSet, RunTask and StartTask requests', () => {
    expect(load({ serviceName: 'web', cluster: 'prod', taskDefinition: 'web:3' })[0]).toMatchObject({
      kind: 'service',
      name: 'web',
      taskDefinitionRef: 'web:3',
    });
    expect(load({ service: 'web', cluster: 'prod', taskDefinition: 'web:3', externalId: 'blue' })[0]).toMatchObject({
      kind: 'taskSet',
      taskDefinitionRef: 'web:3',
    });
    expect(load({ cluster: 'prod', taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/job:2', count: 1 })[0]).toMatchObject({
      kind: 'task',
      name: 'task of job:2',
    });
    expect(load({ cluster: 'prod', taskDefinition: 'job:2', containerInstances: ['ci-1'] })[0]).toMatchObject({ kind: 'task' });
  });

  it('reads an ecspresso service definition and a CreateTaskSet body without their names, labelled by file', () => {
    expect(
      load(
        { launchType: 'FARGATE', desiredCount: 2, networkConfiguration: { awsvpcConfiguration: { subnets: ['a'], assignPublicIp: 'ENABLED' } } },
        'ecs-service-def.json',
      )[0],
    ).toMatchObject({ kind: 'service', name: 'service in ecs-service-def.json' });
    expect(load({ taskDefinition: 'web:3', scale: { value: 100, unit: 'PERCENT' } }, 'task-set.json')[0]).toMatchObject({
      kind: 'taskSet',
      name: 'task set in task-set.json',
      taskDefinitionRef: 'web:3',
    });
  });

  it('reads DescribeTasks and DescribeTaskSets outputs', () => {
    const tasks = load({
      tasks: [{ taskArn: 'arn:aws:ecs:eu-west-1:1:task/prod/abc', taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/job:2' }],
      failures: [],
    });
    expect(tasks[0]).toMatchObject({ kind: 'task', name: 'abc', taskDefinitionRef: 'arn:aws:ecs:eu-west-1:1:task-definition/job:2' });
    const sets = load({ taskSets: [{ id: 'ecs-svc/1', taskSetArn: 'arn:x', serviceArn: 'arn:s', taskDefinition: 'web:3' }] });
    expect(sets[0]).toMatchObject({ kind: 'taskSet', name: 'ecs-svc/1' });
  });

  it('passes over ecs-admission’s own documents (policies, policy tests) kept beside resources', () => {
    expect(loadResources('apiVersion: ecs-admission/v1\nkind: Policy\nmetadata: { name: p }\nspec: {}\n', 'p.yaml')).toEqual([]);
  });

  it('reads a JSON array and multi-document YAML, one resource each', () => {
    expect(load([td, { serviceName: 'web', taskDefinition: 'web' }]).map((r) => r.kind)).toEqual(['taskDefinition', 'service']);
    const yaml = `family: a\ncontainerDefinitions: [{name: x, image: y}]\n---\nfamily: b\ncontainerDefinitions: []\n`;
    expect(loadResources(yaml, 'two.yaml').map((r) => [r.name, r.origin.documentIndex])).toEqual([
      ['a', undefined],
      ['b', 1],
    ]);
  });
});

describe('loadResources: CloudTrail', () => {
  const record = cloudTrailRecord({ requestParameters: td });

  it('reads a real (trimmed) RegisterTaskDefinition record from requestParameters', () => {
    const [r] = load(read('cloudtrail/datadog-securitylabs__registertaskdefinition-cryptomining-excerpt.json'));
    expect(r).toMatchObject({
      kind: 'taskDefinition',
      object: { requiresCompatibilities: ['FARGATE'], cpu: '16384' },
      request: { eventName: 'RegisterTaskDefinition' },
    });
  });

  it('reads a real (trimmed) CreateService record', () => {
    const [r] = load(read('cloudtrail/datadog-securitylabs__createservice-cryptomining-excerpt.json'));
    expect(r).toMatchObject({ kind: 'service', name: '[random string]-service' });
  });

  it('reads an EventBridge event and records who called what, where', () => {
    const event = {
      version: '0',
      id: 'evt-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ecs',
      account: '123456789012',
      region: 'eu-west-1',
      detail: record,
    };
    const [r] = load(event);
    expect(r!.request).toEqual({
      eventId: record.eventID,
      eventName: 'RegisterTaskDefinition',
      eventTime: record.eventTime,
      principalArn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci',
      account: '123456789012',
      region: 'eu-west-1',
    });
  });

  it('prefers the full resource in responseElements, with the tags of the call', () => {
    const full = { ...td, revision: 4, taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4' };
    const [r] = load({ ...record, requestParameters: { ...td, tags: [{ key: 'Owner', value: 'web' }] }, responseElements: { taskDefinition: full } });
    expect(r).toMatchObject({ name: 'web:4', object: { tags: [{ key: 'Owner', value: 'web' }] } });
  });

  it('reads every ECS record of a CloudTrail log file', () => {
    expect(load({ Records: [record, { ...record, eventName: 'RunTask', requestParameters: { taskDefinition: 'web:4' } }] }).map((r) => r.kind)).toEqual([
      'taskDefinition',
      'task',
    ]);
  });

  it('treats the fields an UpdateService request leaves out as unknown, not as defaults', () => {
    const [r] = load({ ...record, eventName: 'UpdateService', requestParameters: { service: 'web', cluster: 'prod', taskDefinition: 'web:5' } });
    expect(r).toMatchObject({ kind: 'service', name: 'web', taskDefinitionRef: 'web:5' });
    expect(() => (r!.object as { networkConfiguration?: unknown }).networkConfiguration).toThrow(
      'networkConfiguration is unknown (not in the UpdateService request, so unchanged and unknown here)',
    );
  });

  it.each([
    ['another service', read('cloudtrail/awsdocs-amazon-ecs-developer-guide__createcluster.json'), /not a call that changes what runs/],
    ['a failed call', { ...record, errorCode: 'ClientException' }, /failed \("ClientException"\): nothing was changed/],
    ['a truncated record', { ...record, requestParameters: null }, /has no requestParameters \(CloudTrail omits fields over 100 KB\)/],
    [
      'a mislabelled record (real, from a vendor doc)',
      read('cloudtrail/sumologic-documentation__registertaskdefinition-mislabeled-registercontainerinstance.json'),
      /has no containerDefinitions in its requestParameters/,
    ],
    ['a call of another AWS service', { ...record, eventSource: 's3.amazonaws.com' }, /is from s3.amazonaws.com, not ecs.amazonaws.com/],
  ])('rejects %s with a message naming the file', (_name, value, message) => {
    const error = loadError(value, 'event.json');
    expect(error.message).toMatch(/^event\.json(:\d+)?: /);
    expect(error.message).toMatch(message);
  });

  it('lists every handled event name', () => {
    expect(HANDLED_EVENTS).toEqual([
      'RegisterTaskDefinition',
      'CreateService',
      'UpdateService',
      'CreateTaskSet',
      'RunTask',
      'StartTask',
      'RegisterDaemonTaskDefinition',
      'CreateDaemon',
      'UpdateDaemon',
      'CreateExpressGatewayService',
      'UpdateExpressGatewayService',
    ]);
  });
});

describe('loadResources: CloudFormation', () => {
  const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Image: { Type: String }
Conditions:
  IsProd: !Equals [!Ref 'AWS::AccountId', '111122223333']
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  AppTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      NetworkMode: awsvpc
      ContainerDefinitions:
        - Name: app
          Image: !Sub '\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.amazonaws.com/app:1.0'
          ReadonlyRootFilesystem: 'true'
          DockerLabels: { Team: payments }
          LogConfiguration:
            LogDriver: awslogs
            Options: { awslogs-group: /ecs/app, mode: non-blocking }
          Environment:
            - { Name: STAGE, Value: !If [IsProd, prod, dev] }
          User: !Ref AWS::NoValue
      Volumes:
        - Name: data
          EFSVolumeConfiguration:
            FilesystemId: fs-12345678
            TransitEncryption: ENABLED
            AuthorizationConfig: { IAM: ENABLED }
  AppService:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref AppTaskDefinition
      NetworkConfiguration:
        AwsvpcConfiguration: { AssignPublicIp: DISABLED }
  AppTaskSet:
    Type: AWS::ECS::TaskSet
    Properties:
      Service: !Ref AppService
      Cluster: prod
      TaskDefinition: !Ref AppTaskDefinition
      NetworkConfiguration:
        AwsVpcConfiguration: { AssignPublicIp: ENABLED }
`;
  const resources = loadResources(template, 'stack.yaml');
  const taskDefinition = resources[0] as Resource<'taskDefinition'>;
  const service = resources[1] as Resource<'service'>;
  const taskSet = resources[2] as Resource<'taskSet'>;

  it('takes each ECS resource, named by its logical id, and ignores the others', () => {
    expect(resources.map((r) => [r.kind, r.name, r.origin.logicalId])).toEqual([
      ['taskDefinition', 'AppTaskDefinition', 'AppTaskDefinition'],
      ['service', 'AppService', 'AppService'],
      ['taskSet', 'AppTaskSet', 'AppTaskSet'],
    ]);
  });

  it('maps PascalCase properties to the API shape, keeping user keys of free-form maps', () => {
    // Read field by field: the image is an unknown value, and reading it throws.
    const td = taskDefinition.object;
    const container = td.containerDefinitions![0]!;
    expect([td.family, td.networkMode, container.name, container.readonlyRootFilesystem]).toEqual(['app', 'awsvpc', 'app', true]);
    expect({ ...(container as { dockerLabels?: object }).dockerLabels }).toEqual({ Team: 'payments' });
    expect(container.logConfiguration?.logDriver).toBe('awslogs');
    expect({ ...container.logConfiguration?.options }).toEqual({ 'awslogs-group': '/ecs/app', mode: 'non-blocking' });
    const efs = td.volumes![0]!.efsVolumeConfiguration!;
    expect([efs.fileSystemId, efs.transitEncryption, efs.authorizationConfig?.iam]).toEqual(['fs-12345678', 'ENABLED', 'ENABLED']);
    expect(taskSet.object.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe('ENABLED');
  });

  it('drops AWS::NoValue and makes other intrinsics unknown values that throw when read', () => {
    const container = (taskDefinition.object.containerDefinitions ?? [])[0]!;
    expect('user' in container).toBe(false);
    expect(() => container.image).toThrow('containerDefinitions[0].image is unknown (!Sub ${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1.0)');
    // An Fn::If is not unknown: each branch is a scenario of its own.
    expect(taskDefinition.scenarios?.map((s) => [s.conditions, (s.object as TaskDefinition).containerDefinitions?.[0]?.environment?.[0]?.value])).toEqual([
      [{ IsProd: true }, 'prod'],
      [{ IsProd: false }, 'dev'],
    ]);
  });

  it('links services and task sets to the task definition resource they reference', () => {
    expect(service.taskDefinitionRef).toBe('#AppTaskDefinition');
    expect(taskSet.taskDefinitionRef).toBe('#AppTaskDefinition');
  });

  it('locates a field of the normalized resource in the template, line and column', () => {
    expect(taskDefinition.origin.locate?.('containerDefinitions[0].readonlyRootFilesystem')).toEqual({ line: 17, column: 35 });
    expect(taskSet.origin.locate?.('networkConfiguration.awsvpcConfiguration.assignPublicIp')).toEqual({ line: 44, column: 48 });
    // An absent field points at its nearest ancestor.
    expect(taskDefinition.origin.locate?.('containerDefinitions[0].privileged')?.line).toBe(15);
  });

  it('reads a JSON template too', () => {
    const json = { Resources: { T: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'a', Image: { 'Fn::Sub': 'x' } }] } } } };
    expect(load(json)[0]).toMatchObject({ kind: 'taskDefinition', name: 'T' });
  });
});

describe('loadResources: errors', () => {
  it('names the file, the line and the keys found when a document is not an ECS document', () => {
    const error = loadError('# a config file\nname: demo\nreplicas: 3\n', 'deploy/values.yaml');
    expect(error.message).toBe(
      'deploy/values.yaml:2: not an ECS document (found keys: name, replicas); expected a task definition, a service, task set or task, a daemon (task definition) or an Express service (API request or response), a CloudTrail record or EventBridge event of an ECS call, or a CloudFormation template',
    );
  });

  it('names the file and line of a syntax error', () => {
    expect(loadError('{\n  "family": "web",\n  "containerDefinitions": [\n}', 'broken.json').message).toMatch(/^broken\.json:4: not valid JSON: /);
  });

  it('rejects a scalar document', () => {
    expect(loadError('42', 'n.json').message).toBe('n.json:1: expected an object, found number');
  });
});
