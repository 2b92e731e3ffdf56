/**
 * A decision in words: one sentence per action, the headline of the subject and title, the rules
 * behind the verdict, and the subject line itself (ASCII, within SNS's limit).
 */
import { KIND_NAMES, type Finding, type ResourceKind } from '../../core/types.js';
import { lastSegment, splitRevision, taskDefinitionName } from '../../core/identity.js';
import type { ActionOutcome, Decision, PlannedAction } from '../../admission/types.js';
import { MAX_SUBJECT_LENGTH, toAsciiLine, truncate } from '../text.js';

const VERBS = {
  deregisterTaskDefinition: { kind: 'taskDefinition', done: 'deregistered', base: 'deregister' },
  updateService: { kind: 'service', done: 'rolled back', base: 'roll back' },
  deleteTaskSet: { kind: 'taskSet', done: 'deleted', base: 'delete' },
  stopTask: { kind: 'task', done: 'stopped', base: 'stop' },
  deleteDaemonTaskDefinition: { kind: 'daemonTaskDefinition', done: 'deleted', base: 'delete' },
  updateDaemon: { kind: 'daemon', done: 'rolled back', base: 'roll back' },
  restoreExpressService: { kind: 'expressService', done: 'rolled back', base: 'roll back' },
} as const satisfies Record<Exclude<PlannedAction['type'], 'tagResource'>, { kind: ResourceKind; done: string; base: string }>;

/** One sentence per action: `Deregistered web:3`, `Would roll service api back to web:2`, `Failed to stop task 1a2b`. */
export function actionSummary(outcome: ActionOutcome): string {
  const { action, status } = outcome;
  const say = (done: string, base: string, rest: string): string =>
    status === 'done'
      ? `${done} ${rest}`
      : status === 'failed'
        ? `Failed to ${base} ${rest}`
        : status === 'pending'
          ? `Will ${base} ${rest}`
          : status === 'unneeded'
            ? `No need to ${base} ${rest}`
            : `Would ${base} ${rest}`;
  switch (action.type) {
    case 'deregisterTaskDefinition':
      return say('Deregistered', 'deregister', action.name);
    case 'updateService': {
      const { changes } = action;
      const what = [
        changes.networkConfiguration && 'public IP disabled',
        changes.enableExecuteCommand === false && 'ECS Exec disabled',
        changes.platformVersion && `platform version ${changes.platformVersion}`,
        changes.deploymentConfiguration && 'circuit breaker on',
      ].filter((s): s is string => typeof s === 'string');
      const settings = what.length ? ` (${what.join(', ')})` : '';
      if (changes.taskDefinition) return say('Rolled', 'roll', `service ${action.service} back to ${taskDefinitionName(changes.taskDefinition)}${settings}`);
      return say('Updated', 'update', `service ${action.service}${settings}`);
    }
    case 'deleteTaskSet':
      return say('Deleted', 'delete', `task set ${action.name} of service ${action.service}`);
    case 'stopTask':
      return say('Stopped', 'stop', `task ${action.name}`);
    case 'tagResource':
      // Tag keys only: the values are ours (verdict, rules, event) and add nothing to a sentence.
      return say('Tagged', 'tag', `${action.name} with ${Object.keys(action.tags).join(', ')}`);
    case 'deleteDaemonTaskDefinition':
      return say('Deleted', 'delete', `daemon task definition ${action.name}`);
    case 'updateDaemon': {
      const exec = action.changes.enableExecuteCommand === false ? ' (ECS Exec disabled)' : '';
      return say('Rolled', 'roll', `daemon ${action.name} back to ${taskDefinitionName(action.changes.daemonTaskDefinitionArn)}${exec}`);
    }
    case 'restoreExpressService':
      return say('Rolled', 'roll', `Express service ${action.name} back to its configuration ${lastSegment(action.toRevision)}`);
  }
}

/** The action that says most about the decision: carried out first, then failed, then audit-only. */
function headlineOutcome(decision: Decision): ActionOutcome | undefined {
  const destructive = decision.outcomes.filter((o) => o.action.type !== 'tagResource');
  return destructive.find((o) => o.status === 'done' || o.status === 'unneeded') ?? destructive.find((o) => o.status === 'failed') ?? destructive[0];
}

/** The subject's sentence, split so that only the resource name is shortened when it is too long. */
export function headline(decision: Decision): { before: string; name: string; after: string } {
  const outcome = headlineOutcome(decision);
  if (outcome && outcome.action.type !== 'tagResource') {
    const verb = VERBS[outcome.action.type];
    const kind = KIND_NAMES[verb.kind];
    const name = outcome.action.name;
    // `unneeded`: a retry found it done (by the attempt that failed after acting).
    if (outcome.status === 'done' || outcome.status === 'unneeded') return { before: '', name, after: ` ${kind} ${verb.done}` };
    if (outcome.status === 'would') return { before: `would ${verb.base} ${kind} `, name, after: '' };
    return { before: `failed to ${verb.base} ${kind} `, name, after: '' };
  }
  const kind = KIND_NAMES[decision.resource.kind];
  const name = decision.resource.name;
  switch (decision.verdict) {
    case 'deny':
      // No action planned (no compliant revision to roll back to, action cap reached…): the notes say why.
      return { before: '', name, after: decision.mode === 'audit' ? ` ${kind} would be denied` : ` ${kind} denied, not enforced` };
    case 'flag':
      return { before: '', name, after: ` ${kind} flagged` };
    case 'pass':
      return { before: '', name, after: ` ${kind} passed` };
    case 'unverified':
      return { before: '', name, after: ` ${kind} could not be verified` };
    case 'blocked':
      return { before: '', name, after: ` ${kind} blocked by AWS` };
  }
}

/** Findings that count (not suspended by an exception). */
export const counting = (findings: readonly Finding[]): Finding[] => findings.filter((f) => !f.exception);

export const unique = <T>(list: readonly T[]): T[] => [...new Set(list)];

/** Rule ids behind the verdict first (the denying rules of a deny), then the others that count. */
export function ruleIds(decision: Decision): string[] {
  const live = counting(decision.findings);
  const behind = live.filter((f) => f.action === decision.verdict);
  return unique([...behind, ...live].map((f) => f.ruleId));
}

/** `[DENY critical]`. */
export function tag(decision: Decision): string {
  return `[${decision.verdict.toUpperCase()}${decision.severity ? ` ${decision.severity}` : ''}]`;
}

/** Below this a shortened name or rule id says nothing any more. */
const MIN_SHORTENED = 12;

/** Shortens a name, keeping a `:revision` suffix: `very-long-fam...:3`. */
function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const { revision } = splitRevision(name);
  const suffix = revision === undefined ? undefined : `:${revision}`;
  if (suffix && max - suffix.length >= 4) return truncate(name.slice(0, -suffix.length), max - suffix.length) + suffix;
  return truncate(name, max);
}

/** `[DENY critical] web:3 task definition deregistered - no-privileged-containers +1`. */
export function subject(decision: Decision): string {
  const { before, name, after } = headline(decision);
  const rules = ruleIds(decision);
  const [head, asciiName, tail, rule, more] = [
    `${tag(decision)} ${before}`,
    name,
    after + (rules.length ? ' - ' : ''),
    rules[0] ?? '',
    rules.length > 1 ? ` +${rules.length - 1}` : '',
  ].map(toAsciiLine) as [string, string, string, string, string];
  // Shorten the name, then the rule id, rather than the end: what happened and why stay readable.
  let fittedName = asciiName;
  let fittedRule = rule;
  const over = (): number => head.length + fittedName.length + tail.length + fittedRule.length + more.length - MAX_SUBJECT_LENGTH;
  if (over() > 0) fittedName = shortenName(asciiName, Math.max(MIN_SHORTENED, asciiName.length - over()));
  if (over() > 0) fittedRule = truncate(rule, Math.max(MIN_SHORTENED, rule.length - over()));
  return truncate(`${head}${fittedName}${tail}${fittedRule}${more}`.trim(), MAX_SUBJECT_LENGTH);
}
