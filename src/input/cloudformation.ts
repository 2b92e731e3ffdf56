import { UnknownValue } from '../core/unknown.js';
import type { ResourceKind } from '../core/types.js';
import { canonicalKey, FREE_FORM_MAPS } from './keys.js';

export const CFN_KINDS: Record<string, ResourceKind> = {
  'AWS::ECS::TaskDefinition': 'taskDefinition',
  'AWS::ECS::Service': 'service',
  'AWS::ECS::TaskSet': 'taskSet',
};

// CloudFormation accepts "true"/"false" strings for booleans; the API shape has booleans.
const BOOLEAN_KEYS = new Set([
  'privileged', 'readonlyRootFilesystem', 'essential', 'interactive', 'pseudoTerminal', 'disableNetworking',
  'initProcessEnabled', 'enableExecuteCommand', 'enable', 'rollback', 'enableECSManagedTags',
]);

export const isTemplate = (value: Record<string, unknown>): boolean =>
  isObject(value.Resources) &&
  ('AWSTemplateFormatVersion' in value || Object.values(value.Resources).some((r) => isObject(r) && typeof r.Type === 'string'));

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Ref: X }` / `{ 'Fn::Sub': ... }` → the short form, for messages. */
function intrinsicExpression(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  if (key !== 'Ref' && !key.startsWith('Fn::')) return undefined;
  const argument = value[key];
  const name = key === 'Ref' ? 'Ref' : key.slice(4);
  if (name === 'GetAtt' && Array.isArray(argument)) return `!GetAtt ${argument.join('.')}`;
  const text = typeof argument === 'string' ? argument : JSON.stringify(argument);
  return `!${name} ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/** Whether a value is `{ Ref: 'AWS::NoValue' }`, which removes the property. */
const isNoValue = (value: unknown): boolean => isObject(value) && value.Ref === 'AWS::NoValue' && Object.keys(value).length === 1;

/**
 * Maps CloudFormation properties to the API shape: keys to camelCase (except inside free-form
 * maps), intrinsics to `UnknownValue`, `AWS::NoValue` to absent.
 */
export function toApiShape(value: unknown, freeForm = false): unknown {
  if (Array.isArray(value)) return value.filter((v) => !isNoValue(v)).map((v) => toApiShape(v));
  if (!isObject(value)) return value;
  const expression = intrinsicExpression(value);
  if (expression) return new UnknownValue(expression);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (isNoValue(child)) continue;
    const name = freeForm ? key : canonicalKey(key);
    let converted = toApiShape(child, !freeForm && FREE_FORM_MAPS.has(name));
    if (BOOLEAN_KEYS.has(name) && typeof converted === 'string' && /^(true|false)$/i.test(converted)) {
      converted = converted.toLowerCase() === 'true';
    }
    out[name] = converted;
  }
  return out;
}

/** The logical id a `{ Ref: X }` points at, when X is a resource of the template. */
export function referencedLogicalId(value: unknown, resources: Record<string, unknown>): string | undefined {
  if (!isObject(value) || typeof value.Ref !== 'string') return undefined;
  return value.Ref in resources ? value.Ref : undefined;
}
