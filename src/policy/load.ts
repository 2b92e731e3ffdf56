import { closest, distance } from 'fastest-levenshtein';
import type * as z from '../zod.js';
import { parseDocuments, type ParsedDocument } from '../input/parse.js';
import { InputError } from '../input/errors.js';
import { pathText, PolicyError } from './errors.js';
import { PolicySchema, type PolicyDocument } from './schema.js';

/** A policy document as read from its file, with the way back to lines for later checks. */
export interface ParsedPolicy {
  policy: PolicyDocument;
  file: string;
  /** Line and column of a field, by its path in the document (`['spec', 'rules', 'x']`). */
  locate: ParsedDocument['locate'];
}

/** Keys that would reach an object's prototype in some reader of the policy: never data. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads the policies of one file (YAML or JSON, one policy per document). Every problem is
 * reported with file, line and column; unknown fields are errors, with a suggestion when a known
 * field is close (`acton` → `action`). Returns the policies read and the errors found, and, for
 * a document with schema errors, what is left of it once the faulty fields are dropped
 * (`partial`): compiling that finds the next layer of problems (unknown rules, CEL errors) in
 * the same run. Partial policies are for reporting only, never applied.
 */
export function parsePolicyFile(text: string, file: string): { policies: ParsedPolicy[]; errors: PolicyError[]; partial: ParsedPolicy[] } {
  let documents: ParsedDocument[];
  try {
    documents = parseDocuments(text, file);
  } catch (error) {
    if (error instanceof InputError) return { policies: [], errors: [new PolicyError(file, error.detail, error.line)], partial: [] };
    throw error;
  }
  const policies: ParsedPolicy[] = [];
  const errors: PolicyError[] = [];
  const partial: ParsedPolicy[] = [];
  for (const doc of documents) {
    const forbidden = forbiddenKeys(doc.value);
    if (forbidden.length > 0) {
      errors.push(
        ...forbidden.map((path) =>
          describe({ code: 'custom', path: path.slice(0, -1), message: `key "${String(path[path.length - 1])}" is not allowed` }, doc, file, path),
        ),
      );
      continue;
    }
    let value = doc.value;
    let parsed = PolicySchema.safeParse(value);
    if (parsed.success) {
      policies.push({ policy: parsed.data, file, locate: doc.locate });
      continue;
    }
    const found = flatten(parsed.error.issues, doc.value).map((issue) => describe(issue, doc, file));
    errors.push(...found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
    // Drop what the schema rejects, a few rounds at most, and keep what then parses.
    for (let round = 0; round < 4 && !parsed.success; round++) {
      const pruned = prune(value, flatten(parsed.error.issues, value));
      if (pruned === undefined) break;
      value = pruned;
      parsed = PolicySchema.safeParse(value);
    }
    if (parsed.success) partial.push({ policy: parsed.data, file, locate: doc.locate });
  }
  return { policies, errors, partial };
}

/** The paths of keys named `__proto__`, `constructor` or `prototype`, anywhere in a document. */
function forbiddenKeys(root: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const stack: [unknown, (string | number)[]][] = [[root, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) value.forEach((item, i) => stack.push([item, [...path, i]]));
    else {
      // Own keys, as written: `Object.keys` sees a JSON `"__proto__"` as the data it is.
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) found.push([...path, key]);
        else stack.push([(value as Record<string, unknown>)[key], [...path, key]]);
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) found.push([...path, '__proto__']);
    }
  }
  return found;
}

/** A copy of `value` without the fields the issues point at; undefined when nothing can be dropped. */
function prune(value: unknown, issues: readonly Issue[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let dropped = 0;
  const paths = issues.flatMap((issue) => {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    return issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...path, key]) : [path];
  });
  // Deepest and last first, so that dropping a list item does not move the next one to drop.
  for (const path of paths.sort(
    (a, b) => b.length - a.length || String(b[b.length - 1]).localeCompare(String(a[a.length - 1]), undefined, { numeric: true }),
  )) {
    if (path.length === 0) continue;
    const parent = valueAt(copy, path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) {
      parent.splice(last, 1);
      dropped++;
    } else if (parent && typeof parent === 'object' && Object.hasOwn(parent, last)) {
      delete (parent as Record<string | number, unknown>)[last];
      dropped++;
    }
  }
  return dropped > 0 ? copy : undefined;
}

type Issue = z.core.$ZodIssue;

/** In a union, reports the branch the value was meant for: `{ acton: deny }` is an object, not a misspelt `off`. */
function flatten(issues: readonly Issue[], root: unknown): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const value = valueAt(root, issue.path);
    // A branch that rejects the value's very type at its root was meant for another kind of value.
    const meant = issue.errors.find((errors) => !errors.some((e) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'invalid_value')));
    const chosen = meant ?? (typeof value === 'object' && value !== null ? issue.errors[issue.errors.length - 1]! : issue.errors[0]!);
    return flatten(
      chosen.map((e) => ({ ...e, path: [...issue.path, ...e.path] })),
      root,
    );
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function describe(issue: Issue, doc: ParsedDocument, file: string, keyPath?: readonly (string | number)[]): PolicyError {
  if (keyPath) {
    const at = doc.locate(keyPath, true);
    return new PolicyError(file, `${pathText(keyPath)}: ${issue.message}`, at?.line, at?.column);
  }
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const at = doc.locate([...path, key], true);
    const known = knownKeys(path);
    const suggestion = known.length > 0 ? closest(key, known) : undefined;
    const hint = suggestion && distance(key, suggestion) <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${suggestion}"?)` : '';
    const more =
      issue.keys.length > 1
        ? ` (and ${issue.keys
            .slice(1)
            .map((k) => `"${k}"`)
            .join(', ')})`
        : '';
    return new PolicyError(file, `${pathText([...path, key])}: unknown field "${key}"${hint}${more}`, at?.line, at?.column);
  }
  const at = doc.locate(path);
  return new PolicyError(file, `${pathText(path) || '(document)'}: ${issue.message}`, at?.line, at?.column);
}

/** The fields the schema allows where an unknown one was found, for suggestions. */
function knownKeys(path: readonly (string | number)[]): string[] {
  let schema: unknown = PolicySchema;
  for (const key of path) schema = child(schema, key);
  return objectKeys(schema);
}

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
}
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def: Def } } | undefined)?._zod?.def;

function unwrap(schema: unknown): unknown {
  let def = defOf(schema);
  while (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')) {
    schema = def.innerType;
    def = defOf(schema);
  }
  return schema;
}

function child(schema: unknown, key: string | number): unknown {
  const def = defOf(unwrap(schema));
  if (!def) return undefined;
  if (def.type === 'object') return def.shape?.[key];
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'union') return def.options?.map((o) => child(o, key)).find((c) => c !== undefined);
  return undefined;
}

function objectKeys(schema: unknown): string[] {
  const def = defOf(unwrap(schema));
  if (def?.type === 'object') return Object.keys(def.shape ?? {});
  if (def?.type === 'union') return (def.options ?? []).flatMap(objectKeys);
  return [];
}
