/** The `chatbot` format of the sweep's digest: an AWS Chatbot custom notification, as alerts use it. */
import { resourcePath } from '../../core/identity.js';
import { KIND_NAMES, SEVERITIES, type Severity } from '../../core/types.js';
import type { DigestChange } from '../../sweep/digest.js';
import type { SeverityCounts } from '../../sweep/partial.js';
import { CHATBOT_LIMITS, code, link, mrkdwn, type ChatbotNotification } from '../chatbot.js';
import { plural, truncate } from '../text.js';
import type { SweepDigest } from './json.js';
import { digestHeadline, digestSubject } from './subject.js';

/** The `chatbot` format, as alerts use it, for the sweep's digest. */
export type DigestChatbotNotification = ChatbotNotification<'ecs-admission.sweep'>;

const MAX_LINE = 500;
const MAX_NAME = 120;
/** A console link longer than this (very long names, percent-encoded) is left out; the name stays. */
const MAX_URL = 1000;
const EMOJI: Record<Severity | 'none', string> = {
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_yellow_circle:',
  low: ':information_source:',
  none: ':white_check_mark:',
};

function severityLine(counts: SeverityCounts): string {
  return SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(' · ');
}

const shortName = (change: DigestChange): string => change.name ?? resourcePath(change.arn);

/** Sections of lines; whole lines are kept while they fit, and each section says how many it left off. */
function description(digest: SweepDigest): string {
  const c = digest.counts;
  const v = digest.violations;
  const head = [
    digest.accounts
      ? `*ECS admission sweep* of ${plural(digest.accounts.total, 'account')} of the organization (from ${code(digest.account)}) in ${digest.regions.map(code).join(', ')}`
      : `*ECS admission sweep* of account ${code(digest.account)} in ${digest.regions.map(code).join(', ')}`,
    `Read ${plural(c.clusters, 'cluster')}, ${plural(c.services, 'service')}, ${plural(c.taskSets, 'task set')}, ${plural(c.tasks, 'standalone task')}, ${plural(c.taskDefinitions, 'task definition revision')}. _Audit: nothing was changed._`,
    v.total === 0 ? '*No violations.*' : `*${plural(v.total, 'violation')}* (${severityLine(v)}) in ${plural(digest.resources.violating, 'resource')}`,
  ];
  /** `bounded`: lines built short already (they hold links, which must not be cut). */
  const sections: { title: string; lines: string[]; more: number; bounded?: boolean }[] = [];
  if (digest.changes) {
    const ch = digest.changes;
    const since = `since ${mrkdwn(ch.since)}`;
    if (ch.newCount === 0 && ch.resolvedCount === 0) head.push(`No change ${since}.`);
    else head.push(`*${ch.newCount} new, ${ch.resolvedCount} resolved* ${since}.`);
    if (ch.newCount > 0) {
      sections.push({
        title: '*New since the last sweep:*',
        lines: ch.newViolations.map(
          (n) =>
            `• *${mrkdwn(n.ruleId)}* (${n.severity ?? 'unknown'}) on ${mrkdwn(shortName(n))} (${n.kind ? KIND_NAMES[n.kind] : 'resource'}, ${mrkdwn(n.region)}, owner ${mrkdwn(n.owner ?? 'unknown')})`,
        ),
        more: ch.newCount - ch.newViolations.length,
      });
    }
    if (ch.resolvedCount > 0) {
      sections.push({
        title: '*Resolved:*',
        lines: ch.resolved.map((r) => `• ${mrkdwn(r.ruleId)} on ${mrkdwn(shortName(r))} (${mrkdwn(r.region)})`),
        more: ch.resolvedCount - ch.resolved.length,
      });
    }
  }
  if (digest.worstOffenders.length > 0) {
    sections.push({
      title: '*Worst offenders:*',
      lines: digest.worstOffenders.map((o) => {
        const would = o.enforcement.filter((e) => !e.startsWith('Would tag'));
        const rules = `${o.rules[0] ?? ''}${o.rules.length > 1 ? ` +${o.rules.length - 1}` : ''}`;
        // Only the text after the link is shortened: a cut link would leave a `<` open.
        const name = truncate(o.name, MAX_NAME);
        const what = o.consoleUrl.length <= MAX_URL ? link(o.consoleUrl, name) : mrkdwn(name);
        const where = o.account === digest.account ? o.region : `${o.account}/${o.region}`;
        return `• ${EMOJI[o.severity]} ${what}${mrkdwn(truncate(` (${KIND_NAMES[o.kind]}, ${where}, owner ${o.owner}): ${o.severity}, ${rules}${would.length ? ` — ${would.join('; ')}` : ''}`, MAX_LINE))}`;
      }),
      more: Math.max(0, digest.resources.violating - digest.worstOffenders.length),
      bounded: true,
    });
  }
  const owners = Object.entries(digest.byOwner);
  if (owners.length > 0) {
    const shown = owners.slice(0, 5);
    sections.push({
      title: '*By owner:*',
      lines: shown.map(([owner, n]) => `• ${mrkdwn(owner)}: ${n.total} (${severityLine(n)})`),
      more: owners.length - shown.length + (digest.truncated?.byOwner ?? 0),
    });
  }
  if (digest.byAccount && Object.keys(digest.byAccount).length > 0) {
    const accounts = Object.entries(digest.byAccount);
    const shown = accounts.slice(0, 5);
    sections.push({
      title: '*By account:*',
      lines: shown.map(
        ([account, n]) => `• ${code(account)}${n.organizationalUnit ? ` (${mrkdwn(n.organizationalUnit)})` : ''}: ${n.total} (${severityLine(n)})`,
      ),
      more: accounts.length - shown.length + (digest.truncated?.byAccount ?? 0),
    });
  }
  if (digest.byOrganizationalUnit && Object.keys(digest.byOrganizationalUnit).length > 0) {
    const ous = Object.entries(digest.byOrganizationalUnit);
    const shown = ous.slice(0, 5);
    sections.push({
      title: '*By organizational unit:*',
      lines: shown.map(([ou, n]) => `• ${mrkdwn(ou)} (${plural(n.accounts, 'account')}): ${n.total}${n.total > 0 ? ` (${severityLine(n)})` : ''}`),
      more: ous.length - shown.length + (digest.truncated?.byOrganizationalUnit ?? 0),
    });
  }
  if (digest.accounts && digest.accounts.unreadable.length > 0) {
    // An organization: one line per account, with its regions and why.
    sections.push({
      title: '*Could not be read* (not counted above):',
      lines: digest.accounts.unreadable.map((u) => `• ${mrkdwn(u.account)} (${mrkdwn(u.regions.join(', '))}): ${mrkdwn(u.reason)}`),
      more: digest.truncated?.unreadableAccounts ?? 0,
    });
  } else if (digest.failures.length > 0) {
    sections.push({
      title: '*Could not be read* (not counted above):',
      lines: digest.failures.map(
        (f) => `• ${mrkdwn(`${f.account}/${f.region}`)}: ${mrkdwn(`${f.operation ? `${f.operation}: ` : ''}${f.code}: ${f.message}`)}`,
      ),
      more: digest.truncated?.failures ?? 0,
    });
  }

  const max = CHATBOT_LIMITS.description;
  let text = head.map((l) => truncate(l, MAX_LINE)).join('\n');
  for (const section of sections) {
    const title = `\n\n${section.title}`;
    if (text.length + title.length + 60 > max) break;
    text += title;
    const lines = section.lines.map((l) => (section.bounded ? l : truncate(l, MAX_LINE)));
    for (const [i, line] of lines.entries()) {
      // Room for this line and for the one that says how many were left off.
      if (text.length + 1 + line.length + 40 > max) {
        const left = lines.length - i + section.more;
        text += `\n_...and ${left} more_`;
        break;
      }
      text += `\n${line}`;
      if (i === lines.length - 1 && section.more > 0) text += `\n_...and ${section.more} more_`;
    }
  }
  return truncate(text, max);
}

export function digestNotification(digest: SweepDigest): DigestChatbotNotification {
  const worst = SEVERITIES.find((s) => digest.violations[s] > 0) ?? 'none';
  const subject = digestSubject(digest);
  // What to fix first: the worst rules, each with its remediation.
  const nextSteps = Object.entries(digest.byRule)
    .slice(0, CHATBOT_LIMITS.nextSteps)
    .map(([rule, n]) => truncate(`${mrkdwn(rule)} (${plural(n.total, 'violation')}): ${mrkdwn(n.remediation)}`, CHATBOT_LIMITS.nextStep));
  const keywords = [
    ...new Set([
      'sweep',
      ...SEVERITIES.filter((s) => digest.violations[s] > 0),
      ...(digest.changes && digest.changes.newCount > 0 ? ['new violations'] : []),
      ...(digest.failures.length > 0 ? ['unreadable regions'] : []),
    ]),
  ]
    .map((k) => truncate(k, CHATBOT_LIMITS.keyword))
    .slice(0, CHATBOT_LIMITS.keywords);
  const additionalContext: Record<string, string> = {
    account: digest.account,
    regions: digest.regions.join(','),
    violations: String(digest.violations.total),
    finishedAt: digest.finishedAt,
  };
  if (worst !== 'none') additionalContext.severity = worst;
  if (digest.changes) additionalContext.newViolations = String(digest.changes.newCount);
  return {
    version: '1.0',
    source: 'custom',
    id: `sweep-${digest.account}-${digest.finishedAt}`,
    content: {
      textType: 'client-markdown',
      title: truncate(`${EMOJI[worst]} ECS sweep: ${digestHeadline(digest)}`, CHATBOT_LIMITS.title),
      description: description(digest),
      nextSteps,
      keywords,
    },
    metadata: {
      // One thread per account: each day's digest follows the previous one.
      threadId: `ecs-admission/sweep/${digest.account}`,
      summary: subject,
      eventType: 'ecs-admission.sweep',
      relatedResources: digest.worstOffenders.map((o) => o.arn),
      additionalContext,
    },
  };
}
