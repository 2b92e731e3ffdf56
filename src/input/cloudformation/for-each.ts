/**
 * `Fn::ForEach` (the `AWS::LanguageExtensions` transform) in a template's `Resources`, expanded
 * as CloudFormation does when its collection is a literal list: one resource per item, the
 * identifier replaced in the logical id (`${Id}`, or `&{Id}` without non-alphanumerics), in `Ref`
 * and in `Fn::Sub`. A collection that is not literal (`!Ref Names`) cannot be expanded offline:
 * the loop is reported as not judged, never dropped.
 */
import type { DocPath } from './convert.js';
import { intrinsicName, isObject } from './intrinsics.js';

export interface DeclaredResource {
  logicalId: string;
  declaration: unknown;
  /** Where the declaration sits in the document. */
  docPath: DocPath;
}

export interface UnexpandedLoop {
  loop: string;
  docPath: DocPath;
  reason: string;
  /** The resource types the loop would create. */
  types: string[];
}

const FOR_EACH = 'Fn::ForEach::';

export function expandResources(resources: Record<string, unknown>, resourcesPath: DocPath): { declared: DeclaredResource[]; unexpanded: UnexpandedLoop[] } {
  const declared: DeclaredResource[] = [];
  const unexpanded: UnexpandedLoop[] = [];
  const visit = (map: Record<string, unknown>, docPath: DocPath, bindings: ReadonlyMap<string, string>, depth: number): void => {
    for (const [key, value] of Object.entries(map)) {
      if (!key.startsWith(FOR_EACH)) {
        const logicalId = substituteKey(key, bindings);
        declared.push({ logicalId, declaration: bindings.size > 0 ? substitute(value, bindings) : value, docPath: [...docPath, key] });
        continue;
      }
      const loop = key.slice(FOR_EACH.length);
      const at = [...docPath, key];
      const [identifier, collection, output] = (Array.isArray(value) ? value : []) as unknown[];
      if (typeof identifier !== 'string' || !isObject(output)) {
        unexpanded.push({ loop, docPath: at, reason: `Fn::ForEach::${loop} is not of the form [Identifier, Collection, {OutputKey: Value}]`, types: [] });
        continue;
      }
      const items = Array.isArray(collection) ? collection : undefined;
      const literal = items?.every((item) => typeof item === 'string' || typeof item === 'number');
      if (!items || !literal || depth > 8) {
        const reason =
          depth > 8 ? 'loops nested deeper than 8' : `its collection ${describe(collection)} is not a literal list, so its items are not known offline`;
        unexpanded.push({ loop, docPath: at, reason: `Fn::ForEach::${loop} cannot be expanded: ${reason}`, types: typesIn(output) });
        continue;
      }
      for (const item of items) visit(output, [...at, 2], new Map([...bindings, [identifier, String(item)]]), depth + 1);
    }
  };
  visit(resources, resourcesPath, new Map(), 0);
  return { declared, unexpanded };
}

const describe = (value: unknown): string => {
  const name = intrinsicName(value);
  if (name === 'Ref') return `!Ref ${String((value as { Ref: unknown }).Ref)}`;
  return name ? `!${name.replace(/^Fn::/, '')}` : (JSON.stringify(value)?.slice(0, 40) ?? String(value));
};

/** `Topic${Name}` → `TopicSuccess`; `&{Name}` keeps only letters and digits of the item. */
function substituteKey(key: string, bindings: ReadonlyMap<string, string>): string {
  let out = key;
  for (const [identifier, item] of bindings) {
    out = out
      .split(`\${${identifier}}`)
      .join(item)
      .split(`&{${identifier}}`)
      .join(item.replace(/[^A-Za-z0-9]/g, ''));
  }
  return out;
}

/** The identifier replaced in `Ref`, `Fn::Sub` templates and map keys, everywhere in `value`. */
function substitute(value: unknown, bindings: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, bindings));
  if (!isObject(value)) return value;
  const name = intrinsicName(value);
  if (name === 'Ref' && typeof value.Ref === 'string' && bindings.has(value.Ref)) return bindings.get(value.Ref);
  if (name === 'Fn::Sub') {
    const argument = value['Fn::Sub'];
    if (typeof argument === 'string') return { 'Fn::Sub': substituteKey(argument, bindings) };
    if (Array.isArray(argument) && typeof argument[0] === 'string')
      return { 'Fn::Sub': [substituteKey(argument[0], bindings), substitute(argument[1], bindings)] };
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    Object.defineProperty(out, substituteKey(key, bindings), { value: substitute(child, bindings), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function typesIn(output: Record<string, unknown>): string[] {
  const types: string[] = [];
  for (const [key, value] of Object.entries(output)) {
    if (key.startsWith(FOR_EACH) && Array.isArray(value) && isObject(value[2])) types.push(...typesIn(value[2]));
    else if (isObject(value) && typeof value.Type === 'string') types.push(value.Type);
  }
  return types;
}
