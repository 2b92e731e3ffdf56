// Which accounts and regions a sweep reads, and the credentials for each: the current ones, or a
// role assumed in every account (named, or every account of the AWS Organization).
import { ECSClient } from '@aws-sdk/client-ecs';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { SweepTarget } from '../../sweep/types.js';
import { ecsInventory } from './ecs.js';

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
  const partition = me.Arn?.split(':')[1] ?? 'aws';
  let accounts = scope.accounts?.length ? [...scope.accounts] : [current];
  if (scope.organization) {
    const organizations = new OrganizationsClient({ ...scope.clientConfig, region });
    accounts = [];
    for await (const page of paginateListAccounts({ client: organizations }, {})) {
      accounts.push(...(page.Accounts ?? []).filter((a) => a.Status === 'ACTIVE' && a.Id).map((a) => a.Id!));
    }
  }

  const credentials = new Map<string, Promise<SweepScope['clientConfig']>>();
  /** One AssumeRole per account, shared by its regions. */
  const configFor = (account: string): Promise<SweepScope['clientConfig']> => {
    if (account === current || !scope.roleName) return Promise.resolve(scope.clientConfig);
    let config = credentials.get(account);
    if (!config) {
      config = (async () => {
        const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:${partition}:iam::${account}:role/${scope.roleName}`, RoleSessionName: 'ecs-admission-sweep' }));
        const c = assumed.Credentials!;
        return { ...scope.clientConfig, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
      })();
      credentials.set(account, config);
    }
    return config;
  };

  return accounts.flatMap((account) =>
    scope.regions.map((r) => ({
      account,
      region: r,
      // Adaptive retry: a throttled account slows down instead of failing.
      open: async () => ecsInventory(new ECSClient({ ...(await configFor(account)), region: r, retryMode: 'adaptive', maxAttempts: scope.maxAttempts ?? 10 })),
    })),
  );
}
