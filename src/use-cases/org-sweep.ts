/**
 * The organization sweep: many account-regions (an organization's accounts, each in the swept
 * Regions, read through the member role), at most `parallelTargets` at once, each with the sweep's
 * own bound on calls in flight (`concurrency`). Each account-region is reduced to its partial
 * (src/sweep/partial.ts) as soon as it is read: memory holds the violations, not every resource of
 * the organization. The partials merge into one, whose digest is the digest of one sweep over all
 * of them.
 *
 * An account-region that cannot be read (role refused, throttled beyond the retries) is a failure
 * of the partial naming it and why (src/use-cases/sweep.ts), never a silent gap.
 */
import pLimit from 'p-limit';
import { mergePartials, partialOf, type SweepPartial } from '../sweep/partial.js';
import type { SweepTarget } from '../sweep/types.js';
import { sweep, type SweepOptions } from './sweep.js';

export interface OrganizationSweepOptions extends Omit<SweepOptions, 'onProgress'> {
  /** An account's organizational units (nearest first), for the digest's grouping by OU. */
  organizationalUnits?: (account: string) => Promise<readonly string[]>;
  /** An OU lookup failed: the account is left out of the grouping by OU (and the sweep goes on). */
  onOrganizationalUnitsFailure?: (account: string, error: unknown) => void;
  /** An account-region was read (for logs and progress). */
  onTargetDone?: (target: SweepTarget, partial: SweepPartial) => void;
}

/** Account-regions swept at once in an organization sweep. */
export const ORGANIZATION_PARALLEL_TARGETS = 8;

export async function sweepToPartial(targets: readonly SweepTarget[], options: OrganizationSweepOptions): Promise<SweepPartial> {
  const { organizationalUnits, onOrganizationalUnitsFailure, onTargetDone, ...sweepOptions } = options;
  // One event id for every part: the planned actions (and so the digest) do not depend on how the sweep was split.
  const eventId = sweepOptions.eventId ?? `sweep-${options.now().toISOString()}`;
  const accounts = [...new Set(targets.map((t) => t.account))].sort();

  // The OUs of each account, looked up beside the sweep; best effort: the grouping is a convenience.
  const known = new Map<string, readonly string[]>();
  for (const t of targets) if (t.organizationalUnits) known.set(t.account, t.organizationalUnits);
  const lookups = organizationalUnits
    ? Promise.all(
        accounts
          .filter((a) => !known.has(a))
          .map((account) =>
            organizationalUnits(account).then(
              (ous) => void known.set(account, ous),
              (error: unknown) => onOrganizationalUnitsFailure?.(account, error),
            ),
          ),
      )
    : Promise.resolve();

  if (targets.length === 0) {
    await lookups;
    return partialOf(await sweep([], { ...sweepOptions, eventId }));
  }
  const limit = pLimit(Math.max(1, options.parallelTargets));
  const partials = await Promise.all(
    targets.map((target) =>
      limit(async () => {
        const report = await sweep([target], { ...sweepOptions, parallelTargets: 1, eventId });
        const partial = partialOf(report, { accounts: [target.account], regions: [target.region] });
        onTargetDone?.(target, partial);
        return { target, partial };
      }),
    ),
  );
  await lookups;
  // In the order one sweep reports its resources: account, then region.
  partials.sort((a, b) => a.target.account.localeCompare(b.target.account) || a.target.region.localeCompare(b.target.region));
  const merged = mergePartials(partials.map((p) => p.partial));
  const ous = Object.fromEntries([...known.entries()].filter(([a]) => accounts.includes(a)).map(([a, path]) => [a, [...path]]));
  return Object.keys(ous).length > 0 ? { ...merged, organizationalUnits: ous } : merged;
}
