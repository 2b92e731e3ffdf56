import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { KIND_NAMES, kindTitle, worstSeverity, type ResourceKind } from '../core/types.js';
import { CannotDecideError } from '../core/unknown.js';

/** The field naming what a resource runs, where it is not `taskDefinition` (findings point at it). */
const RUNS_FIELD: Partial<Record<ResourceKind, string>> = { daemon: 'daemonTaskDefinitionArn', expressService: 'taskDefinitionArn' };

export default defineRule({
  id: 'require-compliant-task-definition',
  title: 'Require a compliant task definition',
  description:
    'Fails when a service, task set, task or Express service (`taskDefinitionArn`) runs a task definition, or a daemon runs a daemon task definition (`daemonTaskDefinitionArn`), that has a finding from a rule whose action is `deny`. The finding inherits the worst severity of those findings. When a deny rule could not decide on the task definition (a value unknown offline, a rule error), neither can this rule.',
  rationale:
    'Deregistering a violating revision does not stop services and tasks that already use it, nor revisions registered before ecs-admission was deployed. Checking the task definition at every CreateService, UpdateService, CreateTaskSet, RunTask and StartTask closes the window between registration and deregistration.',
  remediation: 'Fix the task definition findings listed in the message, register a new revision, and point the service, task set or task at it.',
  severity: 'inherit',
  recommended: 'deny',
  references: [{ title: 'Cloud Custodian ecs-service task-definition filter' }],
  appliesTo: ['service', 'taskSet', 'task', 'daemon', 'expressService'],
  options: z.strictObject({}),
  notApplicable(workload, resource) {
    // Reading the field throws for an unknown CloudFormation value: the evaluator then skips, naming it.
    const field = RUNS_FIELD[resource.kind] ?? 'taskDefinition';
    if (!resource.taskDefinitionRef && (workload as Record<string, unknown>)[field] === undefined) {
      // An Express service without its own task definition runs its primary container, which the container rules judge.
      return resource.kind === 'expressService' ? 'names no task definition (its primary container is judged instead)' : 'names no task definition';
    }
    return undefined;
  },
  check(_workload, { report, taskDefinition }, resource) {
    if (!taskDefinition) return;
    if (taskDefinition.status === 'missing') throw new CannotDecideError(taskDefinition.reason);
    const denied = taskDefinition.result.findings.filter((f) => f.action === 'deny' && !f.exception);
    if (denied.length === 0) {
      // Never a pass on what was not judged: a deny rule that could not decide may be a violation.
      const undecided = taskDefinition.result.rules.filter((r) => r.action === 'deny' && (r.status === 'unknown' || r.status === 'error')).map((r) => r.ruleId);
      if (undecided.length > 0)
        throw new CannotDecideError(`task definition ${taskDefinition.result.resource.name} has deny rules that could not decide: ${undecided.join(', ')}`);
      return;
    }
    const rules = [...new Set(denied.map((f) => f.ruleId))];
    report({
      path: RUNS_FIELD[resource.kind] ?? 'taskDefinition',
      severity: worstSeverity(denied.map((f) => f.severity)),
      message: `${kindTitle(resource.kind)} runs ${KIND_NAMES[taskDefinition.result.resource.kind]} ${taskDefinition.result.resource.name}, which breaks ${rules.join(', ')}.`,
    });
  },
});
