/**
 * CloudFormation properties → the ECS API shape, for one scenario of conditions: keys to
 * camelCase (except inside free-form maps), each `Fn::If` to the branch the scenario takes,
 * `AWS::NoValue` removed, every other intrinsic to an `UnknownValue`. Remembers where each value
 * came from, so that a finding points at its line even inside an `Fn::If` branch.
 */
import type { Shape } from '../../core/shape.js';
import type { Scenario } from '../../core/types.js';
import { canonicalKey, FREE_FORM_MAPS } from '../keys.js';
import { splitPath } from '../parse.js';
import type { Assignment } from './conditions.js';
import { intrinsicName, isNoValue, isObject, unknownOf, type TemplateNames } from './intrinsics.js';

export type DocPath = readonly (string | number)[];

const REMOVED = Symbol('removed');

interface Run {
  names: TemplateNames;
  assignment: Assignment;
  branches: { path: string; condition: string; value: boolean }[];
  /** Where each produced object or list sits in the document (with `Fn::If` branches in the path). */
  docPathOf: WeakMap<object, DocPath>;
  /** For produced lists: the document index of each item (items removed by `AWS::NoValue` shift them). */
  indexOf: WeakMap<object, number[]>;
  /** Scalars taken from an `Fn::If` branch, by their API path: the branch's place in the document. */
  branchLeaves: Map<string, DocPath>;
  /** Set when some object mixes an `Fn::Transform` in with other properties (AWS::Include). */
  transformed?: string;
}

export interface Converted {
  object: Record<string, unknown> | undefined;
  branches: Scenario['branches'];
  /** Finds the document path of a field of `object`, by its path in the API shape. */
  docPath: (path: string) => DocPath;
  transformed?: string;
}

export function convertProperties(properties: unknown, docPath: DocPath, shape: Shape, names: TemplateNames, assignment: Assignment): Converted {
  const run: Run = { names, assignment, branches: [], docPathOf: new WeakMap(), indexOf: new WeakMap(), branchLeaves: new Map() };
  const value = convert(properties, docPath, '', shape, false, false, run);
  const object = value !== REMOVED && isObject(value) ? value : undefined;
  const converted: Converted = {
    object,
    branches: run.branches,
    docPath: (text) => {
      const leaf = run.branchLeaves.get(text);
      if (leaf) return leaf;
      let node: unknown = object;
      let at: DocPath = (object && run.docPathOf.get(object)) ?? docPath;
      for (const segment of splitPath(text)) {
        if (node === null || typeof node !== 'object') break;
        const child: unknown = (node as Record<string | number, unknown>)[segment];
        const docIndex = Array.isArray(node) && typeof segment === 'number' ? (run.indexOf.get(node)?.[segment] ?? segment) : segment;
        at = (child !== null && typeof child === 'object' && run.docPathOf.get(child)) || [...at, docIndex];
        node = child;
      }
      return at;
    },
  };
  if (run.transformed) converted.transformed = run.transformed;
  return converted;
}

const fieldShape = (shape: Shape | undefined, key: string): Shape | undefined =>
  shape?.type === 'object' ? shape.fields[key] : shape?.type === 'map' ? shape.of : undefined;
const itemShape = (shape: Shape | undefined): Shape | undefined => (shape?.type === 'list' ? shape.of : undefined);
const apiChild = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);

function convert(value: unknown, doc: DocPath, path: string, shape: Shape | undefined, sensitive: boolean, freeForm: boolean, run: Run): unknown {
  if (isNoValue(value)) return REMOVED;
  const intrinsic = intrinsicName(value);
  if (intrinsic === 'Fn::If') {
    const [condition, whenTrue, whenFalse] = (value as { 'Fn::If': unknown[] })['Fn::If'];
    const taken = typeof condition === 'string' ? run.assignment[condition] : undefined;
    if (taken !== undefined) {
      run.branches.push({ path, condition: condition as string, value: taken });
      const branch: DocPath = [...doc, 'Fn::If', taken ? 1 : 2];
      const chosen = taken ? whenTrue : whenFalse;
      if (chosen === null || typeof chosen !== 'object') run.branchLeaves.set(path, branch);
      return convert(chosen, branch, path, shape, sensitive, freeForm, run);
    }
  }
  if (intrinsic) return unknownOf(value as Record<string, unknown>, run.names, sensitive || shape?.sensitive === true);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const index: number[] = [];
    const of = itemShape(shape);
    for (let i = 0; i < value.length; i++) {
      const item = convert(value[i], [...doc, i], `${path}[${out.length}]`, of, sensitive || shape?.sensitive === true, false, run);
      if (item === REMOVED) continue;
      index.push(i);
      out.push(item);
    }
    run.docPathOf.set(out, doc);
    run.indexOf.set(out, index);
    return out;
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'Fn::Transform') {
      // AWS::Include merges a snippet here at deploy time: these properties are not all known.
      run.transformed ??= `${path || 'its properties'} include content from Fn::Transform, which is not known offline`;
      continue;
    }
    const name = freeForm ? key : canonicalKey(key);
    const childShape = fieldShape(shape, name);
    const isMap = childShape ? childShape.type === 'map' : !freeForm && FREE_FORM_MAPS.has(name);
    const converted = convert(child, [...doc, key], apiChild(path, name), childShape, sensitive || shape?.sensitive === true, isMap, run);
    if (converted === REMOVED) continue;
    // `__proto__` is data here, never the prototype.
    Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  run.docPathOf.set(out, doc);
  return out;
}
