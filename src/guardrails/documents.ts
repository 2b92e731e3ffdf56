/**
 * Statements into documents: identical scopes and conditions merged (actions grouped), duplicates
 * dropped, and split so that each document stays under the size quota AWS counts (minified).
 */
import type { GuardrailDocument, PolicyDocument, Statement, Targets } from './types.js';

/** SCP documents: 5,120 characters (AWS Organizations quotas). */
export const SCP_LIMIT = 5120;
/** Customer managed IAM policies: 6,144 characters, whitespace not counted. */
export const IAM_LIMIT = 6144;

const sizeOf = (document: PolicyDocument): number => JSON.stringify(document).length;

/** A statement and the rule (or `quarantine`) it comes from. */
export interface Sourced {
  statement: Statement;
  source: string;
}

/** Merges statements that differ only in their actions (named after the first), and drops duplicates. */
export function mergeStatements(statements: readonly Sourced[]): Sourced[] {
  const merged = new Map<string, Sourced>();
  for (const { statement: s, source } of statements) {
    const key = JSON.stringify([s.Sid, s.Resource, s.NotResource, s.Condition]);
    const found = merged.get(key);
    if (found) found.statement.Action = [...new Set([...found.statement.Action, ...s.Action])].sort();
    else merged.set(key, { statement: { ...s, Action: [...s.Action] }, source });
  }
  return [...merged.values()];
}

const pascal = (text: string): string => text.replace(/(^|[^A-Za-z0-9])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');

/** Names statements after their source (Sids are alphanumeric and unique in a document). */
export function nameStatements(statements: readonly Sourced[]): Statement[] {
  const used = new Map<string, number>();
  return statements.map(({ statement, source }) => {
    if (statement.Sid) return statement;
    const base = pascal(source).slice(0, 60) || 'Deny';
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const { Effect, Action, Resource, NotResource, Condition } = statement;
    return {
      Sid: n === 1 ? base : `${base}${n}`,
      Effect,
      Action,
      ...(Resource ? { Resource } : {}),
      ...(NotResource ? { NotResource } : {}),
      ...(Condition ? { Condition } : {}),
    };
  });
}

/** Splits statements into as few documents as the size limit allows, in order. */
export function splitDocuments(name: string, targets: Targets, sources: string[], statements: readonly Statement[], limit: number): GuardrailDocument[] {
  const documents: PolicyDocument[] = [];
  let current: PolicyDocument = { Version: '2012-10-17', Statement: [] };
  for (const statement of statements) {
    const next: PolicyDocument = { ...current, Statement: [...current.Statement, statement] };
    if (sizeOf(next) <= limit || current.Statement.length === 0) {
      current = next;
      continue;
    }
    documents.push(current);
    current = { Version: '2012-10-17', Statement: [statement] };
  }
  if (current.Statement.length > 0) documents.push(current);
  return documents.map((document, i) => ({
    name: documents.length === 1 ? name : `${name}-${i + 1}`,
    targets,
    document,
    size: sizeOf(document),
    sources,
  }));
}

/** A stable key for a set of targets, to put statements for the same targets together. */
export const targetsKey = (targets: Targets): string => (targets.kind === 'root' ? 'root' : targets.ids.join(','));

/** The union of target sets: the root if any is the root. */
export function unionTargets(all: readonly Targets[]): Targets {
  if (all.length === 0 || all.some((t) => t.kind === 'root')) return { kind: 'root' };
  return { kind: 'ids', ids: [...new Set(all.flatMap((t) => (t.kind === 'ids' ? t.ids : [])))].sort() };
}
