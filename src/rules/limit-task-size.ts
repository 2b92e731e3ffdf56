import * as z from '../zod.js';
import { defineRule, type Report } from '../core/rule.js';
import { KIND_NAMES, type Task, type TaskDefinition } from '../core/types.js';
import type { Holder } from './_lib/containers.js';
import { InvalidValueError } from '../core/unknown.js';
import { forEachContainer, isEc2Compatible } from './_lib/task-definition.js';
import { collectUnknowns } from './_lib/unknowns.js';

const limit = z.optional(z.int().check(z.positive()));
const options = z.strictObject({
  /** Largest task size in CPU units (1024 = 1 vCPU); none by default. */
  maxCpu: limit,
  /** Largest task size in MiB; none by default. */
  maxMemory: limit,
});
type Options = z.infer<typeof options>;

export interface Dimension {
  field: 'cpu' | 'memory';
  option: 'maxCpu' | 'maxMemory';
  unit: string;
  /** The unit ECS also accepts in a string, and how many base units it is. */
  alias: { pattern: RegExp; factor: number; example: string };
}

export const CPU: Dimension = { field: 'cpu', option: 'maxCpu', unit: 'CPU units', alias: { pattern: /^v?cpus?$/i, factor: 1024, example: '1 vCPU' } };
export const MEMORY: Dimension = { field: 'memory', option: 'maxMemory', unit: 'MiB', alias: { pattern: /^gb$/i, factor: 1024, example: '2 GB' } };

/**
 * A task-level size as ECS reads it: a number, a string of base units ("1024"), or a string in the
 * larger unit ECS converts at registration ("1 vCPU", "0.5 vcpu", "2 GB", "2GB").
 */
export function parseSize(raw: string | number, d: Dimension, path: string): number {
  if (typeof raw === 'number') return raw;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = match?.[2] ?? '';
  if (match?.[1] !== undefined && unit === '') return Number(match[1]);
  if (match?.[1] !== undefined && d.alias.pattern.test(unit)) return Math.round(Number(match[1]) * d.alias.factor);
  throw new InvalidValueError(path, `expected ${d.unit} ("1024") or "${d.alias.example}", found "${raw}"`);
}

const shown = (raw: string | number, value: number): string => (String(raw).trim() === String(value) ? '' : ` ("${raw}")`);

/** The sum over containers, for an EC2-compatible task definition without a task-level size. */
function containerSum(resource: Holder, d: Dimension): number {
  let sum = 0;
  forEachContainer(resource, (container) => {
    // A container's hard limit, or its soft one when it sets no hard limit (EC2 places by it).
    sum += d.field === 'cpu' ? (container.cpu ?? 0) : (container.memory ?? container.memoryReservation ?? 0);
  });
  return sum;
}

/** A task definition or a daemon task definition (whose size is a string of CPU units or MiB, and which runs on EC2 instances). */
function checkTaskDefinition(resource: Holder, d: Dimension, max: number, report: (r: Report) => void): void {
  const td = resource.object as TaskDefinition;
  const raw = td[d.field];
  if (raw !== undefined && raw !== '') {
    const value = parseSize(raw, d, d.field);
    if (value > max)
      report({ path: d.field, message: `Task-level ${d.field} is ${value} ${d.unit}${shown(raw, value)}, above the limit of ${max} (${d.option}).` });
    return;
  }
  // Fargate requires a task-level size: without one nothing can exceed a limit. On EC2 (and ECS
  // Anywhere) the containers' own sizes are what the task asks of its instance.
  if (!isEc2Compatible(td)) return;
  const sum = containerSum(resource, d);
  if (sum > max)
    report({
      path: 'containerDefinitions',
      message: `Containers ask for ${sum} ${d.unit} of ${d.field} in all and the ${KIND_NAMES[resource.kind]} sets no task-level ${d.field}; the limit is ${max} (${d.option}).`,
    });
}

function checkTask(task: Task, d: Dimension, max: number, report: (r: Report) => void): void {
  const raw = task.overrides?.[d.field];
  if (raw === undefined || raw === '') return;
  const path = `overrides.${d.field}`;
  const value = parseSize(raw, d, path);
  if (value > max) report({ path, message: `Task overrides ${d.field} to ${value} ${d.unit}${shown(raw, value)}, above the limit of ${max} (${d.option}).` });
}

const limits = (o: Options): [Dimension, number][] => [
  ...(o.maxCpu !== undefined ? [[CPU, o.maxCpu] as [Dimension, number]] : []),
  ...(o.maxMemory !== undefined ? [[MEMORY, o.maxMemory] as [Dimension, number]] : []),
];

export default defineRule({
  id: 'limit-task-size',
  title: 'Limit the size of a task',
  description:
    'Fails when a task definition\'s (or daemon task definition\'s) task-level `cpu` or `memory` is above the option `maxCpu` (CPU units, 1024 per vCPU) or `maxMemory` (MiB), and when a task overrides them (`overrides.cpu`, `overrides.memory`) above it. Sizes are read as ECS reads them ("1024", "1 vCPU", "2 GB"). An EC2-compatible task definition without a task-level size is judged by the sum over its containers (`cpu`; `memory`, or `memoryReservation` where no hard limit is set); a Fargate one cannot exceed anything. A size unknown offline is `unknown`, never a pass. No limit is set by default, so the rule passes until it is configured.',
  rationale:
    'A compromised deployer that runs a cryptominer asks for the largest task it can get; so does a runaway batch job. A ceiling on the task size bounds the cost of both, and maps to the IAM condition keys `ecs:task-cpu` and `ecs:task-memory` for a preventive guardrail (which RunTask overrides escape: this rule judges them).',
  remediation:
    'Lower the task-level `cpu` and `memory` (or the RunTask overrides) to the sizes the workload needs, or raise the limit for that family with an exception.',
  severity: 'medium',
  recommended: 'off',
  references: [
    {
      title: 'IAM condition keys ecs:task-cpu and ecs:task-memory',
      url: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html',
    },
    { title: 'Amazon ECS task size', url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size' },
  ],
  appliesTo: ['taskDefinition', 'task', 'daemonTaskDefinition'],
  options,
  notApplicable(object, resource) {
    if (resource.kind !== 'task') return undefined;
    const overrides = (object as Task).overrides;
    return overrides?.cpu === undefined && overrides?.memory === undefined ? 'the task overrides no task-level size' : undefined;
  },
  check(object, { options, report }, resource) {
    collectUnknowns((attempt) => {
      for (const [d, max] of limits(options)) {
        attempt(() => (resource.kind === 'task' ? checkTask(object, d, max, report) : checkTaskDefinition(resource, d, max, report)));
      }
    });
  },
});
