import type * as z from '../zod.js';
import type { Action, Finding, Resource, ResourceKind, ResourceObjects, ResourceResult, Severity } from './types.js';

export interface Reference {
  /** e.g. `AWS Security Hub ECS.4`, `AWS Config ecs-containers-nonprivileged`, `Checkov CKV_AWS_334`. */
  title: string;
  url?: string;
}

/** What a rule reports; the evaluator adds the rule id, severity, action and remediation. */
export interface Report {
  path: string;
  message: string;
  container?: string;
  /** Only for rules whose severity is inherited (require-compliant-task-definition). */
  severity?: Severity;
}

/** The task definition a service, task set or task runs, as the evaluator found it. */
export type RelatedTaskDefinition = { ref: string; status: 'found'; result: ResourceResult } | { ref: string; status: 'missing'; reason: string };

export interface RuleContext<O> {
  readonly options: O;
  readonly report: (finding: Report) => void;
  /** Set for services, task sets and tasks that name a task definition. */
  readonly taskDefinition?: RelatedTaskDefinition;
}

type ObjectOf<K extends ResourceKind> = ResourceObjects[K];

export interface RuleDefinition<K extends ResourceKind, O> {
  /** Stable public id, equal to the file name. */
  id: string;
  title: string;
  description: string;
  rationale: string;
  remediation: string;
  /** `inherit`: each finding carries the severity it inherits (require-compliant-task-definition). */
  severity: Severity | 'inherit';
  /** Action in the built-in `recommended` preset. */
  recommended: Action;
  references: readonly Reference[];
  appliesTo: readonly K[];
  /** Options schema; every field has a default, so `options.parse({})` gives the defaults. */
  options: z.ZodMiniType<O>;
  /** Returns why the rule does not apply to this resource, or undefined when it does. */
  notApplicable?: (object: ObjectOf<K>, resource: Resource<K>, options: O) => string | undefined;
  check: (object: ObjectOf<K>, ctx: RuleContext<O>, resource: Resource<K>) => void;
}

export type Rule = RuleDefinition<ResourceKind, unknown> & { defaultOptions: unknown };

/** Declares a rule; typed by the kinds it applies to and its options. */
export function defineRule<K extends ResourceKind, O>(d: RuleDefinition<K, O>): Rule {
  // Every rule object gets the same fields in the same order: one hidden class, so the
  // evaluator's `rule.check` and `rule.notApplicable` loads stay monomorphic on the hot path.
  const rule: RuleDefinition<K, O> & { defaultOptions: O } = {
    id: d.id,
    title: d.title,
    description: d.description,
    rationale: d.rationale,
    remediation: d.remediation,
    severity: d.severity,
    recommended: d.recommended,
    references: d.references,
    appliesTo: d.appliesTo,
    options: d.options,
    notApplicable: d.notApplicable,
    check: d.check,
    // Parsed when asked for (the `rules` command): a first parse compiles the schema, which the
    // Lambda's cold start should not pay for 36 rules it may never list.
    get defaultOptions(): O {
      return d.options.parse({});
    },
  };
  return rule as unknown as Rule;
}

export type { Finding };
