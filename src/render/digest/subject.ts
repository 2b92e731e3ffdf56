/** The digest's headline, and its subject line (ASCII, within SNS's limit). */
import { MAX_SUBJECT_LENGTH, plural, toAsciiLine } from '../text.js';
import type { SweepDigest } from './json.js';

/**
 * `12 violations (3 critical, 4 high) in 1 account, 2 regions - 2 new, 1 resolved - 1 region unreadable`, no tag;
 * `compact` leaves out where, for subjects that would be too long otherwise.
 */
export function digestHeadline(digest: SweepDigest, compact = false): string {
  const v = digest.violations;
  const worst = (['critical', 'high'] as const).filter((s) => v[s] > 0).map((s) => `${v[s]} ${s}`);
  const what = v.total === 0 ? 'no violations' : `${plural(v.total, 'violation')}${worst.length ? ` (${worst.join(', ')})` : ''}`;
  const parts = [compact ? what : `${what} in ${plural(digest.counts.accounts, 'account')}, ${plural(digest.counts.regions, 'region')}`];
  if (digest.changes) {
    const { newCount, resolvedCount } = digest.changes;
    parts.push(
      newCount === 0 && resolvedCount === 0
        ? 'no change'
        : [newCount > 0 && `${newCount} new`, resolvedCount > 0 && `${resolvedCount} resolved`].filter(Boolean).join(', '),
    );
  }
  const unreadable = digest.unreadable.length;
  if (digest.accounts) {
    // An organization: which accounts (not which of their regions) is what the reader acts on.
    const accounts = digest.accounts.unreadable.length + (digest.truncated?.unreadableAccounts ?? 0);
    if (accounts > 0) parts.push(compact ? `${accounts} accounts unread` : `${plural(accounts, 'account')} not fully read`);
  } else if (unreadable > 0) parts.push(compact ? `${unreadable} unreadable` : `${plural(unreadable, 'region')} unreadable`);
  return parts.join(' - ');
}

/** ASCII, one line, at most MAX_SUBJECT_LENGTH: SNS refuses anything else, and the digest would be lost. */
export function digestSubject(digest: SweepDigest): string {
  const full = toAsciiLine(`[SWEEP] ${digestHeadline(digest)}`);
  if (full.length <= MAX_SUBJECT_LENGTH) return full;
  const compact = toAsciiLine(`[SWEEP] ${digestHeadline(digest, true)}`);
  return compact.length <= MAX_SUBJECT_LENGTH ? compact : `${compact.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}
