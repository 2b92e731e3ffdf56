import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { kindTitle } from '../core/types.js';
import { lacksField } from './_lib/containers.js';

export default defineRule({
  id: 'no-execute-command',
  title: 'Disallow ECS Exec',
  description:
    'Fails when a service, a task (RunTask, StartTask) or a daemon sets `enableExecuteCommand: true`. Task sets have no such setting: they follow their service; nor have Express services (skipped, naming the missing field).',
  rationale:
    'ECS Exec opens an interactive shell in running containers to anyone allowed `ecs:ExecuteCommand`: commands run there bypass the deployment pipeline and can read the task role credentials and the secrets in the environment of the container.',
  remediation:
    'Set `enableExecuteCommand` to `false` (or remove it); enable it only temporarily for debugging, with `ecs:ExecuteCommand` restricted by IAM and session logging configured on the cluster.',
  severity: 'medium',
  recommended: 'flag',
  references: [{ title: 'IAM condition key ecs:enable-execute-command' }, { title: 'Amazon ECS Developer Guide: monitor Amazon ECS containers with ECS Exec' }],
  appliesTo: ['service', 'task', 'daemon', 'expressService'],
  notApplicable: (_workload, resource) => lacksField(resource.kind, 'enableExecuteCommand'),
  options: z.strictObject({}),
  check(object, { report }, resource) {
    // Express services have no such field (notApplicable).
    if ((object as { enableExecuteCommand?: boolean }).enableExecuteCommand === true) {
      report({ path: 'enableExecuteCommand', message: `${kindTitle(resource.kind)} enables ECS Exec into its containers.` });
    }
  },
});
