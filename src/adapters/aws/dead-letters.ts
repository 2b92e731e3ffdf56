// The admission Lambda's dead-letter queue over SQS, for `ecs-admission redrive`.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from '../../use-cases/redrive.js';

/**
 * How long a received message stays hidden from other readers: long enough to run a batch of ten
 * through the handler (30 s each at most, the function's timeout), after which a crashed redrive's
 * messages come back on their own.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 600;

export function sqsDeadLetters(sqs: SQSClient, queueUrl: string): DeadLetterQueue {
  return {
    async receive(max) {
      // Short polling: a run ends at the first empty answer instead of waiting for new messages.
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: 0,
          VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
          MessageAttributeNames: ['All'],
        }),
      );
      return (out.Messages ?? []).map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: stringAttributes(m.MessageAttributes),
      }));
    },
    async delete(messages) {
      const failures = new Map<string, string>();
      for (const batch of batchesOf(messages)) {
        const out = await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })) }),
        );
        for (const failed of out.Failed ?? [])
          failures.set(batch[Number(failed.Id)]!.messageId, `${failed.Code ?? 'error'}: ${failed.Message ?? 'no message'}`);
      }
      return failures;
    },
    async release(messages) {
      for (const batch of batchesOf(messages)) {
        const out = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 0 })),
          }),
        );
        const failed = out.Failed ?? [];
        if (failed.length > 0)
          throw new Error(failed.map((f) => `${batch[Number(f.Id)]!.messageId}: ${f.Code ?? 'error'}: ${f.Message ?? 'no message'}`).join('; '));
      }
    },
  };
}

/** The batch calls take ten entries at most. */
function batchesOf<T>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += 10) batches.push(items.slice(i, i + 10));
  return batches;
}

function stringAttributes(attributes: Record<string, MessageAttributeValue> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) if (value.StringValue !== undefined) out[name] = value.StringValue;
  return out;
}
