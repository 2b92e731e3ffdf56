// A ledger that lives as long as the process: for local runs without a table (one Lambda
// container still never acts twice on an event it has seen), and for unit tests.
import type { DecisionLedger, LedgerEntry } from '../admission/ports.js';

export function memoryLedger(): DecisionLedger & { entries: Map<string, LedgerEntry> } {
  const entries = new Map<string, LedgerEntry>();
  // Stored as JSON, as the real ledger does, so nothing is shared by reference with the caller.
  const copy = (entry: LedgerEntry): LedgerEntry => JSON.parse(JSON.stringify(entry)) as LedgerEntry;
  return {
    entries,
    get: (eventId) => Promise.resolve(entries.has(eventId) ? copy(entries.get(eventId)!) : undefined),
    create: (entry) => {
      if (entries.has(entry.eventId)) return Promise.resolve(false);
      entries.set(entry.eventId, copy(entry));
      return Promise.resolve(true);
    },
    update: (entry) => {
      entries.set(entry.eventId, copy(entry));
      return Promise.resolve();
    },
  };
}
