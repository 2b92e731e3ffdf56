/**
 * A call AWS refused (AccessDenied: a guardrail, an SCP or IAM policy, denied it), reported when
 * the deployment asks (`reportBlocked`). Nothing was created, so nothing is read or done: the
 * request's own parameters are judged with the policies, offline, to name the deny rules it breaks
 * — the rules whose guardrail (`ecs-admission guardrails`) would have matched. The owner learns
 * that a deployment was stopped, and why.
 */
import { familyOf } from '../core/identity.js';
import { redactResult } from '../core/secrets/redact.js';
import { worstSeverity, type Finding, type ResourceKind, type ResourceObjects } from '../core/types.js';
import { resourceFromApi } from '../input/api.js';
import { decisionId } from '../admission/lease.js';
import { identityOf } from '../admission/read-target.js';
import type { AdmissionRequest, BlockedCall, Decision, JudgedResource } from '../admission/types.js';
import type { MakeEvaluate } from '../policy/evaluator.js';

export type BlockedRequest = AdmissionRequest & { blocked: BlockedCall };

export function blockedDecision(request: BlockedRequest, makeEvaluate: MakeEvaluate, key: string): Decision {
  const { parameters, ...call } = request.blocked;
  const judged = judgeRequest(request, parameters, makeEvaluate);
  const rules = [...new Set(judged.findings.map((f) => f.ruleId))];
  const decision: Decision = {
    decisionId: decisionId(key, 0),
    // The parameters stay here: a container's environment may hold secrets.
    request: { ...request, blocked: call },
    resource: resourceOf(request, parameters),
    verdict: 'blocked',
    mode: 'audit',
    findings: judged.findings,
    outcomes: [],
    notes: judged.notes,
    policies: judged.policies,
    blocked: { ...call, rules },
  };
  const severity = worstSeverity(judged.findings.map((f) => f.severity));
  if (severity) decision.severity = severity;
  return decision;
}

const KIND_OF: Record<AdmissionRequest['eventName'], ResourceKind> = {
  RegisterTaskDefinition: 'taskDefinition',
  CreateService: 'service',
  UpdateService: 'service',
  CreateTaskSet: 'taskSet',
  RunTask: 'task',
  StartTask: 'task',
  RegisterDaemonTaskDefinition: 'daemonTaskDefinition',
  CreateDaemon: 'daemon',
  UpdateDaemon: 'daemon',
  CreateExpressGatewayService: 'expressService',
  UpdateExpressGatewayService: 'expressService',
};

/**
 * The refused call's request as a resource in the API shape (the request is that shape, as `check`
 * reads a CloudTrail record; UpdateService names its service `service`), judged: the deny findings
 * that count. Read as the Lambda reads the ECS API, without the file readers (no YAML in the bundle).
 */
function judgeRequest(
  request: BlockedRequest,
  parameters: Record<string, unknown> | undefined,
  makeEvaluate: MakeEvaluate,
): { findings: Finding[]; policies: string[]; notes: string[] } {
  if (!parameters) return { findings: [], policies: [], notes: ['CloudTrail recorded no request parameters: the rules it breaks cannot be told.'] };
  const kind = KIND_OF[request.eventName];
  const { service, ...rest } = parameters;
  const object = request.eventName === 'UpdateService' ? { ...rest, serviceName: service } : parameters;
  const resource = resourceFromApi(kind, object as ResourceObjects[typeof kind], {
    eventName: request.eventName,
    eventTime: request.eventTime,
    account: request.account,
    region: request.region,
    ...(request.cloudTrailEventId ? { eventId: request.cloudTrailEventId } : {}),
    ...(request.principal.arn ? { principalArn: request.principal.arn } : {}),
    ...(request.organizationalUnits ? { organizationalUnits: request.organizationalUnits } : {}),
  });
  // Nothing was registered or started: a task definition the request names is not read (it may be
  // in another account); rules that need it cannot tell, and are not named.
  const evaluate = makeEvaluate((ref) => `task definition ${ref} was not read for a refused call`);
  const result = redactResult(evaluate(resource));
  return { findings: result.findings.filter((f) => f.action === 'deny' && !f.exception), policies: [...(result.policies ?? [])], notes: [] };
}

/** The resource the call would have made; a task by the task definition it would have run. */
function resourceOf(request: BlockedRequest, parameters: Record<string, unknown> | undefined): JudgedResource {
  const resource = identityOf(request);
  if (resource.kind !== 'task') return resource;
  const taskDefinition = typeof parameters?.taskDefinition === 'string' ? parameters.taskDefinition : undefined;
  if (!taskDefinition) return { ...resource, name: '(task definition not recorded)' };
  return { ...resource, arn: taskDefinition, name: taskDefinition, family: familyOf(taskDefinition) };
}
