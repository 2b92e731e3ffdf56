// The decision ledger in DynamoDB: one item per EventBridge event id, expiring after a week
// (EventBridge and Lambda give up retrying long before).
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DecisionLedger, LedgerEntry, LedgerStage } from '../../admission/ports.js';

const WEEK_SECONDS = 7 * 24 * 3600;

export function dynamoLedger(client: DynamoDBClient, table: string, now: () => Date = () => new Date()): DecisionLedger {
  const item = (entry: LedgerEntry) => ({
    eventId: { S: entry.eventId },
    stage: { S: entry.stage },
    decisions: { S: JSON.stringify(entry.decisions) },
    ...(entry.sent?.length ? { sent: { SS: entry.sent } } : {}),
    expiresAt: { N: String(Math.floor(now().getTime() / 1000) + WEEK_SECONDS) },
  });
  return {
    async get(eventId) {
      const out = await client.send(new GetItemCommand({ TableName: table, Key: { eventId: { S: eventId } }, ConsistentRead: true }));
      if (!out.Item) return undefined;
      const entry: LedgerEntry = { eventId, stage: out.Item.stage?.S as LedgerStage, decisions: JSON.parse(out.Item.decisions?.S ?? '[]') as LedgerEntry['decisions'] };
      if (out.Item.sent?.SS) entry.sent = out.Item.sent.SS;
      return entry;
    },
    async create(entry) {
      try {
        await client.send(new PutItemCommand({ TableName: table, Item: item(entry), ConditionExpression: 'attribute_not_exists(eventId)' }));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async update(entry) {
      await client.send(new PutItemCommand({ TableName: table, Item: item(entry) }));
    },
  };
}
