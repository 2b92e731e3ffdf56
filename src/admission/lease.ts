/**
 * Exactly once per CloudTrail record, on a bus that delivers at least once. The ledger keeps one
 * entry per record (not per EventBridge event: a replay or a re-delivery may carry the same record
 * under a new id). The first delivery to write it holds a lease until its own deadline; any other
 * delivery that finds a live lease does nothing and fails, to be retried; one that finds the lease
 * over (its owner timed out or gave up) takes the entry over and finishes it. Every write after
 * that is conditional on still being the owner.
 */
import { createHash } from 'node:crypto';
import type { DecisionLedger, LedgerEntry } from './ports.js';
import type { AdmissionRequest } from './types.js';

/** Another invocation is working on the same record now: retry later, do nothing meanwhile. */
export class LeaseHeldError extends Error {
  constructor(key: string, owner: string, until: number) {
    super(`record ${key} is being decided by invocation ${owner} until ${new Date(until).toISOString()}; this delivery will be retried`);
    this.name = 'LeaseHeldError';
  }
}

/** Our lease was taken over while we worked: stop before doing anything more. */
export class LeaseLostError extends Error {
  constructor(key: string) {
    super(`record ${key} was taken over by another invocation; this one stops`);
    this.name = 'LeaseLostError';
  }
}

/** The ledger key of a record: its account and CloudTrail eventID (the EventBridge id when CloudTrail gave none). */
export const ledgerKey = (request: Pick<AdmissionRequest, 'account' | 'cloudTrailEventId' | 'eventId'>): string =>
  `${request.account}:${request.cloudTrailEventId ?? `eventbridge:${request.eventId}`}`;

/** The id alerts carry: the same for every delivery of a record, one per resource it decided on. */
export const decisionId = (key: string, index: number): string => `${createHash('sha256').update(key).digest('hex').slice(0, 24)}-${index}`;

export type Claim =
  /** Written now: this invocation decides. */
  | { status: 'new'; entry: LedgerEntry }
  /** An unfinished entry whose lease was over (or was our own, from an earlier attempt): finish it. */
  | { status: 'resumed'; entry: LedgerEntry }
  /** Acted on and alerted already: nothing to do. */
  | { status: 'finished'; entry: LedgerEntry };

/** Records `fresh` with its lease, or takes over or reports the entry already there. */
export async function claim(ledger: DecisionLedger, fresh: LedgerEntry, now: number): Promise<Claim> {
  const existing = await ledger.create(fresh);
  if (!existing) return { status: 'new', entry: fresh };
  if (existing.stage === 'alerted') return { status: 'finished', entry: existing };
  if (existing.owner !== fresh.owner && existing.leaseUntil > now) throw new LeaseHeldError(existing.key, existing.owner, existing.leaseUntil);
  // The earlier plan stands (it may have been partly carried out); only the owner changes.
  const taken: LedgerEntry = { ...existing, owner: fresh.owner, leaseUntil: fresh.leaseUntil };
  if (!(await ledger.replace(taken, { owner: existing.owner, leaseUntil: existing.leaseUntil })))
    throw new LeaseHeldError(existing.key, '(another)', fresh.leaseUntil);
  return { status: 'resumed', entry: taken };
}

/** Records progress, as long as the entry is still ours. */
export async function save(ledger: DecisionLedger, entry: LedgerEntry): Promise<void> {
  if (!(await ledger.replace(entry, { owner: entry.owner }))) throw new LeaseLostError(entry.key);
}

/**
 * After a failure: records what was done so far and ends the lease, so that the retry does not
 * wait for our deadline. Best effort: if this write fails too, the lease ends at the deadline.
 */
export async function release(ledger: DecisionLedger, entry: LedgerEntry): Promise<void> {
  try {
    await ledger.replace({ ...entry, leaseUntil: 0 }, { owner: entry.owner });
  } catch {
    // The deadline ends the lease instead.
  }
}
