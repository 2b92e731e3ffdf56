// The action budget in DynamoDB: `actions` slots per account (`eventId` = `budget#<account>#<slot>`),
// each holding the time it was last used. An action takes a slot whose last use has left the window,
// by a conditional PutItem; so no window ever holds more than `actions` actions, and concurrent
// invocations contend for one slot at a time, not for one item. Each container remembers the times
// it has seen: they only grow, so a slot it saw in use still is, and spent budgets cost no call.
import { ConditionalCheckFailedException, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { BudgetLimits } from '../../admission/budget.js';
import type { ActionBudget } from '../../admission/ports.js';
import { awsCallFailed } from './errors.js';

export const budgetSlotKey = (account: string, slot: number): string => `budget#${account}#${slot}`;

export function dynamoBudget(client: DynamoDBClient, table: string, limits: BudgetLimits, random: () => number = Math.random): ActionBudget {
  /** Per account, the last use of each slot as far as this container knows (epoch ms). */
  const seen = new Map<string, number[]>();
  const windowMs = limits.windowSeconds * 1000;

  /** Takes `slot` at `now` if its last use is out of the window; else learns when it was used. */
  const takeSlot = async (account: string, slot: number, now: number, uses: number[]): Promise<boolean> => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            eventId: { S: budgetSlotKey(account, slot) },
            kind: { S: 'action-budget-slot' },
            usedAt: { N: String(now) },
            expiresAt: { N: String(Math.ceil((now + windowMs) / 1000) + 60) },
          },
          ConditionExpression: 'attribute_not_exists(eventId) OR usedAt <= :free',
          ExpressionAttributeValues: { ':free': { N: String(now - windowMs) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      uses[slot] = now;
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException))
        throw await awsCallFailed(error, `the decision ledger, DynamoDB table "${table}" (ECS_ADMISSION_LEDGER_TABLE)`, client);
      uses[slot] = Math.max(uses[slot] ?? 0, Number(error.Item?.usedAt?.N ?? now));
      return false;
    }
  };

  return {
    async take(account, wanted, at) {
      const now = at.getTime();
      const uses = seen.get(account) ?? Array<number>(limits.actions).fill(0);
      seen.set(account, uses);
      let granted = 0;
      // From a random slot on: concurrent containers seldom reach for the same one.
      const start = Math.floor(random() * limits.actions);
      for (let i = 0; i < limits.actions && granted < wanted; i++) {
        const slot = (start + i) % limits.actions;
        if ((uses[slot] ?? 0) > now - windowMs) continue;
        if (await takeSlot(account, slot, now, uses)) granted++;
      }
      return granted;
    },
  };
}
