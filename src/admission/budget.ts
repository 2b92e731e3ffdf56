/**
 * Blast radius. Two limits on destructive actions (tagging is not one): at most `maxActions` per
 * invocation, and at most `actions` per account in any window of `windowSeconds`, across every
 * invocation (the window is kept in the ledger table). Beyond either, a resource is flagged
 * instead, and the alert says why: a runaway policy cannot stop a whole fleet.
 */
import { isDestructive, type Decision, type PlannedAction } from './types.js';

export interface BudgetLimits {
  actions: number;
  windowSeconds: number;
}

/**
 * The sliding window: the times (epoch ms) of the actions taken in the last `windowSeconds`, and
 * how many of `wanted` more fit at `now`. Pure, so that DynamoDB and memory count alike.
 */
export function takeFromWindow(stamps: readonly number[], wanted: number, now: number, limits: BudgetLimits): { granted: number; stamps: number[] } {
  const recent = stamps.filter((t) => t > now - limits.windowSeconds * 1000 && t <= now);
  const granted = Math.max(0, Math.min(wanted, limits.actions - recent.length));
  return { granted, stamps: [...recent, ...Array<number>(granted).fill(now)] };
}

/** The destructive actions still to carry out. */
export const pendingDestructive = (decisions: readonly Decision[]): number =>
  decisions.reduce((n, d) => n + d.outcomes.filter((o) => o.status === 'pending' && isDestructive(o.action)).length, 0);

/**
 * Keeps the first `allowed` pending destructive actions; the others are dropped from the plan and
 * their resources flagged, with `why` in the notes. Returns how many were dropped.
 */
export function flagBeyond(decisions: Decision[], allowed: number, why: string): number {
  let count = 0;
  let dropped = 0;
  for (const decision of decisions) {
    for (const outcome of [...decision.outcomes]) {
      if (outcome.status !== 'pending' || !isDestructive(outcome.action)) continue;
      if (++count <= allowed) continue;
      decision.outcomes.splice(decision.outcomes.indexOf(outcome), 1);
      decision.notes.push(`${why}: ${describe(outcome.action)} was not carried out; flagged instead.`);
      dropped++;
    }
  }
  return dropped;
}

const describe = (a: PlannedAction): string =>
  ({
    deregisterTaskDefinition: 'deregistering',
    updateService: 'updating service',
    deleteTaskSet: 'deleting task set',
    stopTask: 'stopping task',
    tagResource: 'tagging',
    deleteDaemonTaskDefinition: 'deleting daemon task definition',
    updateDaemon: 'updating daemon',
    restoreExpressService: 'restoring Express service',
  })[a.type] + ` ${a.name}`;
