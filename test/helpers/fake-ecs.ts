/** An in-memory ECS for unit tests of the admission use case: state in maps, every write recorded. */
import { ActionRefusedError, type AlertSink, type EcsGateway, type ServiceState, type TaskDefinitionState, type TaskState } from '../../src/admission/ports.js';
import type { DaemonChanges, Decision, ServiceChanges } from '../../src/admission/types.js';
import type { ContainerDefinition, TaskSet } from '../../src/core/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
const arn = (path: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:${path}`;

export class FakeEcs implements EcsGateway {
  taskDefinitions = new Map<string, TaskDefinitionState>();
  services = new Map<string, ServiceState>();
  taskSets = new Map<string, TaskSet>();
  tasks = new Map<string, TaskState>();
  writes: string[] = [];
  /** Makes the next write of that type fail: with `refuse`, as AWS refusing it; else as an outage. */
  failNext: { type: string; refuse?: boolean } | undefined;

  register(family: string, containers: ContainerDefinition[], extra: Partial<TaskDefinitionState> = {}): string {
    const revision = [...this.taskDefinitions.values()].filter((t) => t.family === family).length + 1;
    const taskDefinitionArn = arn(`task-definition/${family}:${revision}`);
    this.taskDefinitions.set(taskDefinitionArn, {
      taskDefinitionArn,
      family,
      revision,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: containers,
      tags: [],
      ...extra,
    });
    return taskDefinitionArn;
  }

  addService(name: string, taskDefinition: string, extra: Partial<ServiceState> = {}): string {
    const serviceArn = arn(`service/prod/${name}`);
    this.services.set(serviceArn, {
      serviceArn,
      serviceName: name,
      clusterArn: arn('cluster/prod'),
      status: 'ACTIVE',
      taskDefinition,
      launchType: 'FARGATE',
      deployments: [{ status: 'PRIMARY', taskDefinition, createdAt: '2026-11-20T10:00:00Z' }],
      tags: [],
      ...extra,
    });
    return serviceArn;
  }

  addTask(id: string, taskDefinitionArn: string, extra: Partial<TaskState> = {}): string {
    const taskArn = arn(`task/prod/${id}`);
    this.tasks.set(taskArn, {
      taskArn,
      taskDefinitionArn,
      clusterArn: arn('cluster/prod'),
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      tags: [],
      ...extra,
    });
    return taskArn;
  }

  addTaskSet(id: string, service: string, taskDefinition: string): string {
    const taskSetArn = arn(`task-set/prod/${service}/${id}`);
    this.taskSets.set(taskSetArn, {
      taskSetArn,
      id,
      serviceArn: arn(`service/prod/${service}`),
      clusterArn: arn('cluster/prod'),
      taskDefinition,
      launchType: 'FARGATE',
      tags: [],
    });
    return taskSetArn;
  }

  private find<T>(map: Map<string, T>, ref: string): T | undefined {
    return map.get(ref) ?? [...map.entries()].find(([key]) => key.endsWith(`/${ref}`))?.[1];
  }

  private write(type: string, what: string): void {
    if (this.failNext?.type === type) {
      const { refuse } = this.failNext;
      this.failNext = undefined;
      if (refuse) throw new ActionRefusedError(type as never, 'InvalidParameterException', 'refused by the fake');
      throw new Error(`${type}: service unavailable`);
    }
    this.writes.push(`${type} ${what}`);
  }

  describeTaskDefinition(ref: string) {
    const byFamily = [...this.taskDefinitions.values()].filter((t) => t.family === ref && t.status === 'ACTIVE').at(-1);
    return Promise.resolve(structuredClone(this.find(this.taskDefinitions, ref) ?? byFamily));
  }
  describeService(_cluster: string, service: string) {
    return Promise.resolve(structuredClone(this.find(this.services, service)));
  }
  describeTaskSet(_cluster: string, _service: string, taskSet: string) {
    return Promise.resolve(structuredClone(this.find(this.taskSets, taskSet)));
  }
  describeTasks(_cluster: string, tasks: readonly string[]) {
    return Promise.resolve(tasks.map((t) => structuredClone(this.find(this.tasks, t))).filter((t): t is TaskState => t !== undefined));
  }
  listActiveRevisions(family: string, limit: number) {
    return Promise.resolve(
      [...this.taskDefinitions.values()]
        .filter((t) => t.family === family && t.status === 'ACTIVE')
        .reverse()
        .slice(0, limit)
        .map((t) => t.taskDefinitionArn!),
    );
  }

  deregisterTaskDefinition(arn: string) {
    this.write('deregisterTaskDefinition', arn);
    this.taskDefinitions.get(arn)!.status = 'INACTIVE';
    return Promise.resolve();
  }
  updateService(_cluster: string, service: string, changes: ServiceChanges) {
    this.write('updateService', `${service} ${JSON.stringify(changes)}`);
    Object.assign(this.find(this.services, service)!, changes);
    return Promise.resolve();
  }
  deleteTaskSet(_cluster: string, _service: string, taskSet: string) {
    this.write('deleteTaskSet', taskSet);
    this.taskSets.delete(taskSet);
    return Promise.resolve();
  }
  stopTask(_cluster: string, task: string, reason: string) {
    this.write('stopTask', `${task} ${reason}`);
    Object.assign(this.tasks.get(task)!, { desiredStatus: 'STOPPED' });
    return Promise.resolve();
  }
  // Daemons and Express services are exercised over HTTP against test/helpers/ecs-stub-server.ts;
  // here they do not exist (a read of one is unverified), and a write is only recorded.
  describeDaemonTaskDefinition() {
    return Promise.resolve(undefined);
  }
  listActiveDaemonTaskDefinitions() {
    return Promise.resolve([] as string[]);
  }
  describeDaemon() {
    return Promise.resolve(undefined);
  }
  describeExpressService() {
    return Promise.resolve(undefined);
  }
  deleteDaemonTaskDefinition(arn: string) {
    this.write('deleteDaemonTaskDefinition', arn);
    return Promise.resolve();
  }
  updateDaemon(daemonArn: string, changes: DaemonChanges) {
    this.write('updateDaemon', `${daemonArn} ${JSON.stringify(changes)}`);
    return Promise.resolve();
  }
  restoreExpressService(serviceArn: string, serviceRevisionArn: string) {
    this.write('restoreExpressService', `${serviceArn} ${serviceRevisionArn}`);
    return Promise.resolve();
  }

  tagResource(arn: string, tags: Record<string, string>) {
    this.write('tagResource', `${arn} ${JSON.stringify(tags)}`);
    const tagged = this.taskDefinitions.get(arn) ?? this.services.get(arn) ?? this.taskSets.get(arn) ?? this.tasks.get(arn);
    if (tagged) tagged.tags = [...(tagged.tags ?? []).filter((t) => !(t.key! in tags)), ...Object.entries(tags).map(([key, value]) => ({ key, value }))];
    return Promise.resolve();
  }
}

/**
 * Records what would be published, per channel (`published`: the first channel's); `fail` makes
 * publishing throw (SNS down), `failOn` only on that channel.
 */
export class FakeAlerts implements AlertSink {
  readonly byChannel = new Map<string, Decision[]>();
  fail = false;
  failOn: string | undefined;
  constructor(readonly channels: readonly string[] = ['topic']) {}
  get published(): Decision[] {
    return this.byChannel.get(this.channels[0]!) ?? [];
  }
  publish(decision: Decision, channel: string) {
    if (this.fail || this.failOn === channel) return Promise.reject(new Error(`SNS unavailable (${channel})`));
    this.byChannel.set(channel, [...(this.byChannel.get(channel) ?? []), structuredClone(decision)]);
    return Promise.resolve();
  }
}
