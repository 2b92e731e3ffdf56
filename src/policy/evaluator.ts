/**
 * The one way to build an evaluator from policies: the admission Lambda, the sweep, `check` and
 * `scan` each get a factory that makes the evaluator of one batch of resources (one event, one
 * account and region, one set of files), resolving task definitions among that batch, and the
 * report of the policies' exceptions over every batch evaluated so far.
 */
import type { Evaluate, ResolveTaskDefinition } from '../core/evaluate.js';
import { createPolicyEngine, type CompiledPolicy, type ExceptionReport } from './engine.js';

/** Makes the evaluator of one batch, resolving task definitions with the given function. */
export type MakeEvaluate = (resolveTaskDefinition: ResolveTaskDefinition) => Evaluate;

export interface PolicyEvaluator {
  makeEvaluate: MakeEvaluate;
  /** Every exception with its status and how often it applied, over all batches so far. */
  exceptions: () => ExceptionReport[];
}

export interface PolicyEvaluatorOptions {
  /** The clock for exception expiry. */
  now: Date;
  /** Forces audit over every policy (the kill switch, ECS_ADMISSION_MODE=audit, --audit, the sweep). */
  audit?: boolean;
}

export function policyEvaluator(policies: readonly CompiledPolicy[], { now, audit = false }: PolicyEvaluatorOptions): PolicyEvaluator {
  // Exceptions count their uses on the compiled policies, so any engine over them reports them all.
  const engine = (resolveTaskDefinition?: ResolveTaskDefinition) =>
    createPolicyEngine(policies, { now, forceAudit: audit, ...(resolveTaskDefinition ? { resolveTaskDefinition } : {}) });
  return {
    makeEvaluate: (resolveTaskDefinition) => engine(resolveTaskDefinition).evaluate,
    exceptions: () => engine().exceptions(),
  };
}
