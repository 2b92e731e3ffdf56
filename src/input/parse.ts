import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type ScalarTag, type CollectionTag } from 'yaml';
import { InputError } from './errors.js';
import { canonicalKey } from './keys.js';

/** One JSON or YAML document of a file, with a way back from a field path to its line. */
export interface ParsedDocument {
  value: unknown;
  index: number;
  /** Line and column (1-based) of the node at `path` (keys compared in canonical camelCase), or of its nearest ancestor. */
  locate: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
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

/** Parses JSON or YAML (JSON is YAML); multi-document YAML gives several documents. */
export function parseDocuments(text: string, source: string): ParsedDocument[] {
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
      const locate = (path: readonly (string | number)[]) => {
        let node: Node | null | undefined = doc.contents;
        let found = node;
        for (const segment of path) {
          node = child(node, segment);
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

function child(node: Node | null | undefined, segment: string | number): Node | undefined {
  if (isSeq(node) && typeof segment === 'number') return node.items[segment] as Node | undefined;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && (key === segment || canonicalKey(key) === segment)) return (pair.value ?? pair.key) as Node;
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
