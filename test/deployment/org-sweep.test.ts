// The hub's organization sweep as packaged (deploy/org-sweep.yml, deploy/sweep-schedule.yml): the
// state machine that fans the sweep out (plan → a bounded Map of one sweep invocation per account →
// merge), what starts it, and the sweep's extra grant. The hub is packaged with the params of
// organization.test.ts (one build shared by both files in a run), once more with sweepFanOut=never.
// cfn-lint runs on the default hub template in organization.test.ts, on the `never` one here.
import { describe, expect, it, beforeAll } from 'vitest';
import { cfnLint, runCfnLint } from '../helpers/cfn-lint.js';
import { packageService, type PackagedService, type Template } from '../helpers/serverless-package.js';

const HUB_PARAMS = { shape: 'hub', organizationId: 'o-a1b2c3d4e5' };
const SWEEP = 'SweepLambdaFunction';
const FUNCTION_ARN = { 'Fn::GetAtt': [SWEEP, 'Arn'] };

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
  MaxConcurrency?: number;
  ItemsPath?: string;
  ItemProcessor?: { ProcessorConfig?: { Mode: string }; StartAt: string; States: Record<string, State> };
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

let hub: PackagedService;
let never: PackagedService;
const scheduleRules = (template: Template) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression !== undefined);

beforeAll(async () => {
  [hub, never] = await Promise.all([packageService(HUB_PARAMS), packageService({ ...HUB_PARAMS, sweepFanOut: 'never' })]);
}, 180_000);

/** Every state of a definition, the Map's own included, with where each may go next. */
function walk(definition: Definition): { name: string; state: State; next: string[] }[] {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    {
      name,
      state,
      next: [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter((n): n is string => !!n),
    },
    ...(state.ItemProcessor ? walk(state.ItemProcessor) : []),
  ]);
}

describe('the organization sweep state machine (hub shape)', () => {
  const machine = () => hub.template.Resources.SweepStateMachine!;

  it('is valid JSON, runs the sweep function in each Task, and every transition lands on a state', () => {
    expect(machine().Type).toBe('AWS::StepFunctions::StateMachine');
    const definition = machine().Properties.Definition as Definition;
    // What CloudFormation sends Step Functions: the definition as JSON, the function's ARN substituted.
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition);
    expect(machine().Properties.DefinitionSubstitutions).toEqual({ SweepFunctionArn: FUNCTION_ARN });
    const states = walk(definition);
    const tasks = states.filter((s) => s.state.Type === 'Task');
    expect(tasks.map((t) => t.name).sort()).toEqual(['Merge', 'Plan', 'SweepAccount']);
    for (const t of tasks) {
      expect(t.state.Resource).toBe('${SweepFunctionArn}');
      // Lambda's throttling and hiccups are retried; a timeout is not (it would take 15 minutes again).
      expect(t.state.Retry![0]!.ErrorEquals).toContain('Lambda.TooManyRequestsException');
      expect(t.state.Retry!.find((r) => r.ErrorEquals.includes('Sandbox.Timedout'))?.MaxAttempts).toBe(0);
    }
    const names = new Set(states.map((s) => s.name));
    for (const s of states) for (const next of s.next) expect(names, `${s.name} → ${next}`).toContain(next);
    expect(definition.StartAt).toBe('Plan');
  });

  it('fans out in a Map over the accounts, at most 10 at once, each failure caught (the merge names the account)', () => {
    const map = walk(machine().Properties.Definition as Definition).find((s) => s.state.Type === 'Map')!.state;
    expect(map.ItemsPath).toBe('$.accounts');
    expect(Number.isInteger(map.MaxConcurrency)).toBe(true);
    expect(map.MaxConcurrency).toBeGreaterThanOrEqual(1);
    expect(map.MaxConcurrency).toBeLessThanOrEqual(10);
    expect(map.ItemProcessor!.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    const step = map.ItemProcessor!.States[map.ItemProcessor!.StartAt]!;
    expect(step.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'AccountNotSwept' }]);
  });

  it('runs with a role that may invoke the sweep function and nothing else', () => {
    const role = hub.template.Resources.SweepStateMachineRole!;
    expect(machine().Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['SweepStateMachineRole', 'Arn'] });
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [FUNCTION_ARN, { 'Fn::Sub': `\${${SWEEP}.Arn}:*` }] }]);
  });

  it('is started by the schedule (the function has none of its own), with the plan step as input', () => {
    const rules = scheduleRules(hub.template);
    expect(rules.map(([id]) => id)).toEqual(['SweepScheduleRule']);
    expect(rules[0]![1].Properties).toMatchObject({ Name: 'ecs-admission-dev-sweep', ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    expect(rules[0]![1].Properties.Targets).toEqual([
      { Id: 'sweep-state-machine', Arn: { Ref: 'SweepStateMachine' }, RoleArn: { 'Fn::GetAtt': ['SweepScheduleRole', 'Arn'] }, Input: '{"action":"plan"}' },
    ]);
    const statements = (hub.template.Resources.SweepScheduleRole!.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'SweepStateMachine' } }]);
    expect(
      Object.values(hub.template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(SWEEP)),
    ).toEqual([]);
  });

  it("lets the sweep write and read its partial reports in the ledger table, under its runs' keys only", () => {
    const policy = hub.template.Resources.SweepOrganizationPolicy!.Properties;
    expect(policy.Roles).toEqual([{ Ref: 'SweepRole' }]);
    expect((policy.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': { 'Fn::Sub': 'sweep#${AWS::AccountId}#run#*' } } },
      },
    ]);
  });

  it('tells the function how to sweep: every account of the organization (sweepAccounts empty), fanning out when auto decides', () => {
    const variables = (hub.template.Resources[SWEEP]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      ECS_ADMISSION_MEMBER_ROLE_NAME: 'ecs-admission-member',
      ECS_ADMISSION_SWEEP_ACCOUNTS: '',
      ECS_ADMISSION_SWEEP_FAN_OUT: 'auto',
    });
  });
});

describe('sweepFanOut=never', () => {
  it('schedules the function itself, and keeps the state machine to start by hand', async () => {
    const rules = scheduleRules(never.template);
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties.Targets).toEqual([{ Arn: { 'Fn::GetAtt': [SWEEP, 'Arn'] }, Id: expect.any(String) as string }]);
    expect(never.template.Resources.SweepScheduleRule).toBeUndefined();
    expect(never.template.Resources.SweepStateMachine).toEqual(hub.template.Resources.SweepStateMachine);
    expect((never.template.Resources[SWEEP]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables.ECS_ADMISSION_SWEEP_FAN_OUT).toBe(
      'never',
    );
    if (runCfnLint) expect(await cfnLint(never.templatePath)).toMatchObject({ output: '', code: 0 });
  }, 90_000);
});
