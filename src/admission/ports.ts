/**
 * What the admission use case needs from the outside world. One AWS implementation each
 * (src/adapters/aws); tests use the same SDK against moto server, or in-memory fakes.
 */
import type { Service, Task, TaskDefinition, TaskSet } from '../core/types.js';
import type { Decision, PlannedAction, ServiceChanges } from './types.js';

export type TaskDefinitionState = TaskDefinition & { status?: string };
export interface Deployment { taskDefinition?: string; status?: string; createdAt?: Date | string }
export type ServiceState = Service & { status?: string; deployments?: Deployment[] };
export type TaskState = Task & {
  lastStatus?: string;
  desiredStatus?: string;
  overrides?: { containerOverrides?: { name?: string; environment?: { name?: string; value?: string }[]; command?: string[] }[] };
};

/** Reads of ECS state. `undefined` means the resource does not exist (any more). */
export interface EcsReader {
  describeTaskDefinition(ref: string): Promise<TaskDefinitionState | undefined>;
  describeService(cluster: string, service: string): Promise<ServiceState | undefined>;
  describeTaskSet(cluster: string, service: string, taskSet: string): Promise<TaskSet | undefined>;
  describeTasks(cluster: string, tasks: readonly string[]): Promise<TaskState[]>;
  /** ARNs of the family's ACTIVE revisions, newest first, at most `limit`. */
  listActiveRevisions(family: string, limit: number): Promise<string[]>;
}

/** The changes enforcement makes. Each is idempotent at the AWS level, so a retry never doubles one. */
export interface EcsWriter {
  deregisterTaskDefinition(arn: string): Promise<void>;
  updateService(cluster: string, service: string, changes: ServiceChanges): Promise<void>;
  deleteTaskSet(cluster: string, service: string, taskSet: string): Promise<void>;
  stopTask(cluster: string, task: string, reason: string): Promise<void>;
  tagResource(arn: string, tags: Record<string, string>): Promise<void>;
}

export type EcsGateway = EcsReader & EcsWriter;

/**
 * AWS refused an action for a reason a retry cannot fix (invalid parameter, not found, access
 * denied): the decision records it as `failed` and the alert says so. Anything else thrown by a
 * gateway is transient and propagates, so the event is retried.
 */
export class ActionRefusedError extends Error {
  constructor(
    readonly action: PlannedAction['type'],
    readonly code: string,
    detail: string,
  ) {
    super(`${action} refused (${code}): ${detail}`);
    this.name = 'ActionRefusedError';
  }
}

export type LedgerStage = 'planned' | 'acted' | 'alerted';

/** What was decided for one event, kept so that a re-delivered event neither acts nor alerts twice. */
export interface LedgerEntry {
  eventId: string;
  stage: LedgerStage;
  decisions: Decision[];
  /**
   * The alerts already published while the stage is `acted`, as `<decision index>:<channel>`: a
   * retry after a failed alert sends only those that are missing.
   */
  sent?: string[];
}

export interface DecisionLedger {
  get(eventId: string): Promise<LedgerEntry | undefined>;
  /** Records a new entry; false when one exists already (a concurrent delivery got there first). */
  create(entry: LedgerEntry): Promise<boolean>;
  update(entry: LedgerEntry): Promise<void>;
}

/** Where alerts go: one or more channels (an SNS topic in JSON, another in the Chatbot format…). */
export interface AlertSink {
  /** Stable names of the channels, in the order they are published to. */
  readonly channels: readonly string[];
  publish(decision: Decision, channel: string): Promise<void>;
}

