// How the ECS gateways read AWS errors: not found, refused for good, or transient (retried).
import { ActionRefusedError, UnreadableError } from '../../admission/ports.js';
import type { PlannedAction } from '../../admission/types.js';

interface AwsError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
}

export const codeOf = (error: unknown): string => (error as AwsError)?.name ?? 'Error';
/** ECS answers "not found" in several ways; all mean the same to us. */
const NOT_FOUND = new Set([
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  'TaskSetNotFoundException',
  'DaemonNotFoundException',
  'ResourceNotFoundException',
]);
const isNotFound = (error: unknown): boolean =>
  NOT_FOUND.has(codeOf(error)) ||
  (codeOf(error) === 'ClientException' && /unable to describe (daemon )?task definition/i.test((error as AwsError).message ?? ''));

/** A client error that is not throttling cannot be fixed by retrying; everything else can. */
const isTransient = (error: unknown): boolean => (error as AwsError)?.$fault !== 'client' || /Throttl|TooManyRequests|RequestLimitExceeded/.test(codeOf(error));

export function refusedOrThrow(action: PlannedAction['type'], error: unknown): never {
  if (!isTransient(error)) throw new ActionRefusedError(action, codeOf(error), (error as AwsError).message ?? 'no message');
  throw error;
}

/**
 * Reads return `undefined` for what does not exist; a refusal a retry cannot fix (access denied,
 * a bad ARN) is an UnreadableError, so the call is alerted as unverified; anything else (throttling,
 * a server error) propagates, and the event is retried.
 */
export async function orUndefined<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (!isTransient(error)) throw new UnreadableError(codeOf(error), (error as AwsError).message ?? 'no message');
    throw error;
  }
}
