/**
 * The sweep's vocabulary: what was found running (or ACTIVE) in which account and region, what
 * each violation is, and what enforcement would do about it. Pure data; serializes to JSON.
 */
import type { Plan } from '../admission/plan.js';
import type { EcsReader, ServiceState } from '../admission/ports.js';
import type { CheckSummary } from '../core/summary.js';
import type { ResourceResult } from '../core/types.js';

/** The ECS reads a sweep needs beyond the admission's: listing what exists. */
export interface EcsInventory extends EcsReader {
  listClusters(): Promise<string[]>;
  listServices(cluster: string): Promise<string[]>;
  /** At most 10 services per call (the API's limit), with tags and task sets. */
  describeServices(cluster: string, services: readonly string[]): Promise<ServiceState[]>;
  /** Tasks whose desired status is RUNNING. */
  listTasks(cluster: string): Promise<string[]>;
  /** Every ACTIVE task definition revision of the account and region. */
  listActiveTaskDefinitions(): Promise<string[]>;
}

/** One account and region to sweep. The inventory is opened lazily: assuming a role can fail. */
export interface SweepTarget {
  account: string;
  region: string;
  /** The account's organizational units, nearest first, when looked up (a policy scopes by them). */
  organizationalUnits?: readonly string[];
  open: () => Promise<EcsInventory>;
}

export interface SweptResource {
  account: string;
  region: string;
  result: ResourceResult;
  /** For resources with findings that count: the verdict, owner, and what enforcement would do (every outcome `would`). */
  plan?: Plan;
}

/** An account or region the sweep could not read (access denied, throttled beyond retries…). */
export interface SweepFailure {
  account: string;
  region: string;
  /** `ListClusters`, `AssumeRole`, … when known. */
  operation?: string;
  code: string;
  message: string;
}

export interface SweepCounts {
  accounts: number;
  regions: number;
  clusters: number;
  services: number;
  taskSets: number;
  tasks: number;
  taskDefinitions: number;
}

export interface SweepReport {
  startedAt: string;
  finishedAt: string;
  /** The policies evaluated with (names). */
  policies: string[];
  allRevisions: boolean;
  resources: SweptResource[];
  failures: SweepFailure[];
  counts: SweepCounts;
  /** Same fields as `check`'s summary. */
  summary: CheckSummary;
}
