/**
 * Partial sweep reports (src/sweep/partial.ts) and the organization digest: the partials of a
 * sweep's parts merge into the digest of the whole sweep, and an organization's digest groups by
 * account and OU and names the accounts it could not read — in both formats, within SNS's limits,
 * and with nothing new in a single account's digest.
 */
import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS } from '../../src/render/chatbot.js';
import { buildDigest, buildDigestOfPartial, type DigestChatbotNotification, type SweepDigest } from '../../src/render/digest/index.js';
import { MAX_MESSAGE_BYTES } from '../../src/render/text.js';
import { digestOf, digestOfPartial, MAX_ACCOUNTS } from '../../src/sweep/digest.js';
import { mergePartials, partialOf, type SweepPartial } from '../../src/sweep/partial.js';
import type { SweepFailure, SweepReport } from '../../src/sweep/types.js';
import { sampleReport } from './sample-report.js';

const HUB = '999900001111';
const REGIONS = ['eu-west-1', 'us-east-1'];

/** The sample report cut into one report per account and Region, in that order; the first carries the counts. */
function parts(report: SweepReport): SweepReport[] {
  const targets = [...new Set([...report.resources.map((r) => `${r.account}/${r.region}`), ...report.failures.map((f) => `${f.account}/${f.region}`)])].sort();
  return targets.map((target, i) => ({
    ...report,
    resources: report.resources.filter((r) => `${r.account}/${r.region}` === target),
    failures: report.failures.filter((f) => `${f.account}/${f.region}` === target),
    counts: i === 0 ? report.counts : { ...report.counts, clusters: 0, services: 0, taskSets: 0, tasks: 0, taskDefinitions: 0 },
  }));
}

const accountsOf = (report: SweepReport): string[] =>
  [...new Set([...report.resources.map((r) => r.account), ...report.failures.map((f) => f.account)])].sort();

describe('partial sweep reports', () => {
  it('merge into the digest of the whole sweep, whatever the cut, and survive JSON', () => {
    const report = sampleReport();
    const scope = { account: HUB, regions: REGIONS, accounts: accountsOf(report) };
    const whole = digestOf(report, scope);
    const merged = mergePartials(parts(report).map((p) => JSON.parse(JSON.stringify(partialOf(p))) as SweepPartial));
    expect(digestOfPartial(merged, scope)).toEqual(whole);
    // In reverse order too, given back in order of account and Region: the same.
    const reversed = parts(report)
      .reverse()
      .map((p) => partialOf(p));
    expect(
      digestOfPartial(
        mergePartials(reversed.sort((a, b) => a.accounts[0]!.localeCompare(b.accounts[0]!) || a.regions[0]!.localeCompare(b.regions[0]!))),
        scope,
      ),
    ).toEqual(whole);
    // The changes since a previous sweep, and the state, are the whole sweep's too.
    const previous = digestOf({ ...report, resources: report.resources.slice(3), finishedAt: '2026-11-22T06:00:00.000Z' }, scope).state;
    expect(digestOfPartial(merged, scope, previous)).toEqual(digestOf(report, scope, previous));
  });

  it('keep the violations, not the resources: a line per violation, and only the worst offenders whole', () => {
    const report = sampleReport();
    const { offenders, ...rest } = partialOf(report);
    expect(offenders.length).toBeLessThanOrEqual(10);
    // Each violation's line: its ARN, rule, severity, owner and where (the sample's ARNs are about 90 characters).
    expect(JSON.stringify(rest.violations).length / rest.violations.length).toBeLessThan(300);
    expect(JSON.stringify(rest).length).toBeLessThan(JSON.stringify(report.resources).length / 5);
  });

  it('count an account-region that was swept and had nothing', () => {
    const empty = { ...sampleReport(), resources: [], failures: [] };
    const partial = partialOf(empty, { accounts: ['123456789012'], regions: ['sa-east-1'] });
    expect(mergePartials([partial, partialOf(sampleReport())]).counts.accounts).toBe(4);
  });
});

describe('the organization digest', () => {
  const orgDigest = (report: SweepReport, ous?: Record<string, string[]>) => {
    const partial = partialOf(report, ous ? { organizationalUnits: ous } : {});
    return buildDigestOfPartial(partial, { format: 'json', account: HUB, regions: REGIONS, accounts: [...accountsOf(report), '555555555555'] });
  };

  it('groups by account and OU, and names the accounts not read in full with why', () => {
    const report = sampleReport();
    const { digest, message } = orgDigest(report, { '111122223333': ['ou-prod', 'ou-root-child'], '222233334444': [] });
    const byAccount = Object.entries(digest.byAccount!);
    expect(byAccount.map(([a]) => a).sort()).toEqual(['111122223333', '222233334444']);
    expect(byAccount.reduce((n, [, c]) => n + c.total, 0)).toBe(digest.violations.total);
    expect(digest.byAccount!['111122223333']!.organizationalUnit).toBe('ou-prod');
    expect(digest.byAccount!['222233334444']!.organizationalUnit).toBe('root');
    expect(digest.byOrganizationalUnit!['ou-prod']).toEqual({ ...digest.byAccount!['111122223333'], organizationalUnit: undefined, accounts: 1 });
    // The account of the list that was swept and had nothing counts, and is read.
    expect(digest.accounts).toEqual({
      total: 4,
      read: 3,
      unreadable: [{ account: '444455556666', regions: ['eu-west-1'], reason: `ListClusters: AccessDeniedException: ${report.failures[0]!.message}` }],
    });
    expect(message.subject).toMatch(/ in 4 accounts, 2 regions - 1 account not fully read$/);
    expect((JSON.parse(message.message) as SweepDigest).byAccount).toEqual(digest.byAccount);
  });

  it("adds nothing to a single account's digest (the wire format only grows for organizations)", () => {
    const { digest } = buildDigest(sampleReport(), { format: 'json', account: '111122223333', regions: REGIONS });
    for (const field of ['byAccount', 'byOrganizationalUnit', 'accounts']) expect(digest).not.toHaveProperty(field);
  });

  it('in the Chatbot format: the organization, by account, by OU, and one line per unreadable account', () => {
    const partial = partialOf(sampleReport(), { organizationalUnits: { '111122223333': ['ou-prod'] } });
    const { message } = buildDigestOfPartial(partial, {
      format: 'chatbot',
      account: HUB,
      regions: REGIONS,
      accounts: ['111122223333', '222233334444', '444455556666'],
    });
    const d = (JSON.parse(message.message) as DigestChatbotNotification).content.description;
    expect(d).toContain(`*ECS admission sweep* of 3 accounts of the organization (from \`${HUB}\`) in \`eu-west-1\`, \`us-east-1\``);
    expect(d).toMatch(/\*By account:\*\n• `\d{12}`/);
    expect(d).toContain('`111122223333` (ou-prod)');
    expect(d).toMatch(/\*By organizational unit:\*\n• ou-prod \(1 account\): \d+/);
    expect(d).toContain('*Could not be read* (not counted above):\n• 444455556666 (eu-west-1): ListClusters: AccessDeniedException: User: ');
  });

  it('stays within the SNS and Chatbot limits with hundreds of accounts, saying how many it left off', () => {
    const report = sampleReport();
    const failures: SweepFailure[] = Array.from({ length: 300 }, (_, i) => ({
      account: String(700000000000 + i),
      region: 'eu-west-1',
      operation: 'AssumeRole',
      code: 'UnreadableError',
      message: `cannot assume the role: deploy the member stack in ${700000000000 + i} ${'x'.repeat(300)}`,
    }));
    // Three hundred accounts with violations: the sample's resources copied into each.
    const resources = Array.from({ length: 300 }, (_, i) =>
      report.resources.map((r) => ({
        ...r,
        account: String(800000000000 + i),
        result: { ...r.result, resource: { ...r.result.resource, origin: { source: `${r.result.resource.origin.source}-${i}` } } },
      })),
    ).flat();
    const big = { ...report, resources, failures };
    const accounts = [...new Set([...resources.map((r) => r.account), ...failures.map((f) => f.account)])];
    for (const format of ['json', 'chatbot'] as const) {
      const { digest, message } = buildDigestOfPartial(partialOf(big), { format, account: HUB, regions: REGIONS, accounts }, undefined);
      expect(Buffer.byteLength(message.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(message.subject.length).toBeLessThanOrEqual(99);
      expect(Object.keys(digest.byAccount!)).toHaveLength(MAX_ACCOUNTS);
      expect(digest.truncated!.byAccount).toBe(300 - MAX_ACCOUNTS);
      expect(digest.accounts!.total).toBe(600);
      if (format === 'json') {
        const sent = JSON.parse(message.message) as SweepDigest;
        expect(Object.keys(sent.byAccount!).length + sent.truncated!.byAccount!).toBe(300);
        expect(sent.accounts!.unreadable.length + (sent.truncated!.unreadableAccounts ?? 0)).toBe(300);
      } else {
        const n = JSON.parse(message.message) as DigestChatbotNotification;
        expect(n.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
      }
    }
  });
});
