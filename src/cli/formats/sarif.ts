import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { CheckReport } from '../../use-cases/check.js';
import type { Rule } from '../../core/rule.js';
import { locateFinding, type Action, type Severity } from '../../core/types.js';
import { VERSION } from '../version.js';
import { isArn } from '../../core/identity.js';

// GitHub code scanning ranks security alerts by this score (CVSS-like, 0.1 to 10).
const SECURITY_SEVERITY: Record<Severity | 'inherit', string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', inherit: '8.0' };

/** Resources read from AWS (the sweep) are located by their ARN, files relative to the source root. */
export const uriOf = (source: string, cwd: string): string =>
  source === '-' ? 'stdin' : isArn(source) ? source : relative(cwd, source).split(sep).join('/') || source;

/** SARIF 2.1.0, as GitHub code scanning accepts it: rule metadata, file and line of each finding. */
/** The rules the run had on, with their strictest action and severity. */
export interface SarifRule {
  rule: Rule;
  action: Exclude<Action, 'off'>;
  severity: Severity | 'inherit';
}

export function toSarif(report: CheckReport, activeRules: readonly SarifRule[], cwd: string): Log {
  const rules: ReportingDescriptor[] = activeRules.map(({ rule, action, severity }) => ({
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.rationale}\n\nRemediation: ${rule.remediation}`,
      markdown: `${rule.rationale}\n\n**Remediation:** ${rule.remediation}\n\n${rule.references.map((r) => `- ${r.url ? `[${r.title}](${r.url})` : r.title}`).join('\n')}`,
    },
    defaultConfiguration: { level: action === 'deny' ? 'error' : 'warning' },
    properties: { tags: ['security', 'ecs'], 'security-severity': SECURITY_SEVERITY[severity], precision: 'high' },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));

  const results: Result[] = report.results.flatMap(({ resource, findings }) =>
    findings.map((f) => {
      const at = locateFinding(resource, f);
      const uri = uriOf(resource.origin.source, cwd);
      return {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
        level: f.action === 'deny' ? 'error' : 'warning',
        message: { text: `${resource.name}: ${f.message}${f.when ? ` (when ${f.when})` : ''}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: isArn(resource.origin.source) ? { uri } : { uri, uriBaseId: '%SRCROOT%' },
              region: { startLine: at?.line ?? 1, startColumn: at?.column ?? 1 },
            },
            logicalLocations: [{ name: resource.name, fullyQualifiedName: `${resource.name}.${f.path}`, kind: 'resource' }],
          },
        ],
        partialFingerprints: {
          'ecsAdmissionFinding/v1': createHash('sha256').update(`${f.ruleId}|${uri}|${resource.name}|${f.path}`).digest('hex'),
        },
        properties: {
          severity: f.severity,
          action: f.action,
          path: f.path,
          ...(f.container ? { container: f.container } : {}),
          ...(f.when ? { when: f.when } : {}),
          ...(f.error ? { ruleError: true } : {}),
        },
      } satisfies Result;
    }),
  );

  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'ecs-admission', version: VERSION, semanticVersion: VERSION, rules } },
        results,
        invocations: [
          {
            executionSuccessful: report.errors.length === 0 && !report.results.some((r) => (r.resource.problems?.length ?? 0) > 0),
            toolExecutionNotifications: [
              ...report.errors.map((e) => notification('error', e.message, uriOf(e.source, cwd), e.line)),
              // Values the API would reject, at their line: the resource was not judged cleanly.
              ...report.results.flatMap(({ resource }) =>
                (resource.problems ?? []).map((p) =>
                  notification(
                    'error',
                    `${resource.name}: ${p.path}: ${p.message}`,
                    uriOf(resource.origin.source, cwd),
                    resource.origin.locate?.(p.path)?.line,
                  ),
                ),
              ),
              // What could not be decided or judged is said, never a silent pass.
              ...report.unjudged.map((u) => notification('warning', `not judged: ${u.message}`, uriOf(u.source, cwd), u.line)),
              ...report.results.flatMap(({ resource, rules, reason }) => [
                ...(reason !== undefined ? [notification('warning', `${resource.name}: not judged: ${reason}`, uriOf(resource.origin.source, cwd))] : []),
                ...rules
                  .filter((r) => r.status === 'unknown')
                  .map((r) => notification('warning', `${resource.name}: ${r.ruleId} could not decide: ${r.reason ?? ''}`, uriOf(resource.origin.source, cwd))),
              ]),
            ],
          },
        ],
      },
    ],
  };
}

function notification(
  level: 'error' | 'warning',
  text: string,
  uri: string,
  line?: number,
): NonNullable<NonNullable<Log['runs'][number]['invocations']>[number]['toolExecutionNotifications']>[number] {
  return { level, message: { text }, locations: [{ physicalLocation: { artifactLocation: { uri }, ...(line ? { region: { startLine: line } } : {}) } }] };
}
