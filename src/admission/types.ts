/**
 * The vocabulary of an admission decision: what call was made, what it changed, what was found
 * and what was (or would have been) done about it. Shared by the planner, the use case, the
 * alerts, the Lambda and the sweep. Pure data: everything here serializes to JSON.
 */
import type { Finding, ResourceKind, Severity } from '../core/types.js';
import type { HANDLED_EVENTS } from '../input/api.js';

export type AdmissionEventName = (typeof HANDLED_EVENTS)[number];

export interface Principal {
  /** `arn:aws:sts::…:assumed-role/deployer/session`, `arn:aws:iam::…:user/alice`, or the root ARN. */
  arn?: string;
  /** CloudTrail's `userIdentity.type`: AssumedRole, IAMUser, Root, AWSService… */
  type?: string;
  /** For assumed roles: the role's own ARN (what the EventBridge pattern and the loop guard compare). */
  sessionIssuerArn?: string;
}

/** The resource a call changed, as far as the event names it; the Lambda re-reads it from ECS. */
export type Target =
  /** The revision a RegisterTaskDefinition created, by its ARN (from the response). */
  | { kind: 'taskDefinition'; taskDefinition: string }
  /**
   * A RegisterTaskDefinition whose response CloudTrail left out: the revision is the one of the
   * family whose content equals what was registered (`registered`: the request, when recorded).
   */
  | { kind: 'registration'; family: string; registered?: Record<string, unknown> }
  | { kind: 'service'; cluster: string; service: string }
  | { kind: 'taskSet'; cluster: string; service: string; taskSet: string }
  | { kind: 'task'; cluster: string; tasks: string[] }
  /** The daemon task definition a RegisterDaemonTaskDefinition created (ARN), or its family when blocked. */
  | { kind: 'daemonTaskDefinition'; daemonTaskDefinition: string }
  | { kind: 'daemon'; daemon: string }
  | { kind: 'expressService'; service: string };

/** One ECS call that changed what runs, taken from an EventBridge "AWS API Call via CloudTrail" event. */
export interface AdmissionRequest {
  /** The EventBridge event id: the same on a re-delivery, a new one on a replay of the same record. */
  eventId: string;
  /** CloudTrail's own `eventID`: the same record keeps it whatever EventBridge event carries it. */
  cloudTrailEventId?: string;
  eventName: AdmissionEventName;
  eventTime: string;
  account: string;
  region: string;
  /** The account's organizational units, nearest first: looked up only when a policy scopes by them. */
  organizationalUnits?: readonly string[];
  principal: Principal;
  target: Target;
  /** Set when AWS refused the call (a guardrail: SCP, IAM) and blocked calls are reported. */
  blocked?: BlockedCall;
}

/** A call AWS refused (AccessDenied), as CloudTrail recorded it. */
export interface BlockedCall {
  errorCode: string;
  /** CloudTrail's errorMessage: for an SCP, "... with an explicit deny in a service control policy". */
  errorMessage?: string;
  /**
   * The call's requestParameters, judged with the policies to name the rules whose guardrail may
   * have matched; never stored nor alerted (a container's environment may hold secrets).
   */
  parameters?: Record<string, unknown>;
}

/** The changes an UpdateService makes to put a service back: only the fields that change. */
export interface ServiceChanges {
  taskDefinition?: string;
  networkConfiguration?: { awsvpcConfiguration: { subnets: string[]; securityGroups?: string[]; assignPublicIp: 'DISABLED' } };
  enableExecuteCommand?: false;
  platformVersion?: 'LATEST';
  deploymentConfiguration?: Record<string, unknown>;
}

/** What an UpdateDaemon puts back: ECS requires the task definition and capacity providers on every update. */
export interface DaemonChanges {
  daemonTaskDefinitionArn: string;
  capacityProviderArns: string[];
  enableExecuteCommand?: false;
}

export type PlannedAction =
  | { type: 'deregisterTaskDefinition'; resourceArn: string; name: string }
  | { type: 'updateService'; resourceArn: string; name: string; cluster: string; service: string; changes: ServiceChanges }
  | { type: 'deleteTaskSet'; resourceArn: string; name: string; cluster: string; service: string }
  | { type: 'stopTask'; resourceArn: string; name: string; cluster: string; reason: string }
  | { type: 'tagResource'; resourceArn: string; name: string; tags: Record<string, string> }
  | { type: 'deleteDaemonTaskDefinition'; resourceArn: string; name: string }
  | { type: 'updateDaemon'; resourceArn: string; name: string; changes: DaemonChanges }
  /** Back to the active configuration `toRevision` (a service revision ARN) of the Express service. */
  | { type: 'restoreExpressService'; resourceArn: string; name: string; toRevision: string };

export type ActionType = PlannedAction['type'];

/** Actions that change what runs; tagging does not. The cap and the budget count these. */
export const isDestructive = (action: PlannedAction): boolean => action.type !== 'tagResource';

/**
 * - `pending`: to be carried out (enforce mode); recorded before acting, so a retry finishes it.
 * - `done`: carried out in enforce mode.
 * - `unneeded`: a retry found the resource already as the action would leave it (revision already
 *   INACTIVE, task already stopped…): nothing was called.
 * - `would`: audit mode; nothing was changed.
 * - `failed`: tried and refused by AWS (the detail says why).
 */
export type OutcomeStatus = 'pending' | 'done' | 'unneeded' | 'would' | 'failed';

export interface ActionOutcome {
  action: PlannedAction;
  status: OutcomeStatus;
  /** Which rules led to it. */
  rules: string[];
  detail?: string;
}

/**
 * `unverified`: what the call changed could not be read or told apart; never a pass. `blocked`: AWS
 * refused the call (a guardrail denied it): nothing changed, nothing to do, the owner is told.
 */
export type Verdict = 'deny' | 'flag' | 'pass' | 'unverified' | 'blocked';

/** The resource judged, with the facts alerts and subscriptions filter on. */
export interface JudgedResource {
  kind: ResourceKind;
  arn: string;
  /** `family:revision`, the service name, the task set id or the task id. */
  name: string;
  cluster?: string;
  family?: string;
  service?: string;
  tags: Record<string, string>;
  /** From the resource's owner tags, else the calling principal. */
  owner: string;
}

export interface Decision {
  /**
   * Stable across deliveries and retries of the same CloudTrail record: alerts carry it, so a
   * subscriber can drop the rare duplicate the network still makes possible.
   */
  decisionId: string;
  request: AdmissionRequest;
  resource: JudgedResource;
  verdict: Verdict;
  /** `enforce` when at least one action was carried out or some finding is in an enforce-mode policy. */
  mode: 'enforce' | 'audit';
  /** Worst severity among the findings that count (not excepted). */
  severity?: Severity;
  findings: Finding[];
  outcomes: ActionOutcome[];
  /** What could not be done as the policy asked, and why (no compliant revision, action cap reached…). */
  notes: string[];
  /**
   * Why (part of) the decision could not be verified: the resource could not be read, or a rule
   * could not be evaluated. Set on every `unverified` verdict; counted and alerted, never silent.
   */
  unverified?: string[];
  /** Policies that applied. */
  policies: string[];
  /** A `blocked` verdict: what AWS said, and the deny rules the request breaks (whose guardrails may have matched). */
  blocked?: Omit<BlockedCall, 'parameters'> & { rules: string[] };
}

/** Tag keys ecs-admission writes on the resources it judges. */
export const TAG_KEYS = { verdict: 'ecs-admission:verdict', rules: 'ecs-admission:rules', event: 'ecs-admission:event' } as const;

/** What planning needs besides the judged resource. */
export interface PlanContext {
  /** The event (or sweep) the actions answer: written in tags and stop reasons. */
  eventId: string;
  /** The caller, owner of last resort. */
  principalArn?: string;
  /** Tag keys that name a resource's owner, first found wins. */
  ownerTags: readonly string[];
  /** Tags of the task definition a service, task set or task runs: their owner when they name none. */
  taskDefinitionTags?: Record<string, string>;
  /**
   * For a service (daemon) whose task definition is denied: the compliant revision to roll back to,
   * for an Express service the active configuration (service revision ARN); or why there is none
   * (then it is flagged, never rolled to something that is itself denied).
   */
  rollback?: { to: string } | { none: string };
}
