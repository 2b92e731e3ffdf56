/**
 * What the admission use case needs from the outside world. One AWS implementation each
 * (src/adapters/aws); tests use the same SDK against moto server, or in-memory fakes.
 */
import type { Daemon, DaemonTaskDefinition, ExpressService, Service, Task, TaskDefinition, TaskSet } from '../core/types.js';
import type { DaemonChanges, Decision, PlannedAction, ServiceChanges } from './types.js';

export type TaskDefinitionState = TaskDefinition & { status?: string; registeredAt?: Date | string };
export interface Deployment {
  taskDefinition?: string;
  status?: string;
  createdAt?: Date | string;
}
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

export type DaemonTaskDefinitionState = DaemonTaskDefinition & { status?: string; registeredAt?: Date | string };
/** A daemon with the revision it runs: `daemonTaskDefinitionArn` is its newest current revision's. */
export type DaemonState = Daemon & {
  status?: string;
  /** The daemon task definitions of its other current revisions (a deployment in progress), newest first. */
  previousTaskDefinitions?: string[];
};
/** One configuration of an Express service, as DescribeExpressGatewayService lists it. */
export type ExpressConfiguration = Omit<ExpressService, 'serviceArn' | 'serviceName' | 'cluster' | 'infrastructureRoleArn' | 'tags'> & {
  serviceRevisionArn?: string;
  createdAt?: Date | string;
  scalingTarget?: Record<string, unknown>;
};
/** An Express service read from its newest active configuration; `configurations`: all active ones, newest first. */
export type ExpressServiceState = ExpressService & { status?: string; configurations: ExpressConfiguration[] };

/**
 * Daemons (ECS Managed Instances) and Express services: calls moto does not have, kept apart from
 * the reader the sweep implements. `undefined` means the resource does not exist (any more).
 */
export interface DaemonExpressReader {
  describeDaemonTaskDefinition(ref: string): Promise<DaemonTaskDefinitionState | undefined>;
  /** ARNs of the family's ACTIVE daemon task definitions, newest first, at most `limit`. */
  listActiveDaemonTaskDefinitions(family: string, limit: number): Promise<string[]>;
  describeDaemon(daemonArn: string): Promise<DaemonState | undefined>;
  describeExpressService(serviceArn: string): Promise<ExpressServiceState | undefined>;
}

export interface DaemonExpressWriter {
  /** ECS has no deregister step for daemon task definitions: an ACTIVE one is deleted (DELETE_IN_PROGRESS). */
  deleteDaemonTaskDefinition(arn: string): Promise<void>;
  updateDaemon(daemonArn: string, changes: DaemonChanges): Promise<void>;
  /**
   * Puts an Express service back on one of its active configurations, read again at the time of
   * the call (the plan keeps only its revision ARN: a configuration's environment never enters the
   * ledger or an alert). Refused when that configuration is no longer active.
   */
  restoreExpressService(serviceArn: string, serviceRevisionArn: string): Promise<void>;
}

export type EcsGateway = EcsReader & EcsWriter & DaemonExpressReader & DaemonExpressWriter;

/**
 * ECS refused a read for a reason a retry cannot fix (access denied, another account): the
 * resource cannot be verified, which is alerted, never taken for a pass.
 */
export class UnreadableError extends Error {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'UnreadableError';
  }
}

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

/**
 * What was decided for one CloudTrail record, kept so that no delivery of it (a retry, a
 * duplicate, a replay under another EventBridge id) acts or alerts twice. The invocation working
 * on it holds a lease: `owner` (its request id) until `leaseUntil` (epoch ms, its deadline).
 */
export interface LedgerEntry {
  /** `<account>:<CloudTrail eventID>` (see ledgerKey). */
  key: string;
  stage: LedgerStage;
  decisions: Decision[];
  owner: string;
  leaseUntil: number;
  /** Whether the action budget was charged for this entry's actions (a takeover must not charge twice). */
  charged?: boolean;
  /**
   * The alerts already published while the stage is `acted`, as `<decision index>:<channel>`: a
   * retry after a failed alert sends only those that are missing.
   */
  sent?: string[];
}

/**
 * The ledger's storage: two conditional writes, so that the lease logic (./lease.ts) is the same
 * over DynamoDB and in memory.
 */
export interface DecisionLedger {
  /** Writes the entry unless one exists under its key; returns the existing one instead. */
  create(entry: LedgerEntry): Promise<LedgerEntry | undefined>;
  /**
   * Writes the entry if the stored one still has the expected owner (and lease end, when given);
   * false when another invocation has taken it since.
   */
  replace(entry: LedgerEntry, expected: { owner: string; leaseUntil?: number }): Promise<boolean>;
}

/** The per-account action budget: a sliding window of destructive actions, shared by all invocations. */
export interface ActionBudget {
  /** Takes up to `wanted` actions from the account's window at `now`; returns how many it got. */
  take(account: string, wanted: number, now: Date): Promise<number>;
}

/**
 * Where alerts go: one or more channels (an SNS topic in JSON, another in the Chatbot format…).
 * The Lambda composes it from channels and the alert renderer (src/lambda/channels.ts).
 */
export interface AlertSink {
  /** Stable names of the channels, in the order they are published to. */
  readonly channels: readonly string[];
  publish(decision: Decision, channel: string): Promise<void>;
}
