/** The `json` format of an alert: a versioned document for machines (queues, Lambdas, HTTPS endpoints). */
import type { Finding, ResourceKind, Severity } from '../../core/types.js';
import { clusterName } from '../../core/identity.js';
import type { Decision, OutcomeStatus, PlannedAction, Verdict } from '../../admission/types.js';
import { consoleUrl } from '../console.js';
import { byteLength, MAX_MESSAGE_BYTES } from '../text.js';
import { actionSummary } from './wording.js';

/** The version of the alert and digest documents: a subscriber checks it before parsing further. */
export const ALERT_SCHEMA_VERSION = '1';

export interface AlertAction {
  type: PlannedAction['type'];
  status: OutcomeStatus;
  target: string;
  summary: string;
  rules: string[];
  detail?: string;
}

export interface AlertFinding {
  ruleId: string;
  severity: Severity;
  action: Finding['action'];
  mode: Finding['mode'];
  decidedBy: string;
  message: string;
  path: string;
  container?: string;
  remediation: string;
  exception?: { policy: string; reason: string; owner?: string; expires: string };
}

/** The `json` format: what a subscriber (queue, Lambda, HTTPS endpoint) parses. */
export interface AlertDocument {
  version: typeof ALERT_SCHEMA_VERSION;
  kind: 'ecs-admission.decision';
  /** The same on every copy of this alert: a subscriber drops a second message with a known id. */
  decisionId: string;
  eventId: string;
  cloudTrailEventId?: string;
  eventName: string;
  eventTime: string;
  account: string;
  region: string;
  principal: { arn?: string; type?: string };
  resource: {
    kind: ResourceKind;
    arn: string;
    name: string;
    cluster?: string;
    family?: string;
    service?: string;
    owner: string;
    consoleUrl: string;
  };
  mode: Decision['mode'];
  verdict: Verdict;
  severity?: Severity;
  actions: AlertAction[];
  findings: AlertFinding[];
  /** How many findings were left off the end to fit the SNS size limit. */
  truncatedFindings?: number;
  notes: string[];
  /** Why (part of) the call could not be verified: never a pass, always said. */
  unverified?: string[];
  policies: string[];
  /** Verdict `blocked`: what AWS said (CloudTrail's errorCode and errorMessage), and the deny rules the request breaks. */
  blocked?: { errorCode: string; errorMessage?: string; rules: string[] };
}

/** Only the listed fields: a resource's environment or container definitions may hold secrets and never go out. */
function alertFinding(f: Finding): AlertFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    action: f.action,
    mode: f.mode,
    decidedBy: f.decidedBy,
    message: f.message,
    path: f.path,
    container: f.container,
    remediation: f.remediation,
    ...(f.exception && { exception: { policy: f.exception.policy, reason: f.exception.reason, owner: f.exception.owner, expires: f.exception.expires } }),
  };
}

export function alertDocument(decision: Decision): AlertDocument {
  const { request, resource } = decision;
  return {
    version: ALERT_SCHEMA_VERSION,
    kind: 'ecs-admission.decision',
    decisionId: decision.decisionId,
    eventId: request.eventId,
    cloudTrailEventId: request.cloudTrailEventId,
    eventName: request.eventName,
    eventTime: request.eventTime,
    account: request.account,
    region: request.region,
    principal: { arn: request.principal.arn, type: request.principal.type },
    resource: {
      kind: resource.kind,
      arn: resource.arn,
      name: resource.name,
      cluster: resource.cluster ? clusterName(resource.cluster) : undefined,
      family: resource.family,
      service: resource.service,
      owner: resource.owner,
      consoleUrl: consoleUrl(resource, request.region),
    },
    mode: decision.mode,
    verdict: decision.verdict,
    severity: decision.severity,
    actions: decision.outcomes.map((o) => ({
      type: o.action.type,
      status: o.status,
      target: o.action.name,
      summary: actionSummary(o),
      rules: [...o.rules],
      detail: o.detail,
    })),
    findings: decision.findings.map(alertFinding),
    notes: [...decision.notes],
    ...(decision.unverified ? { unverified: [...decision.unverified] } : {}),
    policies: [...decision.policies],
    ...(decision.blocked
      ? { blocked: { errorCode: decision.blocked.errorCode, errorMessage: decision.blocked.errorMessage, rules: [...decision.blocked.rules] } }
      : {}),
  };
}

/** The document as JSON, dropping findings from the end (and counting them) when it would not fit in SNS. */
export function alertJson(decision: Decision): string {
  const doc = alertDocument(decision);
  const render = (kept: number): string =>
    JSON.stringify(kept === doc.findings.length ? doc : { ...doc, findings: doc.findings.slice(0, kept), truncatedFindings: doc.findings.length - kept });
  const full = render(doc.findings.length);
  if (byteLength(full) <= MAX_MESSAGE_BYTES) return full;
  // Binary search for the most findings that fit: re-serializing once per dropped finding is quadratic.
  let low = 0;
  let high = doc.findings.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (byteLength(render(mid)) <= MAX_MESSAGE_BYTES) low = mid;
    else high = mid - 1;
  }
  return render(low);
}
