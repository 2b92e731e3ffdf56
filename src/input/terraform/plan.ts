/**
 * The ECS resources of a Terraform plan (`terraform show -json tfplan`), judged as they will be
 * after apply. What Terraform knows only after apply (`after_unknown`) is an `UnknownValue` at that
 * field, never a default. Resources the plan destroys are not judged. A service finds its task
 * definition through the plan's configuration (`task_definition = aws_ecs_task_definition.x.arn`).
 * The JSON carries no line numbers of the `.tf` sources, so lines are those of the plan file.
 */
import type { Resource } from '../../core/types.js';
import { UnknownValue } from '../../core/unknown.js';
import { isObject } from '../cloudformation/intrinsics.js';
import { InputError } from '../errors.js';
import type { ParsedDocument } from '../parse.js';
import { TERRAFORM_KINDS, terraformResource } from './resource.js';

type DocPath = (string | number)[];

export interface PlanInput {
  source: string;
  doc: ParsedDocument;
  /** Path of the plan in the document (`[]` for a plan file). */
  prefix: DocPath;
}

/** `terraform show -json` output: a plan (or a state, whose values are all known). */
export const isTerraformPlan = (value: Record<string, unknown>): boolean =>
  typeof value.format_version === 'string' && ('planned_values' in value || 'resource_changes' in value || 'terraform_version' in value);

/** Actions whose `after` is what will run; `delete`, `forget` and `read` leave nothing to judge. */
const JUDGED_ACTIONS = new Set(['create', 'update', 'no-op']);

/** Why a resource read from `planned_values` alone is never a pass. */
const PLANNED_VALUES_ONLY = 'read from planned_values, which leaves out the values known only after apply: a field absent here may be set at apply';

export function resourcesOfPlan(plan: Record<string, unknown>, input: PlanInput): Resource[] {
  const { source, doc, prefix } = input;
  const fail = (path: DocPath, detail: string): InputError => new InputError(source, `Terraform plan: ${detail}`, doc.locate([...prefix, ...path])?.line);
  const major = /^(\d+)\./.exec(plan.format_version as string)?.[1];
  // The format promises compatible minor versions only: a new major version may mean anything.
  if (major !== '0' && major !== '1') throw fail(['format_version'], `format_version ${String(plan.format_version)} is not supported (1.x is)`);

  const configuration = isObject(plan.configuration) && isObject(plan.configuration.root_module) ? plan.configuration.root_module : undefined;
  const blocks: PlanBlock[] = [];
  if (plan.resource_changes !== undefined) {
    if (!Array.isArray(plan.resource_changes)) throw fail(['resource_changes'], 'resource_changes is not a list');
    plan.resource_changes.forEach((change, i) => {
      const block = fromChange(change, ['resource_changes', i], fail);
      if (block) blocks.push(block);
    });
  } else {
    // A plan without changes to show, or a state (`terraform show -json` of terraform.tfstate).
    const planned = isObject(plan.planned_values) ? 'planned_values' : isObject(plan.values) ? 'values' : undefined;
    if (planned) {
      const root = (plan[planned] as Record<string, unknown>).root_module;
      if (isObject(root)) walkModule(root, [planned, 'root_module'], blocks, planned === 'planned_values' ? PLANNED_VALUES_ONLY : undefined);
    }
  }

  const addresses = new Set(blocks.filter((b) => b.type === 'aws_ecs_task_definition').map((b) => b.address));
  const resources: Resource[] = [];
  for (const block of blocks) {
    const valuesPath = [...prefix, ...block.valuesPath];
    const taskDefinitionAddress = block.type === 'aws_ecs_task_definition' ? undefined : referencedTaskDefinition(block, configuration, addresses);
    const resource = terraformResource({
      type: block.type,
      address: block.address,
      values: block.values,
      source,
      locate: (path) => doc.locate([...valuesPath, ...path]),
      ...(taskDefinitionAddress ? { taskDefinitionAddress: `#${taskDefinitionAddress}` } : {}),
    });
    if (!resource) continue;
    if (doc.index > 0) resource.origin.documentIndex = doc.index;
    if (block.caveat) resource.caveat = block.caveat;
    resources.push(resource);
  }
  return resources;
}

interface PlanBlock {
  type: string;
  address: string;
  /** `module.web[0]`, `''` at the root. */
  moduleAddress: string;
  /** The resource's name in its module's configuration: `aws_ecs_service.this`. */
  configAddress: string;
  values: Record<string, unknown>;
  /** Path of `values` in the plan. */
  valuesPath: DocPath;
  caveat?: string;
}

function fromChange(change: unknown, path: DocPath, fail: (path: DocPath, detail: string) => InputError): PlanBlock | undefined {
  if (!isObject(change)) throw fail(path, 'a resource change is not an object');
  if (change.mode === 'data' || typeof change.type !== 'string' || !(change.type in TERRAFORM_KINDS)) return undefined;
  const address = typeof change.address === 'string' ? change.address : undefined;
  const body = change.change;
  if (!address || !isObject(body) || !Array.isArray(body.actions)) throw fail(path, `the change of ${address ?? 'a resource'} has no address or no actions`);
  if (!body.actions.some((action) => JUDGED_ACTIONS.has(action as string))) return undefined;
  if (!isObject(body.after)) throw fail([...path, 'change'], `the change of ${address} has no "after" values to judge`);
  return {
    type: change.type,
    address,
    moduleAddress: typeof change.module_address === 'string' ? change.module_address : '',
    configAddress: `${change.type}.${typeof change.name === 'string' ? change.name : ''}`,
    values: withUnknowns(body.after, body.after_unknown) as Record<string, unknown>,
    valuesPath: [...path, 'change', 'after'],
  };
}

/** `after` with an `UnknownValue` wherever `after_unknown` (the same shape, `true` at unknown leaves) says so. */
function withUnknowns(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return new UnknownValue('known after apply');
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? [...(after as unknown[])] : [];
    unknown.forEach((item, i) => {
      if (item !== false) list[i] = withUnknowns(list[i], item);
    });
    return Array.isArray(after) || list.length > 0 ? list : after;
  }
  if (isObject(unknown)) {
    const object: Record<string, unknown> = isObject(after) ? { ...after } : {};
    for (const [key, item] of Object.entries(unknown)) {
      if (item === false) continue;
      Object.defineProperty(object, key, { value: withUnknowns(object[key], item), enumerable: true, writable: true, configurable: true });
    }
    return isObject(after) || Object.keys(object).length > 0 ? object : after;
  }
  return after;
}

/** The ECS resources of a module of `planned_values` (or a state's `values`) and of its child modules. */
function walkModule(module: Record<string, unknown>, path: DocPath, out: PlanBlock[], caveat: string | undefined): void {
  if (Array.isArray(module.resources)) {
    module.resources.forEach((r, i) => {
      if (!isObject(r) || r.mode === 'data' || typeof r.type !== 'string' || !(r.type in TERRAFORM_KINDS)) return;
      if (typeof r.address !== 'string' || !isObject(r.values)) return;
      const moduleAddress = typeof module.address === 'string' ? module.address : '';
      const block: PlanBlock = {
        type: r.type,
        address: r.address,
        moduleAddress,
        configAddress: `${r.type}.${typeof r.name === 'string' ? r.name : ''}`,
        values: r.values,
        valuesPath: [...path, 'resources', i, 'values'],
      };
      if (caveat) block.caveat = caveat;
      out.push(block);
    });
  }
  if (Array.isArray(module.child_modules)) {
    module.child_modules.forEach((child, i) => {
      if (isObject(child)) walkModule(child, [...path, 'child_modules', i], out, caveat);
    });
  }
}

/** `module.a["x"].module.b[0]` → `['a', 'b']`: the module calls to follow in the configuration. */
const moduleCalls = (moduleAddress: string): string[] => [...moduleAddress.matchAll(/module\.([\w-]+)(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?/g)].map((m) => m[1]!);

/**
 * The address of the task definition a service or task set names in the configuration
 * (`task_definition = aws_ecs_task_definition.this.arn`), when it is a resource of the plan.
 */
function referencedTaskDefinition(block: PlanBlock, root: Record<string, unknown> | undefined, addresses: ReadonlySet<string>): string | undefined {
  let module: unknown = root;
  for (const call of moduleCalls(block.moduleAddress)) {
    const calls = isObject(module) ? module.module_calls : undefined;
    module = isObject(calls) && isObject(calls[call]) ? calls[call].module : undefined;
  }
  if (!isObject(module) || !Array.isArray(module.resources)) return undefined;
  const declared: unknown = (module.resources as unknown[]).find((r) => isObject(r) && r.address === block.configAddress && r.mode !== 'data');
  const expressions = isObject(declared) && isObject(declared.expressions) ? declared.expressions : undefined;
  const expression = expressions && isObject(expressions.task_definition) ? expressions.task_definition : undefined;
  const references = expression && Array.isArray(expression.references) ? expression.references.filter((r): r is string => typeof r === 'string') : [];
  const inModule = block.moduleAddress ? `${block.moduleAddress}.` : '';
  for (const reference of references) {
    // `aws_ecs_task_definition.this[0].arn`, `aws_ecs_task_definition.this["web"]`, `aws_ecs_task_definition.this`.
    const match = /^aws_ecs_task_definition\.([\w-]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?/.exec(reference);
    if (!match) continue;
    const exact = `${inModule}aws_ecs_task_definition.${match[1]}${match[2] ?? ''}`;
    if (addresses.has(exact)) return exact;
    // An index computed at plan time (`[each.key]`, `[count.index]`) is not in the references: only one instance can be meant for sure.
    const instances = [...addresses].filter((a) => a.startsWith(`${exact}[`));
    if (!match[2] && instances.length === 1) return instances[0];
  }
  return undefined;
}
