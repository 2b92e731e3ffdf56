/**
 * The dead-letter redrive without AWS: reading both message shapes (and what is neither), the
 * loop over an in-memory queue (what is deleted, kept, released, and when), and the command's
 * usage and settings errors, which stop it before any AWS call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeadLetter, redrive, type DeadLetter, type DeadLetterQueue, type RunEvent } from '../../src/use-cases/redrive.js';
import { root, runCli } from '../helpers/cli.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';

const DOCS_RECORD = readFileSync(join(root, 'test/fixtures/dead-letters/awsdocs-lambda-developer-guide__invocation-record-retries-exhausted.json'), 'utf8');
const EVENT = eventBridgeEvent({ eventID: 'ct-0001' }, 'eb-0001');
const EVENTBRIDGE_ATTRIBUTES = {
  RULE_ARN: 'arn:aws:events:eu-west-1:123456789012:rule/ecs-admission-prod-ecs-calls',
  TARGET_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:ecs-admission-prod-admission',
  ERROR_CODE: 'CONNECTION_FAILURE',
  ERROR_MESSAGE: 'Rate exceeded',
  EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
  RETRY_ATTEMPTS: '4',
};
/** AWS's documented invocation record, with an event of ours as its payload. */
const invocationRecord = (event: unknown): string => JSON.stringify({ ...(JSON.parse(DOCS_RECORD) as object), requestPayload: event });

describe('reading a dead letter', () => {
  it('EventBridge: the body is the event, the failure is in the message attributes', () => {
    expect(readDeadLetter({ body: JSON.stringify(EVENT), attributes: EVENTBRIDGE_ATTRIBUTES })).toEqual({
      origin: 'eventbridge',
      event: EVENT,
      eventId: 'eb-0001',
      cloudTrailEventId: 'ct-0001',
      failure: 'EventBridge: CONNECTION_FAILURE: Rate exceeded (MaximumRetryAttempts, 4 retries)',
    });
    expect(readDeadLetter({ body: JSON.stringify(EVENT), attributes: {} })).not.toHaveProperty('failure');
  });

  it("Lambda's on-failure destination: the event is the invocation record's requestPayload", () => {
    expect(readDeadLetter({ body: invocationRecord(EVENT), attributes: {} })).toEqual({
      origin: 'lambda',
      event: EVENT,
      eventId: 'eb-0001',
      cloudTrailEventId: 'ct-0001',
      failure: 'Lambda: RetriesExhausted after 3 attempts: RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request',
    });
  });

  it("AWS's documented record as is: an invocation record that holds no EventBridge event is unreadable", () => {
    expect(readDeadLetter({ body: DOCS_RECORD, attributes: {} })).toEqual({
      unreadable:
        'a Lambda invocation record of arn:aws:lambda:us-east-2:123456789012:function:my-function:$LATEST whose requestPayload is not an EventBridge event (keys: ORDER_IDS)',
    });
  });

  it('neither shape: says why, naming keys but never values', () => {
    expect(readDeadLetter({ body: 'password=hunter2', attributes: {} })).toEqual({ unreadable: 'the body is not JSON (16 characters)' });
    expect(readDeadLetter({ body: '[1, 2]', attributes: {} })).toEqual({ unreadable: 'the body is not a JSON object' });
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const read = readDeadLetter({ body: JSON.stringify({ AWS_SECRET_ACCESS_KEY: secret, id: 'x' }), attributes: {} });
    expect(read).toEqual({ unreadable: 'neither an EventBridge event nor a Lambda invocation record (keys: AWS_SECRET_ACCESS_KEY, id)' });
    // An envelope without its detail is not taken for an event.
    expect(readDeadLetter({ body: JSON.stringify({ ...EVENT, detail: undefined }), attributes: {} })).toHaveProperty('unreadable');
  });
});

/** A queue in memory: receive hides what it returns until deleted or released, as SQS does. */
function memoryQueue(bodies: string[], faults: { deleteFails?: Set<string>; receiveFailsAfter?: number } = {}) {
  const messages = bodies.map((body, i): DeadLetter & { visible: boolean } => ({
    messageId: `m${i + 1}`,
    receiptHandle: `r${i + 1}`,
    body,
    attributes: {},
    visible: true,
  }));
  const log: string[] = [];
  let receives = 0;
  const queue: DeadLetterQueue = {
    receive(max) {
      receives += 1;
      if (faults.receiveFailsAfter !== undefined && receives > faults.receiveFailsAfter) return Promise.reject(new Error('AccessDenied'));
      const batch = messages.filter((m) => m.visible).slice(0, max);
      for (const m of batch) m.visible = false;
      log.push(`receive ${batch.map((m) => m.messageId).join(',')}`);
      return Promise.resolve(batch.map((m) => ({ messageId: m.messageId, receiptHandle: m.receiptHandle, body: m.body, attributes: m.attributes })));
    },
    delete(batch) {
      const failures = new Map<string, string>();
      for (const m of batch) {
        if (faults.deleteFails?.has(m.messageId)) failures.set(m.messageId, 'ReceiptHandleIsInvalid: gone');
        else
          messages.splice(
            messages.findIndex((x) => x.messageId === m.messageId),
            1,
          );
      }
      log.push(`delete ${batch.map((m) => m.messageId).join(',')}`);
      return Promise.resolve(failures);
    },
    release(batch) {
      for (const m of batch) messages.find((x) => x.messageId === m.messageId)!.visible = true;
      log.push(`release ${batch.map((m) => m.messageId).join(',')}`);
      return Promise.resolve();
    },
  };
  return { queue, log, left: () => messages.filter((m) => m.visible).map((m) => m.messageId) };
}

const event = (id: string) => JSON.stringify(eventBridgeEvent({ eventID: `ct-${id}` }, id));

/** A handler that answers by event id: `throw` throws, otherwise the status named. */
function handler(statuses: Record<string, string>): RunEvent & { ran: string[] } {
  const ran: string[] = [];
  const run = (e: Record<string, unknown>) => {
    const id = e.id as string;
    ran.push(id);
    const status = statuses[id] ?? 'decided';
    return status === 'throw'
      ? Promise.reject(new Error('ResourceNotFoundException: Requested resource not found'))
      : Promise.resolve({ status, detail: `${status} ${id}` });
  };
  return Object.assign(run, { ran });
}

describe('the redrive loop', () => {
  it('deletes what the handler dealt with; keeps what threw or is unreadable, and releases those only at the end', async () => {
    const { queue, log, left } = memoryQueue([event('a'), event('b'), event('c'), 'junk', event('d'), event('e')]);
    const run = handler({ b: 'duplicate', c: 'throw', d: 'gone', e: 'ignored' });
    const report = await redrive(queue, run, { max: Infinity, dryRun: false });

    expect(report.items.map((i) => [i.messageId, i.outcome, i.deleted])).toEqual([
      ['m1', 'decided', true],
      ['m2', 'duplicate', true],
      ['m3', 'failed', false],
      ['m4', 'unreadable', false],
      ['m5', 'gone', true],
      ['m6', 'ignored', true],
    ]);
    expect(report.items[2]).toMatchObject({
      eventId: 'c',
      cloudTrailEventId: 'ct-c',
      detail: 'Error: ResourceNotFoundException: Requested resource not found',
    });
    expect(run.ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Released after the last (empty) receive: released earlier, the run would receive them again.
    expect(log).toEqual(['receive m1,m2,m3,m4,m5,m6', 'delete m1,m2,m5,m6', 'receive ', 'release m3,m4']);
    expect(left()).toEqual(['m3', 'm4']);
    expect(report.error).toBeUndefined();
  });

  it('reads at most --max messages, ten per receive', async () => {
    const bodies = Array.from({ length: 25 }, (_, i) => event(`e${i}`));
    const { queue, log, left } = memoryQueue(bodies);
    const report = await redrive(queue, handler({}), { max: 13, dryRun: false });
    expect(report.items).toHaveLength(13);
    expect(log.filter((l) => l.startsWith('receive')).map((l) => l.split(',').length)).toEqual([10, 3]);
    expect(left()).toHaveLength(12);
  });

  it('a dry run runs nothing and deletes nothing, and says why each event was dead-lettered', async () => {
    const { queue, log, left } = memoryQueue([invocationRecord(eventBridgeEvent({ eventID: 'ct-x' }, 'x')), 'junk']);
    const run = handler({});
    const report = await redrive(queue, run, { max: Infinity, dryRun: true });
    expect(run.ran).toEqual([]);
    expect(report.items).toEqual([
      {
        messageId: 'm1',
        origin: 'lambda',
        eventId: 'x',
        cloudTrailEventId: 'ct-x',
        failure: expect.stringContaining('Lambda: RetriesExhausted after 3 attempts') as string,
        outcome: 'would-redrive',
        deleted: false,
      },
      { messageId: 'm2', outcome: 'unreadable', detail: expect.stringContaining('not JSON') as string, deleted: false },
    ]);
    expect(log.some((l) => l.startsWith('delete'))).toBe(false);
    expect(left()).toEqual(['m1', 'm2']);
  });

  it('a message handled but not deleted is reported kept, and released', async () => {
    const { queue, left } = memoryQueue([event('a'), event('b')], { deleteFails: new Set(['m2']) });
    const report = await redrive(queue, handler({}), { max: Infinity, dryRun: false });
    expect(report.items[1]).toMatchObject({ outcome: 'decided', deleted: false, detail: 'decided b; could not be deleted: ReceiptHandleIsInvalid: gone' });
    expect(left()).toEqual(['m2']);
  });

  it('a queue failure part-way stops the run: what was done is reported, what was kept released', async () => {
    const { queue, left } = memoryQueue([...Array.from({ length: 10 }, (_, i) => event(`e${i}`)), event('late')], { receiveFailsAfter: 1 });
    const report = await redrive(queue, handler({ e3: 'throw' }), { max: Infinity, dryRun: false });
    expect(report.items).toHaveLength(10);
    expect(report.error).toBe('Error: AccessDenied');
    expect(left()).toEqual(['m4', 'm11']);
  });
});

describe('ecs-admission redrive: usage and settings (exit status 2, before any AWS call)', () => {
  const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ecs-admission-prod-dlq';
  const SETTINGS = { ECS_ADMISSION_LEDGER_TABLE: 'ledger', ECS_ADMISSION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts' };

  it.each([
    [['redrive'], {}, '--queue-url is required'],
    [['redrive', '--queue-url', 'not a url'], {}, '--queue-url must be a queue URL'],
    [['redrive', '--queue-url', QUEUE, '--max', '0'], SETTINGS, '--max must be a whole number of messages, 1 or more (got 0)'],
    [['redrive', '--queue-url', QUEUE, '--format', 'sarif'], SETTINGS, '--format must be one of text, json (got sarif)'],
    [['redrive', '--queue-url', QUEUE, 'extra'], SETTINGS, 'redrive takes no arguments (got extra)'],
    [['redrive', '--queue-url', 'http://127.0.0.1:1/123456789012/dlq'], SETTINGS, 'no region: pass --region'],
    [['redrive', '--queue-url', QUEUE], { ECS_ADMISSION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts' }, 'ECS_ADMISSION_LEDGER_TABLE is not set'],
    [['redrive', '--queue-url', QUEUE], { ECS_ADMISSION_LEDGER_TABLE: 'ledger' }, 'ECS_ADMISSION_TOPIC_ARN (or ECS_ADMISSION_CHATBOT_TOPIC_ARN) is not set'],
    [['redrive', '--queue-url', QUEUE], { ...SETTINGS, ECS_ADMISSION_MODE: 'enforcee' }, 'ECS_ADMISSION_MODE="enforcee"'],
  ])('%j %j → %s', async (args, env, message) => {
    const { status, stdout, stderr } = await runCli(args, { env });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('is listed in the usage, and --help shows its options', async () => {
    expect((await runCli(['--help'])).stdout).toContain('redrive --queue-url <url>');
    const help = await runCli(['redrive', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--dry-run');
  });
});
