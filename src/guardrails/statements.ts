/** From a rule's deny templates and its scope to IAM statements. */
import { formatArn } from '../core/identity.js';
import type { Scope } from './scope.js';
import type { Condition, Statement, Template } from './types.js';

const ecsArn = (resource: string): string => formatArn({ partition: 'aws', service: 'ecs', region: '*', account: '*', resource });

/** Every revision of the families, as task definition (and daemon task definition) ARNs. */
export function familyArns(families: readonly string[], daemon: boolean): string[] {
  const arns = families.map((f) => ecsArn(`task-definition/${f}:*`));
  return daemon ? [...arns, ...families.map((f) => ecsArn(`daemon-task-definition/${f}:*`))] : arns;
}

/** The ARN pattern of any ecs-admission role, as the stack names them (`<stack>-AdmissionRole-…`, `ecs-admission-member`). */
export const DEFAULT_ADMIN_ROLE_ARNS = [formatArn({ partition: 'aws', service: 'iam', region: '', account: '*', resource: 'role/ecs-admission-*' })];

const withOperator = (condition: Condition, operator: string, key: string, values: string[]): Condition => ({
  ...condition,
  [operator]: { ...condition[operator], [key]: values.length === 1 ? values[0]! : values },
});

/** The statement of one template in one scope and the gaps the scope adds, or why IAM cannot say it. */
export function statementOf(template: Template, scope: Scope): { statement: Statement; gaps: string[] } | string {
  let condition: Condition = template.condition;
  const gaps: string[] = [];
  if (scope.regions) condition = withOperator(condition, 'StringLike', 'aws:RequestedRegion', scope.regions);
  const statement: Statement = { Effect: 'Deny', Action: [...template.actions].sort() };
  if (template.resource === 'taskDefinition') {
    const daemon = template.actions.includes('ecs:RegisterDaemonTaskDefinition');
    if (scope.families && scope.excludedFamilies.length > 0) {
      return `${template.actions.join(', ')}: families matched and families left out need Resource and NotResource in one statement, which IAM does not allow`;
    }
    if (scope.families) statement.Resource = familyArns(scope.families, daemon);
    else if (scope.excludedFamilies.length > 0) statement.NotResource = familyArns(scope.excludedFamilies, daemon);
    else statement.Resource = '*';
  } else {
    // A service's resource is the service: its family is the task definition the request names.
    statement.Resource = '*';
    if (scope.families) {
      condition = withOperator(condition, 'ArnLike', 'ecs:task-definition', familyArns(scope.families, false));
      gaps.push('an UpdateService that names no task definition carries no ecs:task-definition and is not denied');
    }
    if (scope.excludedFamilies.length > 0) {
      condition = withOperator(condition, 'ArnNotLike', 'ecs:task-definition', familyArns(scope.excludedFamilies, false));
      gaps.push('an UpdateService that names no task definition is denied even for a left-out family');
    }
  }
  statement.Condition = condition;
  return { statement, gaps };
}

/** The quarantine: no one runs a revision the Lambda denied, and only ecs-admission changes its tags. */
export function quarantineStatements(verdictKey: string, tagPrefix: string, adminRoleArns: readonly string[]): Statement[] {
  return [
    {
      Sid: 'QuarantineDeniedRevisions',
      Effect: 'Deny',
      Action: ['ecs:RunTask', 'ecs:StartTask'],
      Resource: ecsArn('task-definition/*'),
      Condition: { StringEquals: { [`aws:ResourceTag/${verdictKey}`]: 'denied' } },
    },
    {
      Sid: 'ProtectAdmissionTags',
      Effect: 'Deny',
      Action: ['ecs:TagResource', 'ecs:UntagResource'],
      Resource: '*',
      // Not on create (ecs:CreateAction is set then): tags a deployer passes to a new resource cannot
      // unlock an old one, and propagated tags must not block RunTask or CreateService.
      Condition: {
        'ForAnyValue:StringLike': { 'aws:TagKeys': `${tagPrefix}*` },
        Null: { 'ecs:CreateAction': 'true' },
        ArnNotLike: { 'aws:PrincipalArn': adminRoleArns.length === 1 ? adminRoleArns[0]! : [...adminRoleArns] },
      },
    },
  ];
}
