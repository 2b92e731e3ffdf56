import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'no-interactive-containers',
  title: 'Disallow interactive containers',
  description: 'Fails when a container, sidecars included, sets `interactive: true` (standard input kept open) or `pseudoTerminal: true` (a TTY).',
  rationale:
    'A service container has no use for an open standard input or a terminal: they are the marks of a debug or shell container, left in a task definition, that someone means to attach to, bypassing the audited ECS Exec path.',
  remediation:
    'Remove `interactive` and `pseudoTerminal` from the container definitions (or set them to `false`); to debug a running task use ECS Exec, which is authorized and logged.',
  severity: 'low',
  recommended: 'flag',
  references: [
    {
      title: 'OPA Gatekeeper library: disallowinteractive (Disallow Interactive TTY Containers)',
      url: 'https://open-policy-agent.github.io/gatekeeper-library/website/validation/disallowinteractive',
    },
    { title: 'Amazon ECS Developer Guide: task definition parameters (interactive, pseudoTerminal)' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'interactive'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      if (container.interactive === true) {
        report({ path: `${path}.interactive`, container: name, message: `${containerLabel(name, path)} keeps its standard input open (interactive).` });
      }
      if (container.pseudoTerminal === true) {
        report({ path: `${path}.pseudoTerminal`, container: name, message: `${containerLabel(name, path)} allocates a pseudo-terminal.` });
      }
    });
  },
});
