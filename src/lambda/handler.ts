/**
 * The admission Lambda: the composition root over the admission use case. Clients are created
 * once per container, policies read once; each invocation gets a fresh clock for exception expiry.
 *
 * Error contract: a malformed event is logged with its id and dropped (a retry cannot fix it); a
 * failure of AWS or of the configuration is thrown, so Lambda and EventBridge retry it and finally
 * send the event to the dead-letter queue. No event is lost unseen.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { admit, type AdmitResult } from '../admission/admit.js';
import { MalformedEventError, parseAdmissionEvent } from '../admission/event.js';
import type { AlertSink, DecisionLedger, EcsGateway } from '../admission/ports.js';
import type { Decision } from '../admission/types.js';
import { ecsGateway } from '../adapters/aws/ecs.js';
import { dynamoLedger } from '../adapters/aws/ledger.js';
import { snsAlerts } from '../adapters/aws/sns.js';
import { memoryLedger } from '../adapters/memory-ledger.js';
import { createPolicyEngine } from '../policy/engine.js';
import { policiesOnce } from './policies.js';
import { observability, onFirstUse } from './powertools.js';
import { readConfig, type LambdaConfig } from './config.js';

export interface ClientConfig {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface HandlerDependencies {
  ecs: EcsGateway;
  ledger: DecisionLedger;
  alerts: AlertSink;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

/** What an invocation returns (and `npm run invoke` prints). */
export type InvocationResult =
  | { status: 'malformed'; eventId: string | undefined; error: string }
  | { status: 'ignored'; eventId: string; reason: string }
  | (Omit<AdmitResult, 'decisions'> & { decisions: DecisionSummary[] });

export interface DecisionSummary {
  resource: string;
  verdict: Decision['verdict'];
  mode: Decision['mode'];
  rules: string[];
  actions: string[];
  notes: string[];
}

/**
 * The AWS side. Clients read the region, credentials and endpoint (AWS_ENDPOINT_URL, for moto
 * server) from the environment unless `clientConfig` says otherwise.
 */
export function awsDependencies(config: LambdaConfig, clientConfig: ClientConfig = {}): Omit<HandlerDependencies, 'logger' | 'metrics' | 'now'> {
  const ledger = config.ledgerTable ? dynamoLedger(new DynamoDBClient(clientConfig), config.ledgerTable) : memoryLedger();
  const alerts = snsAlerts(new SNSClient(clientConfig), {
    format: config.alertFormat,
    ...(config.topicArn ? { topicArn: config.topicArn } : {}),
    ...(config.chatbotTopicArn ? { chatbotTopicArn: config.chatbotTopicArn } : {}),
  });
  return { ecs: ecsGateway(new ECSClient(clientConfig)), ledger, alerts };
}

export function createHandler(config: LambdaConfig, deps: HandlerDependencies) {
  const { logger, metrics } = deps;
  const loadOnce = policiesOnce(config.policies, deps.now, logger);
  if (!config.topicArn && !config.chatbotTopicArn) logger.warn('no alert topic is set (ECS_ADMISSION_TOPIC_ARN): decisions are only logged');

  const admitEvent = async (event: unknown): Promise<InvocationResult> => {
    let request;
    try {
      request = parseAdmissionEvent(event, config.ownRoleArn ? { ownRoleArn: config.ownRoleArn } : {});
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      logger.error('malformed event dropped', { eventId: error.eventId, error: error.message });
      metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
      return { status: 'malformed', eventId: error.eventId, error: error.message };
    }
    if ('ignored' in request) {
      logger.info('event ignored', { eventId: request.eventId, reason: request.reason });
      return { status: 'ignored', eventId: request.eventId, reason: request.reason };
    }
    logger.appendKeys({ eventId: request.eventId, eventName: request.eventName });
    const loaded = await loadOnce();
    const now = deps.now();
    let result: AdmitResult;
    try {
      result = await admit(request, {
        ecs: deps.ecs,
        ledger: deps.ledger,
        alerts: deps.alerts,
        makeEvaluate: (resolveTaskDefinition) => createPolicyEngine(loaded, { now, forceAudit: config.mode === 'audit', resolveTaskDefinition }).evaluate,
        settings: { maxActions: config.maxActions, ownerTags: config.ownerTags },
      });
    } catch (error) {
      logger.error('admission failed; the event will be retried', { error: error as Error });
      metrics.addMetric('Errors', MetricUnit.Count, 1);
      throw error;
    }
    record(result, logger, metrics);
    return { ...result, decisions: result.decisions.map(summarize) };
  };

  return middy(admitEvent).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
}

function summarize(d: Decision): DecisionSummary {
  return {
    resource: d.resource.arn,
    verdict: d.verdict,
    mode: d.mode,
    rules: [...new Set(d.findings.filter((f) => !f.exception).map((f) => f.ruleId))],
    actions: d.outcomes.map((o) => `${o.status} ${o.action.type} ${o.action.name}${o.detail ? `: ${o.detail}` : ''}`),
    notes: d.notes,
  };
}

/** One log line per decision (findings' messages never hold secret values) and the metrics. */
function record(result: AdmitResult, logger: Logger, metrics: Metrics): void {
  metrics.addMetric('Evaluations', MetricUnit.Count, 1);
  if (result.status === 'duplicate') metrics.addMetric('DuplicateEvents', MetricUnit.Count, 1);
  logger.info(`admission ${result.status}`, { reason: result.reason, decisions: result.decisions.map(summarize) });
  if (result.status !== 'decided') return;
  for (const decision of result.decisions) {
    for (const finding of decision.findings) {
      if (finding.exception) continue;
      const single = metrics.singleMetric();
      single.addDimensions({ Rule: finding.ruleId, Severity: finding.severity });
      single.addMetric('Findings', MetricUnit.Count, 1);
    }
    for (const outcome of decision.outcomes) {
      const single = metrics.singleMetric();
      single.addDimensions({ Action: outcome.action.type, Status: outcome.status });
      single.addMetric('EnforcementActions', MetricUnit.Count, 1);
    }
  }
}

/** The Lambda entry point. */
export const handler: (event: unknown, context: Parameters<ReturnType<typeof createHandler>>[1]) => Promise<InvocationResult> = onFirstUse(() => {
  const config = readConfig(process.env);
  return createHandler(config, { ...awsDependencies(config), ...observability(), now: () => new Date() });
});
