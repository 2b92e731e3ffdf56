// RunTask and StartTask can change a container's environment through overrides: a task is judged
// by the definition it actually runs, so an AWS key passed as an override does not slip through.
import type { Resource, TaskDefinition } from '../core/types.js';
import type { TaskState } from './ports.js';

/** The task definition as a task runs it: container environment and command overridden. */
export function withOverrides(td: TaskDefinition, task: TaskState): TaskDefinition {
  const overrides = new Map((task.overrides?.containerOverrides ?? []).map((o) => [o.name, o]));
  return {
    ...td,
    containerDefinitions: (td.containerDefinitions ?? []).map((c) => {
      const o = overrides.get(c.name);
      if (!o?.environment?.length) return c;
      const names = new Set(o.environment.map((e) => e.name));
      return { ...c, environment: [...(c.environment ?? []).filter((e) => !names.has(e.name)), ...o.environment] };
    }),
  };
}

/**
 * Points a task at the definition it runs when its overrides change a container: that definition
 * is added to `taskDefinitions` under a reference of its own, named after the task.
 */
export function judgeWithOverrides(task: TaskState, resource: Resource<'task'>, taskDefinitions: Map<string, Resource<'taskDefinition'>>): void {
  const base = task.taskDefinitionArn ? taskDefinitions.get(task.taskDefinitionArn) : undefined;
  if (!base || !task.overrides?.containerOverrides?.length) return;
  const ref = `${task.taskDefinitionArn} (with the overrides of ${resource.name})`;
  taskDefinitions.set(ref, { ...base, name: `${base.name} with overrides`, object: withOverrides(base.object, task) });
  resource.taskDefinitionRef = ref;
}
