/**
 * `guardrails`: from compiled policies to the deny statements IAM evaluates before a request takes
 * effect, and the list of rules that stay with the Lambda. Pure: the caller passes today's date.
 */
import { parseRuleOptions } from '../core/rule-set.js';
import { TAG_KEYS } from '../admission/types.js';
import type { CompiledPolicy } from '../policy/engine.js';
import { guardrailOf } from './catalog.js';
import { mergeStatements, nameStatements, SCP_LIMIT, splitDocuments, targetsKey, unionTargets, type Sourced } from './documents.js';
import { policyScope, ruleScope, type Scope } from './scope.js';
import { DEFAULT_ADMIN_ROLE_ARNS, quarantineStatements, statementOf } from './statements.js';
import type { GuardrailDocument, GuardrailSet, Targets } from './types.js';

export interface GenerateOptions {
  /** `YYYY-MM-DD`: exceptions expiring on or before it are not carried over. */
  today: string;
  /** Principals that may change the ecs-admission tags (default: the stack's roles). */
  adminRoleArns?: readonly string[];
  /** Document size limit (default: the SCP quota). */
  limit?: number;
  /** The quarantine statements (default on). */
  quarantine?: boolean;
}

/** An SCP target holds at most five SCPs, FullAWSAccess included. */
const SCPS_PER_TARGET = 5;

const TAG_PREFIX = TAG_KEYS.verdict.slice(0, TAG_KEYS.verdict.indexOf(':') + 1);

export function generateGuardrails(policies: readonly CompiledPolicy[], options: GenerateOptions): GuardrailSet {
  const set: GuardrailSet = { documents: [], preventive: [], detectiveOnly: [], reports: [], notes: [] };
  const groups = new Map<string, { targets: Targets; sources: Set<string>; statements: Sourced[] }>();
  const add = (targets: Targets, source: string, entries: Sourced[]): void => {
    const key = targetsKey(targets);
    const group = groups.get(key) ?? { targets, sources: new Set<string>(), statements: [] };
    group.sources.add(source);
    group.statements.push(...entries);
    groups.set(key, group);
  };
  const scopes: Targets[] = [];

  for (const policy of policies) {
    const scope = policyScope(policy);
    if (typeof scope !== 'string') scopes.push(scope.targets);
    const custom = new Set(policy.customRules.map((c) => c.rule.id));
    for (const id of policy.rules.keys()) if (!policy.choices.has(id)) set.detectiveOnly.push({ policy: policy.name, rule: id, reason: 'off' });
    for (const [id, choice] of policy.choices) {
      const detective = (reason: string): void => void set.detectiveOnly.push({ policy: policy.name, rule: id, reason });
      if (choice.action !== 'deny') {
        detective(choice.action === 'off' ? 'off' : `action ${choice.action}: only deny rules become guardrails`);
        continue;
      }
      if ((choice.mode ?? policy.mode) !== 'enforce') {
        detective('audit mode: an SCP cannot be audit-only (stage it on a test OU instead)');
        continue;
      }
      const rule = policy.rules.get(id);
      if (custom.has(id) || !rule) {
        detective('custom rule (CEL): IAM has no form for it');
        continue;
      }
      const guardrail = guardrailOf(id, parseRuleOptions(rule, choice.options));
      if (typeof guardrail === 'string') {
        detective(guardrail);
        continue;
      }
      if (typeof scope === 'string') {
        set.reports.push(`${policy.name}/${id}: ${scope}`);
        continue;
      }
      const scoped = ruleScope(policy, id, scope, options.today);
      if (typeof scoped === 'string') {
        set.reports.push(`${policy.name}/${id}: ${scoped}`);
        continue;
      }
      set.notes.push(...scoped.notes);
      emitRule(policy.name, id, guardrail, scoped.scope, set, add);
    }
  }

  if (options.quarantine !== false) {
    const statements = quarantineStatements(TAG_KEYS.verdict, TAG_PREFIX, options.adminRoleArns ?? DEFAULT_ADMIN_ROLE_ARNS);
    add(
      unionTargets(scopes),
      'quarantine',
      statements.map((statement) => ({ statement, source: 'quarantine' })),
    );
  }

  const limit = options.limit ?? SCP_LIMIT;
  [...groups.values()].forEach((group, i) => {
    const name = groups.size === 1 ? 'ecs-admission-guardrails' : `ecs-admission-guardrails-${i + 1}`;
    const statements = nameStatements(mergeStatements(group.statements));
    set.documents.push(...splitDocuments(name, group.targets, [...group.sources], statements, limit));
  });
  set.notes.push(...attachmentNotes(set.documents));
  return set;
}

function emitRule(
  policy: string,
  id: string,
  guardrail: Exclude<ReturnType<typeof guardrailOf>, string>,
  scope: Scope,
  set: GuardrailSet,
  add: (targets: Targets, source: string, entries: Sourced[]) => void,
): void {
  const templates = guardrail.templates.filter((t) => !scope.kinds || t.kinds.some((k) => scope.kinds!.includes(k)));
  if (templates.length === 0) {
    set.detectiveOnly.push({ policy, rule: id, reason: 'the policy scopes it to kinds IAM does not see' });
    return;
  }
  const gaps = [...guardrail.gaps];
  const entries: Sourced[] = [];
  const emitted: typeof templates = [];
  for (const template of templates) {
    const made = statementOf(template, scope);
    if (typeof made === 'string') {
      set.reports.push(`${policy}/${id}: ${made}`);
      continue;
    }
    gaps.push(...made.gaps.filter((g) => !gaps.includes(g)));
    entries.push({ statement: made.statement, source: id });
    emitted.push(template);
  }
  if (entries.length === 0) return;
  add(scope.targets, policy, entries);
  const actions = [...new Set(emitted.flatMap((t) => t.actions))].sort();
  set.preventive.push({ policy, rule: id, actions, keys: guardrail.keys, gaps });
}

/** How many SCP slots each target uses, and a warning where five would not do. */
function attachmentNotes(documents: readonly GuardrailDocument[]): string[] {
  const perTarget = new Map<string, number>();
  for (const d of documents) {
    for (const t of d.targets.kind === 'root' ? ['the organization root'] : d.targets.ids) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
  }
  return [...perTarget].map(([target, n]) =>
    n < SCPS_PER_TARGET
      ? `${target}: ${n} of its ${SCPS_PER_TARGET} SCP slots (FullAWSAccess takes one)`
      : `${target}: ${n} documents, more than the ${SCPS_PER_TARGET - 1} free SCP slots of a target: attach some to a parent OU`,
  );
}
