// `ecs-admission redrive`: the admission Lambda's dead-letter queue, run through the handler again.
// Light at import (main.ts imports every command): the handler, Powertools and the SQS client load
// only when the command runs, so `check` does not pay for them.
import { randomUUID } from 'node:crypto';
import type { HandlerOutcome, RedriveItem, RedriveReport, RunEvent } from '../../use-cases/redrive.js';
import type { createHandler } from '../../lambda/handler.js';
import { choice, UsageError, type CommandArgs, type Io } from '../io.js';
import { formatArn } from '../../core/identity.js';

export const REDRIVE_USAGE = `Usage: ecs-admission redrive --queue-url <url> [options]

Reads the admission Lambda's dead-letter queue and runs each event through the admission handler
again, in this process, with the deployed function's settings: the ECS_ADMISSION_* variables it
reads (ECS_ADMISSION_LEDGER_TABLE and an alert topic are required) and the usual AWS credentials.
A message is deleted once the handler has dealt with it; the ledger makes that safe (an event
already decided comes back "duplicate"). A message that fails, or that is neither an EventBridge
event nor a Lambda invocation record, is reported and kept.

Options:
  --queue-url <url>    the dead-letter queue (the stack's DeadLetterQueueUrl output); required
  --region <region>    default: the queue URL's region, else AWS_REGION, AWS_DEFAULT_REGION
  --max <n>            read at most n messages (default: until the queue reads empty)
  --dry-run            list what the queue holds; run nothing, delete nothing
  --format <format>    text (default) | json

Exit status: 0 every message read was handled and deleted (dry run: every one is readable), 1 some
were kept or the queue failed part-way, 2 bad usage or settings, or the queue cannot be read.`;

/** The deployed function's timeout (serverless.yml): each event gets as long as it would there. */
const FUNCTION_TIMEOUT_MS = 30_000;

export async function runRedrive({ values, positionals }: CommandArgs, io: Io): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`redrive takes no arguments (got ${positionals.join(' ')})`);
  const queueUrl = typeof values['queue-url'] === 'string' ? values['queue-url'].trim() : '';
  if (!queueUrl) throw new UsageError('--queue-url is required: the dead-letter queue (the stack output DeadLetterQueueUrl)');
  if (!URL.canParse(queueUrl))
    throw new UsageError(`--queue-url must be a queue URL, like https://sqs.eu-west-1.amazonaws.com/123456789012/ecs-admission-prod-dlq (got ${queueUrl})`);
  const format = choice('--format', values.format ?? 'text', ['text', 'json'] as const);
  if (values.max !== undefined && !/^[1-9]\d*$/.test(String(values.max)))
    throw new UsageError(`--max must be a whole number of messages, 1 or more (got ${String(values.max)})`);
  const max = values.max === undefined ? Infinity : Number(values.max);
  const region = (typeof values.region === 'string' && values.region) || regionOfQueue(queueUrl) || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region, or set AWS_REGION');
  const dryRun = values['dry-run'] === true;

  // A dry run runs nothing, so it needs none of the function's settings.
  const runEvent = dryRun ? notRun : await admissionHandler(io, { region, ...optional(accountOfQueue(queueUrl)) });
  const [{ redrive }, { sqsDeadLetters }, { SQSClient }] = await Promise.all([
    import('../../use-cases/redrive.js'),
    import('../../adapters/aws/dead-letters.js'),
    import('@aws-sdk/client-sqs'),
  ]);
  const report = await redrive(sqsDeadLetters(new SQSClient({ region }), queueUrl), runEvent, { max, dryRun });

  if (report.error && report.items.length === 0) {
    io.stderr(`ecs-admission redrive: cannot read ${queueUrl}: ${report.error}\n`);
    return 2;
  }
  io.stdout(format === 'json' ? `${JSON.stringify(toJson(report, queueUrl), null, 2)}\n` : toText(report, queueUrl));
  if (report.error) io.stderr(`ecs-admission redrive: stopped: ${report.error}\n`);
  const kept = report.items.filter((item) => (dryRun ? item.outcome === 'unreadable' : !item.deleted));
  return report.error || kept.length > 0 ? 1 : 0;
}

const notRun: RunEvent = () => Promise.reject(new Error('a dry run runs nothing'));

/** `sqs.<region>.amazonaws.com` (or `.amazonaws.com.cn`) in the queue URL. */
function regionOfQueue(queueUrl: string): string | undefined {
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(queueUrl).hostname)?.[1];
}

/** The account in the queue URL's path (`/<account>/<name>`): the function's, since its queue is in its stack. */
function accountOfQueue(queueUrl: string): string | undefined {
  return /^\/(\d{12})\//.exec(new URL(queueUrl).pathname)?.[1];
}

const optional = (account: string | undefined): { account?: string } => (account ? { account } : {});

/** Where the deployed function runs: it judges calls made there only, as the Lambda does. */
interface Home {
  region: string;
  account?: string;
}

/** The admission handler as the Lambda builds it, with the Lambda's settings from the environment. */
async function admissionHandler(io: Io, home: Home): Promise<RunEvent> {
  const { ConfigError, readConfig } = await import('../../lambda/config.js');
  let config;
  try {
    config = readConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (!config.ledgerTable)
    throw new UsageError('ECS_ADMISSION_LEDGER_TABLE is not set: without the ledger, a redrive could act and alert again on events the Lambda already decided');
  if (!config.topicArn && !config.chatbotTopicArn)
    throw new UsageError('ECS_ADMISSION_TOPIC_ARN (or ECS_ADMISSION_CHATBOT_TOPIC_ARN) is not set: the decisions would not be alerted');

  const [{ awsDependencies, createHandler }, { Logger }, { Metrics }] = await Promise.all([
    import('../../lambda/handler.js'),
    import('@aws-lambda-powertools/logger'),
    import('@aws-lambda-powertools/metrics'),
  ]);
  // The report is the output. The handler's JSON logs only with ECS_ADMISSION_DEBUG; its EMF metrics
  // mean something only in a Lambda's log, and here would mix with the report on stdout.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const logger = new Logger({ serviceName: 'ecs-admission', logLevel: io.env.ECS_ADMISSION_DEBUG ? 'DEBUG' : 'SILENT' });
  const metrics = new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' });
  const handler = createHandler(config, { ...awsDependencies(config, { region: home.region }), home, logger, metrics, now: () => new Date() });
  return async (event) => outcomeOf(await handler(event, lambdaContext(home)));
}

type LambdaContext = Parameters<ReturnType<typeof createHandler>>[1];

/** What Lambda would pass: a request id of its own per event, and the function's time limit. */
function lambdaContext({ region, account = '000000000000' }: Home): LambdaContext {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'ecs-admission-redrive',
    functionVersion: '$LATEST',
    invokedFunctionArn: formatArn({ partition: 'aws', service: 'lambda', region, account, resource: 'function:ecs-admission-redrive' }),
    memoryLimitInMB: '256',
    awsRequestId: `redrive-${randomUUID()}`,
    logGroupName: 'ecs-admission-redrive',
    logStreamName: 'cli',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The handler's status and why: its reason or error, else what was done. */
function outcomeOf(result: unknown): HandlerOutcome {
  const r = result as { status: string; reason?: string; error?: string; decisions?: { actions?: string[] }[] };
  const detail = r.reason ?? r.error ?? r.decisions?.flatMap((d) => d.actions ?? []).join('; ');
  return { status: r.status, ...(detail ? { detail } : {}) };
}

function counts(report: RedriveReport): { messages: number; deleted: number; kept: number; outcomes: Record<string, number> } {
  const outcomes: Record<string, number> = {};
  for (const item of report.items) outcomes[item.outcome] = (outcomes[item.outcome] ?? 0) + 1;
  const deleted = report.items.filter((i) => i.deleted).length;
  return { messages: report.items.length, deleted, kept: report.items.length - deleted, outcomes };
}

function toJson(report: RedriveReport, queueUrl: string): object {
  return { version: 1, queueUrl, dryRun: report.dryRun, messages: report.items, summary: counts(report), ...(report.error ? { error: report.error } : {}) };
}

function toText(report: RedriveReport, queueUrl: string): string {
  const lines = [`${report.dryRun ? 'Dry run, nothing is run or deleted: ' : ''}${queueUrl}`];
  const width = Math.max(0, ...report.items.map((i) => i.outcome.length));
  for (const item of report.items) lines.push(`  ${item.messageId}  ${item.outcome.padEnd(width)}  ${describeItem(item, report.dryRun)}`);
  const c = counts(report);
  const outcomes = Object.entries(c.outcomes)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  lines.push(
    c.messages === 0
      ? 'No message in the queue.'
      : report.dryRun
        ? `${c.messages} message(s): ${outcomes}`
        : `${c.messages} message(s): ${c.deleted} deleted, ${c.kept} kept (${outcomes})`,
  );
  return `${lines.join('\n')}\n`;
}

function describeItem(item: RedriveItem, dryRun: boolean): string {
  const event = item.eventId ? `event ${item.eventId}${item.cloudTrailEventId ? ` (CloudTrail ${item.cloudTrailEventId})` : ''}` : '';
  // A dry run says why each event is in the queue; a redrive, what the handler made of it.
  const why = dryRun ? item.failure : item.detail;
  const text = [event, why].filter(Boolean).join(': ') || item.detail || '';
  return dryRun ? text : `${text}${text ? ' — ' : ''}${item.deleted ? 'deleted' : 'kept'}`;
}
