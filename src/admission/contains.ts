/**
 * Whether what ECS describes holds what a caller asked for: every field asked for is there with
 * the same value, while ECS may add defaults (`essential: true`, `protocol: tcp`, empty lists).
 * Used to find the revision a RegisterTaskDefinition registered, and to see that a service
 * already has the settings a rollback would give it.
 */

/** What CloudTrail writes in place of a value it withholds: it matches anything. */
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export function contains(described: unknown, asked: unknown): boolean {
  if (asked === null || asked === undefined || asked === HIDDEN) return true;
  if (Array.isArray(asked)) {
    if (described === undefined || described === null) return asked.length === 0;
    return Array.isArray(described) && described.length === asked.length && asked.every((item, i) => contains(described[i], item));
  }
  if (typeof asked === 'object') {
    if (described === undefined || described === null) return Object.values(asked).every((v) => contains(undefined, v));
    if (typeof described !== 'object' || Array.isArray(described)) return false;
    return Object.entries(asked).every(([key, value]) => contains((described as Record<string, unknown>)[key], value));
  }
  // ECS leaves out a flag that is off.
  if (described === undefined || described === null) return asked === false;
  // ECS takes `cpu: 256` and describes `"256"`: the same value.
  const scalar = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  return described === asked || (scalar(described) !== undefined && scalar(described) === scalar(asked));
}

/** Fields ECS writes itself when it describes a revision: never part of what was registered. */
const GENERATED = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
  'tags',
]);
/** Values ECS fills in when the caller leaves the field out. */
const DEFAULTS: Record<string, (value: unknown) => boolean> = {
  essential: (v) => v === true,
  protocol: (v) => v === 'tcp',
  // awsvpc copies the container port; bridge picks one at run time.
  hostPort: (v) => typeof v === 'number',
  networkMode: (v) => v === 'bridge',
};

/**
 * Whether everything `described` has beyond `asked` is ECS's own: generated fields, defaults and
 * empty values. With `contains`, this tells a revision registered with exactly the asked content
 * from one that adds to it (`privileged: true` where the call said nothing).
 */
export function addsOnlyDefaults(described: unknown, asked: unknown): boolean {
  if (Array.isArray(described)) return !Array.isArray(asked) || described.every((item, i) => addsOnlyDefaults(item, asked[i]));
  if (described === null || typeof described !== 'object') return true;
  const given = asked !== null && typeof asked === 'object' && !Array.isArray(asked) ? (asked as Record<string, unknown>) : {};
  return Object.entries(described).every(([key, value]) => {
    if (key in given) return addsOnlyDefaults(value, given[key]);
    return GENERATED.has(key) || DEFAULTS[key]?.(value) === true || isEmpty(value);
  });
}

const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  value === false ||
  value === 0 ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
