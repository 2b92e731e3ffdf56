/**
 * The sweep Lambda in a hub (ECS_ADMISSION_MEMBER_ROLE_NAME set): it sweeps the organization — the
 * accounts of ECS_ADMISSION_SWEEP_ACCOUNTS, or every ACTIVE account of Organizations ListAccounts —
 * each in the Regions of ECS_ADMISSION_SWEEP_REGIONS, through the member role, and publishes one
 * digest grouped by account, organizational unit, owner and rule.
 *
 * One invocation sweeps up to FAN_OUT_ABOVE account-regions (8 at once, each with 8 calls in
 * flight). Beyond that, the sweep fans out over Step Functions (deploy/sweep-fan-out.yml): the same
 * function serves each step of the state machine, by the `action` of its input:
 *
 *   plan          lists the accounts and decides (ECS_ADMISSION_SWEEP_FAN_OUT: `auto` by the
 *                 threshold, `always`, `never`); below the threshold it sweeps everything itself
 *                 and returns `{ fanOut: false, … }`, else `{ fanOut: true, run, hub, startedAt, accounts }`;
 *   sweepAccount  one account, every Region: its partial report goes to the ledger table
 *                 (src/adapters/aws/sweep-partials.ts); returns `{ account }`;
 *   merge         reads each account's partial, merges them, publishes one digest and writes the
 *                 state once. An account whose step failed or left nothing is a failure in the
 *                 digest naming it and why.
 *
 * A scheduled event (no `action`: `sweepFanOut=never`, the rule invokes the function) sweeps
 * everything in this invocation. When its time runs short, the account-regions not yet started are
 * failures of the digest ("not swept: out of time"), never silently missing.
 */
import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import middy from '@middy/core';
import pLimit from 'p-limit';
import type { Context } from 'aws-lambda';
import { sweepTargets } from '../adapters/aws/accounts.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoPartialStore, memoryPartialStore, type PartialStore } from '../adapters/aws/sweep-partials.js';
import { summarize } from '../core/summary.js';
import { policyEvaluator } from '../policy/evaluator.js';
import { buildDigestOfPartial } from '../render/digest/index.js';
import { mergePartials, partialOf, type SweepPartial } from '../sweep/partial.js';
import type { SweepFailure, SweepTarget } from '../sweep/types.js';
import { ORGANIZATION_PARALLEL_TARGETS, sweepToPartial } from '../use-cases/org-sweep.js';
import { handlerPolicies, withOrganizationalUnits } from './compiled-policies.js';
import { publishDigest, sweepResult, type OrganizationSweepConfig, type SweepConfig, type SweepDependencies, type SweepResult } from './sweep-settings.js';

/** Time kept, at the end of one invocation's sweep, to merge, publish the digest and store the state. */
const RESERVE_MS = 90_000;

export interface OrganizationSweepDependencies extends SweepDependencies {
  /** The hub's own account, and the accounts to sweep: the listed ones, or the organization's ACTIVE accounts. */
  accounts: (listed: readonly string[] | undefined) => Promise<{ hub: string; accounts: string[] }>;
  /** The account-regions of these accounts, each read through the member role. */
  accountTargets: (accounts: readonly string[], regions: readonly string[]) => Promise<SweepTarget[]>;
  /** Where a fanned-out run's steps leave each account's partial. */
  partials: PartialStore;
}

/** What the fan-out steps take, in the state machine's input to each. */
type Step =
  | { action: 'sweep' }
  | { action: 'plan'; execution?: string }
  | { action: 'sweepAccount'; run: string; hub: string; startedAt: string; account: string }
  | { action: 'merge'; run: string; hub: string; startedAt: string; accounts: AccountOutcome[] };

/** One account's step as the Map hands it to the merge: its account, and the error when it failed. */
export interface AccountOutcome {
  account: string;
  error?: string;
}

export type PlanOutput = ({ fanOut: false } & OrganizationSweepResult) | { fanOut: true; run: string; hub: string; startedAt: string; accounts: string[] };

export interface OrganizationSweepResult extends SweepResult {
  /** Accounts swept, and those not read in full. */
  accounts: number;
  unreadableAccounts: string[];
}

export type OrganizationSweepOutput = PlanOutput | OrganizationSweepResult | AccountOutcome;

/** The AWS side: STS for the hub's account, Organizations for the accounts, the member role for the rest. */
export function awsOrganizationDependencies(
  config: SweepConfig & { organization: OrganizationSweepConfig },
  clientConfig: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): Pick<OrganizationSweepDependencies, 'accounts' | 'accountTargets' | 'partials'> {
  const region = config.regions[0]!;
  return {
    partials: config.ledgerTable ? dynamoPartialStore(new DynamoDBClient(clientConfig), config.ledgerTable) : memoryPartialStore(),
    accounts: async (listed) => {
      const hub = (await new STSClient({ ...clientConfig, region }).send(new GetCallerIdentityCommand({}))).Account!;
      if (listed) return { hub, accounts: [...listed] };
      const accounts: string[] = [];
      for await (const page of paginateListAccounts({ client: new OrganizationsClient({ ...clientConfig, region }) }, {})) {
        // `State` replaces `Status` (deprecated); either says ACTIVE for an account in use.
        for (const a of page.Accounts ?? []) if (a.Id && ((a as { State?: string }).State ?? a.Status) === 'ACTIVE') accounts.push(a.Id);
      }
      return { hub, accounts: accounts.sort() };
    },
    accountTargets: (accounts, regions) => sweepTargets({ regions, accounts, roleName: config.organization.memberRoleName, clientConfig }),
  };
}

export function createOrganizationSweepHandler(
  config: SweepConfig & { organization: OrganizationSweepConfig },
  deps: OrganizationSweepDependencies,
  record: (result: SweepResult, metrics: Metrics) => void,
) {
  const { logger, metrics } = deps;
  const org = config.organization;
  const loadOnce = handlerPolicies(config, deps);

  /** The accounts' account-regions, read as one run of `startedAt`; stops starting new ones when `outOfTime` says so. */
  const sweepAccounts = async (accounts: readonly string[], startedAt: string, outOfTime?: () => boolean): Promise<SweepPartial> => {
    const loaded = await loadOnce();
    const targets = await Promise.all(
      (await deps.accountTargets(accounts, config.regions)).map((t) => withOrganizationalUnits(t, loaded, deps.organizationalUnits)),
    );
    const late: SweepTarget[] = [];
    const timed = targets.map(
      (t): SweepTarget => ({
        ...t,
        open: () => {
          if (outOfTime?.()) {
            late.push(t);
            return Promise.reject(
              Object.assign(
                new Error(
                  `not swept: the invocation ran out of time before it got to ${t.account}/${t.region}; fan out (sweepFanOut=always) for an organization this size`,
                ),
                { name: 'OutOfTime' },
              ),
            );
          }
          return t.open();
        },
      }),
    );
    const now = deps.now();
    const partial = await sweepToPartial(timed, {
      allRevisions: false,
      concurrency: 8,
      parallelTargets: ORGANIZATION_PARALLEL_TARGETS,
      ownerTags: config.ownerTags,
      // Audit whatever the policies say: the sweep reports what enforcement would do, and does none of it.
      makeEvaluate: policyEvaluator(loaded, { now, audit: true }).makeEvaluate,
      policies: loaded.map((p) => p.name),
      now: deps.now,
      eventId: `sweep-${startedAt}`,
      ...(deps.organizationalUnits ? { organizationalUnits: deps.organizationalUnits } : {}),
      onOrganizationalUnitsFailure: (account, error) =>
        logger.warn('the organizational units of an account could not be looked up: the digest leaves it out of its OU grouping', {
          account,
          error: error as Error,
        }),
    });
    if (late.length > 0)
      logger.error('the sweep ran out of time: account-regions were not swept (they are failures of the digest)', {
        notSwept: late.length,
        of: targets.length,
      });
    for (const f of partial.failures)
      logger.warn('could not sweep', { account: f.account, region: f.region, operation: f.operation, code: f.code, error: f.message });
    return partial;
  };

  /** One digest for the organization, published, and the state stored once (under the hub's account). */
  const publish = async (partial: SweepPartial, hub: string, accounts: readonly string[], startedAt: string): Promise<OrganizationSweepResult> => {
    const whole: SweepPartial = { ...partial, startedAt: startedAt < partial.startedAt ? startedAt : partial.startedAt };
    const previous = await deps.state.get(hub);
    const built = buildDigestOfPartial(whole, { format: config.alertFormat, account: hub, regions: config.regions, accounts }, previous);
    const published = await publishDigest(built, hub, config, deps);
    const { digest } = built;
    const result: OrganizationSweepResult = {
      ...sweepResult(built, hub, config.regions, partial.failures.length, published),
      accounts: digest.accounts?.total ?? accounts.length,
      unreadableAccounts: (digest.accounts?.unreadable ?? []).map((u) => u.account),
    };
    logger.info('sweep finished', {
      ...result,
      unreadableAccounts: result.unreadableAccounts.slice(0, 50),
      counts: digest.counts,
      stateKeys: built.state.keys.length,
      ...(built.state.truncatedAfter !== undefined ? { stateTruncated: true } : {}),
    });
    metrics.addMetric('SweepAccounts', MetricUnit.Count, result.accounts);
    metrics.addMetric('SweepUnreadableAccounts', MetricUnit.Count, result.unreadableAccounts.length);
    record(result, metrics);
    return result;
  };

  /** Everything in this invocation: the accounts' account-regions, then the digest. */
  const sweepAll = async (hub: string, accounts: readonly string[], startedAt: string, context: Context | undefined): Promise<OrganizationSweepResult> => {
    const deadline = context?.getRemainingTimeInMillis ? Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS : undefined;
    const partial = await sweepAccounts(accounts, startedAt, deadline === undefined ? undefined : () => Date.now() > deadline);
    return publish(partial, hub, accounts, startedAt);
  };

  const plan = async (execution: string | undefined, context: Context | undefined): Promise<PlanOutput> => {
    const startedAt = deps.now().toISOString();
    const { hub, accounts } = await deps.accounts(org.accounts);
    const accountRegions = accounts.length * config.regions.length;
    const fanOut = org.fanOut === 'always' || (org.fanOut === 'auto' && accountRegions > org.fanOutAbove);
    logger.info('sweep planned', { accounts: accounts.length, regions: config.regions, accountRegions, fanOut, mode: org.fanOut, threshold: org.fanOutAbove });
    metrics.addMetric('SweepAccountRegions', MetricUnit.Count, accountRegions);
    if (!fanOut) return { fanOut: false, ...(await sweepAll(hub, accounts, startedAt, context)) };
    return { fanOut: true, run: execution ?? randomUUID(), hub, startedAt, accounts };
  };

  const sweepAccount = async (step: Extract<Step, { action: 'sweepAccount' }>): Promise<AccountOutcome> => {
    logger.appendKeys({ account: step.account });
    const partial = await sweepAccounts([step.account], step.startedAt);
    const stored = await deps.partials.put({ hub: step.hub, id: step.run }, step.account, partial);
    metrics.addMetric('SweepPartialBytes', MetricUnit.Bytes, stored.bytes);
    logger.info('account swept', {
      account: step.account,
      resources: partial.resources.total,
      violations: partial.violations.length,
      failures: partial.failures.length,
      partialBytes: stored.bytes,
      chunks: stored.chunks,
    });
    return { account: step.account };
  };

  const merge = async (step: Extract<Step, { action: 'merge' }>): Promise<OrganizationSweepResult> => {
    const loaded = await loadOnce();
    const read = pLimit(16);
    const partials = await Promise.all(
      step.accounts.map((outcome) =>
        read(async () => {
          try {
            return (
              (await deps.partials.get({ hub: step.hub, id: step.run }, outcome.account)) ??
              notSwept(
                outcome,
                step,
                loaded.map((p) => p.name),
              )
            );
          } catch (error) {
            return notSwept(
              { account: outcome.account, error: `its report could not be read: ${(error as Error).message}` },
              step,
              loaded.map((p) => p.name),
            );
          }
        }),
      ),
    );
    partials.sort((a, b) => a.accounts[0]!.localeCompare(b.accounts[0]!));
    const accounts = step.accounts.map((o) => o.account);
    const merged =
      partials.length > 0
        ? mergePartials(partials)
        : partialOf({
            ...emptyReport(
              step.startedAt,
              deps.now().toISOString(),
              loaded.map((p) => p.name),
            ),
          });
    return publish(merged, step.hub, accounts, step.startedAt);
  };

  /** An account whose step left no partial: a failure in each Region, naming the account and what Step Functions said. */
  const notSwept = (outcome: AccountOutcome, step: Extract<Step, { action: 'merge' }>, policies: string[]): SweepPartial => {
    const why = outcome.error ? `its step failed (${outcome.error})` : 'its step left no report';
    const failures: SweepFailure[] = config.regions.map((region) => ({
      account: outcome.account,
      region,
      operation: 'SweepAccount',
      code: outcome.error ?? 'NotSwept',
      message: `account ${outcome.account} was not swept: ${why}; the state machine execution ${step.run} has the details`,
    }));
    logger.error('an account was not swept', { account: outcome.account, error: outcome.error, run: step.run });
    return partialOf(
      { ...emptyReport(step.startedAt, deps.now().toISOString(), policies), failures },
      { accounts: [outcome.account], regions: config.regions },
    );
  };

  const run = async (event: unknown, context?: Context): Promise<OrganizationSweepOutput> => {
    const scheduledEventId = (event as { id?: unknown } | null)?.id;
    if (typeof scheduledEventId === 'string') logger.appendKeys({ eventId: scheduledEventId });
    const step = stepOf(event);
    logger.appendKeys({ action: step.action });
    try {
      switch (step.action) {
        case 'plan':
          return await plan(step.execution, context);
        case 'sweepAccount':
          return await sweepAccount(step);
        case 'merge':
          return await merge(step);
        case 'sweep': {
          const startedAt = deps.now().toISOString();
          const { hub, accounts } = await deps.accounts(org.accounts);
          logger.info('sweep planned', {
            accounts: accounts.length,
            regions: config.regions,
            accountRegions: accounts.length * config.regions.length,
            fanOut: false,
            mode: org.fanOut,
          });
          return await sweepAll(hub, accounts, startedAt, context);
        }
      }
    } catch (error) {
      logger.error('sweep failed; the invocation will be retried', { error: error as Error });
      metrics.addMetric('Errors', MetricUnit.Count, 1);
      throw error;
    }
  };

  return middy(run)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

const emptyReport = (startedAt: string, finishedAt: string, policies: string[]) => ({
  startedAt,
  finishedAt,
  policies,
  allRevisions: false,
  resources: [],
  failures: [] as SweepFailure[],
  counts: { accounts: 0, regions: 0, clusters: 0, services: 0, taskSets: 0, tasks: 0, taskDefinitions: 0 },
  summary: summarize([]),
});

/** The step an input asks for; anything without an `action` (the schedule's event) is a whole sweep. */
function stepOf(event: unknown): Step {
  const e = (event ?? {}) as Record<string, unknown>;
  const text = (name: string): string => {
    const value = e[name];
    if (typeof value !== 'string' || value === '') throw new Error(`the sweep step "${String(e.action)}" needs "${name}" (a string) in its input`);
    return value;
  };
  switch (e.action) {
    case undefined:
      return { action: 'sweep' };
    case 'plan':
      return typeof e.execution === 'string' && e.execution ? { action: 'plan', execution: e.execution } : { action: 'plan' };
    case 'sweepAccount':
      return { action: 'sweepAccount', run: text('run'), hub: text('hub'), startedAt: text('startedAt'), account: text('account') };
    case 'merge': {
      const accounts = e.accounts;
      if (!Array.isArray(accounts) || !accounts.every((a) => typeof (a as AccountOutcome)?.account === 'string'))
        throw new Error('the sweep step "merge" needs "accounts": the outcome of each account\'s step');
      return {
        action: 'merge',
        run: text('run'),
        hub: text('hub'),
        startedAt: text('startedAt'),
        accounts: accounts.map((a: AccountOutcome) => (typeof a.error === 'string' ? { account: a.account, error: a.error } : { account: a.account })),
      };
    }
    default:
      throw new Error(`unknown sweep action ${JSON.stringify(e.action)}: expected plan, sweepAccount or merge`);
  }
}
