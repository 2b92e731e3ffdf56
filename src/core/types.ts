/**
 * The vocabulary shared by the engine, the rules, the CLI and (later) the Lambda.
 * Resource objects are kept in the ECS API shape (camelCase), whatever the input was.
 */
import type { ContainerDefinition, Tag, Volume } from './container-types.js';
import type { Daemon, DaemonTaskDefinition, ExpressService } from './types-daemon.js';

export type { Daemon, DaemonTaskDefinition, ExpressContainer, ExpressService } from './types-daemon.js';
export type { ContainerDefinition, KeyValuePair, Tag, Volume } from './container-types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ACTIONS = ['deny', 'flag', 'off'] as const;
export type Action = (typeof ACTIONS)[number];

export const MODES = ['audit', 'enforce'] as const;
export type Mode = (typeof MODES)[number];

export const RESOURCE_KINDS = ['taskDefinition', 'service', 'taskSet', 'task', 'daemonTaskDefinition', 'daemon', 'expressService'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** What a kind is called in messages and reports. */
export const KIND_NAMES: Readonly<Record<ResourceKind, string>> = {
  taskDefinition: 'task definition',
  service: 'service',
  taskSet: 'task set',
  task: 'task',
  daemonTaskDefinition: 'daemon task definition',
  daemon: 'daemon',
  expressService: 'Express service',
};
/** The same, at the start of a sentence: `Task set assigns ...`. */
export const kindTitle = (kind: ResourceKind): string => KIND_NAMES[kind].charAt(0).toUpperCase() + KIND_NAMES[kind].slice(1);

/** Higher is worse. */
export const severityRank = (s: Severity): number => 4 - SEVERITIES.indexOf(s);
export const worstSeverity = (list: readonly Severity[]): Severity | undefined =>
  list.reduce<Severity | undefined>((worst, s) => (!worst || severityRank(s) > severityRank(worst) ? s : worst), undefined);

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

export interface CapacityProviderStrategyItem {
  capacityProvider?: string;
  weight?: number;
  base?: number;
}

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

export interface TaskSet extends Workload {
  taskSetArn?: string;
  id?: string;
  serviceArn?: string;
  clusterArn?: string;
}

export interface Task extends Workload {
  taskArn?: string;
  taskDefinitionArn?: string;
  clusterArn?: string;
  group?: string;
  /** RunTask / StartTask overrides; the task-level size (strings, as in the task definition). */
  overrides?: { cpu?: string; memory?: string };
}

export interface ResourceObjects {
  taskDefinition: TaskDefinition;
  service: Service;
  taskSet: TaskSet;
  task: Task;
  daemonTaskDefinition: DaemonTaskDefinition;
  daemon: Daemon;
  expressService: ExpressService;
}

/** What is known of the API call that produced a resource (from CloudTrail), when anything is. */
export interface RequestInfo {
  eventId?: string;
  eventName?: string;
  eventTime?: string;
  principalArn?: string;
  account?: string;
  region?: string;
  /**
   * The organizational units the account sits in, from its parent up to the root (`ou-…` ids,
   * nearest first), when looked up (the Lambdas, when a policy scopes by OU); unknown offline.
   */
  organizationalUnits?: readonly string[];
}

/** Where a resource came from, for messages and for SARIF locations. */
export interface Origin {
  /** File path, `-` for standard input, or an AWS ARN for resources read from the API. */
  source: string;
  /** Index of the document inside a multi-document file, when there are several. */
  documentIndex?: number;
  /** CloudFormation logical id, or Terraform resource address. */
  logicalId?: string;
  /** Where `#logicalId` task definition refs resolve (resources of one plan or module); the source when absent. */
  scope?: string;
  /** Finds the line and column of a field given by its path in the normalized resource. */
  locate?: (path: string) => { line: number; column: number } | undefined;
}

/** A field whose value is not what the ECS API accepts (wrong type, unknown enumeration value). */
export interface FieldProblem {
  /** JSON path in the normalized resource: `containerDefinitions[0].privileged`. */
  path: string;
  /** Says what was expected and what was found, never a secret value. */
  message: string;
}

/**
 * One way a CloudFormation resource can be deployed: the `Fn::If` branches taken under one
 * assignment of its conditions. The evaluator judges every scenario and merges the verdicts.
 */
export interface Scenario {
  /** The conditions this scenario assumes, by name: `{ IsProd: true }`. */
  conditions: Readonly<Record<string, boolean>>;
  /** The `Fn::If` decided in this scenario, by the path of the field they set. */
  branches: readonly { path: string; condition: string; value: boolean }[];
  object: object;
  locate?: Origin['locate'];
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
  /** Fields whose values the API would not accept (in any scenario): the resource cannot pass. */
  problems?: FieldProblem[];
  /** CloudFormation: the resource's `Fn::If` scenarios, when it has any (`object` is the first). */
  scenarios?: Scenario[];
  /** Set when the resource cannot be judged at all (a loop over a parameter): the reason. */
  notJudged?: string;
  /**
   * Set when what is judged may not be what is deployed (a macro can rewrite the template): the
   * resource is then never `pass`, only `unknown` with this reason (its findings still count).
   */
  caveat?: string;
}

/**
 * `skip`: the rule does not apply (not a Windows task definition, no EFS volume); `unknown`: it
 * applies but could not decide, because a value it needs is unknown offline (a CloudFormation
 * `!Ref`); `error`: it could not be evaluated (the rule threw, a CEL error, a value of the wrong type).
 */
export type RuleStatus = 'pass' | 'fail' | 'skip' | 'unknown' | 'error';

/** What a rule error counts as (Kubernetes' `failurePolicy`): a deny finding, a flag finding, or nothing. */
export const ON_ERROR = ['deny', 'flag', 'ignore'] as const;
export type OnError = (typeof ON_ERROR)[number];

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
  /** Set on the finding that stands for a rule error (`onError: deny|flag`): the rule did not decide. */
  error?: true;
  /** CloudFormation: the conditions under which the finding holds, `IsProd and not UsePublicIp`. */
  when?: string;
  /** Where the finding is, when it was found in a scenario other than the resource's first. */
  at?: { line: number; column: number };
}

/** Line and column of a finding in its file, where known. */
export const locateFinding = (resource: Resource, finding: Finding): { line: number; column: number } | undefined =>
  finding.at ?? resource.origin.locate?.(finding.path);

export interface RuleResult {
  ruleId: string;
  status: RuleStatus;
  /** Why a rule was skipped, unknown or errored. */
  reason?: string;
  /** The action the rule would have taken, on a rule that could not decide (`unknown`) or errored. */
  action?: Exclude<Action, 'off'>;
  findings: Finding[];
}

export interface ResourceResult {
  resource: Resource;
  /**
   * `fail` when any rule failed; else `error` when a rule errored or a field has a value the API
   * rejects; else `unknown` when a rule could not decide; else `pass` (or `skip` when no rule applied).
   */
  status: RuleStatus;
  /** Why the resource was not judged (`notJudged`), when it was not. */
  reason?: string;
  findings: Finding[];
  rules: RuleResult[];
  /** The policies that applied to the resource (their scope matched), when evaluated with policies. */
  policies?: string[];
}
