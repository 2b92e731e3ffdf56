// The two roles of the packaged template (deploy/roles.yml), statement by statement against the
// IAM table of docs/lambda.md (role, actions, resources, conditions, why): neither can change without the
// other. And what least privilege means here, whatever the table says: only Allow, named actions,
// "*" only where ECS has no resource-level permissions, a sweep that cannot write.
import { beforeAll, describe, expect, it } from 'vitest';
import { TAG_KEYS } from '../../src/admission/types.js';
import { codeSpans, iamSection, markdownTable } from '../helpers/docs.js';
import { packageService, type Template } from '../helpers/serverless-package.js';
import { DAEMON_EXPRESS_ACTIONS } from '../helpers/ecs-stub-server.js';

const ROLES = { admission: 'AdmissionRole', sweep: 'SweepRole' } as const;
const COLUMNS = ['role', 'actions', 'resources', 'conditions', 'why'] as const;

// The only actions that may (and must, having no resource-level permissions) use Resource "*".
// ListTasks names container instances, but listing a cluster's tasks is authorized on "*".
const STAR_ACTIONS = [
  'ecs:DescribeTaskDefinition',
  'ecs:ListTaskDefinitions',
  'ecs:DeregisterTaskDefinition',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:ListTasks',
];
// Daemon and Express service actions whose resource-level permissions are not confirmed: "*" too,
// but only in a statement held to the stack's Region.
const UNCONFIRMED_STAR_ACTIONS: readonly string[] = DAEMON_EXPRESS_ACTIONS;
/** Everything the sweep may do: read ECS, publish its digest, keep its state, write its logs. */
const SWEEP_ACTIONS = /^(ecs:(List|Describe)\w+|sns:Publish|dynamodb:(GetItem|PutItem)|logs:(CreateLogStream|PutLogEvents))$/;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  NotAction?: unknown;
  NotResource?: unknown;
}

/** A statement as the docs' table row writes it. */
interface Row {
  role: string;
  actions: string[];
  resources: string[];
  conditions: string[];
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A template value in `Fn::Sub` notation (`${AlertsTopic}`, `${LedgerTable.Arn}`), the stage written `<stage>`. */
function render(value: unknown): string {
  const v = value as Record<string, unknown>;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof v.Ref === 'string') text = `\${${v.Ref}}`;
  else if (Array.isArray(v['Fn::GetAtt'])) text = `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  else if (typeof v['Fn::Sub'] === 'string') text = v['Fn::Sub'];
  else throw new Error(`no notation in the docs for ${JSON.stringify(value)}`);
  return text.replaceAll('ecs-admission-dev-', 'ecs-admission-<stage>-').replaceAll('/ecs-admission/dev/', '/ecs-admission/<stage>/');
}

/** Resources, a `!Split` of a list (the passRoleArns param) included. */
function resources(value: unknown): string[] {
  const split = (value as Record<string, unknown>)['Fn::Split'] as [string, unknown] | undefined;
  return split ? render(split[1]).split(split[0]) : asArray(value).map(render);
}

const conditions = (condition: Statement['Condition']): string[] =>
  Object.entries(condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => `${operator} ${key} = ${asArray(value).map(render).join(', ')}`),
  );

const sortedRows = (rows: Row[]): Row[] =>
  rows
    .map((r) => ({ ...r, actions: [...r.actions].sort(), resources: [...r.resources].sort(), conditions: [...r.conditions].sort() }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

let template: Template;
beforeAll(async () => {
  template = (await packageService()).template;
}, 120_000);

const statementsOf = (roleId: string): Statement[] =>
  (template.Resources[roleId]!.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
const allStatements = () => Object.values(ROLES).flatMap(statementsOf);
const docRows = () => markdownTable(iamSection(), COLUMNS);

describe('the roles against the IAM table of docs/lambda.md', () => {
  it("has, for each role, exactly the docs table's statements: actions, resources and conditions", () => {
    const fromTemplate = Object.entries(ROLES).flatMap(([role, id]) =>
      statementsOf(id).map((s): Row => ({ role, actions: asArray(s.Action), resources: resources(s.Resource), conditions: conditions(s.Condition) })),
    );
    const fromReadme = docRows().map(
      (row): Row => ({ role: row.role!, actions: codeSpans(row.actions!), resources: codeSpans(row.resources!), conditions: codeSpans(row.conditions!) }),
    );
    expect(fromReadme.length).toBeGreaterThanOrEqual(18);
    expect(sortedRows(fromTemplate)).toEqual(sortedRows(fromReadme));
  });

  it('says in the docs why each statement is there', () => {
    for (const row of docRows()) expect(row.why!.length, row.actions).toBeGreaterThan(20);
  });
});

describe('least privilege', () => {
  it('only allows, and names every action (no wildcard in any action); no managed policy', () => {
    for (const id of Object.values(ROLES)) expect(template.Resources[id]!.Properties.ManagedPolicyArns).toBeUndefined();
    for (const s of allStatements()) {
      expect(s.Effect).toBe('Allow');
      expect(s.NotAction).toBeUndefined();
      expect(s.NotResource).toBeUndefined();
      for (const action of asArray(s.Action)) expect(action, action).not.toContain('*');
    }
  });

  it('uses Resource "*" only for the ECS actions that have no resource-level permissions, or unconfirmed ones held to the Region', () => {
    for (const s of allStatements()) {
      const list = resources(s.Resource);
      if (!list.includes('*')) continue;
      expect(list).toEqual(['*']);
      const actions = asArray(s.Action);
      if (actions.some((a) => UNCONFIRMED_STAR_ACTIONS.includes(a))) {
        expect(UNCONFIRMED_STAR_ACTIONS).toEqual(expect.arrayContaining(actions));
        expect(s.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } });
      } else expect(STAR_ACTIONS).toEqual(expect.arrayContaining(actions));
    }
  });

  it('lets the sweep read, publish its digest and keep its state, and nothing else: no ECS write, no PassRole, no tagging', () => {
    const actions = statementsOf(ROLES.sweep).flatMap((s) => asArray(s.Action));
    expect(actions.filter((a) => !SWEEP_ACTIONS.test(a))).toEqual([]);
  });

  it("lets the admission function tag only with the product's own tag keys, and only with some", () => {
    const tagging = statementsOf(ROLES.admission).filter((s) => asArray(s.Action).includes('ecs:TagResource'));
    expect(tagging).toHaveLength(1);
    expect(tagging[0]!.Condition).toEqual({ 'ForAllValues:StringEquals': { 'aws:TagKeys': Object.values(TAG_KEYS) }, Null: { 'aws:TagKeys': 'false' } });
  });

  it('grants no log-group creation, and ListTagsForResource to the admission function only (daemon owner tags)', () => {
    const actions = allStatements().flatMap((s) => asArray(s.Action));
    expect(actions).not.toContain('logs:CreateLogGroup');
    expect(statementsOf(ROLES.sweep).flatMap((s) => asArray(s.Action))).not.toContain('ecs:ListTagsForResource');
    expect(statementsOf(ROLES.admission).flatMap((s) => asArray(s.Action))).toContain('ecs:ListTagsForResource');
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('passes roles only to ECS tasks, and only those of the passRoleArns param', () => {
    const passRole = allStatements().filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0]!.Resource).toEqual({ 'Fn::Split': [',', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }] });
    expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('lets only Lambda assume the roles', () => {
    for (const id of Object.values(ROLES)) {
      expect(template.Resources[id]!.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
    }
  });
});
