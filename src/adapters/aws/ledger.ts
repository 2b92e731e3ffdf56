// The decision ledger in DynamoDB: one item per CloudTrail record (`eventId` = `<account>:<eventID>`),
// expiring after a week (EventBridge and Lambda give up retrying long before). Conditional
// PutItems only: a create that returns the item it found, and a replace guarded by the owner.
import { ConditionalCheckFailedException, type AttributeValue, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DecisionLedger, LedgerEntry, LedgerStage } from '../../admission/ports.js';
import { awsCallFailed } from './errors.js';

const WEEK_SECONDS = 7 * 24 * 3600;

type Item = Record<string, AttributeValue>;

export function dynamoLedger(client: DynamoDBClient, table: string, now: () => Date = () => new Date()): DecisionLedger {
  const item = (entry: LedgerEntry): Item => ({
    eventId: { S: entry.key },
    kind: { S: 'decision' },
    stage: { S: entry.stage },
    decisions: { S: JSON.stringify(entry.decisions) },
    owner: { S: entry.owner },
    leaseUntil: { N: String(entry.leaseUntil) },
    ...(entry.charged ? { charged: { BOOL: true } } : {}),
    ...(entry.sent?.length ? { sent: { SS: entry.sent } } : {}),
    expiresAt: { N: String(Math.floor(now().getTime() / 1000) + WEEK_SECONDS) },
  });
  const put = async (entry: LedgerEntry, condition: string, values: Item = {}): Promise<Item | 'written'> => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: item(entry),
          ConditionExpression: condition,
          ExpressionAttributeNames: condition.includes('#owner') ? { '#owner': 'owner' } : undefined,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item ?? {};
      throw await awsCallFailed(error, `the decision ledger, DynamoDB table "${table}" (ECS_ADMISSION_LEDGER_TABLE)`, client);
    }
  };
  return {
    async create(entry) {
      const found = await put(entry, 'attribute_not_exists(eventId)');
      if (found === 'written') return undefined;
      if (!found.eventId) throw new Error(`the ledger refused to record ${entry.key} but returned no item: retry`);
      return fromItem(found);
    },
    async replace(entry, expected) {
      const values: Item = { ':owner': { S: expected.owner } };
      let condition = '#owner = :owner';
      if (expected.leaseUntil !== undefined) {
        condition += ' AND leaseUntil = :until';
        values[':until'] = { N: String(expected.leaseUntil) };
      }
      return (await put(entry, condition, values)) === 'written';
    },
  };
}

function fromItem(found: Item): LedgerEntry {
  const entry: LedgerEntry = {
    key: found.eventId?.S ?? '',
    stage: (found.stage?.S ?? 'planned') as LedgerStage,
    decisions: JSON.parse(found.decisions?.S ?? '[]') as LedgerEntry['decisions'],
    // An item written before leases existed has neither: its lease is over.
    owner: found.owner?.S ?? '',
    leaseUntil: Number(found.leaseUntil?.N ?? 0),
  };
  if (found.charged?.BOOL) entry.charged = true;
  if (found.sent?.SS) entry.sent = found.sent.SS;
  return entry;
}
