/** The `chatbot` format of an alert: an AWS Chatbot custom notification for Slack or Teams. */
import { KIND_NAMES } from '../../core/types.js';
import { clusterName } from '../../core/identity.js';
import type { Decision, Verdict } from '../../admission/types.js';
import { CHATBOT_LIMITS, code, link, mrkdwn, type ChatbotNotification } from '../chatbot.js';
import { consoleUrl } from '../console.js';
import { truncate } from '../text.js';
import { actionSummary, counting, headline, ruleIds, subject, tag, unique } from './wording.js';

const EMOJI: Record<Verdict, string> = {
  deny: ':no_entry:',
  flag: ':warning:',
  pass: ':white_check_mark:',
  unverified: ':grey_question:',
  blocked: ':shield:',
};

const MAX_FINDING_LINE = 600;

/** A call AWS refused: what it said, and which rules' guardrails the request breaks. */
function blockedLines(blocked: NonNullable<Decision['blocked']>): string[] {
  const said = `*Blocked by AWS* (${code(blocked.errorCode)})${blocked.errorMessage ? `: ${mrkdwn(blocked.errorMessage)}` : ''}`;
  const rules = blocked.rules.length
    ? `The request breaks ${blocked.rules.map(code).join(', ')}: the guardrail of ${blocked.rules.length === 1 ? 'this rule' : 'these rules'} matched.`
    : '_No deny rule of the policies names this request: another guardrail or permission refused it._';
  return [said, rules, '_Nothing ran: no action was taken._'];
}

function description(decision: Decision): string {
  const { request, resource } = decision;
  const kind = KIND_NAMES[resource.kind];
  const cluster = resource.cluster ? clusterName(resource.cluster) : undefined;
  const where = [`Account ${code(request.account)}`, `Region ${code(request.region)}`, cluster && `Cluster ${code(cluster)}`].filter(Boolean).join(' · ');
  const who = request.principal.arn ? code(request.principal.arn) : 'an unknown principal';
  const lines = [
    `*${kind.charAt(0).toUpperCase()}${kind.slice(1)}* ${link(consoleUrl(resource, request.region), resource.name)} (owner: ${mrkdwn(resource.owner)})`,
    where,
    `${code(request.eventName)} by ${who}${request.principal.type ? ` (${mrkdwn(request.principal.type)})` : ''} at ${mrkdwn(request.eventTime)}`,
  ];
  const actions = decision.outcomes.map((o) => `• ${mrkdwn(actionSummary(o))}${o.detail ? `: ${mrkdwn(o.detail)}` : ''}`);
  if (decision.blocked) lines.push('', ...blockedLines(decision.blocked));
  else if (actions.length) lines.push('', decision.mode === 'audit' ? '*Audit mode, nothing was changed:*' : '*Actions:*', ...actions);
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

export function alertNotification(decision: Decision): ChatbotNotification {
  const { request, resource } = decision;
  const { before, name, after } = headline(decision);
  const rules = ruleIds(decision);
  const title = `${EMOJI[decision.verdict]} ${tag(decision)} ${before}${name}${after}${rules.length ? `: ${rules.join(', ')}` : ''}`;
  const live = counting(decision.findings);
  // Remediations of the findings that count first; a suspended finding's fix is less urgent.
  const nextSteps = unique([...live, ...decision.findings].map((f) => f.remediation.trim()).filter(Boolean))
    .slice(0, CHATBOT_LIMITS.nextSteps)
    .map((s) => truncate(mrkdwn(s), CHATBOT_LIMITS.nextStep));
  const keywords = unique(
    [decision.verdict, decision.severity, decision.mode, ...rules].filter((k): k is string => !!k).map((k) => truncate(k, CHATBOT_LIMITS.keyword)),
  ).slice(0, CHATBOT_LIMITS.keywords);
  const additionalContext: Record<string, string> = {};
  const context = {
    account: request.account,
    region: request.region,
    verdict: decision.verdict,
    severity: decision.severity,
    owner: resource.owner,
    eventId: request.eventId,
    decisionId: decision.decisionId,
  };
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
