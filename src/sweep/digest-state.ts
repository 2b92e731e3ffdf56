/**
 * What the next sweep compares with: the set of violations a sweep saw (src/sweep/digest.ts).
 * Small by design: it lives in one DynamoDB item (400 KB at most, src/adapters/aws/digest-state.ts).
 */
import * as z from '../zod.js';

/**
 * The state kept between sweeps. It keeps at most MAX_STATE_KEYS keys and MAX_STATE_BYTES bytes of
 * them — the first in sorted order; `truncatedAfter` is the last kept, and keys sorting after it
 * are not compared.
 */
export interface DigestState {
  version: 1;
  finishedAt: string;
  /** `account/region` read without failure. */
  scope: string[];
  /** `arn#ruleId`, sorted. */
  keys: string[];
  truncatedAfter?: string;
}

/** Keys kept in the state: about 130 bytes each (ARN, `#`, rule id), so 5,000 keys are about 650 KB raw... */
export const MAX_STATE_KEYS = 5000;
/** ...and the byte cap keeps the item under DynamoDB's 400 KB whatever the names' lengths. */
export const MAX_STATE_BYTES = 300_000;

const encoder = new TextEncoder();

/** The state of a sweep: the first keys in sorted order that fit; `cut`: keys after it are unknown already. */
export function nextState(finishedAt: string, scope: string[], keys: string[], cut?: string): DigestState {
  const sorted = [...keys].sort().filter((k) => cut === undefined || k <= cut);
  const kept: string[] = [];
  let bytes = 0;
  for (const key of sorted) {
    // A key costs its UTF-8 bytes (what DynamoDB counts), two quotes and a comma in the JSON.
    const cost = encoder.encode(key).length + 3;
    if (kept.length >= MAX_STATE_KEYS || bytes + cost > MAX_STATE_BYTES) break;
    kept.push(key);
    bytes += cost;
  }
  const state: DigestState = { version: 1, finishedAt, scope, keys: kept };
  if (kept.length < sorted.length) state.truncatedAfter = kept.at(-1) ?? '';
  else if (cut !== undefined) state.truncatedAfter = cut;
  return state;
}

const StateSchema = z.object({
  version: z.literal(1),
  finishedAt: z.string(),
  scope: z.array(z.string()),
  keys: z.array(z.string()),
  truncatedAfter: z.optional(z.string()),
});

/** A stored state, or undefined when it is not one this version understands (then the digest has no changes). */
export function parseDigestState(value: unknown): DigestState | undefined {
  const parsed = StateSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { truncatedAfter, ...rest } = parsed.data;
  return truncatedAfter === undefined ? { ...rest, version: 1 } : { ...rest, version: 1, truncatedAfter };
}
