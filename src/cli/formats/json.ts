import type { CheckReport } from '../../use-cases/check.js';
import { locateFinding, type ResourceResult } from '../../core/types.js';
import type { ExceptionReport } from '../../policy/engine.js';
import { VERSION } from '../version.js';
import { actionSummary } from '../../render/alert/index.js';
import type { SweepReport } from '../../sweep/types.js';

/**
 * The JSON report. Field names are a public interface (other tools read them): add, never rename.
 */
export function toJsonReport(report: CheckReport, exceptions: readonly ExceptionReport[] = []): object {
  return {
    version: 1,
    tool: { name: 'ecs-admission', version: VERSION },
    ruleSet: report.ruleSet,
    results: report.results.map(resultToJson),
    errors: report.errors,
    unjudged: report.unjudged,
    exceptions,
    summary: report.summary,
  };
}

export function resultToJson(result: ResourceResult): object {
  const { resource } = result;
  const { origin } = resource;
  return {
    source: {
      file: origin.source,
      name: resource.name,
      ...(origin.logicalId ? { logicalId: origin.logicalId } : {}),
      ...(origin.documentIndex !== undefined ? { document: origin.documentIndex + 1 } : {}),
    },
    kind: resource.kind,
    name: resource.name,
    ...(resource.taskDefinitionRef ? { taskDefinition: resource.taskDefinitionRef } : {}),
    ...(resource.request ? { request: resource.request } : {}),
    status: result.status,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    ...(resource.notJudged !== undefined ? { notJudged: true } : {}),
    ...(result.policies ? { policies: result.policies } : {}),
    ...(resource.problems?.length
      ? {
          problems: resource.problems.map((p) => {
            const at = origin.locate?.(p.path);
            return { ...p, ...(at ? { line: at.line, column: at.column } : {}) };
          }),
        }
      : {}),
    findings: result.findings.map((f) => {
      // `at` is internal (a scenario's location): published as line and column.
      const at = locateFinding(resource, f);
      const published: Record<string, unknown> = { ...f, ...(at ? { line: at.line, column: at.column } : {}) };
      delete published.at;
      return published;
    }),
    rules: result.rules.map((r) => ({
      ruleId: r.ruleId,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.action && r.status !== 'pass' ? { action: r.action } : {}),
    })),
  };
}

/** `check`'s JSON fields per result, plus where it runs, its owner and what enforcement would do. */
export function toSweepJson(report: SweepReport, ruleSet: string): object {
  return {
    version: 1,
    tool: { name: 'ecs-admission', version: VERSION },
    kind: 'sweep',
    ruleSet,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    allRevisions: report.allRevisions,
    results: report.resources.map((r) => ({
      ...resultToJson(r.result),
      account: r.account,
      region: r.region,
      ...(r.plan
        ? {
            owner: r.plan.resource.owner,
            verdict: r.plan.verdict,
            enforcement: r.plan.outcomes.map((o) => ({ type: o.action.type, target: o.action.name, summary: actionSummary(o), rules: o.rules })),
            notes: r.plan.notes,
          }
        : {}),
    })),
    failures: report.failures,
    counts: report.counts,
    summary: report.summary,
  };
}
