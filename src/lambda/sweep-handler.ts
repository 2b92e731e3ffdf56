/**
 * The scheduled sweep Lambda: an EventBridge schedule invokes it (daily by default, see
 * serverless.yml), it sweeps the Lambda's own account in the configured regions with the same
 * policies as the admission Lambda — always in audit mode: it changes nothing — and publishes a
 * digest (src/sweep/digest.ts) to the alert topics, with what changed since the previous sweep.
 *
 * Error contract: a region (or cluster) that cannot be read is reported in the digest, not thrown;
 * a digest that cannot be published is thrown, so Lambda retries the invocation (twice, for
 * asynchronous invocations). The state for the next comparison is stored only after publishing: a
 * retry compares with the same previous sweep. A state that cannot be stored is logged, not
 * thrown (the digest went out; the next one may then repeat its "new" violations).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import * as z from '../zod.js';
import { sweepTargets } from '../adapters/aws/accounts.js';
import { publishMessage } from '../adapters/aws/sns.js';
import { dynamoDigestState, memoryDigestState, type DigestStateStore } from '../adapters/aws/digest-state.js';
import { SEVERITIES } from '../core/types.js';
import { createPolicyEngine } from '../policy/engine.js';
import { buildDigest, digestMessage, type DigestMessage, type SeverityCounts } from '../sweep/digest.js';
import { sweep } from '../sweep/sweep.js';
import type { SweepTarget } from '../sweep/types.js';
import { policiesOnce } from './policies.js';
import { observability, onFirstUse } from './powertools.js';
import { ConfigError, readConfig, type LambdaConfig } from './config.js';
import type { ClientConfig } from './handler.js';

/** AWS Region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

const SweepEnv = z.object({
  ECS_ADMISSION_SWEEP_REGIONS: z.pipe(
    z.pipe(z.string(), z.transform((text) => [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))])),
    z.array(z.string().check(z.regex(REGION, 'expected AWS Region names, comma-separated'))).check(z.minLength(1, 'expected at least one Region')),
  ),
});

export interface SweepConfig extends LambdaConfig {
  /** Regions of the Lambda's account to sweep. */
  regions: string[];
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
    throw new ConfigError(`invalid ecs-admission settings: ${parsed.error.issues.map((i) => `ECS_ADMISSION_SWEEP_REGIONS=${JSON.stringify(value)}: ${i.message}`).join('; ')}`);
  }
  return { ...config, regions: parsed.data.ECS_ADMISSION_SWEEP_REGIONS };
}

export interface SweepDependencies {
  /** The Lambda's own account in these regions (the account comes from the credentials). */
  targets: (regions: readonly string[]) => Promise<SweepTarget[]>;
  state: DigestStateStore;
  publish: (topicArn: string, message: DigestMessage) => Promise<void>;
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

export function awsSweepDependencies(config: SweepConfig, clientConfig: ClientConfig = {}): Pick<SweepDependencies, 'targets' | 'state' | 'publish'> {
  const sns = new SNSClient(clientConfig);
  const { endpoint, credentials } = clientConfig;
  return {
    targets: (regions) => sweepTargets({ regions, clientConfig: { ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) } }),
    state: config.ledgerTable ? dynamoDigestState(new DynamoDBClient(clientConfig), config.ledgerTable) : memoryDigestState(),
    publish: (topicArn, message) => publishMessage(sns, topicArn, message),
  };
}

export function createSweepHandler(config: SweepConfig, deps: SweepDependencies) {
  const { logger, metrics } = deps;
  const loadOnce = policiesOnce(config.policies, logger);
  if (!config.topicArn && !config.chatbotTopicArn) logger.warn('no alert topic is set (ECS_ADMISSION_TOPIC_ARN): the digest is only logged');

  const run = async (event: unknown): Promise<SweepResult> => {
    const scheduledEventId = (event as { id?: unknown } | null)?.id;
    if (typeof scheduledEventId === 'string') logger.appendKeys({ eventId: scheduledEventId });
    try {
      const loaded = await loadOnce();
      const targets = await deps.targets(config.regions);
      const account = targets[0]?.account;
      if (!account) throw new Error('no account to sweep');
      const now = deps.now();
      const report = await sweep(targets, {
        allRevisions: false,
        concurrency: 8,
        parallelTargets: 4,
        ownerTags: config.ownerTags,
        // Audit whatever the policies say: the sweep reports what enforcement would do, and does none of it.
        makeEvaluate: (resolveTaskDefinition) => createPolicyEngine(loaded, { now, forceAudit: true, resolveTaskDefinition }).evaluate,
        policies: loaded.map((p) => p.name),
        now: deps.now,
      });
      for (const f of report.failures) logger.warn('could not sweep', { account: f.account, region: f.region, operation: f.operation, code: f.code, error: f.message });

      const previous = await deps.state.get(account);
      const built = buildDigest(report, { format: config.alertFormat, account, regions: config.regions }, previous);
      const published: string[] = [];
      if (config.topicArn) {
        await deps.publish(config.topicArn, built.message);
        published.push(config.topicArn);
      }
      if (config.chatbotTopicArn) {
        await deps.publish(config.chatbotTopicArn, config.alertFormat === 'chatbot' ? built.message : digestMessage(built.digest, 'chatbot'));
        published.push(config.chatbotTopicArn);
      }
      try {
        await deps.state.put(account, built.state);
      } catch (error) {
        logger.error('the sweep state could not be stored; the next digest may repeat these changes', { error: error as Error });
        metrics.addMetric('Errors', MetricUnit.Count, 1);
      }

      const { digest } = built;
      const result: SweepResult = {
        account,
        regions: [...config.regions],
        startedAt: report.startedAt,
        finishedAt: report.finishedAt,
        resources: report.resources.length,
        violations: digest.violations,
        newViolations: digest.changes?.newCount ?? null,
        resolved: digest.changes?.resolvedCount ?? null,
        failures: report.failures.length,
        subject: built.message.subject,
        published,
      };
      logger.info('sweep finished', {
        ...result,
        counts: report.counts,
        worstOffenders: digest.worstOffenders.slice(0, 5).map((o) => ({ arn: o.arn, severity: o.severity, rules: o.rules, owner: o.owner })),
        stateKeys: built.state.keys.length,
        ...(built.state.truncatedAfter !== undefined ? { stateTruncated: true } : {}),
      });
      record(result, metrics);
      return result;
    } catch (error) {
      logger.error('sweep failed; the invocation will be retried', { error: error as Error });
      metrics.addMetric('Errors', MetricUnit.Count, 1);
      throw error;
    }
  };

  return middy(run).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
}

function record(result: SweepResult, metrics: Metrics): void {
  metrics.addMetric('SweepResources', MetricUnit.Count, result.resources);
  metrics.addMetric('SweepFailures', MetricUnit.Count, result.failures);
  if (result.newViolations !== null) metrics.addMetric('SweepNewViolations', MetricUnit.Count, result.newViolations);
  // One per severity, zeros included: an alarm on "critical > 0" needs a data point every day.
  for (const severity of SEVERITIES) {
    const single = metrics.singleMetric();
    single.addDimensions({ Severity: severity });
    single.addMetric('SweepViolations', MetricUnit.Count, result.violations[severity]);
  }
}

/** The Lambda entry point. */
export const handler: (event: unknown, context: Parameters<ReturnType<typeof createSweepHandler>>[1]) => Promise<SweepResult> = onFirstUse(() => {
  const config = readSweepConfig(process.env);
  return createSweepHandler(config, { ...awsSweepDependencies(config), ...observability(), now: () => new Date() });
});
