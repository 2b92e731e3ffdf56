/** The parts of the ECS API shapes that task definitions, daemon task definitions and Express services share. */

export interface KeyValuePair {
  name?: string;
  value?: string;
}
export interface Tag {
  key?: string;
  value?: string;
}

export interface ContainerDefinition {
  name?: string;
  image?: string;
  essential?: boolean;
  privileged?: boolean;
  user?: string;
  readonlyRootFilesystem?: boolean;
  interactive?: boolean;
  pseudoTerminal?: boolean;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  environment?: KeyValuePair[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
  linuxParameters?: {
    capabilities?: { add?: string[]; drop?: string[] };
    devices?: { hostPath?: string; containerPath?: string }[];
  };
  dockerSecurityOptions?: string[];
  systemControls?: { namespace?: string; value?: string }[];
  healthCheck?: { command?: string[] };
}

export interface Volume {
  name?: string;
  host?: { sourcePath?: string };
  efsVolumeConfiguration?: {
    fileSystemId?: string;
    transitEncryption?: string;
    authorizationConfig?: { iam?: string; accessPointId?: string };
  };
}
