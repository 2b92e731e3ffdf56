import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type ScalarTag, type CollectionTag } from 'yaml';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
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

// CloudFormation short-form intrinsics, read into their long form (`!Ref X` → `{ Ref: X }`).
const INTRINSICS = ['Base64', 'Cidr', 'Condition', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Ref', 'ToJsonString', 'Length'];
const longForm = (name: string, value: unknown): unknown => {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') return { 'Fn::GetAtt': value.split('.') };
  return { [`Fn::${name}`]: value };
};
const CFN_TAGS: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  { tag: `!${name}`, collection: 'seq', resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()) } as unknown as CollectionTag,
  { tag: `!${name}`, collection: 'map', resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()) } as unknown as CollectionTag,
]);

/**
 * Parses JSON or YAML; multi-document YAML gives several documents. JSON takes the fast path
 * (`JSON.parse`), and its positions are computed only when a finding asks for a line.
 */
export function parseDocuments(text: string, source: string): ParsedDocument[] {
  const first = /\S/.exec(text)?.[0];
  if (first === '{' || first === '[') {
    try {
      return [parseJson(text)];
    } catch {
      // Not strict JSON (comments, a syntax error): YAML reads the rest and names the line of an error.
    }
  }
  return parseYaml(text, source);
}

function parseJson(text: string): ParsedDocument {
  const value = JSON.parse(text) as unknown;
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

function parseYaml(text: string, source: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { customTags: CFN_TAGS, lineCounter, uniqueKeys: false, schema: 'core' });
  if (!Array.isArray(docs)) return []; // an empty stream
  return docs
    .map((doc, index) => {
      const error = doc.errors[0];
      if (error) {
        const line = error.linePos?.[0].line;
        throw new InputError(source, `not valid JSON or YAML: ${error.message.split('\n')[0]}`, line);
      }
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
      return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, index, locate };
    })
    .filter((doc) => doc.value !== null && doc.value !== undefined);
}

function child(node: Node | null | undefined, segment: string | number, wantKey = false): Node | undefined {
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
