/**
 * Turns a Decision into an SNS message: a subject for email inboxes, a body (a versioned JSON document for machines, or
 * an AWS Chatbot custom notification for Slack/Teams) and message attributes for subscription filter policies.
 * Pure: no SDK, no clock; the Lambda publishes what this returns.
 */
import { KIND_NAMES, type Finding, type ResourceKind, type Severity } from '../core/types.js';
import type { ActionOutcome, Decision, JudgedResource, OutcomeStatus, PlannedAction, Verdict } from './types.js';

export const ALERT_SCHEMA_VERSION = '1';

export type AlertFormat = 'json' | 'chatbot';

export interface AlertMessage {
  subject: string;
  message: string;
  attributes: Record<string, { DataType: 'String' | 'String.Array'; StringValue: string }>;
}

/**
 * SNS documents the subject as "less than 100 characters", ASCII, no line breaks; a non-conforming subject fails the
 * Publish call, so the alert would be lost. 99 satisfies both readings of the limit.
 */
export const MAX_SUBJECT_LENGTH = 99;
/** SNS caps a message at 256 KiB including its attributes and subject; the body keeps under 250 KiB to leave room. */
export const MAX_MESSAGE_BYTES = 250 * 1024;
/** Limits of the Chatbot custom notification schema; a payload over them is not rendered at all. */
export const CHATBOT_LIMITS = { title: 250, description: 8000, nextStep: 350, nextSteps: 5, keyword: 75, keywords: 10 } as const;

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
}

/** The `chatbot` format: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html */
export interface ChatbotNotification<EventType extends string = 'ecs-admission.decision'> {
  version: '1.0';
  source: 'custom';
  id: string;
  content: { textType: 'client-markdown'; title: string; description: string; nextSteps: string[]; keywords: string[] };
  metadata: {
    threadId: string;
    summary: string;
    eventType: EventType;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

export function buildAlert(decision: Decision, format: AlertFormat): AlertMessage {
  const message = format === 'chatbot' ? JSON.stringify(chatbotNotification(decision)) : jsonMessage(decision);
  return { subject: subject(decision), message, attributes: attributes(decision) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Console links

/** A link to the resource in the ECS console (v2), for people reading the alert. */
export function consoleUrl(resource: JudgedResource, region: string): string {
  const base = `https://${encodeURIComponent(region)}.console.aws.amazon.com/ecs/v2`;
  const query = `?region=${encodeURIComponent(region)}`;
  const seg = encodeURIComponent;
  switch (resource.kind) {
    case 'taskDefinition': {
      const { family, revision } = taskDefinitionParts(resource);
      // Without a revision the family page is the best there is.
      return revision ? `${base}/task-definitions/${seg(family)}/${seg(revision)}/containers${query}` : `${base}/task-definitions/${seg(family)}${query}`;
    }
    case 'service':
    case 'taskSet':
      // A task set has no console page of its own: it is shown on its service's page.
      return `${base}/clusters/${seg(clusterOf(resource))}/services/${seg(serviceOf(resource))}/health${query}`;
    case 'task':
      return `${base}/clusters/${seg(clusterOf(resource))}/tasks/${seg(taskIdOf(resource))}/configuration${query}`;
  }
}

/** The part of an ECS ARN after `:<resource-type>/`, split on `/`; undefined when `arn` is not an ARN of that type. */
function arnPath(arn: string | undefined, type: string): string[] | undefined {
  const match = arn && /^arn:[^:]+:ecs:[^:]*:[^:]*:([^/]+)\/(.+)$/.exec(arn);
  return match && match[1] === type ? (match[2] ?? '').split('/') : undefined;
}

/** `cluster` may be a name or an ARN; consoles, threads and filter policies want the name. */
function clusterName(cluster: string | undefined): string | undefined {
  return cluster ? (arnPath(cluster, 'cluster')?.join('/') ?? cluster) : undefined;
}

function clusterOf(resource: JudgedResource): string {
  const fromArn = resource.kind === 'taskDefinition' ? undefined : arnPath(resource.arn, resource.kind === 'taskSet' ? 'task-set' : resource.kind);
  // New-format service/task/task-set ARNs carry the cluster; ECS uses the `default` cluster when a call names none.
  return clusterName(resource.cluster) ?? (fromArn && fromArn.length > 1 ? fromArn[0] : undefined) ?? 'default';
}

function serviceOf(resource: JudgedResource): string {
  if (resource.service) return resource.service;
  if (resource.kind === 'taskSet') return arnPath(resource.arn, 'task-set')?.[1] ?? resource.name;
  return arnPath(resource.arn, 'service')?.at(-1) ?? resource.name;
}

function taskIdOf(resource: JudgedResource): string {
  return arnPath(resource.arn, 'task')?.at(-1) ?? resource.name;
}

function taskDefinitionParts(resource: JudgedResource): { family: string; revision?: string } {
  const ref = arnPath(resource.arn, 'task-definition')?.join('/') ?? resource.name;
  const match = /^(.+):(\d+)$/.exec(ref);
  return match ? { family: match[1] ?? ref, revision: match[2] } : { family: resource.family ?? ref };
}

/** `family:revision` of a task definition reference (ARN or not), for sentences. */
function shortTaskDefinition(ref: string): string {
  return arnPath(ref, 'task-definition')?.join('/') ?? ref;
}

// ---------------------------------------------------------------------------------------------------------------------
// What was done, in words

const VERBS = {
  deregisterTaskDefinition: { kind: 'taskDefinition', done: 'deregistered', base: 'deregister' },
  updateService: { kind: 'service', done: 'rolled back', base: 'roll back' },
  deleteTaskSet: { kind: 'taskSet', done: 'deleted', base: 'delete' },
  stopTask: { kind: 'task', done: 'stopped', base: 'stop' },
} as const satisfies Record<Exclude<PlannedAction['type'], 'tagResource'>, { kind: ResourceKind; done: string; base: string }>;

/** One sentence per action: `Deregistered web:3`, `Would roll service api back to web:2`, `Failed to stop task 1a2b`. */
export function actionSummary(outcome: ActionOutcome): string {
  const { action, status } = outcome;
  const say = (done: string, base: string, rest: string): string =>
    status === 'done'
      ? `${done} ${rest}`
      : status === 'failed'
        ? `Failed to ${base} ${rest}`
        : status === 'pending'
          ? `Will ${base} ${rest}`
          : status === 'unneeded'
            ? `No need to ${base} ${rest}`
            : `Would ${base} ${rest}`;
  switch (action.type) {
    case 'deregisterTaskDefinition':
      return say('Deregistered', 'deregister', action.name);
    case 'updateService': {
      const { changes } = action;
      const what = [
        changes.networkConfiguration && 'public IP disabled',
        changes.enableExecuteCommand === false && 'ECS Exec disabled',
        changes.platformVersion && `platform version ${changes.platformVersion}`,
        changes.deploymentConfiguration && 'circuit breaker on',
      ].filter((s): s is string => typeof s === 'string');
      const settings = what.length ? ` (${what.join(', ')})` : '';
      if (changes.taskDefinition) return say('Rolled', 'roll', `service ${action.service} back to ${shortTaskDefinition(changes.taskDefinition)}${settings}`);
      return say('Updated', 'update', `service ${action.service}${settings}`);
    }
    case 'deleteTaskSet':
      return say('Deleted', 'delete', `task set ${action.name} of service ${action.service}`);
    case 'stopTask':
      return say('Stopped', 'stop', `task ${action.name}`);
    case 'tagResource':
      // Tag keys only: the values are ours (verdict, rules, event) and add nothing to a sentence.
      return say('Tagged', 'tag', `${action.name} with ${Object.keys(action.tags).join(', ')}`);
  }
}

/** The action that says most about the decision: carried out first, then failed, then audit-only. */
function headlineOutcome(decision: Decision): ActionOutcome | undefined {
  const destructive = decision.outcomes.filter((o) => o.action.type !== 'tagResource');
  return destructive.find((o) => o.status === 'done' || o.status === 'unneeded') ?? destructive.find((o) => o.status === 'failed') ?? destructive[0];
}

/** The subject's sentence, split so that only the resource name is shortened when it is too long. */
function headline(decision: Decision): { before: string; name: string; after: string } {
  const outcome = headlineOutcome(decision);
  if (outcome && outcome.action.type !== 'tagResource') {
    const verb = VERBS[outcome.action.type];
    const kind = KIND_NAMES[verb.kind];
    const name = outcome.action.name;
    // `unneeded`: a retry found it done (by the attempt that failed after acting).
    if (outcome.status === 'done' || outcome.status === 'unneeded') return { before: '', name, after: ` ${kind} ${verb.done}` };
    if (outcome.status === 'would') return { before: `would ${verb.base} ${kind} `, name, after: '' };
    return { before: `failed to ${verb.base} ${kind} `, name, after: '' };
  }
  const kind = KIND_NAMES[decision.resource.kind];
  const name = decision.resource.name;
  switch (decision.verdict) {
    case 'deny':
      // No action planned (no compliant revision to roll back to, action cap reached…): the notes say why.
      return { before: '', name, after: decision.mode === 'audit' ? ` ${kind} would be denied` : ` ${kind} denied, not enforced` };
    case 'flag':
      return { before: '', name, after: ` ${kind} flagged` };
    case 'pass':
      return { before: '', name, after: ` ${kind} passed` };
    case 'unverified':
      return { before: '', name, after: ` ${kind} could not be verified` };
  }
}

/** Findings that count (not suspended by an exception). */
const counting = (findings: readonly Finding[]): Finding[] => findings.filter((f) => !f.exception);

const unique = <T>(list: readonly T[]): T[] => [...new Set(list)];

/** Rule ids behind the verdict first (the denying rules of a deny), then the others that count. */
function ruleIds(decision: Decision): string[] {
  const live = counting(decision.findings);
  const behind = live.filter((f) => f.action === decision.verdict);
  return unique([...behind, ...live].map((f) => f.ruleId));
}

// ---------------------------------------------------------------------------------------------------------------------
// Subject

/** SNS rejects non-ASCII and control characters in subjects: transliterate what can be, replace the rest. */
export function toAsciiLine(text: string): string {
  return text
    .replace(/[\u2012-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\u2026/g, '...')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '?');
}

/** Cuts `text` to `max` UTF-16 units ending in `...`, never splitting a surrogate pair. */
function truncate(text: string, max: number, ellipsis = '...'): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ellipsis.length));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ellipsis;
}

/** Shortens a name, keeping a `:revision` suffix: `very-long-fam...:3`. */
function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const revision = /:\d+$/.exec(name)?.[0];
  if (revision && max - revision.length >= 4) return truncate(name.slice(0, -revision.length), max - revision.length) + revision;
  return truncate(name, max);
}

function tag(decision: Decision): string {
  return `[${decision.verdict.toUpperCase()}${decision.severity ? ` ${decision.severity}` : ''}]`;
}

/** `[DENY critical] web:3 task definition deregistered - no-privileged-containers +1`. */
function subject(decision: Decision): string {
  const { before, name, after } = headline(decision);
  const rules = ruleIds(decision);
  const [head, asciiName, tail, rule, more] = [
    `${tag(decision)} ${before}`,
    name,
    after + (rules.length ? ' - ' : ''),
    rules[0] ?? '',
    rules.length > 1 ? ` +${rules.length - 1}` : '',
  ].map(toAsciiLine) as [string, string, string, string, string];
  // Shorten the name, then the rule id, rather than the end: what happened and why stay readable.
  let fittedName = asciiName;
  let fittedRule = rule;
  const over = (): number => head.length + fittedName.length + tail.length + fittedRule.length + more.length - MAX_SUBJECT_LENGTH;
  if (over() > 0) fittedName = shortenName(asciiName, Math.max(MIN_SHORTENED, asciiName.length - over()));
  if (over() > 0) fittedRule = truncate(rule, Math.max(MIN_SHORTENED, rule.length - over()));
  return truncate(`${head}${fittedName}${tail}${fittedRule}${more}`.trim(), MAX_SUBJECT_LENGTH);
}

/** Below this a shortened name or rule id says nothing any more. */
const MIN_SHORTENED = 12;

// ---------------------------------------------------------------------------------------------------------------------
// JSON document

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
      cluster: clusterName(resource.cluster),
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
  };
}

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/** The document as JSON, dropping findings from the end (and counting them) when it would not fit in SNS. */
function jsonMessage(decision: Decision): string {
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

// ---------------------------------------------------------------------------------------------------------------------
// Chatbot custom notification

const EMOJI: Record<Verdict, string> = { deny: ':no_entry:', flag: ':warning:', pass: ':white_check_mark:', unverified: ':grey_question:' };

/** Slack mrkdwn treats `&`, `<` and `>` as control characters; text from resources must not form links or mentions. */
const mrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Inline code cannot hold a backtick. */
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const link = (url: string, label: string): string => `<${url}|${mrkdwn(label).replace(/\|/g, '/')}>`;

const MAX_FINDING_LINE = 600;

function description(decision: Decision): string {
  const { request, resource } = decision;
  const kind = KIND_NAMES[resource.kind];
  const cluster = clusterName(resource.cluster);
  const where = [`Account ${code(request.account)}`, `Region ${code(request.region)}`, cluster && `Cluster ${code(cluster)}`].filter(Boolean).join(' · ');
  const who = request.principal.arn ? code(request.principal.arn) : 'an unknown principal';
  const lines = [
    `*${kind.charAt(0).toUpperCase()}${kind.slice(1)}* ${link(consoleUrl(resource, request.region), resource.name)} (owner: ${mrkdwn(resource.owner)})`,
    where,
    `${code(request.eventName)} by ${who}${request.principal.type ? ` (${mrkdwn(request.principal.type)})` : ''} at ${mrkdwn(request.eventTime)}`,
  ];
  const actions = decision.outcomes.map((o) => `• ${mrkdwn(actionSummary(o))}${o.detail ? `: ${mrkdwn(o.detail)}` : ''}`);
  if (actions.length) lines.push('', decision.mode === 'audit' ? '*Audit mode, nothing was changed:*' : '*Actions:*', ...actions);
  else lines.push('', decision.mode === 'audit' ? '_Audit mode: nothing was changed._' : '_No action was taken._');
  if (decision.unverified?.length) lines.push('', '*Could not verify:*', ...decision.unverified.map((n) => `• ${mrkdwn(n)}`));
  if (decision.notes.length) lines.push('', '*Notes:*', ...decision.notes.map((n) => `• ${mrkdwn(n)}`));
  const head = lines.map((l) => truncate(l, MAX_FINDING_LINE)).join('\n');

  const bullets = decision.findings.map((f) => {
    const suspended = f.exception ? ` _(exception of ${mrkdwn(f.exception.policy)} until ${mrkdwn(f.exception.expires)})_` : '';
    const container = f.container ? ` [${mrkdwn(f.container)}]` : '';
    return truncate(`• *${mrkdwn(f.ruleId)}* (${f.severity}): ${mrkdwn(f.message)}${container}${suspended}`, MAX_FINDING_LINE);
  });
  const max = CHATBOT_LIMITS.description;
  let text = bullets.length ? `${head}\n\n*Findings:*` : head;
  // Keep whole bullets, and room for the line that says how many were left off.
  for (const [i, bullet] of bullets.entries()) {
    const rest = bullets.length - i - 1;
    const reserve = rest > 0 ? 40 : 0;
    if (text.length + 1 + bullet.length + reserve > max) {
      const left = bullets.length - i;
      text += `\n_...and ${left} more finding${left === 1 ? '' : 's'}_`;
      break;
    }
    text += `\n${bullet}`;
  }
  return truncate(text, max);
}

function chatbotNotification(decision: Decision): ChatbotNotification {
  const { request, resource } = decision;
  const { before, name, after } = headline(decision);
  const rules = ruleIds(decision);
  const title = `${EMOJI[decision.verdict]} ${tag(decision)} ${before}${name}${after}${rules.length ? `: ${rules.join(', ')}` : ''}`;
  const live = counting(decision.findings);
  // Remediations of the findings that count first; a suspended finding's fix is less urgent.
  const nextSteps = unique([...live, ...decision.findings].map((f) => f.remediation.trim()).filter(Boolean))
    .slice(0, CHATBOT_LIMITS.nextSteps)
    .map((s) => truncate(mrkdwn(s), CHATBOT_LIMITS.nextStep));
  const keywords = unique([decision.verdict, decision.severity, decision.mode, ...rules].filter((k): k is string => !!k).map((k) => truncate(k, CHATBOT_LIMITS.keyword))).slice(
    0,
    CHATBOT_LIMITS.keywords,
  );
  const additionalContext: Record<string, string> = {};
  const context = { account: request.account, region: request.region, verdict: decision.verdict, severity: decision.severity, owner: resource.owner, eventId: request.eventId, decisionId: decision.decisionId };
  for (const [key, value] of Object.entries(context)) if (value) additionalContext[key] = value;
  return {
    version: '1.0',
    source: 'custom',
    id: decision.decisionId,
    content: {
      textType: 'client-markdown',
      title: truncate(title, CHATBOT_LIMITS.title),
      description: description(decision),
      nextSteps,
      keywords,
    },
    metadata: {
      // One thread per family (or service) in an account and region: successive revisions' alerts read as a story.
      threadId: `ecs-admission/${request.account}/${request.region}/${resource.family ?? resource.service ?? resource.name}`,
      summary: subject(decision),
      eventType: 'ecs-admission.decision',
      relatedResources: [resource.arn],
      additionalContext,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Message attributes

/**
 * What subscription filter policies match on, and the decision id for de-duplication (SNS allows 10 attributes; the
 * event name is in the body only). An attribute with an empty value is rejected by Publish, so unknown values are left
 * out rather than sent empty.
 */
function attributes(decision: Decision): AlertMessage['attributes'] {
  const { request, resource } = decision;
  const out: AlertMessage['attributes'] = {};
  const put = (name: string, value: string | undefined): void => {
    if (value?.trim()) out[name] = { DataType: 'String', StringValue: value };
  };
  put('severity', decision.severity);
  put('verdict', decision.verdict);
  put('mode', decision.mode);
  put('account', request.account);
  put('region', request.region);
  put('cluster', clusterName(resource.cluster));
  put('family', resource.family);
  put('owner', resource.owner);
  const rules = ruleIds(decision);
  // String.Array values are JSON arrays; a filter policy matches when any element matches.
  if (rules.length) out.rules = { DataType: 'String.Array', StringValue: JSON.stringify(rules) };
  put('decisionId', decision.decisionId);
  return out;
}
