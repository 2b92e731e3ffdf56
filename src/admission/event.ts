/**
 * Turns an EventBridge "AWS API Call via CloudTrail" event into an admission request: which call,
 * by whom, on which resource. The event is only a hint — CloudTrail may truncate or omit its
 * fields — so only the resource's identity is taken from it; the resource itself is re-read.
 */
import * as z from '../zod.js';
import { HANDLED_EVENTS } from '../input/api.js';
import type { AdmissionEventName, AdmissionRequest, Principal, Target } from './types.js';
import { isRoleNamed } from '../core/identity.js';

/** The event cannot be understood: logged with its id and dropped, since a retry cannot fix it. */
export class MalformedEventError extends Error {
  constructor(
    readonly eventId: string | undefined,
    detail: string,
  ) {
    super(`event ${eventId ?? '(no id)'}: ${detail}`);
    this.name = 'MalformedEventError';
  }
}

/** A well-formed event that is not ours to judge (a failed call, our own call…): logged and skipped. */
export interface IgnoredEvent {
  ignored: true;
  eventId: string;
  reason: string;
}

const CloudTrailDetail = z.looseObject({
  eventSource: z.string(),
  eventName: z.string(),
  eventTime: z.optional(z.string()),
  eventID: z.optional(z.string()),
  awsRegion: z.optional(z.string()),
  recipientAccountId: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  userIdentity: z.optional(
    z.looseObject({
      type: z.optional(z.string()),
      arn: z.optional(z.string()),
      sessionContext: z.optional(z.looseObject({ sessionIssuer: z.optional(z.looseObject({ arn: z.optional(z.string()) })) })),
    }),
  ),
  requestParameters: z.nullish(z.record(z.string(), z.unknown())),
  responseElements: z.nullish(z.record(z.string(), z.unknown())),
});

/**
 * The EventBridge envelope. Written here rather than taken from Powertools' parser: its schemas
 * import zod whole (every locale), which costs the Lambda a third of its bundle at cold start.
 */
const CloudTrailEvent = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: CloudTrailDetail,
  'replay-name': z.optional(z.string()),
});

export interface ParseOptions {
  /** The Lambda's own role: its calls (rollbacks) are never judged, so enforcement cannot loop. */
  ownRoleArn?: string;
  /** The member role a hub acts through in other accounts: its calls there are the hub's own. */
  memberRoleName?: string;
  /** Report calls AWS refused with AccessDenied (a guardrail) as blocked requests, rather than ignore them. */
  reportBlocked?: boolean;
}

/** The error codes of a call an SCP or IAM policy denied, as CloudTrail records ECS calls. */
export const BLOCKED_ERROR_CODES: readonly string[] = ['AccessDenied', 'AccessDeniedException'];

export function parseAdmissionEvent(event: unknown, options: ParseOptions = {}): AdmissionRequest | IgnoredEvent {
  const id = typeof event === 'object' && event !== null && typeof (event as { id?: unknown }).id === 'string' ? (event as { id: string }).id : undefined;
  const parsed = CloudTrailEvent.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MalformedEventError(id, `not an EventBridge "AWS API Call via CloudTrail" event: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const e = parsed.data;
  const d = e.detail;
  const ignore = (reason: string): IgnoredEvent => ({ ignored: true, eventId: e.id, reason });

  if (d.eventSource !== 'ecs.amazonaws.com') return ignore(`a call to ${d.eventSource}, not ECS`);
  if (!(HANDLED_EVENTS as readonly string[]).includes(d.eventName)) return ignore(`${d.eventName} does not change what runs`);
  const blocked = d.errorCode !== undefined && options.reportBlocked === true && BLOCKED_ERROR_CODES.includes(d.errorCode);
  if (d.errorCode && !blocked) return ignore(`${d.eventName} failed (${d.errorCode}): nothing changed`);

  const principal: Principal = {};
  if (d.userIdentity?.arn) principal.arn = d.userIdentity.arn;
  if (d.userIdentity?.type) principal.type = d.userIdentity.type;
  const issuer = d.userIdentity?.sessionContext?.sessionIssuer?.arn;
  if (issuer) principal.sessionIssuerArn = issuer;
  if (options.ownRoleArn && issuer === options.ownRoleArn) return ignore(`${d.eventName} was made by ecs-admission itself`);
  if (options.memberRoleName && issuer && isRoleNamed(issuer, options.memberRoleName))
    return ignore(`${d.eventName} was made by ecs-admission through its member role`);

  const eventName = d.eventName as AdmissionEventName;
  const target = blocked ? blockedTarget(eventName, d.requestParameters ?? {}) : targetOf(eventName, d.requestParameters ?? {}, d.responseElements ?? {}, e.id);
  if ('ignored' in target) return target;
  const request: AdmissionRequest = {
    eventId: e.id,
    eventName,
    eventTime: d.eventTime ?? e.time,
    account: d.recipientAccountId ?? e.account,
    region: d.awsRegion ?? e.region,
    principal,
    target,
  };
  if (d.eventID) request.cloudTrailEventId = d.eventID;
  if (blocked && d.errorCode) {
    request.blocked = { errorCode: d.errorCode };
    if (d.errorMessage) request.blocked.errorMessage = d.errorMessage;
    if (d.requestParameters) request.blocked.parameters = d.requestParameters;
  }
  return request;
}

/**
 * What a refused call would have changed, from its request alone (nothing was created: no
 * response, no ARN). A name the request leaves out is said, never an error: the alert still goes.
 */
function blockedTarget(eventName: AdmissionEventName, params: Record<string, unknown>): Target {
  const cluster = str(params.cluster) ?? 'default';
  switch (eventName) {
    case 'RegisterTaskDefinition':
      return { kind: 'registration', family: str(params.family) ?? '(unnamed family)' };
    case 'CreateService':
    case 'UpdateService':
      return { kind: 'service', cluster, service: str(params.serviceName) ?? str(params.service) ?? '(unnamed service)' };
    case 'CreateTaskSet':
      return { kind: 'taskSet', cluster, service: str(params.service) ?? '(unnamed service)', taskSet: '(not created)' };
    case 'RunTask':
    case 'StartTask':
      return { kind: 'task', cluster, tasks: [] };
    case 'RegisterDaemonTaskDefinition':
      return { kind: 'daemonTaskDefinition', daemonTaskDefinition: str(params.family) ?? '(unnamed family)' };
    case 'CreateDaemon':
    case 'UpdateDaemon':
      return { kind: 'daemon', daemon: str(params.daemonArn) ?? str(params.daemonName) ?? '(unnamed daemon)' };
    case 'CreateExpressGatewayService':
    case 'UpdateExpressGatewayService':
      return { kind: 'expressService', service: str(params.serviceArn) ?? str(params.serviceName) ?? '(unnamed Express service)' };
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function targetOf(eventName: AdmissionEventName, params: Record<string, unknown>, response: Record<string, unknown>, eventId: string): Target | IgnoredEvent {
  const missing = (what: string): never => {
    throw new MalformedEventError(eventId, `${eventName} event names no ${what} (requestParameters and responseElements lack it)`);
  };
  // ECS defaults the cluster to `default` when the call names none.
  const cluster = str(params.cluster) ?? 'default';
  switch (eventName) {
    case 'RegisterTaskDefinition': {
      const taskDefinition = str(obj(response.taskDefinition).taskDefinitionArn);
      if (taskDefinition) return { kind: 'taskDefinition', taskDefinition };
      // No response recorded (CloudTrail omits or truncates large ones): the revision is found by
      // the content the request registered, never taken to be the family's latest.
      const family = str(params.family) ?? missing('task definition ARN or family');
      return { kind: 'registration', family, ...(Array.isArray(params.containerDefinitions) ? { registered: params } : {}) };
    }
    case 'CreateService':
    case 'UpdateService': {
      const service = obj(response.service);
      return {
        kind: 'service',
        cluster: str(service.clusterArn) ?? cluster,
        service: str(service.serviceArn) ?? str(params.serviceName) ?? str(params.service) ?? missing('service'),
      };
    }
    case 'CreateTaskSet': {
      const taskSet = obj(response.taskSet);
      return {
        kind: 'taskSet',
        cluster: str(taskSet.clusterArn) ?? cluster,
        service: str(taskSet.serviceArn) ?? str(params.service) ?? missing('service'),
        taskSet: str(taskSet.taskSetArn) ?? missing('task set ARN'),
      };
    }
    case 'RunTask':
    case 'StartTask': {
      const tasks = (Array.isArray(response.tasks) ? response.tasks : []).map((t) => str(obj(t).taskArn)).filter((a): a is string => a !== undefined);
      if (tasks.length === 0) {
        if (response.tasks === undefined && Object.keys(response).length === 0) missing('started task');
        return { ignored: true, eventId, reason: `${eventName} started no task` };
      }
      const first = obj((response.tasks as unknown[])[0]);
      return { kind: 'task', cluster: str(first.clusterArn) ?? cluster, tasks };
    }
    // Daemons and Express services: their ARN is in the response (creations) or the request (updates).
    case 'RegisterDaemonTaskDefinition':
      return { kind: 'daemonTaskDefinition', daemonTaskDefinition: str(response.daemonTaskDefinitionArn) ?? missing('daemon task definition ARN') };
    case 'CreateDaemon':
    case 'UpdateDaemon':
      return { kind: 'daemon', daemon: str(response.daemonArn) ?? str(params.daemonArn) ?? missing('daemon ARN') };
    case 'CreateExpressGatewayService':
    case 'UpdateExpressGatewayService':
      return { kind: 'expressService', service: str(obj(response.service).serviceArn) ?? str(params.serviceArn) ?? missing('Express service ARN') };
  }
}
