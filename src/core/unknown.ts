/**
 * Values that cannot be known offline, such as CloudFormation intrinsics (`!Ref ImageUri`), and
 * values of the wrong type (`privileged: "yes"`).
 *
 * Rules are written against plain objects and must never pass silently on a value they cannot
 * see. Instead of asking every rule to check, a resource that holds such values is wrapped in a
 * read-only proxy that throws as soon as a rule reads one: `UnknownValueError` for an unknown
 * value (the evaluator reports the rule `unknown`, naming the field), `InvalidValueError` for a
 * wrong type (the rule `error`). Unknown is per field: a rule that never reads the field is not
 * affected. Resources without such values are never wrapped (the fast path).
 */

/** What an intrinsic is known to be, although its value is not. */
export interface UnknownFacts {
  /**
   * A reference to a resource or a pseudo parameter (`!GetAtt Role.Arn`, `!Ref AWS::Region`,
   * `!Ref LogGroup`): an ARN, a name or an id, never a credential.
   */
  reference?: boolean;
  /** `NoEcho` parameters whose value ends up here: a secret, written out in plain text. */
  noEcho?: readonly string[];
  /** The literal text parts (of `!Sub`, `!Join`), which are deployed as written. */
  literals?: readonly string[];
}

export class UnknownValue {
  constructor(
    /** How the value is written, for messages (literal text that may be secret is masked). */
    readonly expression: string,
    readonly facts: UnknownFacts = {},
  ) {}
  toJSON(): string {
    return `<unknown: ${this.expression}>`;
  }
}

/** A value the ECS API would reject; `problem` says what was expected and found (never the value if secret). */
export class InvalidValue {
  constructor(readonly problem: string) {}
  toJSON(): string {
    return `<invalid: ${this.problem}>`;
  }
}

/** Thrown by a rule that cannot decide offline; the evaluator reports `unknown` with the message as reason. */
export class CannotDecideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CannotDecideError';
  }
}

export class UnknownValueError extends CannotDecideError {
  constructor(
    readonly path: string,
    readonly expression: string,
    /** The field is not in a partial request at all: not even its presence is known. */
    readonly absent = false,
  ) {
    super(`${path} is unknown (${expression})`);
    this.name = 'UnknownValueError';
  }
}

/** Reading a field whose value has the wrong type: the rule errors, it never passes. */
export class InvalidValueError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'InvalidValueError';
  }
}

/** Whether a value holds an unknown or invalid value anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value instanceof UnknownValue || value instanceof InvalidValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

const childPath = (parent: string, key: string, isArray: boolean): string =>
  isArray && /^\d+$/.test(key) ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

const INTROSPECTION = new Set(['toJSON', 'then', 'constructor', 'valueOf', 'toString']);

/** The object behind a guard (`guarded[RAW]`); undefined for a plain object. */
const RAW = Symbol('ecs-admission.raw');
/** Why absent fields are unknown, on the guard of a partial request. */
const PARTIAL = Symbol('ecs-admission.partial');

/**
 * Wraps `value` so that reading an `UnknownValue` anywhere inside it throws `UnknownValueError`
 * (an `InvalidValue`, `InvalidValueError`). With `absentIsUnknown` (a partial request, such as
 * UpdateService), reading a top-level field the request does not carry throws too, with that reason.
 */
export function guardUnknowns<T extends object>(value: T, path = '', absentIsUnknown?: string): T {
  const cache = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (key === RAW) return target;
      if (key === PARTIAL) return absentIsUnknown;
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol') return child;
      if (absentIsUnknown && child === undefined && !(key in target) && !INTROSPECTION.has(key)) {
        throw new UnknownValueError(childPath(path, key, false), absentIsUnknown, true);
      }
      if (child instanceof UnknownValue) throw new UnknownValueError(childPath(path, key, Array.isArray(target)), child.expression);
      if (child instanceof InvalidValue) throw new InvalidValueError(childPath(path, key, Array.isArray(target)), child.problem);
      if (child === null || typeof child !== 'object') return child;
      let wrapped = cache.get(key);
      if (!wrapped) {
        wrapped = guardUnknowns(child, childPath(path, key, Array.isArray(target)));
        cache.set(key, wrapped);
      }
      return wrapped;
    },
    set() {
      throw new TypeError('resources are read-only during evaluation');
    },
  });
}

/** The plain object behind a guarded one (itself when it is not guarded). */
export const unguarded = <T extends object>(value: T): T => ((value as Record<symbol, unknown>)[RAW] as T | undefined) ?? value;

/**
 * A field as written, without throwing: an `UnknownValue` (or `InvalidValue`) is returned as
 * such; a field a partial request leaves out is an `UnknownValue` naming why. For labels and
 * presence checks, which do not need the value itself.
 */
export function peek(object: object | undefined, key: string): unknown {
  if (object === undefined || object === null) return undefined;
  try {
    // The common case, and the fast one: a plain object, or a known field of a guarded one.
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    if (!(error instanceof UnknownValueError) && !(error instanceof InvalidValueError)) throw error;
    const raw = (object as Record<symbol, unknown>)[RAW] as Record<string, unknown>;
    // Not in the request at all (a partial UpdateService): unknown, with the guard's reason.
    return key in raw ? raw[key] : new UnknownValue((object as Record<symbol, unknown>)[PARTIAL] as string);
  }
}

/**
 * Whether a field is set, for rules that only need to know that (a task role, a log
 * configuration): `isSet(() => td.taskRoleArn)`. An intrinsic counts as set (`!GetAtt TaskRole.Arn`
 * is a role, whatever its name); absent, null and blank strings do not. A field a partial request
 * leaves out, or one of the wrong type, still cannot be decided: that throws as the read did.
 * The read is a closure, not an object and a key, so that it stays a plain property load.
 */
export function isSet(read: () => unknown): boolean {
  let value: unknown;
  try {
    value = read();
  } catch (error) {
    if (error instanceof UnknownValueError && !error.absent) return true;
    throw error;
  }
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null;
}

/** The `name` of a container or volume, for labels: undefined when it is not a literal string. */
export function nameOf(object: { name?: unknown }): string | undefined {
  try {
    const name = object.name;
    return typeof name === 'string' ? name : undefined;
  } catch (error) {
    if (error instanceof UnknownValueError || error instanceof InvalidValueError) return undefined;
    throw error;
  }
}

/** The field as a string when it is one; undefined when absent, unknown or not a string (labels). */
export function peekString(object: object | undefined, key: string): string | undefined {
  const value = peek(object, key);
  return typeof value === 'string' ? value : undefined;
}
