// A ledger and an action budget that live as long as the process: for local runs without a
// table (one Lambda container still never acts twice on a record it has seen), and for unit
// tests. Same conditional semantics as the DynamoDB ones (src/adapters/aws/ledger.ts, budget.ts).
import { takeFromWindow, type BudgetLimits } from '../admission/budget.js';
import type { ActionBudget, DecisionLedger, LedgerEntry } from '../admission/ports.js';

export function memoryLedger(): DecisionLedger & { entries: Map<string, LedgerEntry> } {
  const entries = new Map<string, LedgerEntry>();
  // Stored as JSON, as the real ledger does, so nothing is shared by reference with the caller.
  const copy = (entry: LedgerEntry): LedgerEntry => JSON.parse(JSON.stringify(entry)) as LedgerEntry;
  return {
    entries,
    create: (entry) => {
      const existing = entries.get(entry.key);
      if (existing) return Promise.resolve(copy(existing));
      entries.set(entry.key, copy(entry));
      return Promise.resolve(undefined);
    },
    replace: (entry, expected) => {
      const stored = entries.get(entry.key);
      if (!stored || stored.owner !== expected.owner || (expected.leaseUntil !== undefined && stored.leaseUntil !== expected.leaseUntil))
        return Promise.resolve(false);
      entries.set(entry.key, copy(entry));
      return Promise.resolve(true);
    },
  };
}

export function memoryBudget(limits: BudgetLimits): ActionBudget & { windows: Map<string, number[]> } {
  const windows = new Map<string, number[]>();
  return {
    windows,
    take: (account, wanted, now) => {
      const { granted, stamps } = takeFromWindow(windows.get(account) ?? [], wanted, now.getTime(), limits);
      windows.set(account, stamps);
      return Promise.resolve(granted);
    },
  };
}
