/**
 * From an evaluated resource to a decision: the verdict, and the actions it asks for. `deny`
 * deregisters a task definition revision, puts a service back on its last compliant revision (or
 * changes the denied setting back), deletes a task set and stops a task; `flag` tags and alerts. In
 * audit mode nothing is changed: the alert says what would have been done. Pure: the rollback
 * target, when one is needed, is looked up before planning and passed in.
 */
import type { Finding, Resource, ResourceResult, Service, Task } from '../core/types.js';
import { worstSeverity } from '../core/types.js';
import { factsOf } from '../core/identity.js';
import { daemonExpressDenyAction } from './plan-daemon-express.js';
import {
  TAG_KEYS,
  type ActionOutcome,
  type Decision,
  type JudgedResource,
  type PlanContext,
  type PlannedAction,
  type ServiceChanges,
  type Verdict,
} from './types.js';

/** Tag keys that name a resource's owner unless configured otherwise. */
export const DEFAULT_OWNER_TAGS: readonly string[] = ['Owner', 'owner', 'Team', 'team'];

export type { PlanContext } from './types.js';

/** Where a service finding points, and how UpdateService puts that property back. */
const RESTORE: Record<string, (service: Service) => ServiceChanges | string> = {
  'networkConfiguration.awsvpcConfiguration.assignPublicIp': (s) => {
    const vpc = s.networkConfiguration?.awsvpcConfiguration;
    if (!vpc?.subnets?.length) return 'the service has no subnets to keep';
    return {
      networkConfiguration: {
        awsvpcConfiguration: { subnets: vpc.subnets, ...(vpc.securityGroups ? { securityGroups: vpc.securityGroups } : {}), assignPublicIp: 'DISABLED' },
      },
    };
  },
  enableExecuteCommand: () => ({ enableExecuteCommand: false }),
  platformVersion: () => ({ platformVersion: 'LATEST' }),
  'deploymentConfiguration.deploymentCircuitBreaker.enable': (s) => ({
    deploymentConfiguration: {
      ...s.deploymentConfiguration,
      deploymentCircuitBreaker: { ...s.deploymentConfiguration?.deploymentCircuitBreaker, enable: true, rollback: true },
    },
  }),
};

/** ECS tag values allow 256 characters of letters, digits, spaces and `+-=._:/@`. */
const tagValue = (text: string): string => text.replace(/[^\p{L}\p{N} +\-=._:/@]/gu, '_').slice(0, 256);

/** A decision without the request that led to it: what the Lambda and the sweep have in common. */
export type Plan = Omit<Decision, 'decisionId' | 'request' | 'findings' | 'policies' | 'unverified' | 'verdict'> & {
  verdict: Exclude<Verdict, 'unverified' | 'blocked'>;
};

export function plan(result: ResourceResult, ctx: PlanContext): Plan {
  const { resource } = result;
  const counted = result.findings.filter((f) => !f.exception);
  const denied = counted.filter((f) => f.action === 'deny');
  const verdict: Plan['verdict'] = denied.length > 0 ? 'deny' : counted.length > 0 ? 'flag' : 'pass';
  const judged = judge(resource, ctx);
  const outcomes: ActionOutcome[] = [];
  const notes: string[] = [];

  // Enforced and audit-mode findings are planned apart: the first are carried out, the second only reported.
  for (const mode of ['enforce', 'audit'] as const) {
    const findings = denied.filter((f) => f.mode === mode);
    if (findings.length === 0) continue;
    const built = denyAction(resource, judged, findings, ctx, notes);
    // What enforcement already covers is not reported again as "would".
    if (built && !(mode === 'audit' && outcomes.some((o) => o.action.type === built.action.type))) {
      outcomes.push({ action: built.action, status: mode === 'enforce' ? 'pending' : 'would', rules: built.rules });
    }
  }
  // A deleted task set cannot carry tags any more.
  const removed = outcomes.some((o) => o.action.type === 'deleteTaskSet' && o.status === 'pending');
  if (counted.length > 0 && !removed) {
    const rules = [...new Set(counted.map((f) => f.ruleId))];
    const tags = {
      [TAG_KEYS.verdict]: verdict === 'deny' ? 'denied' : 'flagged',
      [TAG_KEYS.rules]: tagValue(rules.join(' ')),
      [TAG_KEYS.event]: tagValue(ctx.eventId),
    };
    const enforced = counted.some((f) => f.mode === 'enforce');
    outcomes.push({ action: { type: 'tagResource', resourceArn: judged.arn, name: judged.name, tags }, status: enforced ? 'pending' : 'would', rules });
  }

  const decided: Plan = { resource: judged, verdict, mode: counted.some((f) => f.mode === 'enforce') ? 'enforce' : 'audit', outcomes, notes };
  const severity = worstSeverity(counted.map((f) => f.severity));
  if (severity) decided.severity = severity;
  return decided;
}

function denyAction(
  resource: Resource,
  judged: JudgedResource,
  findings: Finding[],
  ctx: PlanContext,
  notes: string[],
): { action: PlannedAction; rules: string[] } | undefined {
  const rules = [...new Set(findings.map((f) => f.ruleId))];
  const { name, arn } = judged;
  switch (resource.kind) {
    case 'taskDefinition': {
      const status = (resource.object as { status?: string }).status;
      if (status === 'INACTIVE') {
        notes.push(`${name} is already deregistered.`);
        return undefined;
      }
      return { action: { type: 'deregisterTaskDefinition', resourceArn: arn, name }, rules };
    }
    case 'taskSet':
      return { action: { type: 'deleteTaskSet', resourceArn: arn, name, cluster: judged.cluster ?? 'default', service: judged.service ?? '' }, rules };
    case 'task': {
      const task = resource.object as Task & { lastStatus?: string; desiredStatus?: string };
      if (task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED') {
        notes.push(`Task ${name} is already stopping.`);
        return undefined;
      }
      const reason = `ecs-admission: breaks ${rules.join(', ')} (event ${ctx.eventId})`.slice(0, 255);
      return { action: { type: 'stopTask', resourceArn: arn, name, cluster: judged.cluster ?? 'default', reason }, rules };
    }
    case 'service': {
      const service = resource.object as Service;
      const changes: ServiceChanges = {};
      const applied: string[] = [];
      for (const finding of findings) {
        if (finding.path === 'taskDefinition') {
          if (ctx.rollback && 'to' in ctx.rollback) {
            changes.taskDefinition = ctx.rollback.to;
            applied.push(finding.ruleId);
          } else {
            notes.push(
              `${finding.ruleId}: cannot roll ${name} back: ${ctx.rollback && 'none' in ctx.rollback ? ctx.rollback.none : 'no compliant revision was looked up'}. Flagged instead.`,
            );
          }
          continue;
        }
        const restore = RESTORE[finding.path];
        const change = restore?.(service);
        if (change === undefined || typeof change === 'string') {
          notes.push(`${finding.ruleId}: cannot put ${finding.path} of ${name} back automatically${change ? ` (${change})` : ''}. Flagged instead.`);
          continue;
        }
        Object.assign(changes, change);
        applied.push(finding.ruleId);
      }
      if (applied.length === 0) return undefined;
      return {
        action: { type: 'updateService', resourceArn: arn, name, cluster: judged.cluster ?? 'default', service: judged.service ?? name, changes },
        rules: [...new Set(applied)],
      };
    }
    case 'daemonTaskDefinition':
    case 'daemon':
    case 'expressService':
      return daemonExpressDenyAction(resource, judged, findings, ctx, notes);
  }
}

function judge(resource: Resource, ctx: PlanContext): JudgedResource {
  const facts = factsOf(resource);
  const ownerIn = (tags: Record<string, string> | undefined) => ctx.ownerTags.map((key) => tags?.[key]).find((v) => v !== undefined && v !== '');
  const owner = ownerIn(facts.tags) ?? ownerIn(ctx.taskDefinitionTags) ?? ctx.principalArn ?? 'unknown';
  const judged: JudgedResource = { kind: resource.kind, arn: resource.origin.source, name: resource.name, tags: facts.tags, owner };
  if (facts.cluster) judged.cluster = facts.cluster;
  if (facts.family) judged.family = facts.family;
  if (facts.service) judged.service = facts.service;
  return judged;
}
