// What the scheduled sweep keeps between runs (src/sweep/digest-state.ts): one item in the
// decision ledger's table, under `eventId = sweep#<account>` (the decisions' keys are
// `<account>:<CloudTrail eventID>`, the budget's `budget#<account>#<slot>`: they never meet).
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseDigestState, type DigestState } from '../../sweep/digest-state.js';

/** Long enough for any sensible schedule; a state older than that is dropped, and the next digest has no changes. */
const STATE_TTL_SECONDS = 90 * 24 * 3600;

export interface DigestStateStore {
  /** The previous sweep's state; undefined when there is none (or one this version cannot read). */
  get(account: string): Promise<DigestState | undefined>;
  put(account: string, state: DigestState): Promise<void>;
}

export const digestStateKey = (account: string): string => `sweep#${account}`;

export function dynamoDigestState(client: DynamoDBClient, table: string, now: () => Date = () => new Date()): DigestStateStore {
  return {
    async get(account) {
      const out = await client.send(new GetItemCommand({ TableName: table, Key: { eventId: { S: digestStateKey(account) } }, ConsistentRead: true }));
      const text = out.Item?.state?.S;
      if (!text) return undefined;
      try {
        return parseDigestState(JSON.parse(text));
      } catch {
        return undefined;
      }
    },
    async put(account, state) {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            eventId: { S: digestStateKey(account) },
            kind: { S: 'sweep-digest-state' },
            finishedAt: { S: state.finishedAt },
            state: { S: JSON.stringify(state) },
            expiresAt: { N: String(Math.floor(now().getTime() / 1000) + STATE_TTL_SECONDS) },
          },
        }),
      );
    },
  };
}

/** Without a table (local runs): the state lives as long as the process. */
export function memoryDigestState(): DigestStateStore & { states: Map<string, string> } {
  const states = new Map<string, string>();
  return {
    states,
    get: (account) => {
      const text = states.get(account);
      return Promise.resolve(text === undefined ? undefined : parseDigestState(JSON.parse(text)));
    },
    put: (account, state) => {
      states.set(account, JSON.stringify(state));
      return Promise.resolve();
    },
  };
}
