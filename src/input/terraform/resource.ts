/**
 * Terraform attribute values → ECS API-shape resources, shared by the plan reader (plan.ts) and the
 * HCL source reader. The mapping is data (one table per resource type): each API field names the
 * Terraform attribute it comes from, so that a finding at an API path points back at the Terraform
 * attribute (`networkConfiguration.awsvpcConfiguration.assignPublicIp` → `network_configuration[0].assign_public_ip`).
 * Values unknown until apply stay `UnknownValue`s, per field; types are checked against the API shape.
 */
import { SHAPES, type Shape } from '../../core/shape.js';
import type { FieldProblem, Origin, Resource, ResourceKind } from '../../core/types.js';
import { containsUnknown, guardUnknowns, InvalidValue, UnknownValue } from '../../core/unknown.js';
import { checkTypes } from '../check-types.js';
import { InputError } from '../errors.js';
import { splitPath, parseDocuments } from '../parse.js';

export const TERRAFORM_KINDS: Readonly<Record<string, ResourceKind>> = {
  aws_ecs_task_definition: 'taskDefinition',
  aws_ecs_service: 'service',
  aws_ecs_task_set: 'taskSet',
};

export interface TerraformBlock {
  /** `aws_ecs_task_definition`, … */
  type: string;
  /** `module.web.aws_ecs_service.this`: shown as the resource name, kept as `origin.logicalId`. */
  address: string;
  /**
   * Plan form: snake_case attributes, nested blocks as arrays of objects, maps as objects; any value
   * may be an `UnknownValue`. `container_definitions` is a JSON string, an `UnknownValue`, or (from
   * HCL `jsonencode`) an already-evaluated array.
   */
  values: Record<string, unknown>;
  /** File path. */
  source: string;
  /** Line/column of a Terraform attribute path, e.g. `['volume', 0, 'host_path']` or `['container_definitions', 0, 'privileged']` (indices into the parsed JSON for container_definitions). */
  locate?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
  /** Task definition reference of a service/task set, when known as a resource address in the same plan/module: `'#<address>'`. */
  taskDefinitionAddress?: string;
  /** Resources judged together resolve `#address` refs within this scope (default: source). */
  scope?: string;
}

type TfPath = readonly (string | number)[];

/** How one API field is read from Terraform attributes. */
type Field =
  /** A scalar (or list of scalars) taken as it is: the Terraform attribute name (`a|b`: the first set). */
  | string
  /** A value converted (`assign_public_ip: true` → `ENABLED`); unknown and invalid values are left to the type check. */
  | { from: string; convert: (value: unknown) => unknown }
  /** A single nested block (a 1-element list in a plan) → an object. */
  | { from: string; block: Fields }
  /** A repeated block → a list of objects. */
  | { from: string; blocks: Fields }
  /** A map → a list of pairs: `tags` → `[{ key, value }]`, proxy `properties` → `[{ name, value }]`. */
  | { from: string; pairs: readonly [string, string] }
  /** A map kept as a map (docker labels, driver options). */
  | { from: string; map: true }
  /** An API object made of attributes of the same block (`deploymentConfiguration` from `deployment_*`). */
  | { nest: Fields }
  /** `container_definitions`: JSON text (or an evaluated list), already in the API shape. */
  | { from: string; json: true };
type Fields = Readonly<Record<string, Field>>;

/** A Terraform bool (`"true"` converts too) → the API's `ENABLED`/`DISABLED`. */
const onOff = (value: unknown): unknown => (value === true || value === 'true' ? 'ENABLED' : value === false || value === 'false' ? 'DISABLED' : value);
const tags: Field = { from: 'tags_all|tags', pairs: ['key', 'value'] };
const awsvpc: Field = {
  nest: {
    awsvpcConfiguration: {
      from: 'network_configuration',
      block: { subnets: 'subnets', securityGroups: 'security_groups', assignPublicIp: { from: 'assign_public_ip', convert: onOff } },
    },
  },
};
const capacityProviderStrategy: Field = {
  from: 'capacity_provider_strategy',
  blocks: { capacityProvider: 'capacity_provider', weight: 'weight', base: 'base' },
};

const TASK_DEFINITION: Fields = {
  taskDefinitionArn: 'arn',
  family: 'family',
  revision: 'revision',
  containerDefinitions: { from: 'container_definitions', json: true },
  networkMode: 'network_mode',
  pidMode: 'pid_mode',
  ipcMode: 'ipc_mode',
  taskRoleArn: 'task_role_arn',
  executionRoleArn: 'execution_role_arn',
  requiresCompatibilities: 'requires_compatibilities',
  cpu: 'cpu',
  memory: 'memory',
  enableFaultInjection: 'enable_fault_injection',
  volumes: {
    from: 'volume',
    blocks: {
      name: 'name',
      host: { nest: { sourcePath: 'host_path' } },
      configuredAtLaunch: 'configure_at_launch',
      dockerVolumeConfiguration: {
        from: 'docker_volume_configuration',
        block: {
          scope: 'scope',
          autoprovision: 'autoprovision',
          driver: 'driver',
          driverOpts: { from: 'driver_opts', map: true },
          labels: { from: 'labels', map: true },
        },
      },
      efsVolumeConfiguration: {
        from: 'efs_volume_configuration',
        block: {
          fileSystemId: 'file_system_id',
          rootDirectory: 'root_directory',
          transitEncryption: 'transit_encryption',
          transitEncryptionPort: 'transit_encryption_port',
          authorizationConfig: { from: 'authorization_config', block: { accessPointId: 'access_point_id', iam: 'iam' } },
        },
      },
      fsxWindowsFileServerVolumeConfiguration: {
        from: 'fsx_windows_file_server_volume_configuration',
        block: {
          fileSystemId: 'file_system_id',
          rootDirectory: 'root_directory',
          authorizationConfig: { from: 'authorization_config', block: { credentialsParameter: 'credentials_parameter', domain: 'domain' } },
        },
      },
    },
  },
  placementConstraints: { from: 'placement_constraints', blocks: { type: 'type', expression: 'expression' } },
  proxyConfiguration: {
    from: 'proxy_configuration',
    block: { type: 'type', containerName: 'container_name', properties: { from: 'properties', pairs: ['name', 'value'] } },
  },
  runtimePlatform: { from: 'runtime_platform', block: { operatingSystemFamily: 'operating_system_family', cpuArchitecture: 'cpu_architecture' } },
  ephemeralStorage: { from: 'ephemeral_storage', block: { sizeInGiB: 'size_in_gib' } },
  tags,
};

const SERVICE: Fields = {
  serviceName: 'name',
  cluster: 'cluster',
  taskDefinition: 'task_definition',
  desiredCount: 'desired_count',
  launchType: 'launch_type',
  platformVersion: 'platform_version',
  enableExecuteCommand: 'enable_execute_command',
  networkConfiguration: awsvpc,
  deploymentConfiguration: {
    nest: {
      deploymentCircuitBreaker: { from: 'deployment_circuit_breaker', block: { enable: 'enable', rollback: 'rollback' } },
      maximumPercent: 'deployment_maximum_percent',
      minimumHealthyPercent: 'deployment_minimum_healthy_percent',
      alarms: { from: 'alarms', block: { alarmNames: 'alarm_names', enable: 'enable', rollback: 'rollback' } },
    },
  },
  deploymentController: { from: 'deployment_controller', block: { type: 'type' } },
  capacityProviderStrategy,
  schedulingStrategy: 'scheduling_strategy',
  propagateTags: 'propagate_tags',
  enableECSManagedTags: 'enable_ecs_managed_tags',
  healthCheckGracePeriodSeconds: 'health_check_grace_period_seconds',
  role: 'iam_role',
  tags,
};

const TASK_SET: Fields = {
  service: 'service',
  cluster: 'cluster',
  taskDefinition: 'task_definition',
  launchType: 'launch_type',
  platformVersion: 'platform_version',
  networkConfiguration: awsvpc,
  capacityProviderStrategy,
  externalId: 'external_id',
  scale: { from: 'scale', block: { unit: 'unit', value: 'value' } },
  tags,
};

const FIELDS = { taskDefinition: TASK_DEFINITION, service: SERVICE, taskSet: TASK_SET } as const;

/** What a conversion produced besides the object: where each API path came from, and the problems found on the way. */
interface Run {
  /** API path → Terraform path; `raw` when the Terraform value is in the API shape below it (container definitions). */
  paths: Map<string, { tf: TfPath; raw?: true }>;
  problems: FieldProblem[];
}

const apiChild = (parent: string, key: string | number): string => (typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key);

/** Null, absent and `""` (what the provider treats as not set) are absent. */
const isAbsent = (value: unknown): boolean => value === undefined || value === null || value === '';
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UnknownValue);

function convertFields(values: Record<string, unknown>, fields: Fields, apiPath: string, tfPath: TfPath, run: Run): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const path = apiChild(apiPath, key);
    const value = convertField(values, field, path, tfPath, run);
    if (value !== undefined) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function convertField(values: Record<string, unknown>, field: Field, apiPath: string, tfPath: TfPath, run: Run): unknown {
  if (typeof field !== 'string' && 'nest' in field) {
    const nested = convertFields(values, field.nest, apiPath, tfPath, run);
    if (nested) run.paths.set(apiPath, { tf: firstChildPath(run, apiPath) ?? tfPath });
    return nested;
  }
  // `a|b`: the first of the attributes that is set (`tags_all`, with the provider's default tags, before `tags`).
  const names = (typeof field === 'string' ? field : field.from).split('|');
  const from = names.find((name) => !isAbsent(values[name])) ?? names[0]!;
  const value = values[from];
  if (isAbsent(value)) return undefined;
  const at: TfPath = [...tfPath, from];
  run.paths.set(apiPath, { tf: at });
  if (value instanceof UnknownValue || value instanceof InvalidValue || typeof field === 'string') return value;
  if ('convert' in field) return field.convert(value);
  if ('json' in field) return containerDefinitions(value, apiPath, at, run);
  if ('map' in field) return value;
  if ('pairs' in field) {
    if (!isRecord(value)) return value;
    const [keyName, valueName] = field.pairs;
    return Object.entries(value).map(([name, item], i) => {
      run.paths.set(apiChild(apiPath, i), { tf: [...at, name] });
      return { [keyName]: name, [valueName]: item };
    });
  }
  if ('block' in field) {
    // A plan holds a single block as a 1-element list; HCL may give the object itself.
    const item: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (item === undefined) return undefined;
    const itemPath = Array.isArray(value) ? [...at, 0] : at;
    run.paths.set(apiPath, { tf: itemPath });
    return isRecord(item) ? convertFields(item, field.block, apiPath, itemPath, run) : item;
  }
  if (!Array.isArray(value)) return isRecord(value) ? [convertBlock(value, field.blocks, apiChild(apiPath, 0), at, run)] : value;
  return value.map((item, i) => convertBlock(item, field.blocks, apiChild(apiPath, i), [...at, i], run));
}

function convertBlock(item: unknown, fields: Fields, apiPath: string, tfPath: TfPath, run: Run): unknown {
  run.paths.set(apiPath, { tf: tfPath });
  return isRecord(item) ? (convertFields(item, fields, apiPath, tfPath, run) ?? {}) : item;
}

/** The Terraform path of the first field recorded under `apiPath` (for API objects Terraform does not have). */
function firstChildPath(run: Run, apiPath: string): TfPath | undefined {
  for (const [path, { tf }] of run.paths) if (path.startsWith(`${apiPath}.`)) return tf;
  return undefined;
}

/** The containers, from JSON text (the provider's form) or an evaluated list (HCL `jsonencode`). */
function containerDefinitions(value: unknown, apiPath: string, tfPath: TfPath, run: Run): unknown {
  run.paths.set(apiPath, { tf: tfPath, raw: true });
  if (typeof value !== 'string') return value;
  try {
    // The JSON reader of input files: duplicate keys and deep nesting refused, errors that never quote the text.
    return parseDocuments(value, 'container_definitions.json')[0]!.value;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const problem = `container_definitions is ${error.detail.replace(/^empty JSON file$/, 'empty, not JSON')}`;
    run.problems.push({ path: apiPath, message: problem });
    return new InvalidValue(problem);
  }
}

/**
 * Terraform converts attribute values to their schema's type as CloudFormation does (`"2"` → 2,
 * `"true"` → true, 256 → "256"); container definitions are JSON the API reads as it is.
 */
const withoutContainers = (shape: Shape): Shape => {
  if (shape.type !== 'object') return shape;
  return { ...shape, fields: Object.fromEntries(Object.entries(shape.fields).filter(([key]) => key !== 'containerDefinitions')) };
};
const TERRAFORM_SHAPES = { taskDefinition: withoutContainers(SHAPES.taskDefinition), service: SHAPES.service, taskSet: SHAPES.taskSet } as const;
const JSON_SHAPE: Shape = {
  type: 'object',
  fields: { containerDefinitions: (SHAPES.taskDefinition as { fields: Record<string, Shape> }).fields.containerDefinitions! },
};

/** The ECS resource of a Terraform resource, in the API shape; undefined for types that are not ECS resources judged here. */
export function terraformResource(block: TerraformBlock): Resource | undefined {
  const kind = TERRAFORM_KINDS[block.type] as keyof typeof FIELDS | undefined;
  if (!kind) return undefined;
  const run: Run = { paths: new Map(), problems: [] };
  const object = convertFields(block.values, FIELDS[kind], '', [], run) ?? {};
  const problems = [...run.problems, ...checkTypes(object, TERRAFORM_SHAPES[kind], 'cloudformation'), ...checkTypes(object, JSON_SHAPE, 'api')];

  const origin: Origin = { source: block.source, logicalId: block.address };
  if (block.scope !== undefined) origin.scope = block.scope;
  const { locate } = block;
  if (locate) origin.locate = (path) => locate(terraformPath(path, run));
  const resource: Resource = { kind, name: block.address, object: containsUnknown(object) ? guardUnknowns(object) : object, origin };
  if (problems.length > 0) resource.problems = problems;
  if (kind !== 'taskDefinition') {
    const ref = block.taskDefinitionAddress ?? (typeof object.taskDefinition === 'string' && object.taskDefinition !== '' ? object.taskDefinition : undefined);
    if (ref) resource.taskDefinitionRef = ref;
  }
  return resource;
}

/** The Terraform path of an API path: that of its nearest converted ancestor (below container definitions, the rest as it is). */
function terraformPath(apiPath: string, run: Run): TfPath {
  const segments = splitPath(apiPath);
  for (let n = segments.length; n > 0; n--) {
    const prefix = segments.slice(0, n).reduce<string>((path, segment) => apiChild(path, segment), '');
    const found = run.paths.get(prefix);
    if (found) return found.raw ? [...found.tf, ...segments.slice(n)] : found.tf;
  }
  return [];
}
