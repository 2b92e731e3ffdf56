/**
 * The ECS API shape of the resources, as data: the type of every field the rules, custom rules
 * and masking rely on, from the ECS API reference (RegisterTaskDefinition, CreateService,
 * CreateTaskSet, RunTask and the Describe* outputs). Fields not listed are not checked.
 *
 * Three uses: input files are checked against it (a wrong type is an error at its path, never a
 * pass; see input/check-types.ts), masking finds the values that must never be printed
 * (`sensitive`), and `validate` type-checks CEL expressions against it.
 *
 * Enumerations: ECS compares these values exactly (case-sensitive): `networkMode: HOST` is
 * rejected by the API, so it is an error here, not a task definition without host networking.
 */

export type Shape =
  | { type: 'string' | 'boolean' | 'integer' | 'number' | 'any'; sensitive?: true }
  /** A string or a number (task-level `cpu` and `memory`, which teams write both ways). */
  | { type: 'stringOrNumber'; sensitive?: true }
  | { type: 'enum'; values: readonly string[]; sensitive?: true }
  /** A string matching `pattern` (an enumeration AWS extends, such as Windows versions). */
  | { type: 'pattern'; pattern: RegExp; expected: string; sensitive?: true }
  | { type: 'list'; of: Shape; sensitive?: true }
  /** A map of user-chosen keys (docker labels, log options). */
  | { type: 'map'; of: Shape; sensitive?: true }
  | { type: 'object'; fields: Readonly<Record<string, Shape>>; sensitive?: true };

const str: Shape = { type: 'string' };
const bool: Shape = { type: 'boolean' };
const int: Shape = { type: 'integer' };
const num: Shape = { type: 'number' };
const any: Shape = { type: 'any' };
const strOrNum: Shape = { type: 'stringOrNumber' };
const oneOf = (...values: string[]): Shape => ({ type: 'enum', values });
const list = (of: Shape): Shape => ({ type: 'list', of });
const map = (of: Shape): Shape => ({ type: 'map', of });
const obj = (fields: Record<string, Shape>): Shape => ({ type: 'object', fields });
/** Values that may hold secrets: never printed, masked in every output. */
const secret = (shape: Shape): Shape => ({ ...shape, sensitive: true });

const keyValue = obj({ name: str, value: str });
const tag = obj({ key: str, value: str });
const tags = list(tag);
const secretRef = obj({ name: str, valueFrom: secret(str) });

const container = obj({
  name: str,
  image: str,
  repositoryCredentials: obj({ credentialsParameter: str }),
  cpu: int,
  memory: int,
  memoryReservation: int,
  links: list(str),
  portMappings: list(
    obj({ containerPort: int, hostPort: int, protocol: oneOf('tcp', 'udp'), name: str, appProtocol: oneOf('http', 'http2', 'grpc'), containerPortRange: str }),
  ),
  essential: bool,
  restartPolicy: obj({ enabled: bool, ignoredExitCodes: list(int), restartAttemptPeriod: int }),
  entryPoint: secret(list(str)),
  command: secret(list(str)),
  environment: list(obj({ name: str, value: secret(str) })),
  environmentFiles: list(obj({ value: str, type: oneOf('s3') })),
  mountPoints: list(obj({ sourceVolume: str, containerPath: str, readOnly: bool })),
  volumesFrom: list(obj({ sourceContainer: str, readOnly: bool })),
  linuxParameters: obj({
    capabilities: obj({ add: list(str), drop: list(str) }),
    devices: list(obj({ hostPath: str, containerPath: str, permissions: list(oneOf('read', 'write', 'mknod')) })),
    initProcessEnabled: bool,
    sharedMemorySize: int,
    tmpfs: list(obj({ containerPath: str, size: int, mountOptions: list(str) })),
    maxSwap: int,
    swappiness: int,
  }),
  secrets: list(secretRef),
  dependsOn: list(obj({ containerName: str, condition: oneOf('START', 'COMPLETE', 'SUCCESS', 'HEALTHY') })),
  startTimeout: int,
  stopTimeout: int,
  versionConsistency: oneOf('enabled', 'disabled'),
  hostname: str,
  user: str,
  workingDirectory: str,
  disableNetworking: bool,
  privileged: bool,
  readonlyRootFilesystem: bool,
  dnsServers: list(str),
  dnsSearchDomains: list(str),
  extraHosts: list(obj({ hostname: str, ipAddress: str })),
  dockerSecurityOptions: list(str),
  interactive: bool,
  pseudoTerminal: bool,
  dockerLabels: secret(map(str)),
  ulimits: list(obj({ name: str, softLimit: int, hardLimit: int })),
  logConfiguration: obj({
    logDriver: oneOf('json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens'),
    // Log drivers take tokens here (splunk-token, a FireLens output's apikey).
    options: secret(map(str)),
    secretOptions: list(secretRef),
  }),
  healthCheck: obj({ command: secret(list(str)), interval: int, timeout: int, retries: int, startPeriod: int }),
  systemControls: list(obj({ namespace: str, value: str })),
  resourceRequirements: list(obj({ value: str, type: oneOf('GPU', 'InferenceAccelerator') })),
  firelensConfiguration: obj({ type: oneOf('fluentd', 'fluentbit'), options: secret(map(str)) }),
  credentialSpecs: list(str),
});

const volume = obj({
  name: str,
  host: obj({ sourcePath: str }),
  configuredAtLaunch: bool,
  dockerVolumeConfiguration: obj({ scope: oneOf('task', 'shared'), autoprovision: bool, driver: str, driverOpts: secret(map(str)), labels: map(str) }),
  efsVolumeConfiguration: obj({
    fileSystemId: str,
    rootDirectory: str,
    transitEncryption: oneOf('ENABLED', 'DISABLED'),
    transitEncryptionPort: int,
    authorizationConfig: obj({ accessPointId: str, iam: oneOf('ENABLED', 'DISABLED') }),
  }),
  fsxWindowsFileServerVolumeConfiguration: obj({ fileSystemId: str, rootDirectory: str, authorizationConfig: obj({ credentialsParameter: str, domain: str }) }),
});

const launchType = oneOf('EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES');
const compatibility = oneOf('EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES');

export const TASK_DEFINITION_SHAPE = obj({
  taskDefinitionArn: str,
  family: str,
  revision: int,
  taskRoleArn: str,
  executionRoleArn: str,
  networkMode: oneOf('bridge', 'host', 'awsvpc', 'none'),
  containerDefinitions: list(container),
  volumes: list(volume),
  placementConstraints: list(obj({ type: oneOf('memberOf'), expression: str })),
  requiresCompatibilities: list(compatibility),
  compatibilities: list(compatibility),
  cpu: strOrNum,
  memory: strOrNum,
  pidMode: oneOf('host', 'task'),
  ipcMode: oneOf('host', 'task', 'none'),
  proxyConfiguration: obj({ type: oneOf('APPMESH'), containerName: str, properties: list(keyValue) }),
  tags,
  runtimePlatform: obj({
    cpuArchitecture: oneOf('X86_64', 'ARM64'),
    operatingSystemFamily: { type: 'pattern', pattern: /^(?:LINUX|WINDOWS_SERVER_[0-9A-Z_]+)$/, expected: 'LINUX or WINDOWS_SERVER_… (upper case)' },
  }),
  ephemeralStorage: obj({ sizeInGiB: int }),
  enableFaultInjection: bool,
  status: oneOf('ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'),
});

const networkConfiguration = obj({
  awsvpcConfiguration: obj({ subnets: list(str), securityGroups: list(str), assignPublicIp: oneOf('ENABLED', 'DISABLED') }),
});
const capacityProviderStrategy = list(obj({ capacityProvider: str, weight: int, base: int }));

/** What services, task sets and tasks have in common. */
const workload = {
  taskDefinition: str,
  launchType,
  capacityProviderStrategy,
  platformVersion: str,
  platformFamily: str,
  networkConfiguration,
  enableExecuteCommand: bool,
  tags,
  cluster: str,
  clusterArn: str,
};

export const SERVICE_SHAPE = obj({
  ...workload,
  serviceArn: str,
  serviceName: str,
  desiredCount: int,
  deploymentController: obj({ type: oneOf('ECS', 'CODE_DEPLOY', 'EXTERNAL') }),
  deploymentConfiguration: obj({
    deploymentCircuitBreaker: obj({ enable: bool, rollback: bool }),
    maximumPercent: int,
    minimumHealthyPercent: int,
    alarms: obj({ alarmNames: list(str), enable: bool, rollback: bool }),
  }),
  schedulingStrategy: oneOf('REPLICA', 'DAEMON'),
  enableECSManagedTags: bool,
  propagateTags: oneOf('TASK_DEFINITION', 'SERVICE', 'NONE'),
  healthCheckGracePeriodSeconds: int,
  role: str,
});

export const TASK_SET_SHAPE = obj({
  ...workload,
  taskSetArn: str,
  id: str,
  service: str,
  serviceArn: str,
  externalId: str,
  scale: obj({ value: num, unit: oneOf('PERCENT') }),
});

const containerOverride = obj({
  name: str,
  command: secret(list(str)),
  environment: list(obj({ name: str, value: secret(str) })),
  cpu: int,
  memory: int,
  memoryReservation: int,
});

export const TASK_SHAPE = obj({
  ...workload,
  taskArn: str,
  taskDefinitionArn: str,
  group: str,
  count: int,
  startedBy: str,
  overrides: obj({ containerOverrides: list(containerOverride), cpu: str, memory: str, taskRoleArn: str, executionRoleArn: str }),
  containers: list(any),
});

// ECS daemons (ECS Managed Instances): RegisterDaemonTaskDefinition, CreateDaemon, UpdateDaemon,
// DescribeDaemonTaskDefinition, DescribeDaemonRevisions.

/** The fields `names` of an object shape (each shared with the shape it comes from). */
const fieldsOf = (shape: Shape, names: readonly string[]): Record<string, Shape> =>
  Object.fromEntries(names.map((name) => [name, shape.type === 'object' ? shape.fields[name]! : shape]));

const containerFields = (container as Extract<Shape, { type: 'object' }>).fields;

/** DaemonContainerDefinition: a container definition without ports, links, DNS, Docker security options or labels. */
const daemonContainer = obj({
  ...fieldsOf(container, [
    'name',
    'image',
    'repositoryCredentials',
    'cpu',
    'memory',
    'memoryReservation',
    'essential',
    'restartPolicy',
    'entryPoint',
    'command',
    'environment',
    'environmentFiles',
    'secrets',
    'mountPoints',
    'dependsOn',
    'startTimeout',
    'stopTimeout',
    'workingDirectory',
    'user',
    'privileged',
    'readonlyRootFilesystem',
    'interactive',
    'pseudoTerminal',
    'ulimits',
    'logConfiguration',
    'firelensConfiguration',
    'healthCheck',
    'systemControls',
  ]),
  linuxParameters: obj(fieldsOf(containerFields.linuxParameters!, ['capabilities', 'devices', 'initProcessEnabled', 'tmpfs'])),
});

const logDriver = oneOf('json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens');
/** A daemon's namespaces are its own (`none`) or those of the tasks on its instance (`shared`); never the host's. */
const daemonNamespace = oneOf('none', 'shared');

export const DAEMON_TASK_DEFINITION_SHAPE = obj({
  daemonTaskDefinitionArn: str,
  family: str,
  revision: int,
  taskRoleArn: str,
  executionRoleArn: str,
  containerDefinitions: list(daemonContainer),
  volumes: list(obj({ name: str, host: obj({ sourcePath: str }), logDriverVolumeConfiguration: obj({ driver: logDriver }) })),
  cpu: strOrNum,
  memory: strOrNum,
  pidMode: daemonNamespace,
  ipcMode: daemonNamespace,
  tags,
  status: oneOf('ACTIVE', 'DELETED', 'DELETE_IN_PROGRESS'),
  registeredBy: str,
  registeredAt: any,
  deleteRequestedAt: any,
});

export const DAEMON_SHAPE = obj({
  daemonArn: str,
  daemonName: str,
  clusterArn: str,
  daemonTaskDefinitionArn: str,
  capacityProviderArns: list(str),
  deploymentConfiguration: obj({ drainPercent: num, alarms: obj({ alarmNames: list(str), enable: bool }), bakeTimeInMinutes: int }),
  tags,
  propagateTags: oneOf('DAEMON', 'NONE'),
  enableECSManagedTags: bool,
  enableExecuteCommand: bool,
  critical: bool,
  clientToken: str,
  status: oneOf('ACTIVE', 'DELETE_IN_PROGRESS'),
  deploymentArn: str,
  // DescribeDaemonRevisions: one revision of the daemon, with the images it resolved.
  daemonRevisionArn: str,
  containerImages: list(obj({ containerName: str, imageDigest: str, image: str })),
  currentRevisions: list(any),
  createdAt: any,
  updatedAt: any,
});

// Express services: CreateExpressGatewayService, UpdateExpressGatewayService and the configuration
// of DescribeExpressGatewayService, read side by side with the service's own fields.

export const EXPRESS_SERVICE_SHAPE = obj({
  serviceArn: str,
  serviceName: str,
  cluster: str,
  infrastructureRoleArn: str,
  executionRoleArn: str,
  taskRoleArn: str,
  taskDefinitionArn: str,
  serviceRevisionArn: str,
  healthCheckPath: str,
  primaryContainer: obj({
    image: str,
    containerPort: int,
    awsLogsConfiguration: obj({ logGroup: str, logStreamPrefix: str }),
    repositoryCredentials: obj({ credentialsParameter: str }),
    command: secret(list(str)),
    environment: list(obj({ name: str, value: secret(str) })),
    secrets: list(secretRef),
  }),
  networkConfiguration: obj({ securityGroups: list(str), subnets: list(str) }),
  cpu: strOrNum,
  memory: strOrNum,
  cpuArchitecture: oneOf('X86_64', 'ARM64'),
  scalingTarget: obj({
    minTaskCount: int,
    maxTaskCount: int,
    autoScalingMetric: oneOf('AVERAGE_CPU', 'AVERAGE_MEMORY', 'REQUEST_COUNT_PER_TARGET'),
    autoScalingTargetValue: num,
  }),
  ingressPaths: list(obj({ accessType: oneOf('PUBLIC', 'PRIVATE'), endpoint: str })),
  tags,
  status: obj({ statusCode: oneOf('ACTIVE', 'DRAINING', 'INACTIVE'), statusReason: str }),
  currentDeployment: str,
  createdAt: any,
  updatedAt: any,
});

export const SHAPES = {
  taskDefinition: TASK_DEFINITION_SHAPE,
  service: SERVICE_SHAPE,
  taskSet: TASK_SET_SHAPE,
  task: TASK_SHAPE,
  daemonTaskDefinition: DAEMON_TASK_DEFINITION_SHAPE,
  daemon: DAEMON_SHAPE,
  expressService: EXPRESS_SERVICE_SHAPE,
} as const;
