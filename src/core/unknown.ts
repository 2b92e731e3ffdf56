/**
 * Values that cannot be known offline, such as CloudFormation intrinsics (`!Ref ImageUri`).
 *
 * Rules are written against plain objects and must never pass silently on a value they cannot
 * see. Instead of asking every rule to check, a resource that holds unknown values is wrapped in a
 * read-only proxy that throws `UnknownValueError` as soon as a rule reads one; the evaluator turns
 * that into a `skip` naming the field. Resources without unknowns are never wrapped (the fast path).
 */

export class UnknownValue {
  constructor(readonly expression: string) {}
  toJSON(): string {
    return `<unknown: ${this.expression}>`;
  }
}

/** Thrown by a rule that cannot decide offline; the evaluator reports `skip` with the message as reason. */
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
  ) {
    super(`${path} is unknown (${expression})`);
    this.name = 'UnknownValueError';
  }
}

export function containsUnknown(value: unknown): boolean {
  if (value instanceof UnknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

const childPath = (parent: string, key: string, isArray: boolean): string =>
  isArray && /^\d+$/.test(key) ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

const INTROSPECTION = new Set(['toJSON', 'then', 'constructor', 'valueOf', 'toString']);

/**
 * Wraps `value` so that reading an `UnknownValue` anywhere inside it throws `UnknownValueError`.
 * With `absentIsUnknown` (a partial request, such as UpdateService), reading a top-level field
 * the request does not carry throws too, with that reason.
 */
export function guardUnknowns<T extends object>(value: T, path = '', absentIsUnknown?: string): T {
  const cache = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol') return child;
      if (absentIsUnknown && child === undefined && !(key in target) && !INTROSPECTION.has(key)) {
        throw new UnknownValueError(childPath(path, key, false), absentIsUnknown);
      }
      if (child instanceof UnknownValue) throw new UnknownValueError(childPath(path, key, Array.isArray(target)), child.expression);
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
