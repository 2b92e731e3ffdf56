import type { ContainerDefinition, ExpressService, TaskDefinition, Volume } from '../../core/types.js';
import { PRIMARY_CONTAINER, type Holder } from './containers.js';
import type { Report } from '../../core/rule.js';
import { CannotDecideError, InvalidValueError } from '../../core/unknown.js';

// Every rule visits every container: build each path string once, not once per rule and evaluation.
const PATHS: string[] = Array.from({ length: 64 }, (_, i) => `containerDefinitions[${i}]`);
export const containerPath = (i: number): string => PATHS[i] ?? `containerDefinitions[${i}]`;

/**
 * Calls `visit` for every container of a resource, sidecars included, with the JSON path of the
 * container: `containerDefinitions[i]` of a task definition or daemon task definition, the
 * `primaryContainer` of an Express service (see containers.ts). A container holding a value unknown
 * offline does not hide the others: the first such error is rethrown once all are checked, so the
 * rule fails with what it proved or skips naming the field.
 */
export function forEachContainer(resource: Holder, visit: (container: ContainerDefinition, path: string, name: string | undefined) => void): void {
  if (resource.kind === 'expressService') {
    // One container, unnamed (ECS names it in the task definition it makes); reading it may throw an unknown.
    const primary = (resource.object as ExpressService).primaryContainer;
    if (primary) visit(primary, PRIMARY_CONTAINER, undefined);
    return;
  }
  const containers = (resource.object as TaskDefinition).containerDefinitions ?? [];
  let unknown: CannotDecideError | undefined;
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i];
    if (!container) continue;
    // The name only labels findings: a `!Ref ServiceName` name hides nothing (the path labels it).
    // Read here rather than through nameOf: this loop runs for every container of every rule.
    let name: string | undefined;
    try {
      name = container.name;
    } catch (error) {
      if (!(error instanceof CannotDecideError) && !(error instanceof InvalidValueError)) throw error;
    }
    try {
      visit(container, containerPath(i), typeof name === 'string' ? name : undefined);
    } catch (error) {
      if (!(error instanceof CannotDecideError)) throw error;
      unknown ??= error;
    }
  }
  if (unknown) throw unknown;
}

/** Calls `visit` for every volume, with its JSON path; unknown values are handled as for containers. */
export function forEachVolume(td: TaskDefinition, visit: (volume: Volume, path: string) => void): void {
  const volumes = td.volumes ?? [];
  let unknown: CannotDecideError | undefined;
  for (let i = 0; i < volumes.length; i++) {
    try {
      const volume = volumes[i];
      if (volume) visit(volume, `volumes[${i}]`);
    } catch (error) {
      if (!(error instanceof CannotDecideError)) throw error;
      unknown ??= error;
    }
  }
  if (unknown) throw unknown;
}

/** `Container "app"`, `Container containerDefinitions[2]` when it has no name, `Primary container` of an Express service; starts messages. */
export const containerLabel = (name: string | undefined, path: string): string =>
  name ? `Container "${name}"` : path === PRIMARY_CONTAINER ? 'Primary container' : `Container ${path}`;

const osFamily = (td: TaskDefinition): string | undefined => td.runtimePlatform?.operatingSystemFamily;

/** Absent operating system family means Linux. */
export const isLinux = (td: TaskDefinition): boolean => {
  const family = osFamily(td);
  return family === undefined || family === 'LINUX';
};

export const isWindows = (td: TaskDefinition): boolean => osFamily(td)?.startsWith('WINDOWS_SERVER') ?? false;

/** Absent `requiresCompatibilities` means EC2 (and so does EXTERNAL, for ECS Anywhere). */
export const isEc2Compatible = (td: TaskDefinition): boolean => {
  const list = td.requiresCompatibilities;
  return list === undefined || list.length === 0 || list.includes('EC2') || list.includes('EXTERNAL');
};

/**
 * The user check shared by the Linux and Windows rules: reports each container that sets no user
 * (it runs as the image's default, `defaultUser`) or sets one `isPrivileged` accepts (`privilegedAs`
 * names it in the message).
 */
export function reportPrivilegedUsers(
  resource: Holder,
  report: (finding: Report) => void,
  users: { isPrivileged: (user: string) => boolean; defaultUser: string; privilegedAs: string },
): void {
  forEachContainer(resource, (container, path, name) => {
    const user = container.user;
    const trimmed = typeof user === 'string' ? user.trim() : '';
    if (trimmed === '') {
      const how = user === undefined ? 'sets no user' : 'sets an empty user';
      report({
        path: `${path}.user`,
        container: name,
        message: `${containerLabel(name, path)} ${how}, so it runs as the image's default user, ${users.defaultUser}.`,
      });
    } else if (users.isPrivileged(trimmed)) {
      report({ path: `${path}.user`, container: name, message: `${containerLabel(name, path)} runs as user "${user}", ${users.privilegedAs}.` });
    }
  });
}
