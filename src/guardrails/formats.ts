/** The guardrails as CloudFormation and as machine-readable JSON. */
import type { GuardrailSet, Targets } from './types.js';

const ROOT_PARAMETER = 'OrganizationRootId';

const logicalId = (name: string): string => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');

const targetIds = (targets: Targets): unknown[] => (targets.kind === 'root' ? [{ Ref: ROOT_PARAMETER }] : targets.ids);

/** A template of `AWS::Organizations::Policy` resources (SERVICE_CONTROL_POLICY), attached to the policies' scopes. */
export function cloudFormationTemplate(set: GuardrailSet, description: string): object {
  const needsRoot = set.documents.some((d) => d.targets.kind === 'root');
  const resources = Object.fromEntries(
    set.documents.map((d) => [
      logicalId(d.name),
      {
        Type: 'AWS::Organizations::Policy',
        Properties: {
          Name: d.name,
          Description: `ecs-admission guardrails from ${d.sources.join(', ')}`.slice(0, 512),
          Type: 'SERVICE_CONTROL_POLICY',
          Content: d.document,
          TargetIds: targetIds(d.targets),
        },
      },
    ]),
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description,
    ...(needsRoot
      ? { Parameters: { [ROOT_PARAMETER]: { Type: 'String', AllowedPattern: '^r-[0-9a-z]{4,32}$', Description: 'the organization root (r-…)' } } }
      : {}),
    Resources: resources,
  };
}

/** Everything, for machines: documents with their targets and sizes, the layers, the reports. */
export function jsonReport(set: GuardrailSet): object {
  return {
    documents: set.documents.map((d) => ({ name: d.name, targets: d.targets, size: d.size, sources: d.sources, document: d.document })),
    preventive: set.preventive,
    detectiveOnly: set.detectiveOnly,
    reports: set.reports,
    notes: set.notes,
  };
}
