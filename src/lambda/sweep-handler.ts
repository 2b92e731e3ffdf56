/**
 * The scheduled sweep Lambda: an EventBridge schedule invokes it (daily by default, see
 * serverless.yml), it sweeps the Lambda's own account in the configured regions with the same
 * policies as the admission Lambda — always in audit mode: it changes nothing — and publishes a
 * digest (src/sweep/digest.ts, rendered by src/render/digest) to the alert topics, with what
 * changed since the previous sweep.
 *
 * Error contract: a region (or cluster) that cannot be read is reported in the digest, not thrown;
 * a digest that cannot be published is thrown, so Lambda retries the invocation (twice, for
 * asynchronous invocations). The state for the next comparison is stored only after publishing: a
 * retry compares with the same previous sweep. A state that cannot be stored is logged, not
 * thrown (the digest went out; the next one may then repeat its "new" violations).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { sweepTargets } from '../adapters/aws/accounts.js';
import { dynamoDigestState, memoryDigestState } from '../adapters/aws/digest-state.js';
import { SEVERITIES } from '../core/types.js';
import { buildDigest } from '../render/digest/index.js';
import { sweep } from '../use-cases/sweep.js';
import { handlerPolicies, s3PolicyObjects, withOrganizationalUnits } from './compiled-policies.js';
import { organizationalUnits } from '../adapters/aws/organization.js';
import { observability, onFirstUse } from './powertools.js';
import { policyProblemSink, snsRoutes } from './channels.js';
import type { ClientConfig } from './handler.js';
import { policyEvaluator } from '../policy/evaluator.js';
import { awsOrganizationDependencies, createOrganizationSweepHandler, type OrganizationSweepOutput } from './org-sweep.js';
import { publishDigest, readSweepConfig, sweepResult, type SweepConfig, type SweepDependencies, type SweepResult } from './sweep-settings.js';

export function awsSweepDependencies(
  config: SweepConfig,
  clientConfig: ClientConfig = {},
): Pick<SweepDependencies, 'targets' | 'state' | 'channels' | 'openPolicyObject' | 'organizationalUnits' | 'onBadPolicyVersion'> {
  const { endpoint, credentials } = clientConfig;
  const channels = snsRoutes(config, new SNSClient(clientConfig));
  return {
    targets: (regions) => sweepTargets({ regions, clientConfig: { ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) } }),
    state: config.ledgerTable ? dynamoDigestState(new DynamoDBClient(clientConfig), config.ledgerTable) : memoryDigestState(),
    channels,
    onBadPolicyVersion: policyProblemSink(channels),
    openPolicyObject: s3PolicyObjects(clientConfig),
    organizationalUnits: organizationalUnits({ clientConfig }),
  };
}

export function createSweepHandler(config: SweepConfig, deps: SweepDependencies) {
  const { logger, metrics } = deps;
  const loadOnce = handlerPolicies(config, deps);
  if (!config.topicArn && !config.chatbotTopicArn) logger.warn('no alert topic is set (ECS_ADMISSION_TOPIC_ARN): the digest is only logged');

  const run = async (event: unknown): Promise<SweepResult> => {
    const scheduledEventId = (event as { id?: unknown } | null)?.id;
    if (typeof scheduledEventId === 'string') logger.appendKeys({ eventId: scheduledEventId });
    try {
      const loaded = await loadOnce();
      const targets = await Promise.all((await deps.targets(config.regions)).map((t) => withOrganizationalUnits(t, loaded, deps.organizationalUnits)));
      const account = targets[0]?.account;
      if (!account) throw new Error('no account to sweep');
      const now = deps.now();
      const report = await sweep(targets, {
        allRevisions: false,
        concurrency: 8,
        parallelTargets: 4,
        ownerTags: config.ownerTags,
        // Audit whatever the policies say: the sweep reports what enforcement would do, and does none of it.
        makeEvaluate: policyEvaluator(loaded, { now, audit: true }).makeEvaluate,
        policies: loaded.map((p) => p.name),
        now: deps.now,
      });
      for (const f of report.failures)
        logger.warn('could not sweep', { account: f.account, region: f.region, operation: f.operation, code: f.code, error: f.message });

      const previous = await deps.state.get(account);
      const built = buildDigest(report, { format: config.alertFormat, account, regions: config.regions }, previous);
      const published = await publishDigest(built, account, config, deps);

      const { digest } = built;
      const result = sweepResult(built, account, config.regions, report.failures.length, published);
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

  return middy(run)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

export function record(result: SweepResult, metrics: Metrics): void {
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
export const handler: (event: unknown, context: Parameters<ReturnType<typeof createSweepHandler>>[1]) => Promise<SweepResult | OrganizationSweepOutput> =
  onFirstUse<unknown, Parameters<ReturnType<typeof createSweepHandler>>[1], SweepResult | OrganizationSweepOutput>(() => {
    const config = readSweepConfig(process.env);
    const deps = { ...awsSweepDependencies(config), ...observability(), now: () => new Date() };
    // A hub sweeps the organization (and serves the fan-out's steps): src/lambda/org-sweep.ts.
    if (config.organization) {
      const org = { ...config, organization: config.organization };
      return createOrganizationSweepHandler(org, { ...deps, ...awsOrganizationDependencies(org) }, record);
    }
    return createSweepHandler(config, deps);
  });
