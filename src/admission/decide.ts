// One evaluated resource → its plan, once what the pure planner cannot know has been looked up: the
// rollback target of a service whose revision is denied, and the tags (owner) of the revision a
// workload runs. The Lambda acts on the plan; the sweep reports it.
import type { Evaluate } from '../core/evaluate.js';
import type { Resource, ResourceResult } from '../core/types.js';
import { factsOf } from '../core/identity.js';
import { plan, type Plan, type PlanContext } from './plan.js';
import type { DaemonExpressReader, EcsReader, ExpressServiceState } from './ports.js';
import { rollbackTarget } from './rollback.js';
import { daemonRollbackTarget, expressRollbackTarget } from './rollback-daemon-express.js';
import { deniesDaemonTaskDefinition } from './plan-daemon-express.js';

export interface DecideContext {
  eventId: string;
  principalArn?: string;
  ownerTags: readonly string[];
  account: string;
  region: string;
  /** The account's organizational units, when looked up (the rollback candidates are judged with them). */
  organizationalUnits?: readonly string[];
  ecs: EcsReader;
  /** Daemons' rollback targets are read here; without it (the sweep) a daemon is flagged, never rolled blindly. */
  daemons?: DaemonExpressReader;
  evaluate: Evaluate;
  /** The task definitions the workloads run, by the reference they use. */
  taskDefinitions: ReadonlyMap<string, Resource<'taskDefinition'>>;
}

/** The plan, or undefined when no finding counts (all passed or excepted). */
export async function decide(result: ResourceResult, ctx: DecideContext): Promise<Plan | undefined> {
  if (!result.findings.some((f) => !f.exception)) return undefined;
  const { resource } = result;
  const planning: PlanContext = { eventId: ctx.eventId, ownerTags: ctx.ownerTags, ...(ctx.principalArn ? { principalArn: ctx.principalArn } : {}) };
  const runs = resource.taskDefinitionRef ? ctx.taskDefinitions.get(resource.taskDefinitionRef) : undefined;
  if (runs) planning.taskDefinitionTags = factsOf(runs).tags;
  const deniesTaskDefinition = result.findings.some((f) => !f.exception && f.action === 'deny' && f.path === 'taskDefinition');
  if (resource.kind === 'service' && deniesTaskDefinition) planning.rollback = await rollbackTarget(resource.object, ctx, ctx.ecs, ctx.evaluate);
  const denied = result.findings.filter((f) => !f.exception && f.action === 'deny');
  if (resource.kind === 'daemon' && denied.some(deniesDaemonTaskDefinition)) {
    planning.rollback = ctx.daemons
      ? await daemonRollbackTarget(resource.object, ctx, ctx.daemons, ctx.evaluate)
      : { none: 'daemon task definitions are not read here' };
  }
  if (resource.kind === 'expressService' && denied.length > 0)
    planning.rollback = expressRollbackTarget(resource.object as ExpressServiceState, ctx, ctx.evaluate);
  return plan(result, planning);
}
