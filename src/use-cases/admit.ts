/**
 * The admission use case: one ECS call → re-read what it changed → evaluate → plan → claim the
 * CloudTrail record in the ledger → act (or, in audit mode, only say what would be done) → alert.
 * Every step that touches AWS goes through a port, so the same code runs in the Lambda, against
 * moto server and against in-memory fakes.
 *
 * Guarantees (docs/lambda.md, "What is guaranteed"): one action set and one alert per CloudTrail record,
 * whatever the deliveries (./lease.ts); a retry re-checks ECS before each action (./carry-out.ts);
 * what cannot be verified is alerted as such, never passed (./read-target.ts).
 */
import { redactResult } from '../core/secrets/redact.js';
import type { ResourceResult } from '../core/types.js';
import { flagBeyond, pendingDestructive, type BudgetLimits } from '../admission/budget.js';
import { carryOut } from '../admission/carry-out.js';
import { decide } from '../admission/decide.js';
import { claim, decisionId, ledgerKey, release, save } from '../admission/lease.js';
import type { ActionBudget, AlertSink, DecisionLedger, EcsGateway, LedgerEntry } from '../admission/ports.js';
import { identityOf, readTarget, type Home, type Read } from '../admission/read-target.js';
import type { AdmissionRequest, Decision } from '../admission/types.js';
import type { MakeEvaluate } from '../policy/evaluator.js';
import { blockedDecision, type BlockedRequest } from './blocked.js';

export interface AdmitDependencies {
  ecs: EcsGateway;
  ledger: DecisionLedger;
  budget: ActionBudget;
  alerts: AlertSink;
  /** Builds the evaluator for this invocation (policies, clock), resolving task definitions with the given function. */
  makeEvaluate: MakeEvaluate;
  settings: {
    /** Destructive actions allowed per invocation; beyond it, resources are flagged instead. */
    maxActions: number;
    /** Destructive actions allowed per account and sliding window, across invocations. */
    budget: BudgetLimits;
    ownerTags: readonly string[];
    /** The account and Region this function reads; calls elsewhere are unverified. */
    home?: Home;
  };
  /**
   * This invocation: the lease owner (Lambda keeps the request id on its own retries of an
   * invocation) and its deadline, in epoch ms — the lease ends there, when the owner is gone.
   */
  invocation: { id: string; deadline: number };
  now: () => number;
}

export type AdmitStatus = 'passed' | 'decided' | 'duplicate' | 'gone';

export interface AdmitResult {
  eventId: string;
  /** The ledger key: account and CloudTrail eventID. */
  key: string;
  status: AdmitStatus;
  /** Why the resource was left alone (`gone`), or what a duplicate delivery found. */
  reason?: string;
  decisions: Decision[];
  /** Destructive actions flagged instead because the account's action budget was spent. */
  overBudget: number;
  /** Rules that could not be evaluated on a resource (they count as their `onError` says). */
  ruleErrors: string[];
}

export async function admit(request: AdmissionRequest, deps: AdmitDependencies): Promise<AdmitResult> {
  const key = ledgerKey(request);
  const base = { eventId: request.eventId, key, overBudget: 0, ruleErrors: [] as string[] };
  let decisions: Decision[];
  // A call AWS refused changed nothing: no read, no action, one `blocked` alert (./blocked.ts).
  if (request.blocked) decisions = [blockedDecision(request as BlockedRequest, deps.makeEvaluate, key)];
  else {
    const read = await readTarget(request, deps.ecs, deps.settings.home);
    if ('gone' in read) return { ...base, status: 'gone', reason: read.gone, decisions: [] };
    decisions = 'unverified' in read ? [unverifiedDecision(request, read.unverified, key)] : await judge(request, read, deps, key, base.ruleErrors);
  }
  if (decisions.length === 0) return { ...base, status: 'passed', decisions };
  flagBeyond(decisions, deps.settings.maxActions, `Action cap reached (${deps.settings.maxActions} per invocation)`);

  const claimed = await claim(deps.ledger, { key, stage: 'planned', decisions, owner: deps.invocation.id, leaseUntil: deps.invocation.deadline }, deps.now());
  if (claimed.status === 'finished')
    return { ...base, status: 'duplicate', reason: 'already decided, acted on and alerted', decisions: claimed.entry.decisions };
  const entry = claimed.entry;
  try {
    const overBudget = await charge(entry, deps, request.account);
    await finish(entry, deps, claimed.status === 'resumed');
    const done = { ...base, decisions: entry.decisions, overBudget };
    return claimed.status === 'new' ? { ...done, status: 'decided' } : { ...done, status: 'duplicate', reason: 'resumed an unfinished decision' };
  } catch (error) {
    await release(deps.ledger, entry);
    throw error;
  }
}

/** Evaluates and plans each resource read. Rule errors are collected: they are never silent. */
async function judge(
  request: AdmissionRequest,
  read: Exclude<Read, { gone: string } | { unverified: string }>,
  deps: AdmitDependencies,
  key: string,
  ruleErrors: string[],
): Promise<Decision[]> {
  const evaluate = deps.makeEvaluate((ref) => read.taskDefinitions.get(ref) ?? `task definition ${ref} could not be read`);
  const context = {
    eventId: request.eventId,
    ownerTags: deps.settings.ownerTags,
    account: request.account,
    region: request.region,
    ecs: deps.ecs,
    daemons: deps.ecs,
    evaluate,
    taskDefinitions: read.taskDefinitions,
    ...(request.principal.arn ? { principalArn: request.principal.arn } : {}),
    ...(request.organizationalUnits ? { organizationalUnits: request.organizationalUnits } : {}),
  };
  const decisions: Decision[] = [];
  for (const resource of read.resources) {
    // Redacted before it is planned, stored in the ledger, alerted or logged: no sensitive value leaves.
    const result = redactResult(evaluate(resource));
    const errors = errorsOf(result);
    ruleErrors.push(...errors.map((e) => `${resource.name}: ${e}`));
    const planned = await decide(result, context);
    if (!planned) continue;
    const decision: Decision = {
      ...planned,
      decisionId: decisionId(key, decisions.length),
      request,
      findings: result.findings,
      policies: result.policies ?? [],
    };
    decision.notes.push(...read.notes);
    if (errors.length > 0) decision.unverified = errors;
    decisions.push(decision);
  }
  return decisions;
}

const errorsOf = (result: ResourceResult): string[] =>
  result.rules.filter((r) => r.status === 'error').map((r) => `rule ${r.ruleId} could not be evaluated${r.reason ? `: ${r.reason}` : ''}`);

/** A call that could not be verified: alerted with the reason, nothing changed. */
function unverifiedDecision(request: AdmissionRequest, reason: string, key: string): Decision {
  return {
    decisionId: decisionId(key, 0),
    request,
    resource: identityOf(request),
    verdict: 'unverified',
    mode: 'audit',
    findings: [],
    outcomes: [],
    notes: [],
    policies: [],
    unverified: [reason],
  };
}

/** Takes the entry's destructive actions from the account's budget, once; flags what does not fit. */
async function charge(entry: LedgerEntry, deps: AdmitDependencies, account: string): Promise<number> {
  if (entry.charged) return 0;
  const wanted = pendingDestructive(entry.decisions);
  const granted = wanted === 0 ? 0 : await deps.budget.take(account, wanted, new Date(deps.now()));
  entry.charged = true;
  const { actions, windowSeconds } = deps.settings.budget;
  return flagBeyond(entry.decisions, granted, `Action budget spent (${actions} per ${windowSeconds} s in account ${account})`);
}

/**
 * Acts, records that it acted (so that an alert sent by a retry still says what was done), alerts,
 * records that it alerted. A resumed entry re-checks ECS before each action.
 */
async function finish(entry: LedgerEntry, deps: AdmitDependencies, resumed: boolean): Promise<void> {
  if (entry.stage === 'planned') {
    const acting = entry.decisions.some((d) => d.outcomes.some((o) => o.status === 'pending'));
    for (const decision of entry.decisions) await carryOut(decision, deps.ecs, { recheck: resumed });
    entry.stage = 'acted';
    if (acting) await save(deps.ledger, entry);
  }
  await alertAll(entry, deps);
  entry.stage = 'alerted';
  await save(deps.ledger, entry);
}

/**
 * One message per decision and channel. Each is recorded in the ledger once published, when more
 * follow: a failure halfway (the second topic, the third task of a RunTask) is retried without
 * sending again what already went out. The last one is recorded with the `alerted` stage.
 */
async function alertAll(entry: LedgerEntry, deps: AdmitDependencies): Promise<void> {
  const sent = new Set(entry.sent);
  const pending = entry.decisions
    .flatMap((decision, i) => deps.alerts.channels.map((channel) => ({ decision, channel, key: `${i}:${channel}` })))
    .filter((a) => !sent.has(a.key));
  for (const [n, { decision, channel, key }] of pending.entries()) {
    await deps.alerts.publish(decision, channel);
    sent.add(key);
    entry.sent = [...sent];
    if (n < pending.length - 1) await save(deps.ledger, entry);
  }
}
