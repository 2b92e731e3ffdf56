/**
 * The dead-letter redrive: each event the admission Lambda could not handle (EventBridge could not
 * deliver it, or the Lambda failed on it after its retries) is read back from the dead-letter
 * queue and run through the handler again. A message is deleted only once the handler has dealt
 * with it; the ledger makes that safe, since an event already decided comes back `duplicate`.
 *
 * Pure: the queue and the handler are ports (src/adapters/aws/dead-letters.ts, src/lambda/handler.ts).
 */

/** One message of the dead-letter queue. */
export interface DeadLetter {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** Its message attributes with a string or number value (EventBridge's ERROR_CODE, RULE_ARN…). */
  attributes: Record<string, string>;
}

export interface DeadLetterQueue {
  /** Up to `max` (at most 10) messages, hidden from other readers until deleted or released. */
  receive(max: number): Promise<DeadLetter[]>;
  /** Deletes the messages; returns why, by message id, for each one that could not be deleted. */
  delete(messages: readonly DeadLetter[]): Promise<Map<string, string>>;
  /** Makes the messages visible again at once (they are kept for a later redrive). */
  release(messages: readonly DeadLetter[]): Promise<void>;
}

/** What the handler made of an event: its status, and why when it says (a reason or an error). */
export interface HandlerOutcome {
  status: string;
  detail?: string;
}

/** Runs one event through the admission handler; throws when the handler throws. */
export type RunEvent = (event: Record<string, unknown>) => Promise<HandlerOutcome>;

/** The two shapes the dead-letter queue receives, or why a message is neither. */
export type DeadLetterContent =
  | {
      /** `eventbridge`: the rule could not deliver the event; `lambda`: the function failed on it. */
      origin: 'eventbridge' | 'lambda';
      event: Record<string, unknown>;
      eventId: string;
      cloudTrailEventId?: string;
      /** Why the event was dead-lettered, as its sender recorded it. */
      failure?: string;
    }
  | { unreadable: string };

export interface RedriveItem {
  messageId: string;
  origin?: 'eventbridge' | 'lambda';
  eventId?: string;
  cloudTrailEventId?: string;
  failure?: string;
  /**
   * The handler's status (`decided`, `duplicate`, `passed`, `ignored`, `gone`…), or `failed` (it
   * threw), `unreadable` (neither shape), `would-redrive` (a dry run).
   */
  outcome: string;
  /** The handler's reason or error, or why the message is unreadable or could not be deleted. */
  detail?: string;
  deleted: boolean;
}

export interface RedriveReport {
  dryRun: boolean;
  items: RedriveItem[];
  /** A queue failure that stopped the run (the items before it are reported). */
  error?: string;
}

export interface RedriveOptions {
  /** Messages to receive at most. */
  max: number;
  /** Parse and list; run nothing, delete nothing. */
  dryRun: boolean;
}

/**
 * Receives → runs → deletes what succeeded, batch by batch, until the queue reads empty or `max`
 * messages were seen. Messages kept are released at the end, not before: released earlier, the
 * same run would receive them again.
 */
export async function redrive(queue: DeadLetterQueue, runEvent: RunEvent, options: RedriveOptions): Promise<RedriveReport> {
  const report: RedriveReport = { dryRun: options.dryRun, items: [] };
  const kept: DeadLetter[] = [];
  try {
    while (report.items.length < options.max) {
      const batch = await queue.receive(Math.min(10, options.max - report.items.length));
      if (batch.length === 0) break;
      const succeeded: [DeadLetter, RedriveItem][] = [];
      for (const message of batch) {
        const item = await redriveOne(message, runEvent, options.dryRun);
        report.items.push(item);
        if (options.dryRun || !isHandled(item)) kept.push(message);
        else succeeded.push([message, item]);
      }
      await deleteSucceeded(queue, succeeded, kept);
    }
  } catch (error) {
    report.error = describe(error);
  }
  if (kept.length > 0) {
    try {
      await queue.release(kept);
    } catch (error) {
      report.error = [report.error, `kept messages could not be made visible again (they will be after their visibility timeout): ${describe(error)}`]
        .filter(Boolean)
        .join('; ');
    }
  }
  return report;
}

async function redriveOne(message: DeadLetter, runEvent: RunEvent, dryRun: boolean): Promise<RedriveItem> {
  const content = readDeadLetter(message);
  if ('unreadable' in content) return { messageId: message.messageId, outcome: 'unreadable', detail: content.unreadable, deleted: false };
  const { event, ...known } = content;
  const item: RedriveItem = { messageId: message.messageId, ...known, outcome: 'would-redrive', deleted: false };
  if (dryRun) return item;
  try {
    const outcome = await runEvent(event);
    return { ...item, outcome: outcome.status, ...(outcome.detail ? { detail: outcome.detail } : {}) };
  } catch (error) {
    return { ...item, outcome: 'failed', detail: describe(error) };
  }
}

/** Whatever the handler returned, it dealt with the event (a malformed one it throws on, as on any failure). */
const isHandled = (item: RedriveItem): boolean => !['unreadable', 'failed', 'would-redrive'].includes(item.outcome);

async function deleteSucceeded(queue: DeadLetterQueue, succeeded: [DeadLetter, RedriveItem][], kept: DeadLetter[]): Promise<void> {
  if (succeeded.length === 0) return;
  let failures: Map<string, string>;
  try {
    failures = await queue.delete(succeeded.map(([message]) => message));
  } catch (error) {
    failures = new Map(succeeded.map(([message]) => [message.messageId, describe(error)]));
  }
  for (const [message, item] of succeeded) {
    const failure = failures.get(message.messageId);
    if (failure === undefined) {
      item.deleted = true;
      continue;
    }
    // Handled but still queued: a later redrive finds it `duplicate` in the ledger and deletes it.
    item.detail = [item.detail, `could not be deleted: ${failure}`].filter(Boolean).join('; ');
    kept.push(message);
  }
}

/** Reads a dead-letter message: the event it holds and where it came from, or why it holds none. */
export function readDeadLetter(message: Pick<DeadLetter, 'body' | 'attributes'>): DeadLetterContent {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    // Not JSON.parse's message: it quotes the body, which may hold anything.
    return { unreadable: `the body is not JSON (${message.body.length} characters)` };
  }
  if (!isObject(body)) return { unreadable: 'the body is not a JSON object' };

  // Lambda's on-failure destination: an invocation record around the event.
  if (isObject(body.requestContext) && 'requestPayload' in body) {
    const payload = body.requestPayload;
    const context = body.requestContext;
    if (!isEventBridgeEvent(payload)) {
      return {
        unreadable: `a Lambda invocation record${typeof context.functionArn === 'string' ? ` of ${context.functionArn}` : ''} whose requestPayload is not an EventBridge event (${shapeOf(payload)})`,
      };
    }
    return { origin: 'lambda', ...identify(payload), ...optional('failure', lambdaFailure(context, body.responsePayload)) };
  }
  // EventBridge's dead-letter queue: the event itself, with the error in message attributes.
  if (isEventBridgeEvent(body)) return { origin: 'eventbridge', ...identify(body), ...optional('failure', eventBridgeFailure(message.attributes)) };
  return { unreadable: `neither an EventBridge event nor a Lambda invocation record (${shapeOf(body)})` };
}

type EventBridgeEvent = Record<string, unknown> & { id: string; source: string; 'detail-type': string; detail: Record<string, unknown> };

/** The envelope's shape only: the handler judges the rest (a foreign source is `ignored`; on a broken record it throws). */
function isEventBridgeEvent(value: unknown): value is EventBridgeEvent {
  return (
    isObject(value) && typeof value.id === 'string' && typeof value.source === 'string' && typeof value['detail-type'] === 'string' && isObject(value.detail)
  );
}

function identify(event: EventBridgeEvent): { event: Record<string, unknown>; eventId: string; cloudTrailEventId?: string } {
  return { event, eventId: event.id, ...optional('cloudTrailEventId', typeof event.detail.eventID === 'string' ? event.detail.eventID : undefined) };
}

/** `ERROR_CODE: ERROR_MESSAGE (EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS retries)`, as far as present. */
function eventBridgeFailure(attributes: Record<string, string>): string | undefined {
  const error = [attributes.ERROR_CODE, attributes.ERROR_MESSAGE].filter(Boolean).join(': ');
  const retries = [attributes.EXHAUSTED_RETRY_CONDITION, attributes.RETRY_ATTEMPTS !== undefined ? `${attributes.RETRY_ATTEMPTS} retries` : undefined]
    .filter(Boolean)
    .join(', ');
  const text = [error, retries && `(${retries})`].filter(Boolean).join(' ');
  return text ? `EventBridge: ${text}` : undefined;
}

/** `RetriesExhausted after 3 attempts: Error: message`, as far as present. */
function lambdaFailure(context: Record<string, unknown>, response: unknown): string {
  const condition = typeof context.condition === 'string' ? context.condition : 'failed';
  const attempts = typeof context.approximateInvokeCount === 'number' ? ` after ${context.approximateInvokeCount} attempts` : '';
  const error = isObject(response) ? [response.errorType, response.errorMessage].filter((s) => typeof s === 'string' && s).join(': ') : '';
  return `Lambda: ${condition}${attempts}${error ? `: ${error}` : ''}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short description of a value for a message: its keys, never its content. */
function shapeOf(value: unknown): string {
  if (!isObject(value)) return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `keys: ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`;
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]?: V }));

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
