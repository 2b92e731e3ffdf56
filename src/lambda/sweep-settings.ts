/**
 * What the sweep handlers share (src/lambda/sweep-handler.ts for one account, src/lambda/org-sweep.ts
 * for a hub's organization): their settings, their dependencies and what an invocation returns.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import * as z from '../zod.js';
import type { DigestStateStore } from '../adapters/aws/digest-state.js';
import type { OrganizationalUnitsOf } from '../adapters/aws/organization.js';
import type { SeverityCounts } from '../sweep/partial.js';
import type { SweepTarget } from '../sweep/types.js';
import { digestMessage, type BuiltDigest } from '../render/digest/index.js';
import type { Route } from './channels.js';
import type { BadPolicyVersion, OpenPolicyObject } from './compiled-policies.js';
import { ConfigError, readConfig, type LambdaConfig } from './config.js';

/** AWS Region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

const SweepEnv = z.object({
  ECS_ADMISSION_SWEEP_REGIONS: z.pipe(
    z.pipe(
      z.string(),
      z.transform((text) => [
        ...new Set(
          text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ]),
    ),
    z.array(z.string().check(z.regex(REGION, 'expected AWS Region names, comma-separated'))).check(z.minLength(1, 'expected at least one Region')),
  ),
});

export interface SweepConfig extends LambdaConfig {
  /** Regions of the Lambda's account to sweep. */
  regions: string[];
  /** A hub's organization sweep (ECS_ADMISSION_MEMBER_ROLE_NAME set): src/lambda/org-sweep.ts. */
  organization?: OrganizationSweepConfig;
}

/**
 * The admission Lambda's settings (policies, owner tags, topics, ledger table) plus the sweep's:
 * ECS_ADMISSION_SWEEP_REGIONS, comma-separated; default the Lambda's own Region (AWS_REGION).
 * `ECS_ADMISSION_MODE` does not apply: the sweep never changes anything.
 */
export function readSweepConfig(env: Record<string, string | undefined>): SweepConfig {
  const config = readConfig(env);
  const fallback = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const value = env.ECS_ADMISSION_SWEEP_REGIONS?.trim() || fallback;
  if (!value) throw new ConfigError('invalid ecs-admission settings: ECS_ADMISSION_SWEEP_REGIONS is not set and neither is AWS_REGION');
  const parsed = SweepEnv.safeParse({ ECS_ADMISSION_SWEEP_REGIONS: value });
  if (!parsed.success) {
    throw new ConfigError(
      `invalid ecs-admission settings: ${parsed.error.issues.map((i) => `ECS_ADMISSION_SWEEP_REGIONS=${JSON.stringify(value)}: ${i.message}`).join('; ')}`,
    );
  }
  const organization = readOrganizationSweepConfig(env, config.memberRoleName);
  return { ...config, regions: parsed.data.ECS_ADMISSION_SWEEP_REGIONS, ...(organization ? { organization } : {}) };
}

export interface SweepDependencies {
  /** The Lambda's own account in these regions (the account comes from the credentials). */
  targets: (regions: readonly string[]) => Promise<SweepTarget[]>;
  state: DigestStateStore;
  /** The alert topics (src/lambda/channels.ts): the digest goes to each in its format. */
  channels: readonly Route[];
  /** Opens the policies' S3 object (ECS_ADMISSION_POLICIES=s3://…); the default reads the environment's settings. */
  openPolicyObject?: OpenPolicyObject;
  /** The alert on a new policy version that does not load (logged and counted as PolicyLoadFailed in any case). */
  onBadPolicyVersion?: (problem: BadPolicyVersion) => Promise<void>;
  /** An account's organizational units, for policies that scope by them (looked up only then). */
  organizationalUnits?: OrganizationalUnitsOf;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

/** What an invocation returns (and logs). */
export interface SweepResult {
  account: string;
  regions: string[];
  startedAt: string;
  finishedAt: string;
  resources: number;
  violations: SeverityCounts;
  /** null: no previous sweep to compare with. */
  newViolations: number | null;
  resolved: number | null;
  failures: number;
  subject: string;
  /** Topics the digest went to. */
  published: string[];
}

/** auto: fan out above FAN_OUT_ABOVE account-regions; always; never (one invocation, whatever the size). */
export type FanOut = 'auto' | 'never' | 'always';

/**
 * Account-regions one invocation sweeps at most when `auto` (the default) decides. Budget: 10 of
 * the Lambda's 15 minutes for reading (the rest for slow stragglers, the digest and the state).
 * Measured with 25 ms per call: an account-region of 20 revisions and 4 services takes 0.034 s,
 * 8 at once (bench/org-sweep.js: 50 accounts × 3 Regions in 5.1 s); a large one (200 services,
 * 1,000 revisions, bench/sweep.js) about 2 s alone, so 0.25 s 8 at once. Assumed for the
 * threshold: every account-region large, and calls 4× slower than that (throttling, adaptive
 * retry, far Regions) — 1 s each, 8 at once: 400 of them take under 7 minutes. Beyond it, or for
 * accounts much larger, fan out (`always`).
 */
export const FAN_OUT_ABOVE = 400;

export interface OrganizationSweepConfig {
  /** ECS_ADMISSION_SWEEP_ACCOUNTS; undefined: every ACTIVE account of the organization. */
  accounts: string[] | undefined;
  memberRoleName: string;
  fanOut: FanOut;
  fanOutAbove: number;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The organization sweep's settings, when ECS_ADMISSION_MEMBER_ROLE_NAME is set (undefined
 * otherwise: the sweep reads its own account): ECS_ADMISSION_SWEEP_ACCOUNTS (comma-separated
 * account ids; default every ACTIVE account of the organization), ECS_ADMISSION_SWEEP_FAN_OUT
 * (auto | never | always; default auto) and ECS_ADMISSION_SWEEP_FAN_OUT_ABOVE (account-regions;
 * default FAN_OUT_ABOVE).
 */
export function readOrganizationSweepConfig(env: Record<string, string | undefined>, memberRoleName: string | undefined): OrganizationSweepConfig | undefined {
  const listed = env.ECS_ADMISSION_SWEEP_ACCOUNTS?.trim()
    ? [
        ...new Set(
          env.ECS_ADMISSION_SWEEP_ACCOUNTS.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ]
    : undefined;
  if (!memberRoleName) {
    if (listed)
      throw new ConfigError(
        'invalid ecs-admission settings: ECS_ADMISSION_SWEEP_ACCOUNTS is set but ECS_ADMISSION_MEMBER_ROLE_NAME is not: other accounts are read through the member role (the hub shape sets it)',
      );
    return undefined;
  }
  const bad = listed?.filter((a) => !ACCOUNT_ID.test(a)) ?? [];
  if (bad.length > 0)
    throw new ConfigError(
      `invalid ecs-admission settings: ECS_ADMISSION_SWEEP_ACCOUNTS=${JSON.stringify(env.ECS_ADMISSION_SWEEP_ACCOUNTS)}: expected 12-digit account ids, comma-separated (not ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
    );
  const fanOut = env.ECS_ADMISSION_SWEEP_FAN_OUT?.trim() || 'auto';
  if (fanOut !== 'auto' && fanOut !== 'never' && fanOut !== 'always')
    throw new ConfigError(`invalid ecs-admission settings: ECS_ADMISSION_SWEEP_FAN_OUT=${JSON.stringify(fanOut)}: expected auto, never or always`);
  const above = env.ECS_ADMISSION_SWEEP_FAN_OUT_ABOVE?.trim() || String(FAN_OUT_ABOVE);
  if (!/^\d+$/.test(above))
    throw new ConfigError(
      `invalid ecs-admission settings: ECS_ADMISSION_SWEEP_FAN_OUT_ABOVE=${JSON.stringify(above)}: expected a whole number of account-regions`,
    );
  return { accounts: listed, memberRoleName, fanOut, fanOutAbove: Number(above) };
}

/**
 * Sends the digest through every route, each in its format, then stores the state for the next
 * comparison under `key`. A digest that cannot be sent is thrown (the run is retried); a state
 * that cannot be stored is logged and counted, not thrown: the digest went out, and the next one
 * may repeat its "new" violations. Returns where the digest went.
 */
export async function publishDigest(
  built: BuiltDigest,
  key: string,
  config: Pick<SweepConfig, 'alertFormat'>,
  deps: Pick<SweepDependencies, 'channels' | 'state' | 'logger' | 'metrics'>,
): Promise<string[]> {
  const published: string[] = [];
  for (const { channel, format } of deps.channels) {
    await channel.send(format === config.alertFormat ? built.message : digestMessage(built.digest, format));
    published.push(channel.destination);
  }
  try {
    await deps.state.put(key, built.state);
  } catch (error) {
    deps.logger.error('the sweep state could not be stored; the next digest may repeat these changes', { error: error as Error });
    deps.metrics.addMetric('Errors', MetricUnit.Count, 1);
  }
  return published;
}

/** What a sweep invocation returns and logs, from the digest it published. */
export function sweepResult(built: BuiltDigest, account: string, regions: readonly string[], failures: number, published: string[]): SweepResult {
  const { digest } = built;
  return {
    account,
    regions: [...regions],
    startedAt: digest.startedAt,
    finishedAt: digest.finishedAt,
    resources: digest.resources.total,
    violations: digest.violations,
    newViolations: digest.changes?.newCount ?? null,
    resolved: digest.changes?.resolvedCount ?? null,
    failures,
    subject: built.message.subject,
    published,
  };
}
