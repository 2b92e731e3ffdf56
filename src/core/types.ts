/**
 * The vocabulary shared by the engine, the rules, the CLI and (later) the Lambda.
 * Resource objects are kept in the ECS API shape (camelCase), whatever the input was.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ACTIONS = ['deny', 'flag', 'off'] as const;
export type Action = (typeof ACTIONS)[number];

export const MODES = ['audit', 'enforce'] as const;
export type Mode = (typeof MODES)[number];

export const RESOURCE_KINDS = ['taskDefinition', 'service', 'taskSet', 'task'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** What a kind is called in messages and reports. */
export const KIND_NAMES: Readonly<Record<ResourceKind, string>> = { taskDefinition: 'task definition', service: 'service', taskSet: 'task set', task: 'task' };
/** The same, at the start of a sentence: `Task set assigns ...`. */
export const kindTitle = (kind: ResourceKind): string => KIND_NAMES[kind].charAt(0).toUpperCase() + KIND_NAMES[kind].slice(1);

/** Higher is worse. */
export const severityRank = (s: Severity): number => 4 - SEVERITIES.indexOf(s);
export const worstSeverity = (list: readonly Severity[]): Severity | undefined =>
  list.reduce<Severity | undefined>((worst, s) => (!worst || severityRank(s) > severityRank(worst) ? s : worst), undefined);

export interface KeyValuePair { name?: string; value?: string }
export interface Tag { key?: string; value?: string }

export interface ContainerDefinition {
  name?: string;
  image?: string;
  essential?: boolean;
  privileged?: boolean;
  user?: string;
  readonlyRootFilesystem?: boolean;
  interactive?: boolean;
  pseudoTerminal?: boolean;
  memory?: number;
  memoryReservation?: number;
  environment?: KeyValuePair[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
  linuxParameters?: {
    capabilities?: { add?: string[]; drop?: string[] };
    devices?: { hostPath?: string; containerPath?: string }[];
  };
  dockerSecurityOptions?: string[];
  systemControls?: { namespace?: string; value?: string }[];
  healthCheck?: { command?: string[] };
}

export interface Volume {
  name?: string;
  host?: { sourcePath?: string };
  efsVolumeConfiguration?: {
    fileSystemId?: string;
    transitEncryption?: string;
    authorizationConfig?: { iam?: string; accessPointId?: string };
  };
}

export interface TaskDefinition {
  taskDefinitionArn?: string;
  family?: string;
  revision?: number;
  containerDefinitions?: ContainerDefinition[];
  networkMode?: string;
  pidMode?: string;
  ipcMode?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  requiresCompatibilities?: string[];
  runtimePlatform?: { operatingSystemFamily?: string; cpuArchitecture?: string };
  memory?: string | number;
  cpu?: string | number;
  volumes?: Volume[];
  tags?: Tag[];
}

export interface NetworkConfiguration {
  awsvpcConfiguration?: { assignPublicIp?: string; subnets?: string[]; securityGroups?: string[] };
}

export interface CapacityProviderStrategyItem { capacityProvider?: string; weight?: number; base?: number }

/** What services, task sets and tasks have in common for the rules. */
export interface Workload {
  taskDefinition?: string;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  platformFamily?: string;
  networkConfiguration?: NetworkConfiguration;
  enableExecuteCommand?: boolean;
  tags?: Tag[];
}

export interface Service extends Workload {
  serviceArn?: string;
  serviceName?: string;
  clusterArn?: string;
  deploymentController?: { type?: string };
  deploymentConfiguration?: {
    deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean };
  };
}

export interface TaskSet extends Workload { taskSetArn?: string; id?: string; serviceArn?: string; clusterArn?: string }

export interface Task extends Workload { taskArn?: string; taskDefinitionArn?: string; clusterArn?: string; group?: string }

export interface ResourceObjects {
  taskDefinition: TaskDefinition;
  service: Service;
  taskSet: TaskSet;
  task: Task;
}

/** What is known of the API call that produced a resource (from CloudTrail), when anything is. */
export interface RequestInfo {
  eventId?: string;
  eventName?: string;
  eventTime?: string;
  principalArn?: string;
  account?: string;
  region?: string;
}

/** Where a resource came from, for messages and for SARIF locations. */
export interface Origin {
  /** File path, `-` for standard input, or an AWS ARN for resources read from the API. */
  source: string;
  /** Index of the document inside a multi-document file, when there are several. */
  documentIndex?: number;
  /** CloudFormation logical id. */
  logicalId?: string;
  /** Finds the line and column of a field given by its path in the normalized resource. */
  locate?: (path: string) => { line: number; column: number } | undefined;
}

export interface Resource<K extends ResourceKind = ResourceKind> {
  kind: K;
  /** A readable name: `family:revision`, the service name, or the CloudFormation logical id. */
  name: string;
  object: ResourceObjects[K];
  origin: Origin;
  /** For services, task sets and tasks: the task definition they run (ARN, `family:revision`, family, or `#LogicalId`). */
  taskDefinitionRef?: string;
  request?: RequestInfo;
}

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error';

/** An exception of a policy that suspends a finding (it is reported, never enforced). */
export interface AppliedException {
  policy: string;
  reason: string;
  owner?: string;
  expires: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  action: Action;
  /** The mode of the policy that decided the action; presets are `audit`. */
  mode: Mode;
  /** The preset or policy whose setting decided the action. */
  decidedBy: string;
  message: string;
  /** JSON path of the offending field in the normalized resource: `containerDefinitions[1].privileged`. */
  path: string;
  container?: string;
  remediation: string;
  exception?: AppliedException;
}

export interface RuleResult {
  ruleId: string;
  status: RuleStatus;
  /** Why a rule was skipped or errored. */
  reason?: string;
  findings: Finding[];
}

export interface ResourceResult {
  resource: Resource;
  /** `fail` when any rule failed, else `error` when any rule errored, else `pass` (or `skip` when nothing applied). */
  status: RuleStatus;
  findings: Finding[];
  rules: RuleResult[];
  /** The policies that applied to the resource (their scope matched), when evaluated with policies. */
  policies?: string[];
}
