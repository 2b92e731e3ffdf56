/**
 * Where a fanned-out sweep's steps leave each account's partial report for the step that merges
 * them (src/lambda/org-sweep.ts): the ledger table, under `sweep#<hub account>#run#<run>#<account>#<n>`
 * (beside the digest state's `sweep#<hub account>`; the decisions' keys never start with `sweep#`).
 *
 * Why not in the state machine's data: Step Functions passes at most 256 KB between states, and the
 * Map's results all at once; an account's violations alone can be more. The state machine passes
 * account ids only; the partials go here, gzipped (JSON of ARNs compresses about ten to one), in
 * items of at most CHUNK_BYTES (DynamoDB allows 400 KB an item): a very large account takes several.
 * Items expire after two days (the table's TTL); a run reads only its own.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SweepPartial } from '../../sweep/partial.js';

/** Bytes of gzipped partial per item: under DynamoDB's 400 KB with room for the key and attributes. */
export const CHUNK_BYTES = 350_000;
const TTL_SECONDS = 2 * 24 * 3600;

export interface PartialStore {
  put(run: PartialRun, account: string, partial: SweepPartial): Promise<{ bytes: number; chunks: number }>;
  /** The account's partial, or undefined when its step stored none (it failed, or timed out). */
  get(run: PartialRun, account: string): Promise<SweepPartial | undefined>;
}

/** One fanned-out run: the hub's account and the run's id (the state machine execution's name). */
export interface PartialRun {
  hub: string;
  id: string;
}

export const partialKey = (run: PartialRun, account: string, chunk: number): string => `sweep#${run.hub}#run#${run.id}#${account}#${chunk}`;

export interface PartialStoreOptions {
  chunkBytes?: number;
  now?: () => Date;
}

export function dynamoPartialStore(client: DynamoDBClient, table: string, options: PartialStoreOptions = {}): PartialStore {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const now = options.now ?? (() => new Date());
  return {
    async put(run, account, partial) {
      const data = gzipSync(JSON.stringify(partial));
      const chunks = Math.max(1, Math.ceil(data.length / chunkBytes));
      const expiresAt = String(Math.floor(now().getTime() / 1000) + TTL_SECONDS);
      // The later chunks first: chunk 0, which says how many there are, is written last.
      for (let i = chunks - 1; i >= 0; i--) {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              eventId: { S: partialKey(run, account, i) },
              kind: { S: 'sweep-partial' },
              data: { B: data.subarray(i * chunkBytes, (i + 1) * chunkBytes) },
              ...(i === 0 ? { chunks: { N: String(chunks) } } : {}),
              expiresAt: { N: expiresAt },
            },
          }),
        );
      }
      return { bytes: data.length, chunks };
    },
    async get(run, account) {
      const read = async (i: number) =>
        (await client.send(new GetItemCommand({ TableName: table, Key: { eventId: { S: partialKey(run, account, i) } }, ConsistentRead: true }))).Item;
      const first = await read(0);
      if (!first?.data?.B) return undefined;
      const chunks = Number(first.chunks?.N ?? '1');
      const parts: Uint8Array[] = [first.data.B];
      for (let i = 1; i < chunks; i++) {
        const item = await read(i);
        if (!item?.data?.B) throw new Error(`the partial report of account ${account} (run ${run.id}) misses part ${i + 1} of ${chunks}`);
        parts.push(item.data.B);
      }
      return parsePartial(gunzipSync(Buffer.concat(parts)).toString('utf8'), account);
    },
  };
}

/** Without a table (local runs, tests): the partials live as long as the process. */
export function memoryPartialStore(): PartialStore & { partials: Map<string, string> } {
  const partials = new Map<string, string>();
  return {
    partials,
    put: (run, account, partial) => {
      const text = JSON.stringify(partial);
      partials.set(partialKey(run, account, 0), text);
      return Promise.resolve({ bytes: Buffer.byteLength(text), chunks: 1 });
    },
    get: (run, account) => {
      const text = partials.get(partialKey(run, account, 0));
      return Promise.resolve(text === undefined ? undefined : parsePartial(text, account));
    },
  };
}

function parsePartial(text: string, account: string): SweepPartial {
  const value = JSON.parse(text) as SweepPartial;
  if (value?.version !== 1 || !Array.isArray(value.violations) || !Array.isArray(value.failures))
    throw new Error(`the partial report of account ${account} is not one this version reads`);
  return value;
}
