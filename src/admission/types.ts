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
  /** An ARN with revision, or a family alone (then the latest ACTIVE revision is read). */
  | { kind: 'taskDefinition'; taskDefinition: string }
  | { kind: 'service'; cluster: string; service: string }
  | { kind: 'taskSet'; cluster: string; service: string; taskSet: string }
  | { kind: 'task'; cluster: string; tasks: string[] };

/** One ECS call that changed what runs, taken from an EventBridge "AWS API Call via CloudTrail" event. */
export interface AdmissionRequest {
  /** The EventBridge event id (unique per delivery attempt's event, the same on re-delivery). */
  eventId: string;
  /** CloudTrail's own `eventID`. */
  cloudTrailEventId?: string;
  eventName: AdmissionEventName;
  eventTime: string;
  account: string;
  region: string;
  principal: Principal;
  target: Target;
}

/** The changes an UpdateService makes to put a service back: only the fields that change. */
export interface ServiceChanges {
  taskDefinition?: string;
  networkConfiguration?: { awsvpcConfiguration: { subnets: string[]; securityGroups?: string[]; assignPublicIp: 'DISABLED' } };
  enableExecuteCommand?: false;
  platformVersion?: 'LATEST';
  deploymentConfiguration?: Record<string, unknown>;
}

export type PlannedAction =
  | { type: 'deregisterTaskDefinition'; resourceArn: string; name: string }
  | { type: 'updateService'; resourceArn: string; name: string; cluster: string; service: string; changes: ServiceChanges }
  | { type: 'deleteTaskSet'; resourceArn: string; name: string; cluster: string; service: string }
  | { type: 'stopTask'; resourceArn: string; name: string; cluster: string; reason: string }
  | { type: 'tagResource'; resourceArn: string; name: string; tags: Record<string, string> };

export type ActionType = PlannedAction['type'];

/** Actions that change what runs; tagging does not. The per-invocation cap counts these. */
export const isDestructive = (action: PlannedAction): boolean => action.type !== 'tagResource';

/**
 * - `pending`: to be carried out (enforce mode); recorded before acting, so a retry finishes it.
 * - `done`: carried out in enforce mode.
 * - `would`: audit mode; nothing was changed.
 * - `failed`: tried and refused by AWS (the detail says why); a retry may try again.
 */
export type OutcomeStatus = 'pending' | 'done' | 'would' | 'failed';

export interface ActionOutcome {
  action: PlannedAction;
  status: OutcomeStatus;
  /** Which rules led to it. */
  rules: string[];
  detail?: string;
}

export type Verdict = 'deny' | 'flag' | 'pass';

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
  /** Policies that applied. */
  policies: string[];
}

/** Tag keys ecs-admission writes on the resources it judges. */
export const TAG_KEYS = { verdict: 'ecs-admission:verdict', rules: 'ecs-admission:rules', event: 'ecs-admission:event' } as const;
