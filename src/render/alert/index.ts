/**
 * Turns a Decision into a message: a subject for email inboxes, a body (a versioned JSON document for machines, or
 * an AWS Chatbot custom notification for Slack/Teams) and message attributes for subscription filter policies.
 * Pure: no SDK, no clock; a channel delivers what this returns.
 */
import { clusterName } from '../../core/identity.js';
import type { Message } from '../../core/channel.js';
import type { Decision } from '../../admission/types.js';
import { alertNotification } from './chatbot.js';
import { alertJson } from './json.js';
import { ruleIds, subject } from './wording.js';

export { ALERT_SCHEMA_VERSION, alertDocument, type AlertAction, type AlertDocument, type AlertFinding } from './json.js';
export { actionSummary } from './wording.js';

/** The formats a channel can carry: `json` for machines, `chatbot` for AWS Chatbot (Slack, Teams). */
export type AlertFormat = 'json' | 'chatbot';

export function buildAlert(decision: Decision, format: AlertFormat): Message {
  const message = format === 'chatbot' ? JSON.stringify(alertNotification(decision)) : alertJson(decision);
  return { subject: subject(decision), message, attributes: attributes(decision) };
}

/**
 * What subscription filter policies match on, and the decision id for de-duplication (SNS allows 10 attributes; the
 * event name is in the body only). An attribute with an empty value is rejected by Publish, so unknown values are left
 * out rather than sent empty.
 */
function attributes(decision: Decision): Message['attributes'] {
  const { request, resource } = decision;
  const out: Message['attributes'] = {};
  const put = (name: string, value: string | undefined): void => {
    if (value?.trim()) out[name] = { DataType: 'String', StringValue: value };
  };
  put('severity', decision.severity);
  put('verdict', decision.verdict);
  put('mode', decision.mode);
  put('account', request.account);
  put('region', request.region);
  put('cluster', resource.cluster ? clusterName(resource.cluster) : undefined);
  put('family', resource.family);
  put('owner', resource.owner);
  const rules = ruleIds(decision);
  // String.Array values are JSON arrays; a filter policy matches when any element matches.
  if (rules.length) out.rules = { DataType: 'String.Array', StringValue: JSON.stringify(rules) };
  put('decisionId', decision.decisionId);
  return out;
}
