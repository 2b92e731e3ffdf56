/**
 * Preventive guardrails: the IAM deny statements (SCPs, identity policies, permissions boundaries)
 * that implement part of a policy at request time. Pure data: no AWS SDK, no file system.
 */

/** An IAM condition block: operator → key → value(s). */
export type Condition = Record<string, Record<string, string | string[]>>;

/** A Deny statement, as IAM reads it. */
export interface Statement {
  Sid?: string;
  Effect: 'Deny';
  Action: string[];
  Resource?: string | string[];
  NotResource?: string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

/**
 * What a request's resource is, for an action: the task definition family (RegisterTaskDefinition,
 * RegisterDaemonTaskDefinition, RunTask, StartTask) or the service (CreateService, UpdateService).
 */
export type ResourceType = 'taskDefinition' | 'service';

/** One deny a rule maps to: actions on one resource type, under one condition. */
export interface Template {
  actions: string[];
  resource: ResourceType;
  condition: Condition;
  /** The kinds of resource (policy `kinds`) this deny protects. */
  kinds: string[];
}

/** A rule's preventive layer: its denies, and what AWS leaves uncovered. */
export interface RuleGuardrail {
  templates: Template[];
  /** Condition keys used, for the docs and the report. */
  keys: string[];
  gaps: string[];
}

/** Where an SCP is attached: account ids, OU ids, or the organization root. */
export type Targets = { kind: 'root' } | { kind: 'ids'; ids: string[] };

/** A rule that is enforced before it happens, in one policy. */
export interface PreventiveRule {
  policy: string;
  rule: string;
  actions: string[];
  keys: string[];
  gaps: string[];
}

/** A rule that stays with the Lambda, and why. */
export interface DetectiveRule {
  policy: string;
  rule: string;
  reason: string;
}

/** One document to attach, with where. */
export interface GuardrailDocument {
  name: string;
  targets: Targets;
  document: PolicyDocument;
  /** Characters of the minified document: what AWS counts against the size quota. */
  size: number;
  /** Policies (and `quarantine`) whose statements it holds. */
  sources: string[];
}

export interface GuardrailSet {
  documents: GuardrailDocument[];
  preventive: PreventiveRule[];
  detectiveOnly: DetectiveRule[];
  /** What could not be expressed exactly, and so was not emitted. Never silent. */
  reports: string[];
  /** Expiries carried over, attachment limits, when to regenerate. */
  notes: string[];
}

/** A guardrail that must not be generated (an exception without an expiry): exit 2. */
export class GuardrailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardrailError';
  }
}
