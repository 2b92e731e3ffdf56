/**
 * The hub's way into member accounts: ECS clients that act in an event's account and Region
 * through the member role (`arn:<partition>:iam::<account>:role/<memberRoleName>`).
 *
 * - Credentials are assumed once per account and shared by its Regions, until five minutes
 *   before they expire; concurrent first uses share one AssumeRole call.
 * - Clients are kept per (account, Region), the least recently used dropped beyond `maxClients`.
 * - STS is called in the hub's own Region (the regional endpoint, as the SDK does by default).
 * - A role that cannot be assumed (missing, trust refused) is an UnreadableError naming the
 *   account, so the event is alerted as unverified; throttling and server errors propagate, and
 *   the event is retried.
 * The hub's own account uses the function's credentials, in any Region.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { UnreadableError, type EcsGateway } from '../../admission/ports.js';
import { parseArn, roleArn } from '../../core/identity.js';
import { ecsGateway } from './ecs.js';

/** The role the member stack (deploy/member.yaml) creates in every account, unless renamed. */
export const DEFAULT_MEMBER_ROLE = 'ecs-admission-member';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  obtainedAt: number;
}

export interface MemberAccessOptions {
  /** The role the member stack creates in every account. */
  roleName: string;
  /** The hub's own account and Region. */
  home: { account: string; region: string; partition?: string };
  /** Endpoint, retries, … for every client (tests point them at moto). */
  clientConfig?: object;
  /** Settings for the ECS clients only (the sweep's adaptive retry). */
  ecsConfig?: object;
  /** At most this many (account, Region) clients are kept. */
  maxClients?: number;
  /** The session name the member account's CloudTrail shows. */
  sessionName?: string;
}

/** Refresh this long before the credentials expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** Credentials younger than this are used even when close to expiry: never a loop of AssumeRole calls. */
const MIN_AGE_MS = 60_000;
/** One hour: the default maximum session of a role; a member role may allow more. */
const SESSION_SECONDS = 3600;

interface AwsError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
}

const isTransient = (error: unknown): boolean => (error as AwsError)?.$fault !== 'client' || /Throttl|TooManyRequests/.test((error as AwsError)?.name ?? '');

export interface MemberAccess {
  /** The ECS client acting in `account` and `region`. */
  clientFor(account: string, region: string): ECSClient;
  /** The ECS gateway acting in `account` and `region`. */
  ecsFor(account: string, region: string): EcsGateway;
  /** How many AssumeRole calls were made (for the logs and the benchmark). */
  readonly assumed: number;
}

export function memberAccess(options: MemberAccessOptions): MemberAccess {
  const { roleName, home, clientConfig = {}, ecsConfig = {}, maxClients = 64, sessionName = 'ecs-admission-hub' } = options;
  // The wall clock, as the SDK's own credential cache above this one uses.
  const now = (): number => Date.now();
  const partition = home.partition ?? 'aws';
  const sts = new STSClient({ ...clientConfig, region: home.region });
  const credentials = new Map<string, Promise<Credentials>>();
  const clients = new Map<string, { client: ECSClient; gateway: EcsGateway }>();
  // One connection pool for every (account, Region) client: an account's next event reuses the
  // open connections instead of paying a new handshake.
  let requestHandler: unknown;
  let assumed = 0;

  const assume = async (account: string): Promise<Credentials> => {
    const arn = roleArn(partition, account, roleName);
    assumed++;
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: sessionName, DurationSeconds: SESSION_SECONDS }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new UnreadableError('AssumeRole', `${arn} gave no credentials`);
      // Never another account's data under this account's id.
      const actingIn = parseArn(out.AssumedRoleUser?.Arn)?.account;
      if (actingIn !== account) throw new UnreadableError('AssumeRole', `${arn} acts in account ${actingIn ?? '(unknown)'}, not ${account}`);
      const obtainedAt = now();
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration ?? new Date(obtainedAt + SESSION_SECONDS * 1000),
        obtainedAt,
      };
    } catch (error) {
      if (error instanceof UnreadableError || isTransient(error)) throw error;
      const e = error as AwsError;
      throw new UnreadableError(
        'AssumeRole',
        `cannot assume ${arn} (${e.name ?? 'Error'}: ${e.message ?? 'no message'}): deploy the member stack in ${account}`,
      );
    }
  };

  /** The account's credentials, shared by its Regions; assumed again when close to expiry or after a failure. */
  const credentialsOf = (account: string): Promise<Credentials> => {
    const cached = credentials.get(account);
    if (cached) {
      return cached.then(
        (c) => (c.expiration.getTime() - now() > REFRESH_MARGIN_MS || now() - c.obtainedAt < MIN_AGE_MS ? c : renew(account, cached)),
        () => renew(account, cached),
      );
    }
    return renew(account, undefined);
  };
  const renew = (account: string, stale: Promise<Credentials> | undefined): Promise<Credentials> => {
    // Whoever notices first renews; the others wait for the same call.
    const current = credentials.get(account);
    if (current && current !== stale) return current;
    const next = assume(account);
    credentials.set(account, next);
    return next;
  };

  const entryFor = (account: string, region: string): { client: ECSClient; gateway: EcsGateway } => {
    const key = `${account}:${region}`;
    let entry = clients.get(key);
    if (entry) {
      clients.delete(key); // most recently used last
    } else {
      const own = account === home.account;
      const client = new ECSClient({
        ...clientConfig,
        ...ecsConfig,
        region,
        ...(requestHandler ? { requestHandler } : {}),
        ...(own ? {} : { credentials: () => credentialsOf(account) }),
      });
      requestHandler ??= client.config.requestHandler;
      entry = { client, gateway: ecsGateway(client) };
      if (clients.size >= maxClients) clients.delete(clients.keys().next().value!);
    }
    clients.set(key, entry);
    return entry;
  };

  return {
    clientFor: (account, region) => entryFor(account, region).client,
    ecsFor: (account, region) => entryFor(account, region).gateway,
    get assumed() {
      return assumed;
    },
  };
}
