import { CannotDecideError } from '../../core/unknown.js';

/**
 * Lets a rule look at every item even when some of them hold values unknown offline
 * (CloudFormation intrinsics). `attempt` runs one item's check; when that check reads an unknown
 * value, the error is kept and the next item is checked. Once `body` returns, the first kept error
 * is rethrown, so the evaluator fails the rule with every finding it could prove, or skips it
 * naming the unknown field when there is none. Without this, one `!Ref` in the first volume
 * would hide a `/var/run/docker.sock` mount in the second.
 */
export function collectUnknowns(body: (attempt: (check: () => void) => void) => void): void {
  let first: CannotDecideError | undefined;
  body((check) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof CannotDecideError)) throw error;
      first ??= error;
    }
  });
  if (first) throw first;
}

/**
 * Whether `test` holds for some item, an item whose test reads a value unknown offline counting
 * as holding: for `notApplicable`, so that a rule that might apply runs and decides (or skips
 * naming the unknown field) rather than being declared not applicable.
 */
export function someMayHold<T>(items: readonly T[] | undefined, test: (item: T) => unknown): boolean {
  for (const item of items ?? []) {
    try {
      if (test(item)) return true;
    } catch (error) {
      if (error instanceof CannotDecideError) return true;
      throw error;
    }
  }
  return false;
}
