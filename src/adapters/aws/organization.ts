/**
 * Where an account sits in the AWS Organization: its organizational units, from its parent up to
 * the root (nearest first), for policies that scope by `organizationalUnits`. Organizations
 * `ListParents`, walked up one level at a time.
 *
 * - A path is kept per account for `ttlMs` (default one hour: accounts rarely move), the parent of
 *   each OU too, so the accounts of one OU share the walk; concurrent lookups share one walk.
 * - An account outside the organization (or no organization at all) is under no OU: `[]`.
 * - Anything else (access denied, throttled beyond retries) is thrown and not kept: the event is
 *   retried rather than judged without the OUs a policy may scope it by.
 * - The Organizations client (and its module) loads with the first lookup: the Lambda's cold start
 *   pays for it only when a policy uses organizationalUnits.
 *
 * IAM: organizations:ListParents (the management account, or a delegated administrator).
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';

export interface OrganizationalUnitsOptions {
  /** Settings of the client created on first use (endpoint, region, credentials). */
  clientConfig?: object;
  /** A client to use instead. */
  client?: Pick<OrganizationsClient, 'send'>;
  /** How long a path is kept (default one hour). */
  ttlMs?: number;
  /** At most this many accounts' paths are kept; the oldest go first (default 10,000). */
  maxAccounts?: number;
  now?: () => number;
}

/** The account's OU ids, nearest first (`[]`: directly under the root, or outside the organization). */
export type OrganizationalUnitsOf = (account: string) => Promise<readonly string[]>;

export const ORGANIZATION_PATH_TTL_MS = 60 * 60_000;

/** Parents beyond this depth mean a loop (AWS allows five levels of OUs). */
const MAX_DEPTH = 10;

interface Kept<T> {
  value: Promise<T>;
  at: number;
}

export function organizationalUnits(options: OrganizationalUnitsOptions = {}): OrganizationalUnitsOf {
  const ttl = options.ttlMs ?? ORGANIZATION_PATH_TTL_MS;
  const max = options.maxAccounts ?? 10_000;
  const now = options.now ?? Date.now;
  const paths = new Map<string, Kept<readonly string[]>>();
  /** An OU's parent: an OU id, or null for the root. */
  const parents = new Map<string, Kept<string | null>>();
  let client: Promise<Pick<OrganizationsClient, 'send'>> | undefined;

  const organizations = (): Promise<Pick<OrganizationsClient, 'send'>> =>
    (client ??= options.client
      ? Promise.resolve(options.client)
      : import('@aws-sdk/client-organizations').then(
          ({ OrganizationsClient }) => new OrganizationsClient({ ...options.clientConfig }) as Pick<OrganizationsClient, 'send'>,
        ));

  /** The parent of an account or OU: an OU id, null for the root, undefined when it is in no organization. */
  const parentOf = async (childId: string): Promise<string | null | undefined> => {
    const { ListParentsCommand } = await import('@aws-sdk/client-organizations');
    try {
      const out = await (await organizations()).send(new ListParentsCommand({ ChildId: childId }));
      const parent = out.Parents?.[0];
      if (!parent?.Id) return undefined;
      return parent.Type === 'ORGANIZATIONAL_UNIT' ? parent.Id : null;
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      // AWS says ChildNotFound for an account outside the organization (moto: AccountNotFound).
      if (name === 'ChildNotFoundException' || name === 'AccountNotFoundException' || name === 'AWSOrganizationsNotInUseException') return undefined;
      throw new Error(
        `the organizational units of ${childId} cannot be looked up (${name || 'error'}: ${(error as Error).message}); the role needs organizations:ListParents in the management or delegated administrator account`,
        { cause: error },
      );
    }
  };

  const kept = <T>(cache: Map<string, Kept<T>>, key: string, lookup: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.value;
    const value = lookup();
    cache.set(key, { value, at: now() });
    // A failure is not kept: the next lookup asks again.
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    while (cache.size > max) cache.delete(cache.keys().next().value as string);
    return value;
  };

  const walk = async (account: string): Promise<readonly string[]> => {
    const path: string[] = [];
    let next = (await parentOf(account)) ?? null;
    while (next !== null) {
      if (path.includes(next) || path.length >= MAX_DEPTH) throw new Error(`the organizational units above ${account} form a loop: ${path.join(' → ')}`);
      path.push(next);
      const ou = next;
      next = await kept(parents, ou, async () => (await parentOf(ou)) ?? null);
    }
    return path;
  };

  return (account) => kept(paths, account, () => walk(account));
}
