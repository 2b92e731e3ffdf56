/**
 * Checks a resource read from a file against the ECS API shape (core/shape.ts). A value of the
 * wrong type is never read as something else: `privileged: "yes"` is not `false`, and
 * `capabilities.add: "SYS_ADMIN"` is not an empty list. Each such value is replaced, in place, by
 * an `InvalidValue` (a rule that reads it errors) and reported as a problem at its path.
 *
 * CloudFormation converts what its resource schemas allow: `"true"`/`"false"` for booleans, numeric
 * strings for numbers, numbers and booleans for strings. The API (a `--cli-input-json` file, a
 * CloudTrail record) takes JSON types as they are.
 */
import { detectSecret } from '../core/secrets/detect.js';
import type { Shape } from '../core/shape.js';
import type { FieldProblem } from '../core/types.js';
import { InvalidValue, UnknownValue } from '../core/unknown.js';

export type Dialect = 'api' | 'cloudformation';

export function checkTypes(object: Record<string, unknown>, shape: Shape, dialect: Dialect): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (shape.type === 'object') checkFields(object, shape.fields, '', dialect, false, problems);
  return problems;
}

const join = (parent: string, key: string | number): string => (typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key);

function checkFields(
  object: Record<string, unknown>,
  fields: Readonly<Record<string, Shape>>,
  path: string,
  dialect: Dialect,
  sensitive: boolean,
  problems: FieldProblem[],
): void {
  for (const key of Object.keys(fields)) {
    if (!Object.hasOwn(object, key)) continue;
    checkValue(object, key, fields[key]!, join(path, key), dialect, sensitive, problems);
  }
}

/** Checks `parent[key]`; converts it where CloudFormation would, or replaces it by an `InvalidValue`. */
function checkValue(
  parent: Record<string | number, unknown>,
  key: string | number,
  shape: Shape,
  path: string,
  dialect: Dialect,
  inSensitive: boolean,
  problems: FieldProblem[],
): void {
  const value = parent[key];
  if (value === undefined || value === null || value instanceof UnknownValue || value instanceof InvalidValue) return;
  const sensitive = inSensitive || shape.sensitive === true;
  // Where a list or an object was expected, a string found there is data of the kind the
  // structure would have held (environment variables written as one string): never quoted.
  const structural = shape.type === 'list' || shape.type === 'map' || shape.type === 'object';
  const fail = (expected: string): void => {
    const problem = `expected ${expected}, found ${describeFound(value, sensitive || structural)}`;
    problems.push({ path, message: problem });
    put(parent, key, new InvalidValue(problem));
  };
  const cfn = dialect === 'cloudformation';
  switch (shape.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value === 'string') return;
      if (cfn && (typeof value === 'number' || typeof value === 'boolean')) put(parent, key, String(value));
      else fail('a string');
      return;
    case 'stringOrNumber':
      if (typeof value !== 'string' && typeof value !== 'number') fail('a string or a number');
      return;
    case 'boolean':
      if (typeof value === 'boolean') return;
      if (cfn && typeof value === 'string' && /^(?:true|false)$/i.test(value)) put(parent, key, value.toLowerCase() === 'true');
      else fail(cfn ? 'a boolean (true or false)' : 'a boolean');
      return;
    case 'integer':
    case 'number': {
      const whole = shape.type === 'integer';
      if (typeof value === 'number' && (!whole || Number.isInteger(value))) return;
      if (cfn && typeof value === 'string' && (whole ? /^-?\d+$/ : /^-?\d+(?:\.\d+)?$/).test(value.trim())) put(parent, key, Number(value));
      else fail(whole ? 'an integer' : 'a number');
      return;
    }
    case 'enum':
      if (typeof value === 'string' && shape.values.includes(value)) return;
      if (typeof value === 'string' && shape.values.some((v) => v.toLowerCase() === value.toLowerCase())) {
        fail(`one of ${shape.values.join(', ')} (ECS compares them exactly, case included)`);
      } else fail(`one of ${shape.values.join(', ')}`);
      return;
    case 'pattern':
      if (typeof value === 'string' && shape.pattern.test(value)) return;
      fail(shape.expected);
      return;
    case 'list':
      if (!Array.isArray(value)) return fail('a list');
      for (let i = 0; i < value.length; i++)
        checkValue(value as unknown[] as Record<number, unknown>, i, shape.of, join(path, i), dialect, sensitive, problems);
      return;
    case 'map':
      if (!isPlainObject(value)) return fail('an object of names to values');
      for (const name of Object.keys(value)) checkValue(value, name, shape.of, join(path, name), dialect, sensitive, problems);
      return;
    case 'object':
      if (!isPlainObject(value)) return fail('an object');
      checkFields(value, shape.fields, path, dialect, sensitive, problems);
      return;
  }
}

/** Sets a field as data: a key `__proto__` stays a field, never the prototype. */
const put = (parent: Record<string | number, unknown>, key: string | number, value: unknown): void => {
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const SHOWN = 32;
const hasControlCharacter = (value: string): boolean => [...value].some((c) => c.charCodeAt(0) < 0x20);

/** `the string "yes"`, `the number 1`, `a list`; a string that may be secret only by its length. */
function describeFound(value: unknown, sensitive: boolean): string {
  if (typeof value === 'string') {
    if (sensitive || value.length > SHOWN || detectSecret(value) || hasControlCharacter(value)) return `a string of ${value.length} characters`;
    return `the string ${JSON.stringify(value)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : typeof value;
}
