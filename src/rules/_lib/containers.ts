/**
 * The containers the container rules judge, whatever holds them: a task definition's or a daemon
 * task definition's `containerDefinitions[i]`, an Express service's one `primaryContainer`. Rules
 * iterate them through `forEachContainer` (task-definition.ts) and never special-case a kind.
 *
 * What a kind cannot say is read from its API shape (core/shape.ts): an Express service's primary
 * container has no `privileged` field, a daemon task definition no `networkMode`. A rule about
 * such a field does not apply there, and says so (`skip` with a reason), never a pass.
 */
import { SHAPES, type Shape } from '../../core/shape.js';
import { KIND_NAMES, type ContainerDefinition, type ExpressService, type ResourceKind, type TaskDefinition } from '../../core/types.js';

/** The kinds whose containers the container rules judge. */
export const CONTAINER_KINDS = ['taskDefinition', 'daemonTaskDefinition', 'expressService'] as const;

/** A resource as the rules see it: its kind and its (possibly scenario) object. */
export interface Holder {
  kind: ResourceKind;
  object: object;
}

export const PRIMARY_CONTAINER = 'primaryContainer';

/**
 * The containers of a resource with their JSON paths, for `notApplicable` tests; reading them may
 * throw for a value unknown offline (use with `someMayHold`, or `forEachContainer` in checks).
 */
export function containersOf(resource: Holder): { container: ContainerDefinition; path: string }[] {
  if (resource.kind === 'expressService') {
    const primary = (resource.object as ExpressService).primaryContainer;
    return primary ? [{ container: primary, path: PRIMARY_CONTAINER }] : [];
  }
  const list = (resource.object as TaskDefinition).containerDefinitions ?? [];
  return list.map((container, i) => ({ container, path: `containerDefinitions[${i}]` }));
}

const containerShape = (kind: ResourceKind): Shape | undefined => {
  const shape = SHAPES[kind];
  if (shape.type !== 'object') return undefined;
  if (kind === 'expressService') return shape.fields.primaryContainer;
  const list = shape.fields.containerDefinitions;
  return list?.type === 'list' ? list.of : undefined;
};

const has = (shape: Shape | undefined, path: string): boolean => {
  let at = shape;
  for (const segment of path.split('.')) {
    while (at?.type === 'list') at = at.of;
    if (at?.type !== 'object') return false;
    at = at.fields[segment];
  }
  return at !== undefined;
};

/** Why a rule about `field` (`networkMode`, `volumes.efsVolumeConfiguration`) does not apply to a kind that has no such field. */
export function lacksField(kind: ResourceKind, field: string): string | undefined {
  if (has(SHAPES[kind], field)) return undefined;
  return `${article(kind)} has no \`${field}\` in the ECS API`;
}

/** Why a container rule about `field` (`privileged`, `linuxParameters.devices`) does not apply to a kind whose containers lack it. */
export function lacksContainerField(kind: ResourceKind, field: string): string | undefined {
  const shape = containerShape(kind);
  if (!shape || has(shape, field)) return undefined;
  const owner = kind === 'expressService' ? "an Express service's primary container" : `${article(kind)}'s containers`;
  return `${owner} ${kind === 'expressService' ? 'has' : 'have'} no \`${field}\` in the ECS API`;
}

const article = (kind: ResourceKind): string => `${/^[aeiou]/i.test(KIND_NAMES[kind]) ? 'an' : 'a'} ${KIND_NAMES[kind]}`;
