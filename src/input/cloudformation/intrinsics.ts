/**
 * CloudFormation intrinsic functions, as far as they can be known offline: what they are
 * (a reference to a resource, a `NoEcho` parameter, literal text), and how to show them in a
 * message without printing a secret.
 */
import { detectSecret } from '../../core/secrets/detect.js';
import { masked, maskSecretsIn } from '../../core/secrets/mask.js';
import { UnknownValue } from '../../core/unknown.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the template tells about the names an intrinsic can refer to. */
export interface TemplateNames {
  /** Parameter name → whether it is `NoEcho`. */
  parameters: ReadonlyMap<string, { noEcho: boolean }>;
  /** Logical ids of the template's resources. */
  resources: ReadonlySet<string>;
}

/** The intrinsic function of a value (`Ref`, `Fn::Sub`, …), when it is one. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

/** Whether a value is `{ Ref: 'AWS::NoValue' }`, which removes the property or list item. */
export const isNoValue = (value: unknown): boolean => isObject(value) && value.Ref === 'AWS::NoValue' && Object.keys(value).length === 1;

const PSEUDO_PARAMETER = /^AWS::/;
/** `${Name}`, `${Resource.Attribute}`, `${AWS::Region}`; `${!Literal}` is an escaped literal. */
const SUB_VARIABLE = /\$\{(?!!)([^}]*)\}/g;

/** The unknown value an intrinsic stands for, with what is known of it. */
export function unknownOf(intrinsic: Record<string, unknown>, names: TemplateNames, sensitive: boolean): UnknownValue {
  const facts: { reference?: boolean; noEcho?: string[]; literals?: string[] } = {};
  if (onlyReferences(intrinsic, names, 0)) facts.reference = true;
  const noEcho = new Set<string>();
  const literals: string[] = [];
  collect(intrinsic, names, noEcho, literals);
  if (noEcho.size > 0) facts.noEcho = [...noEcho];
  if (literals.length > 0) facts.literals = literals;
  return new UnknownValue(describeIntrinsic(intrinsic, sensitive), facts);
}

/**
 * Whether an intrinsic is built only of references to resources and pseudo parameters, and
 * literal text: `!GetAtt Db.Endpoint.Address`, `!Ref AWS::Region`,
 * `!Sub "arn:aws:s3:::${Bucket}/*"`. Such a value is a name, an ARN or an address.
 */
function onlyReferences(value: unknown, names: TemplateNames, depth: number): boolean {
  if (depth > 16) return false;
  if (typeof value === 'string' || typeof value === 'number') return true;
  if (Array.isArray(value)) return value.every((v) => onlyReferences(v, names, depth + 1));
  const key = intrinsicName(value);
  const argument = key ? (value as Record<string, unknown>)[key] : undefined;
  const isReferenceName = (name: string): boolean => PSEUDO_PARAMETER.test(name) || names.resources.has(name.split('.')[0]!);
  switch (key) {
    case 'Fn::GetAtt':
      return true;
    case 'Ref':
      return typeof argument === 'string' && isReferenceName(argument);
    case 'Fn::Sub': {
      const [template, variables] = (Array.isArray(argument) ? argument : [argument, undefined]) as unknown[];
      if (typeof template !== 'string') return false;
      return [...template.matchAll(SUB_VARIABLE)].every((m) => {
        const name = m[1]!.trim();
        return isObject(variables) && name in variables ? onlyReferences(variables[name], names, depth + 1) : isReferenceName(name);
      });
    }
    case 'Fn::Join':
      return Array.isArray(argument) && onlyReferences(argument[1], names, depth + 1);
    default:
      return false;
  }
}

/** The `NoEcho` parameters an intrinsic reads, and the literal text it deploys as written. */
function collect(value: unknown, names: TemplateNames, noEcho: Set<string>, literals: string[], depth = 0): void {
  if (depth > 32) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, names, noEcho, literals, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  const key = intrinsicName(value);
  const argument = key ? value[key] : undefined;
  if (key === 'Ref' && typeof argument === 'string') {
    if (names.parameters.get(argument)?.noEcho) noEcho.add(argument);
    return;
  }
  if (key === 'Fn::Sub') {
    const [template, variables] = (Array.isArray(argument) ? argument : [argument, undefined]) as unknown[];
    if (typeof template === 'string') {
      for (const match of template.matchAll(SUB_VARIABLE)) {
        const name = match[1]!.trim();
        if (isObject(variables) && name in variables) collect(variables[name], names, noEcho, literals, depth + 1);
        else if (names.parameters.get(name)?.noEcho) noEcho.add(name);
      }
      literals.push(
        ...template
          .split(SUB_VARIABLE)
          .filter((_, i) => i % 2 === 0)
          .filter((part) => part !== ''),
      );
    }
    return;
  }
  if (key === 'Fn::Join' && Array.isArray(argument)) {
    const [delimiter, parts] = argument as unknown[];
    if (typeof delimiter === 'string' && delimiter !== '') literals.push(delimiter);
    for (const part of Array.isArray(parts) ? parts : []) {
      if (typeof part === 'string') literals.push(part);
      else collect(part, names, noEcho, literals, depth + 1);
    }
    return;
  }
  for (const child of Object.values(value)) collect(child, names, noEcho, literals, depth + 1);
}

const MAX_SHOWN = 80;
/** Intrinsics whose string argument is a name (a parameter, resource or export), never a secret. */
const NAMING = new Set(['Ref', 'ImportValue', 'Condition', 'GetAZs']);

/**
 * `!Ref DbPassword`, `!GetAtt Role.Arn`, `!Sub "arn:aws:s3:::${Bucket}/*"`: the short form, for
 * messages. In a sensitive field (an environment value, a command), literal text is masked; in
 * any field, so is text the secret detector recognizes.
 */
export function describeIntrinsic(intrinsic: Record<string, unknown>, sensitive: boolean): string {
  const key = Object.keys(intrinsic)[0]!;
  const argument = intrinsic[key];
  const name = key === 'Ref' || key === 'Condition' ? key : key.slice(4);
  let text: string;
  if (name === 'GetAtt') text = Array.isArray(argument) ? argument.map(String).join('.') : String(argument);
  else if (name === 'Sub' && typeof argument === 'string') text = maskSubTemplate(argument, sensitive);
  else if (typeof argument === 'string') text = sensitive && !NAMING.has(name) ? masked(argument) : maskSecretsIn(argument);
  else text = JSON.stringify(maskArgument(argument, sensitive, 0));
  return `!${name} ${text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text}`;
}

/** A `!Sub` template with its literal parts masked when sensitive; variables stay (they are names). */
function maskSubTemplate(template: string, sensitive: boolean): string {
  const parts = template.split(SUB_VARIABLE);
  return parts.map((part, i) => (i % 2 === 1 ? `\${${part}}` : part === '' ? '' : sensitive ? masked(part) : maskSecretsIn(part))).join('');
}

function maskArgument(value: unknown, sensitive: boolean, depth: number): unknown {
  if (depth > 8) return '...';
  // Empty and one-character strings (a `!Join` delimiter) hide nothing and stay readable.
  if (typeof value === 'string') return value.length > 1 && (sensitive || detectSecret(value)) ? masked(value) : value;
  if (Array.isArray(value)) return value.map((v) => maskArgument(v, sensitive, depth + 1));
  if (!isObject(value)) return value;
  const key = intrinsicName(value);
  // Names of references are not secret, whatever field they are in.
  if (key === 'Ref' && typeof value.Ref === 'string') return value;
  if (key === 'Fn::GetAtt') return value;
  if (key === 'Fn::Sub' && typeof value[key] === 'string') return { [key]: maskSubTemplate(value[key], sensitive) };
  // Another intrinsic is shown as written; a plain object is resource properties (a container
  // inside an `Fn::If` nobody could resolve, with its environment): its values are never shown.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskArgument(v, sensitive || !key, depth + 1)]));
}
