/**
 * The sweep's digest as a message: subject, body (the `json` document or a Chatbot notification)
 * and attributes. Pure: the model is src/sweep/digest.ts; a channel delivers what this returns.
 */
import type { Message } from '../../core/channel.js';
import { SEVERITIES } from '../../core/types.js';
import { digestOfPartial, type DigestScope } from '../../sweep/digest.js';
import type { DigestState } from '../../sweep/digest-state.js';
import { partialOf, type SweepPartial } from '../../sweep/partial.js';
import type { SweepReport } from '../../sweep/types.js';
import type { AlertFormat } from '../alert/index.js';
import { digestNotification } from './chatbot.js';
import { digestDocument, digestJson, type SweepDigest } from './json.js';
import { digestSubject } from './subject.js';

export type { DigestChatbotNotification } from './chatbot.js';
export type { DigestOffender, SweepDigest } from './json.js';
export { digestSubject } from './subject.js';

export interface DigestOptions extends DigestScope {
  format: AlertFormat;
}

export interface BuiltDigest {
  digest: SweepDigest;
  message: Message;
  state: DigestState;
}

/** The digest of a sweep (its document, and its message in the given format), and the state the next sweep compares with. */
export function buildDigest(report: SweepReport, options: DigestOptions, previous?: DigestState): BuiltDigest {
  return buildDigestOfPartial(partialOf(report), options, previous);
}

/** The same from a sweep's partial (src/sweep/partial.ts): one sweep's, or many merged (an organization sweep). */
export function buildDigestOfPartial(partial: SweepPartial, options: DigestOptions, previous?: DigestState): BuiltDigest {
  const scope: DigestScope = { account: options.account, regions: [...options.regions], ...(options.accounts ? { accounts: [...options.accounts] } : {}) };
  const { digest, state } = digestOfPartial(partial, scope, previous);
  const document = digestDocument(digest);
  return { digest: document, state, message: digestMessage(document, options.format) };
}

/** The message of a digest: subject, body in the format, attributes. */
export function digestMessage(digest: SweepDigest, format: AlertFormat): Message {
  return {
    subject: digestSubject(digest),
    message: format === 'chatbot' ? JSON.stringify(digestNotification(digest)) : digestJson(digest),
    attributes: digestAttributes(digest),
  };
}

/**
 * For subscription filter policies (SNS allows 10): `kind` tells digests from decisions (which have
 * no `kind`), `violations`, `newViolations` and `failures` are Numbers (`numeric` filters).
 * `newViolations` and `resolved` are left out when there is nothing to compare with.
 */
function digestAttributes(digest: SweepDigest): Message['attributes'] {
  const out: Message['attributes'] = {};
  const str = (name: string, value: string | undefined): void => {
    if (value?.trim()) out[name] = { DataType: 'String', StringValue: value };
  };
  const num = (name: string, value: number): void => {
    out[name] = { DataType: 'Number', StringValue: String(value) };
  };
  str('kind', 'sweep');
  str(
    'severity',
    SEVERITIES.find((s) => digest.violations[s] > 0),
  );
  str('account', digest.account);
  if (digest.regions.length) out.regions = { DataType: 'String.Array', StringValue: JSON.stringify(digest.regions) };
  num('violations', digest.violations.total);
  if (digest.changes) {
    num('newViolations', digest.changes.newCount);
    num('resolved', digest.changes.resolvedCount);
  }
  num('failures', digest.failures.length + (digest.truncated?.failures ?? 0));
  const rules = Object.keys(digest.byRule);
  if (rules.length) out.rules = { DataType: 'String.Array', StringValue: JSON.stringify(rules) };
  return out;
}
