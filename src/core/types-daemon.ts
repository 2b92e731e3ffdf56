/**
 * ECS daemons (ECS Managed Instances) and Express services, in the ECS API shape
 * (RegisterDaemonTaskDefinition, CreateDaemon, CreateExpressGatewayService). Kept apart from
 * types.ts, which holds the task definition, service, task set and task.
 */
import type { ContainerDefinition, KeyValuePair, Tag, Volume } from './container-types.js';

/** A daemon task definition: containers and volumes like a task definition, without network mode or platform. */
export interface DaemonTaskDefinition {
  daemonTaskDefinitionArn?: string;
  family?: string;
  revision?: number;
  taskRoleArn?: string;
  executionRoleArn?: string;
  /** DaemonContainerDefinition: a subset of a container definition's fields (no port mappings, no Docker security options). */
  containerDefinitions?: ContainerDefinition[];
  volumes?: Volume[];
  cpu?: string;
  memory?: string;
  /** `none` or `shared` (with the tasks on the same instance); never `host`. */
  pidMode?: string;
  ipcMode?: string;
  tags?: Tag[];
}

/** A daemon: one task of a daemon task definition on every instance of its capacity providers. */
export interface Daemon {
  daemonArn?: string;
  daemonName?: string;
  clusterArn?: string;
  daemonTaskDefinitionArn?: string;
  capacityProviderArns?: string[];
  enableExecuteCommand?: boolean;
  enableECSManagedTags?: boolean;
  propagateTags?: string;
  critical?: boolean;
  tags?: Tag[];
}

/** The one container an Express service runs (ExpressGatewayContainer). */
export interface ExpressContainer {
  image?: string;
  containerPort?: number;
  command?: string[];
  environment?: KeyValuePair[];
  secrets?: { name?: string; valueFrom?: string }[];
  awsLogsConfiguration?: { logGroup?: string; logStreamPrefix?: string };
  repositoryCredentials?: { credentialsParameter?: string };
}

/**
 * An Express service, as a CreateExpressGatewayService request: the service's fields and its
 * configuration's (primary container, roles, network) side by side. A described service is read
 * from its newest active configuration (see input/api.ts `expressServiceOf`).
 */
export interface ExpressService {
  serviceArn?: string;
  serviceName?: string;
  cluster?: string;
  infrastructureRoleArn?: string;
  executionRoleArn?: string;
  taskRoleArn?: string;
  /** A task definition of the customer's own, instead of `primaryContainer`. */
  taskDefinitionArn?: string;
  primaryContainer?: ExpressContainer;
  /** Subnets and security groups only: an Express service has no `awsvpcConfiguration`, so no `assignPublicIp`. */
  networkConfiguration?: { subnets?: string[]; securityGroups?: string[]; awsvpcConfiguration?: never };
  cpu?: string;
  memory?: string;
  cpuArchitecture?: string;
  healthCheckPath?: string;
  tags?: Tag[];
}
