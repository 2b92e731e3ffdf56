/**
 * Which rules IAM can enforce at request time, with which condition keys (Service Authorization
 * Reference for Amazon ECS), and why every other rule stays detective-only.
 */
import type { RuleGuardrail, Template } from './types.js';

const REGISTER = ['ecs:RegisterTaskDefinition', 'ecs:RegisterDaemonTaskDefinition'];
const SERVICE = ['ecs:CreateService', 'ecs:UpdateService'];
const TASK = ['ecs:RunTask', 'ecs:StartTask'];

const td = (actions: string[], condition: Template['condition']): Template => ({ actions, resource: 'taskDefinition', condition, kinds: ['taskDefinition'] });
const service = (actions: string[], condition: Template['condition'], kinds = ['service']): Template => ({ actions, resource: 'service', condition, kinds });

const positive = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined);

/** A mapping from a rule's options to its denies; undefined when the options ask for nothing. */
type Mapper = (options: Record<string, unknown>) => RuleGuardrail | string;

const MAPPERS: Record<string, Mapper> = {
  'no-privileged-containers': () => ({
    templates: [td(REGISTER, { StringEquals: { 'ecs:privileged': 'true' } })],
    keys: ['ecs:privileged'],
    gaps: [
      'AWS does not document how a request with several containers sets ecs:privileged; the Lambda still judges every revision',
      'RegisterDaemonTaskDefinition is denied too, though the Lambda does not judge daemon task definitions',
    ],
  }),
  'no-execute-command': () => ({
    templates: [
      service(SERVICE, { StringEquals: { 'ecs:enable-execute-command': 'true' } }),
      { actions: TASK, resource: 'taskDefinition', condition: { StringEquals: { 'ecs:enable-execute-command': 'true' } }, kinds: ['task'] },
    ],
    keys: ['ecs:enable-execute-command'],
    gaps: [],
  }),
  'no-public-ip': () => ({
    templates: [service(SERVICE, { Bool: { 'ecs:auto-assign-public-ip': 'true' } })],
    keys: ['ecs:auto-assign-public-ip'],
    gaps: ['RunTask and StartTask: AWS does not evaluate ecs:auto-assign-public-ip for them', 'task sets (CreateTaskSet has no such key)'],
  }),
  'limit-task-size': (options) => {
    const limits: [string, number | undefined][] = [
      ['ecs:task-cpu', positive(options.maxCpu)],
      ['ecs:task-memory', positive(options.maxMemory)],
    ];
    const set = limits.filter((l): l is [string, number] => l[1] !== undefined);
    if (set.length === 0) return 'no maxCpu or maxMemory set: nothing to deny';
    // One statement per key: two keys in one block would deny only when both are exceeded.
    const templates = set.flatMap(([key, max]) => {
      const condition = { NumericGreaterThan: { [key]: String(max) } };
      return [td(REGISTER, condition)];
    });
    return {
      templates,
      keys: set.map(([key]) => key),
      gaps: [
        'RunTask and StartTask: overrides (--overrides cpu/memory) escape the keys, which are not emitted for them',
        'CreateService and UpdateService carry the keys too, but the rule does not judge services: a deny there would stop services on revisions registered before the limit',
        'a task definition with no task-level cpu or memory carries no key and is not denied',
      ],
    };
  },
  'require-tags': (options) => {
    const keys = Array.isArray(options.keys) ? options.keys.filter((k): k is string => typeof k === 'string') : [];
    if (keys.length === 0) return 'no keys set: nothing to deny';
    // One statement per key: Null on several keys in one block denies only when all are missing.
    return {
      templates: keys.map((key) => td(['ecs:RegisterTaskDefinition'], { Null: { [`aws:RequestTag/${key}`]: 'true' } })),
      keys: keys.map((key) => `aws:RequestTag/${key}`),
      gaps: ['tags removed after registration (UntagResource) are judged by the Lambda only'],
    };
  },
};

/** Why a rule cannot be denied by IAM: no condition key describes what it checks. */
const NO_KEY: Record<string, string> = {
  'require-compliant-task-definition': 'it judges the task definition a workload runs, which IAM does not read',
  'require-latest-fargate-platform': 'no condition key for the platform version',
  'require-awsvpc-network-mode': 'no condition key for networkMode',
  'no-host-network-mode': 'no condition key for networkMode',
  'no-host-pid-mode': 'no condition key for pidMode',
  'no-host-ipc-mode': 'no condition key for ipcMode',
  'require-approved-registries': 'no condition key for container images',
  'no-mutable-image-tags': 'no condition key for container images',
  'require-image-digest': 'no condition key for container images',
  'require-task-role': 'no rule option names allowed roles (iam:PassRole cannot require that a role is set)',
  'require-deployment-circuit-breaker': 'no condition key for the deployment configuration',
};

/** The preventive layer of a rule with these options, or why it has none. */
export function guardrailOf(ruleId: string, options: unknown): RuleGuardrail | string {
  const mapper = MAPPERS[ruleId];
  if (mapper) return mapper((options ?? {}) as Record<string, unknown>);
  return NO_KEY[ruleId] ?? 'no IAM condition key describes what it checks';
}

/** Rules that have a preventive layer (given options that ask for one). */
export const PREVENTIVE_RULES = Object.keys(MAPPERS);
