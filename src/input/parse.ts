import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, YAMLMap, YAMLSeq, type Node, type ScalarTag, type CollectionTag } from 'yaml';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { maskSecretsIn } from '../core/secrets/mask.js';
import { InputError } from './errors.js';
import { canonicalKey } from './keys.js';

/** One JSON or YAML document of a file, with a way back from a field path to its line. */
export interface ParsedDocument {
  value: unknown;
  index: number;
  /**
   * Line and column (1-based) of the node at `path` (keys compared in canonical camelCase), or of
   * its nearest ancestor; with `key`, of the last key itself rather than its value.
   */
  locate: (path: readonly (string | number)[], key?: boolean) => { line: number; column: number } | undefined;
}

/**
 * What a document may hold before it is refused: hostile input (an alias bomb, a file nested
 * thousands deep) is one error naming the file, never a crash, a hang or gigabytes of memory.
 * Real ECS documents nest some 20 levels and use few aliases, if any.
 */
export const PARSE_LIMITS = {
  /** Nesting of objects and lists. */
  maxDepth: 128,
  /** YAML aliases resolved in one document (`*anchor`, merge keys included). */
  maxAliases: 100,
} as const;

// CloudFormation short-form intrinsics, read into their long form (`!Ref X` → `{ Ref: X }`).
const INTRINSICS = [
  'Base64',
  'Cidr',
  'Condition',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Ref',
  'ToJsonString',
  'Length',
];
const longForm = (name: string, value: unknown): unknown => {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') return { 'Fn::GetAtt': value.split('.') };
  return { [`Fn::${name}`]: value };
};
/**
 * `!If [C, a, b]` read as a sequence node that gives `{ 'Fn::If': [...] }` in the JavaScript
 * value: the node stays in the document, so that a finding inside a branch points at its line.
 */
class IntrinsicSeq extends YAMLSeq {
  intrinsic = '';
  override toJSON(_?: unknown, ctx?: Parameters<YAMLSeq['toJSON']>[1]): unknown[] {
    return longForm(this.intrinsic, super.toJSON(_, ctx)) as unknown[];
  }
}
class IntrinsicMap extends YAMLMap {
  intrinsic = '';
  override toJSON(_?: unknown, ctx?: Parameters<YAMLMap['toJSON']>[1]): never {
    return longForm(this.intrinsic, super.toJSON(_, ctx, Object as never)) as never;
  }
}
const keepAs = <T extends YAMLSeq | YAMLMap>(node: T, Type: new () => T & { intrinsic: string }, name: string): T => {
  const kept = Object.assign(new Type(), node);
  kept.intrinsic = name;
  return kept;
};
const CFN_TAGS: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  { tag: `!${name}`, collection: 'seq', resolve: (seq: YAMLSeq) => keepAs(seq, IntrinsicSeq, name) } as unknown as CollectionTag,
  { tag: `!${name}`, collection: 'map', resolve: (map: YAMLMap) => keepAs(map, IntrinsicMap, name) } as unknown as CollectionTag,
]);

/**
 * Parses JSON or YAML; multi-document YAML gives several documents. A `.json` file, or text that
 * starts with `{` or `[` and is not a `.yaml` file, is JSON only: its errors are JSON errors, and
 * it is never parsed again as YAML (which costs a hundred times more on a large file). JSON takes
 * the fast path (`JSON.parse`); its positions are computed only when a finding asks for a line.
 */
export function parseDocuments(text: string, source: string): ParsedDocument[] {
  const first = /\S/.exec(text)?.[0];
  const yamlFile = /\.ya?ml$/i.test(source);
  if (/\.json$/i.test(source) || (!yamlFile && (first === '{' || first === '['))) return [parseJson(text, source)];
  return parseYaml(text, source);
}

function parseJson(text: string, source: string): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw jsonError(text, source, error);
  }
  const problem = scanJson(text);
  if (problem) throw new InputError(source, problem.message, position(lineStarts(text), problem.offset).line);
  let tree: JsonNode | undefined;
  let lines: number[] | undefined;
  const locate = (path: readonly (string | number)[], key = false) => {
    tree ??= parseTree(text);
    lines ??= lineStarts(text);
    let node = tree;
    let found = node;
    for (let i = 0; i < path.length; i++) {
      node = jsonChild(node, path[i]!, key && i === path.length - 1);
      if (!node) break;
      found = node;
    }
    return found ? position(lines, found.offset) : undefined;
  };
  return { value, index: 0, locate };
}

/** A JSON syntax error with its line and column, and without the excerpt V8 quotes (it may be a secret). */
function jsonError(text: string, source: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : text.length;
  const { line, column } = position(lineStarts(text), Math.min(offset, text.length));
  // V8 quotes the text around the error (`…"tions": [ }" is not valid JSON`): keep only what it says.
  const what = message
    .split(/ in JSON|,? (?:\.\.\.)?"| is not valid JSON/)[0]!
    .replace(/'([^'\s]{4,})'/g, 'a token')
    .trim();
  const detail = text.trim() === '' ? 'empty JSON file' : `not valid JSON: ${what || 'syntax error'} (line ${line}, column ${column})`;
  return new InputError(source, detail, line);
}

/**
 * What `JSON.parse` lets through: a key given twice in one object (the last one would win, so
 * `privileged: true` then `privileged: false` would read as false) and nesting deeper than the
 * limit. One iterative pass over the text, which `JSON.parse` has already found valid.
 */
function scanJson(text: string): { message: string; offset: number } | undefined {
  const stack: (Set<string> | null)[] = []; // the keys seen in each open object; null for a list
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (keys.has(key)) return { message: `duplicate key ${JSON.stringify(maskSecretsIn(key))}: a key may appear once in an object`, offset: i };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      stack.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
      if (stack.length > PARSE_LIMITS.maxDepth) return { message: `nested deeper than ${PARSE_LIMITS.maxDepth} levels`, offset: i };
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] !== null && stack.length > 0;
    }
  }
  return undefined;
}

function jsonChild(node: JsonNode | undefined, segment: string | number, wantKey = false): JsonNode | undefined {
  if (node?.type === 'array' && typeof segment === 'number') return node.children?.[segment];
  if (node?.type !== 'object') return undefined;
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    const name = key?.value as string | undefined;
    if (name !== undefined && (name === segment || canonicalKey(name) === segment)) return wantKey ? key : (value ?? key);
  }
  return undefined;
}

const lineStarts = (text: string): number[] => {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
};

function position(starts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

/**
 * The deepest nesting of YAML flow collections (`[[[…]]]`), counted before the YAML parser sees
 * the text: deep flow nesting makes the parser build a regular expression that exhausts memory
 * and aborts the process, which no `catch` can stop. Quoted scalars and comments are skipped;
 * brackets inside plain scalars may count, which can only overestimate.
 */
function flowDepthExceeded(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      // "…" (with \ escapes) or '…' (with '' escapes): skip to the closing quote.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (c === 0x22 && d === 0x5c) i++;
        else if (d === c) {
          if (c === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
          else break;
        }
      }
    } else if (c === 0x23 && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > PARSE_LIMITS.maxDepth) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

function parseYaml(text: string, source: string): ParsedDocument[] {
  const deep = flowDepthExceeded(text);
  if (deep !== undefined)
    throw new InputError(source, `not valid YAML: nested deeper than ${PARSE_LIMITS.maxDepth} levels`, position(lineStarts(text), deep).line);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { customTags: CFN_TAGS, lineCounter, uniqueKeys: true, schema: 'core' });
  if (!Array.isArray(docs)) return []; // an empty stream
  return docs
    .map((doc, index) => {
      const error = doc.errors[0];
      if (error) {
        const line = error.linePos?.[0].line;
        // The first line of a YAML error says what and where; the next ones quote the text.
        throw new InputError(source, `not valid YAML: ${maskSecretsIn(error.message.split('\n')[0]!.replace(/:$/, ''))}`, line);
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: PARSE_LIMITS.maxAliases });
      } catch (failure) {
        throw new InputError(
          source,
          `not valid YAML: ${aliasProblem(failure)}`,
          doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : undefined,
        );
      }
      if (depthOf(value) > PARSE_LIMITS.maxDepth) throw new InputError(source, `not valid YAML: nested deeper than ${PARSE_LIMITS.maxDepth} levels`);
      const locate = (path: readonly (string | number)[], key = false) => {
        let node: Node | null | undefined = doc.contents;
        let found = node;
        for (let i = 0; i < path.length; i++) {
          node = child(node, path[i]!, key && i === path.length - 1);
          if (!node) break;
          found = node;
        }
        const offset = found?.range?.[0];
        if (offset === undefined) return undefined;
        const pos = lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
      };
      return { value, index, locate };
    })
    .filter((doc) => doc.value !== null && doc.value !== undefined);
}

/** What went wrong resolving aliases, said without quoting the document. */
function aliasProblem(failure: unknown): string {
  const message = failure instanceof Error ? failure.message : String(failure);
  if (/Excessive alias count/i.test(message)) return `aliases expand too far (more than ${PARSE_LIMITS.maxAliases}): a YAML alias bomb?`;
  const unresolved = /Unresolved alias[^:]*:\s*(\S+)/.exec(message);
  if (unresolved) return `the alias *${unresolved[1]!.replace(/^\*/, '')} names no anchor set before it`;
  return maskSecretsIn(message.split('\n')[0]!);
}

/** How deep objects and lists nest in a value; iterative, so no depth can overflow the stack. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) max = depth + 1;
    if (max > PARSE_LIMITS.maxDepth) return max;
    for (const childValue of Array.isArray(node) ? node : Object.values(node)) stack.push([childValue, depth + 1]);
  }
  return max;
}

function child(node: Node | null | undefined, segment: string | number, wantKey = false): Node | undefined {
  // `!If [...]` in a path written `Fn::If`: the tagged node itself.
  if (typeof segment === 'string' && segment.startsWith('Fn::') && node && (node as { tag?: string }).tag === `!${segment.slice(4)}`) return node;
  if (isSeq(node) && typeof segment === 'number') return node.items[segment] as Node | undefined;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && (key === segment || canonicalKey(key) === segment)) return (wantKey ? pair.key : (pair.value ?? pair.key)) as Node;
    }
  }
  return undefined;
}

/** `containerDefinitions[1].privileged` → `['containerDefinitions', 1, 'privileged']`. */
export function splitPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      segments.push(part);
      continue;
    }
    if (match[1]) segments.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}
