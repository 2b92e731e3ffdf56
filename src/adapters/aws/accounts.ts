// Which accounts and regions a sweep reads, and the credentials for each: the current ones, or the
// member role assumed in every other account (named, or every account of the AWS Organization).
import { ECSClient } from '@aws-sdk/client-ecs';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { SweepTarget } from '../../sweep/types.js';
import { ecsInventory } from './ecs.js';
import { parseArn } from '../../core/identity.js';
import { memberAccess } from './member-access.js';

export interface SweepScope {
  regions: readonly string[];
  /** Account ids to sweep; default: the current credentials' account. */
  accounts?: readonly string[];
  /** Every ACTIVE account of the organization (needs `roleName`). */
  organization?: boolean;
  /** Role assumed in each account other than the current one. */
  roleName?: string;
  /** Attempts per call (adaptive retry); default 10. */
  maxAttempts?: number;
  /** Endpoint and credentials for every client (tests); by default the SDK reads the environment. */
  clientConfig?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
}

export async function sweepTargets(scope: SweepScope): Promise<SweepTarget[]> {
  const region = scope.regions[0]!;
  const sts = new STSClient({ ...scope.clientConfig, region });
  const me = await sts.send(new GetCallerIdentityCommand({}));
  const current = me.Account!;
  const partition = parseArn(me.Arn)?.partition ?? 'aws';
  let accounts = scope.accounts?.length ? [...scope.accounts] : [current];
  if (scope.organization) {
    const organizations = new OrganizationsClient({ ...scope.clientConfig, region });
    accounts = [];
    for await (const page of paginateListAccounts({ client: organizations }, {})) {
      accounts.push(...(page.Accounts ?? []).filter((a) => a.Status === 'ACTIVE' && a.Id).map((a) => a.Id!));
    }
  }

  const access = scope.roleName
    ? memberAccess({
        roleName: scope.roleName,
        home: { account: current, region, partition },
        clientConfig: scope.clientConfig ?? {},
        // Adaptive retry: a throttled account slows down instead of failing.
        ecsConfig: { retryMode: 'adaptive', maxAttempts: scope.maxAttempts ?? 10 },
        sessionName: 'ecs-admission-sweep',
      })
    : undefined;
  const clientFor = (account: string, r: string): ECSClient => {
    if (access) return access.clientFor(account, r);
    // Without a role, only the current account can be read: never another account's data under its id.
    if (account !== current)
      throw new Error(`account ${account} cannot be read with the current credentials (account ${current}): give the role to assume in it (--role-name)`);
    return new ECSClient({ ...scope.clientConfig, region: r, retryMode: 'adaptive', maxAttempts: scope.maxAttempts ?? 10 });
  };

  return accounts.flatMap((account) =>
    scope.regions.map((r) => ({
      account,
      region: r,
      open: () => Promise.resolve().then(() => ecsInventory(clientFor(account, r))),
    })),
  );
}
