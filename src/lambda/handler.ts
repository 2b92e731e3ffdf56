/**
 * The admission Lambda: the composition root over the admission use case. Clients are created
 * once per container, policies read once; each invocation gets a fresh clock for exception expiry.
 *
 * Error contract: nothing is dropped unseen. An event that cannot be parsed, a failure of AWS or
 * of the configuration is logged with the event id and thrown, so Lambda and EventBridge retry it
 * and finally send it to the dead-letter queue (`ecs-admission redrive` re-runs it from there). A
 * concurrent delivery of a record another invocation is deciding throws too (LeaseHeld): its retry
 * finds the decision made. What cannot be verified is alerted, counted (`Unverified`) and logged
 * at warn level.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import { admit, type AdmitResult } from '../use-cases/admit.js';
import { MalformedEventError, parseAdmissionEvent } from '../admission/event.js';
import { LeaseHeldError } from '../admission/lease.js';
import type { ActionBudget, AlertSink, DecisionLedger, EcsGateway } from '../admission/ports.js';
import type { Home } from '../admission/read-target.js';
import type { Decision } from '../admission/types.js';
import { dynamoBudget } from '../adapters/aws/budget.js';
import { ecsGateway } from '../adapters/aws/ecs.js';
import { dynamoLedger } from '../adapters/aws/ledger.js';
import { ssmModeSwitch, type ModeSwitch } from '../adapters/aws/mode-switch.js';
import { memoryBudget, memoryLedger } from '../adapters/memory-ledger.js';
import { handlerPolicies, s3PolicyObjects, withOrganizationalUnits, type BadPolicyVersion, type OpenPolicyObject } from './compiled-policies.js';
import { organizationalUnits, type OrganizationalUnitsOf } from '../adapters/aws/organization.js';
import { observability, onFirstUse } from './powertools.js';
import { readConfig, type LambdaConfig } from './config.js';
import { alertSink, policyProblemSink, snsRoutes } from './channels.js';
import { parseArn } from '../core/identity.js';
import { policyEvaluator } from '../policy/evaluator.js';
import type { MemberAccess } from '../adapters/aws/member-access.js';

export interface ClientConfig {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per AWS call, retries included (the SDK's default when not set). */
  maxAttempts?: number;
}

export interface HandlerDependencies {
  ecs: EcsGateway;
  ledger: DecisionLedger;
  budget: ActionBudget;
  alerts: AlertSink;
  /** The kill switch, when one is configured (ECS_ADMISSION_MODE_PARAMETER). */
  modeSwitch?: ModeSwitch;
  /** The account and Region this function reads (from its ARN and AWS_REGION when not given). */
  home?: Home;
  /** A hub's way into member accounts: the ECS gateway for an event's account and Region. */
  members?: (home: Required<Home>) => Promise<Pick<MemberAccess, 'ecsFor'>>;
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

/** What an invocation returns (and `npm run invoke` prints). */
export type InvocationResult =
  | { status: 'ignored'; eventId: string; reason: string }
  | (Omit<AdmitResult, 'decisions'> & { mode: 'audit' | 'enforce'; decisions: DecisionSummary[] });

export interface DecisionSummary {
  decisionId: string;
  resource: string;
  verdict: Decision['verdict'];
  mode: Decision['mode'];
  rules: string[];
  actions: string[];
  notes: string[];
  unverified?: string[];
}

/**
 * The AWS side. Clients read the region, credentials and endpoint (AWS_ENDPOINT_URL, for moto
 * server) from the environment unless `clientConfig` says otherwise.
 */
export function awsDependencies(config: LambdaConfig, clientConfig: ClientConfig = {}): Omit<HandlerDependencies, 'logger' | 'metrics' | 'now'> {
  const dynamo = config.ledgerTable ? new DynamoDBClient(clientConfig) : undefined;
  // Decisions through the alert topics, each in its format.
  const routes = snsRoutes(config, new SNSClient(clientConfig));
  const alerts = alertSink(routes);
  return {
    ecs: ecsGateway(new ECSClient(clientConfig)),
    // Hub only, and loaded with its first event: a single-account function never loads STS.
    ...(config.memberRoleName
      ? {
          members: async (home: Required<Home>) =>
            (await import('../adapters/aws/member-access.js')).memberAccess({ roleName: config.memberRoleName!, home, clientConfig }),
        }
      : {}),
    ledger: dynamo && config.ledgerTable ? dynamoLedger(dynamo, config.ledgerTable) : memoryLedger(),
    budget: dynamo && config.ledgerTable ? dynamoBudget(dynamo, config.ledgerTable, config.budget) : memoryBudget(config.budget),
    alerts,
    onBadPolicyVersion: policyProblemSink(routes),
    openPolicyObject: s3PolicyObjects(clientConfig),
    organizationalUnits: organizationalUnits({ clientConfig }),
    ...(config.modeParameter ? { modeSwitch: ssmModeSwitch(new SSMClient(clientConfig), config.modeParameter.name, config.modeParameter.maxAgeSeconds) } : {}),
  };
}

/** What a test or a local run passes as the Lambda context; the runtime passes more. */
export interface InvocationContext {
  awsRequestId: string;
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

/** The longest a Lambda invocation can live: the lease of a context that does not say its deadline. */
const MAX_INVOCATION_MS = 15 * 60_000;

export function createHandler(config: LambdaConfig, deps: HandlerDependencies) {
  const { logger, metrics } = deps;
  // One way into the member accounts per container, made with the first event (its home is in the context).
  let access: Promise<Pick<MemberAccess, 'ecsFor'>> | undefined;
  const members = deps.members ? (home: Required<Home>) => (access ??= deps.members!(home)) : undefined;
  const loadOnce = handlerPolicies(config, deps);
  if (!config.topicArn && !config.chatbotTopicArn) logger.warn('no alert topic is set (ECS_ADMISSION_TOPIC_ARN): decisions are only logged');

  /** Audit when the deployment or the kill switch says so; a kill switch set to nonsense counts as audit. */
  const effectiveMode = async (): Promise<'audit' | 'enforce'> => {
    if (!deps.modeSwitch) return config.mode;
    const switched = await deps.modeSwitch();
    if ('invalid' in switched) {
      logger.warn('the mode parameter holds neither audit nor enforce: running in audit mode', { value: switched.invalid });
      return 'audit';
    }
    return config.mode === 'audit' || switched.mode === 'audit' ? 'audit' : 'enforce';
  };

  const admitEvent = async (event: unknown, context: InvocationContext): Promise<InvocationResult> => {
    let request;
    try {
      request = parseAdmissionEvent(event, {
        ...(config.ownRoleArn ? { ownRoleArn: config.ownRoleArn } : {}),
        ...(config.memberRoleName ? { memberRoleName: config.memberRoleName } : {}),
        ...(config.reportBlocked ? { reportBlocked: true } : {}),
      });
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      // Thrown, not dropped: the event ends in the dead-letter queue, where it can be read and redriven.
      logger.error('malformed event: left to retries and the dead-letter queue', { eventId: error.eventId, error: error.message });
      metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
      throw error;
    }
    if ('ignored' in request) {
      logger.info('event ignored', { eventId: request.eventId, reason: request.reason });
      return { status: 'ignored', eventId: request.eventId, reason: request.reason };
    }
    logger.appendKeys({
      eventId: request.eventId,
      eventName: request.eventName,
      account: request.account,
      region: request.region,
      ...(request.cloudTrailEventId ? { cloudTrailEventId: request.cloudTrailEventId } : {}),
    });
    let result: AdmitResult;
    let mode: 'audit' | 'enforce';
    try {
      const loaded = await loadOnce();
      mode = await effectiveMode();
      const now = deps.now();
      const started = now.getTime();
      const home = deps.home ?? homeOf(context);
      // A hub reads and acts in the event's account and Region; a single deployment in its own only.
      const hub = members && home.account && home.region ? await members({ account: home.account, region: home.region }) : undefined;
      result = await admit(await withOrganizationalUnits(request, loaded, deps.organizationalUnits), {
        ecs: hub ? hub.ecsFor(request.account, request.region) : deps.ecs,
        ledger: deps.ledger,
        budget: deps.budget,
        alerts: deps.alerts,
        makeEvaluate: policyEvaluator(loaded, { now, audit: mode === 'audit' }).makeEvaluate,
        settings: { maxActions: config.maxActions, budget: config.budget, ownerTags: config.ownerTags, home: hub ? {} : home },
        invocation: { id: context.awsRequestId, deadline: started + (context.getRemainingTimeInMillis?.() ?? MAX_INVOCATION_MS) },
        now: () => deps.now().getTime(),
      });
    } catch (error) {
      if (error instanceof LeaseHeldError) {
        logger.info('another invocation is deciding this record; this delivery will be retried', { error: error.message });
        metrics.addMetric('LeaseHeld', MetricUnit.Count, 1);
      } else {
        logger.error('admission failed; the event will be retried', { error: error as Error });
        metrics.addMetric('Errors', MetricUnit.Count, 1);
      }
      throw error;
    }
    record(result, { account: request.account, region: request.region }, logger, metrics);
    return { ...result, mode, decisions: result.decisions.map(summarize) };
  };

  return middy(admitEvent)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** The function's own account (from its ARN) and Region (from the runtime's environment). */
function homeOf(context: InvocationContext): Home {
  const account = parseArn(context.invokedFunctionArn)?.account;
  const region = process.env.AWS_REGION;
  return { ...(account && /^\d{12}$/.test(account) ? { account } : {}), ...(region ? { region } : {}) };
}

function summarize(d: Decision): DecisionSummary {
  return {
    decisionId: d.decisionId,
    resource: d.resource.arn,
    verdict: d.verdict,
    mode: d.mode,
    rules: [...new Set(d.findings.filter((f) => !f.exception).map((f) => f.ruleId))],
    actions: d.outcomes.map((o) => `${o.status} ${o.action.type} ${o.action.name}${o.detail ? `: ${o.detail}` : ''}`),
    notes: d.notes,
    ...(d.unverified ? { unverified: d.unverified } : {}),
  };
}

/** One log line per decision (findings' messages never hold secret values) and the metrics. */
function record(result: AdmitResult, where: { account: string; region: string }, logger: Logger, metrics: Metrics): void {
  metrics.addMetric('Evaluations', MetricUnit.Count, 1);
  // Per account and Region too (a hub decides for many): the same counts under their own names,
  // so that the alarms on the service-wide metrics keep their dimensions.
  const byAccount = (name: string, value = 1): void => {
    const single = metrics.singleMetric();
    single.addDimensions({ Account: where.account, Region: where.region });
    single.addMetric(name, MetricUnit.Count, value);
  };
  byAccount('AccountEvaluations');
  if (result.status === 'duplicate') metrics.addMetric('DuplicateEvents', MetricUnit.Count, 1);
  logger.info(`admission ${result.status}`, { reason: result.reason, decisions: result.decisions.map(summarize) });
  // Never a quiet pass: what could not be verified is a warning, a metric and (in the decision) an alert.
  const unverified = [...new Set([...result.decisions.flatMap((d) => d.unverified ?? []), ...result.ruleErrors])];
  if (unverified.length > 0 && (result.status === 'decided' || result.status === 'passed')) {
    logger.warn('admission could not verify everything', { reasons: unverified });
    metrics.addMetric('Unverified', MetricUnit.Count, 1);
    byAccount('AccountUnverified');
  }
  if (result.overBudget > 0) {
    logger.warn('the action budget is spent: resources flagged instead of enforced', { flagged: result.overBudget });
    metrics.addMetric('BudgetSpent', MetricUnit.Count, result.overBudget);
    byAccount('AccountBudgetSpent', result.overBudget);
  }
  if (result.status !== 'decided') return;
  for (const decision of result.decisions) {
    // A call AWS refused: counted on its own; its findings name guardrails, not what runs.
    if (decision.verdict === 'blocked') {
      metrics.addMetric('Blocked', MetricUnit.Count, 1);
      byAccount('AccountBlocked');
      continue;
    }
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
