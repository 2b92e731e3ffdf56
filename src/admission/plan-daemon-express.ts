// What `deny` asks of a daemon task definition, a daemon and an Express service (./plan.ts plans
// the rest). ECS allows: deleting an ACTIVE daemon task definition (no deregister step; daemons
// already on it keep running), an UpdateDaemon to another daemon task definition (it always takes
// the capacity providers again), an UpdateExpressGatewayService with a configuration's fields.
import type { Finding, Resource } from '../core/types.js';
import type { DaemonState } from './ports.js';
import type { DaemonChanges, JudgedResource, PlanContext, PlannedAction } from './types.js';

/** A daemon finding about the daemon task definition it runs (require-compliant-task-definition). */
export const deniesDaemonTaskDefinition = (finding: Finding): boolean =>
  finding.path === 'taskDefinition' || finding.path === 'daemonTaskDefinitionArn' || finding.ruleId === 'require-compliant-task-definition';

const cannot = (ctx: PlanContext): string => (ctx.rollback && 'none' in ctx.rollback ? ctx.rollback.none : 'no compliant target was looked up');

export function daemonExpressDenyAction(
  resource: Resource,
  judged: JudgedResource,
  findings: Finding[],
  ctx: PlanContext,
  notes: string[],
): { action: PlannedAction; rules: string[] } | undefined {
  const rules = [...new Set(findings.map((f) => f.ruleId))];
  const { name, arn } = judged;
  switch (resource.kind) {
    case 'daemonTaskDefinition': {
      const status = (resource.object as { status?: string }).status;
      if (status !== undefined && status !== 'ACTIVE') {
        notes.push(`${name} is already ${status}.`);
        return undefined;
      }
      return { action: { type: 'deleteDaemonTaskDefinition', resourceArn: arn, name }, rules };
    }
    case 'daemon': {
      const daemon = resource.object as DaemonState;
      const capacityProviderArns = daemon.capacityProviderArns ?? [];
      if (!daemon.daemonTaskDefinitionArn || capacityProviderArns.length === 0) {
        notes.push(`Cannot update daemon ${name}: ECS did not say its task definition and capacity providers, which UpdateDaemon requires. Flagged instead.`);
        return undefined;
      }
      const changes: DaemonChanges = { daemonTaskDefinitionArn: daemon.daemonTaskDefinitionArn, capacityProviderArns };
      const applied: string[] = [];
      for (const finding of findings) {
        if (deniesDaemonTaskDefinition(finding)) {
          if (ctx.rollback && 'to' in ctx.rollback) {
            changes.daemonTaskDefinitionArn = ctx.rollback.to;
            applied.push(finding.ruleId);
          } else notes.push(`${finding.ruleId}: cannot roll daemon ${name} back: ${cannot(ctx)}. Flagged instead.`);
        } else if (finding.path === 'enableExecuteCommand') {
          changes.enableExecuteCommand = false;
          applied.push(finding.ruleId);
        } else notes.push(`${finding.ruleId}: cannot put ${finding.path} of daemon ${name} back automatically. Flagged instead.`);
      }
      if (applied.length === 0) return undefined;
      return { action: { type: 'updateDaemon', resourceArn: arn, name, changes }, rules: [...new Set(applied)] };
    }
    case 'expressService': {
      // One configuration holds every setting: the previous one, checked against every deny rule, answers them all.
      if (ctx.rollback && 'to' in ctx.rollback)
        return { action: { type: 'restoreExpressService', resourceArn: arn, name, toRevision: ctx.rollback.to }, rules };
      notes.push(`Cannot roll Express service ${name} back: ${cannot(ctx)}. Flagged instead.`);
      return undefined;
    }
    default:
      return undefined;
  }
}
