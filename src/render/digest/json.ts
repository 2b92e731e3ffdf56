/** The `json` format of the sweep's digest: what a subscriber parses. */
import type { Digest } from '../../sweep/digest.js';
import type { Offender } from '../../sweep/partial.js';
import { ALERT_SCHEMA_VERSION } from '../alert/json.js';
import { actionSummary } from '../alert/wording.js';
import { consoleUrl } from '../console.js';
import { byteLength, MAX_MESSAGE_BYTES } from '../text.js';

/** An offender as the `json` format says it: what enforcement would do in sentences, and a console link. */
export type DigestOffender = Omit<Offender, 'outcomes' | 'resource' | 'notes'> & {
  /** What enforcement would do, one sentence per action. */
  enforcement: string[];
  notes: string[];
  consoleUrl: string;
};

/** The `json` format of a digest (src/sweep/digest.ts says what each field counts). */
export type SweepDigest = {
  version: typeof ALERT_SCHEMA_VERSION;
  kind: 'ecs-admission.sweep';
} & Omit<Digest, 'worstOffenders'> & { worstOffenders: DigestOffender[] };

const offender = (o: Offender): DigestOffender => ({
  kind: o.kind,
  name: o.name,
  arn: o.arn,
  account: o.account,
  region: o.region,
  owner: o.owner,
  verdict: o.verdict,
  severity: o.severity,
  rules: o.rules,
  findings: o.findings,
  enforcement: o.outcomes.map(actionSummary),
  notes: o.notes,
  consoleUrl: consoleUrl(o.resource, o.region),
});

/** The digest as its document: versioned, with the offenders' enforcement in words and their console links. */
export function digestDocument(digest: Digest): SweepDigest {
  return {
    version: ALERT_SCHEMA_VERSION,
    kind: 'ecs-admission.sweep',
    startedAt: digest.startedAt,
    finishedAt: digest.finishedAt,
    account: digest.account,
    regions: digest.regions,
    counts: digest.counts,
    policies: digest.policies,
    resources: digest.resources,
    violations: digest.violations,
    findings: digest.findings,
    byOwner: digest.byOwner,
    byRule: digest.byRule,
    worstOffenders: digest.worstOffenders.map(offender),
    changes: digest.changes,
    failures: digest.failures,
    unreadable: digest.unreadable,
    ...(digest.truncated ? { truncated: digest.truncated } : {}),
    ...(digest.byAccount ? { byAccount: digest.byAccount } : {}),
    ...(digest.byOrganizationalUnit ? { byOrganizationalUnit: digest.byOrganizationalUnit } : {}),
    ...(digest.accounts ? { accounts: digest.accounts } : {}),
  };
}

/** The document as JSON; when it would not fit in SNS (very long names), the lists get shorter. */
export function digestJson(digest: SweepDigest): string {
  const full = JSON.stringify(digest);
  if (byteLength(full) <= MAX_MESSAGE_BYTES) return full;
  for (const keep of [10, 3, 0]) {
    const changes = digest.changes && {
      ...digest.changes,
      newViolations: digest.changes.newViolations.slice(0, keep),
      resolved: digest.changes.resolved.slice(0, keep),
    };
    const owners = Object.entries(digest.byOwner);
    const truncated: NonNullable<SweepDigest['truncated']> = {
      ...digest.truncated,
      byOwner: (digest.truncated?.byOwner ?? 0) + Math.max(0, owners.length - keep),
      newViolations: Math.max(0, (digest.changes?.newCount ?? 0) - keep),
      resolved: Math.max(0, (digest.changes?.resolvedCount ?? 0) - keep),
      failures: (digest.truncated?.failures ?? 0) + Math.max(0, digest.failures.length - keep),
    };
    const smaller: SweepDigest = {
      ...digest,
      byOwner: Object.fromEntries(owners.slice(0, keep)),
      changes,
      failures: digest.failures.slice(0, keep),
      worstOffenders: digest.worstOffenders.slice(0, Math.max(keep, 1)),
      truncated,
    };
    // An organization's groups get shorter too (counts stay whole: they are small).
    if (digest.byAccount) {
      const accounts = Object.entries(digest.byAccount);
      smaller.byAccount = Object.fromEntries(accounts.slice(0, keep));
      truncated.byAccount = (digest.truncated?.byAccount ?? 0) + Math.max(0, accounts.length - keep);
    }
    if (digest.byOrganizationalUnit) {
      const ous = Object.entries(digest.byOrganizationalUnit);
      smaller.byOrganizationalUnit = Object.fromEntries(ous.slice(0, keep));
      truncated.byOrganizationalUnit = (digest.truncated?.byOrganizationalUnit ?? 0) + Math.max(0, ous.length - keep);
    }
    if (digest.accounts) {
      smaller.accounts = { ...digest.accounts, unreadable: digest.accounts.unreadable.slice(0, keep) };
      truncated.unreadableAccounts = (digest.truncated?.unreadableAccounts ?? 0) + Math.max(0, digest.accounts.unreadable.length - keep);
    }
    const text = JSON.stringify(smaller);
    if (byteLength(text) <= MAX_MESSAGE_BYTES || keep === 0) return text;
  }
  return full; // not reached
}
