import type { ContainerDefinition, ExpressService, KeyValuePair, TaskDefinition } from '../../core/types.js';
import { PRIMARY_CONTAINER, type Holder } from './containers.js';
import { CannotDecideError, nameOf } from '../../core/unknown.js';
import { containerPath } from './task-definition.js';

/**
 * Calls `visit` for every environment variable of every container. A variable (or container)
 * holding a value unknown offline does not stop the others from being checked: the first such
 * error is rethrown at the end, so the rule fails with what it proved or skips naming the field.
 * Plain loops, no closure per variable: these rules run for every variable of every container.
 */
export function forEachEnvironmentVariable(
  resource: Holder,
  visit: (variable: KeyValuePair, index: number, containerName: string | undefined, path: string) => void,
): void {
  let unknown: CannotDecideError | undefined;
  const keep = (error: unknown): void => {
    if (!(error instanceof CannotDecideError)) throw error;
    unknown ??= error;
  };
  // An Express service's primary container is the one container; a partial request may not say.
  let containers: readonly (ContainerDefinition | undefined)[];
  try {
    containers =
      resource.kind === 'expressService'
        ? [(resource.object as ExpressService).primaryContainer]
        : ((resource.object as TaskDefinition).containerDefinitions ?? []);
  } catch (error) {
    keep(error);
    containers = [];
  }
  for (let c = 0; c < containers.length; c++) {
    try {
      const container = containers[c];
      const environment = container?.environment;
      if (!container || !environment) continue;
      const path = resource.kind === 'expressService' ? PRIMARY_CONTAINER : containerPath(c);
      const name = nameOf(container);
      for (let i = 0; i < environment.length; i++) {
        try {
          const variable = environment[i];
          if (variable) visit(variable, i, name, path);
        } catch (error) {
          keep(error);
        }
      }
    } catch (error) {
      keep(error);
    }
  }
  if (unknown) throw unknown;
}

/** A value that is obviously a placeholder for the real one: `${DB_PASSWORD}`, `<password>`, `changeme`. */
const PLACEHOLDER = /^(?:\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\{\{(?!resolve:)[^}]*\}\}|<[^>]*>|%[a-z_]+%|x{3,}|\*{3,}|REPLACE_?ME|CHANGE_?ME|TODO|TBD)$/i;
/** `your_token`, `generate_a_new_key`, `change-me`: instructions, not values. */
const INSTRUCTION = /^(?:your|my|insert|enter|put|paste|generate|set|replace|change)[_-][\w-]*$/i;

/** Whether a (trimmed) value only stands in for the real one, which is then not in the task definition. */
export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value) || INSTRUCTION.test(value);
