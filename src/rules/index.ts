import type { Rule } from '../core/rule.js';
import limitTaskSize from './limit-task-size.js';
import noAwsCredentialsInEnvironment from './no-aws-credentials-in-environment.js';
import noDangerousCapabilities from './no-dangerous-capabilities.js';
import noExecuteCommand from './no-execute-command.js';
import noHostDevices from './no-host-devices.js';
import noHostIpcMode from './no-host-ipc-mode.js';
import noHostNetworkMode from './no-host-network-mode.js';
import noHostPathVolumes from './no-host-path-volumes.js';
import noHostPidMode from './no-host-pid-mode.js';
import noInteractiveContainers from './no-interactive-containers.js';
import noMutableImageTags from './no-mutable-image-tags.js';
import noPrivilegedContainers from './no-privileged-containers.js';
import noPublicIp from './no-public-ip.js';
import noSecretsInEnvironment from './no-secrets-in-environment.js';
import noSensitiveHostPathVolumes from './no-sensitive-host-path-volumes.js';
import noSharedTaskAndExecutionRole from './no-shared-task-and-execution-role.js';
import noUnconfinedSecurityOptions from './no-unconfined-security-options.js';
import requireApprovedRegistries from './require-approved-registries.js';
import requireAwsvpcNetworkMode from './require-awsvpc-network-mode.js';
import requireCompliantTaskDefinition from './require-compliant-task-definition.js';
import requireDeploymentCircuitBreaker from './require-deployment-circuit-breaker.js';
import requireDropAllCapabilities from './require-drop-all-capabilities.js';
import requireEfsIamAuthorization from './require-efs-iam-authorization.js';
import requireEfsTransitEncryption from './require-efs-transit-encryption.js';
import requireHealthcheck from './require-healthcheck.js';
import requireImageDigest from './require-image-digest.js';
import requireLatestFargatePlatform from './require-latest-fargate-platform.js';
import requireLogConfiguration from './require-log-configuration.js';
import requireMemoryLimit from './require-memory-limit.js';
import requireNonAdminWindowsUser from './require-non-admin-windows-user.js';
import requireNonBlockingLogs from './require-non-blocking-logs.js';
import requireNonRootUser from './require-non-root-user.js';
import requireReadonlyRootFilesystem from './require-readonly-root-filesystem.js';
import requireTags from './require-tags.js';
import requireTaskRole from './require-task-role.js';
import restrictSysctls from './restrict-sysctls.js';

/** Every built-in rule, sorted by id. A meta-test checks this list against the files and the catalog. */
export const builtinRules: readonly Rule[] = [
  limitTaskSize,
  noAwsCredentialsInEnvironment,
  noDangerousCapabilities,
  noExecuteCommand,
  noHostDevices,
  noHostIpcMode,
  noHostNetworkMode,
  noHostPathVolumes,
  noHostPidMode,
  noInteractiveContainers,
  noMutableImageTags,
  noPrivilegedContainers,
  noPublicIp,
  noSecretsInEnvironment,
  noSensitiveHostPathVolumes,
  noSharedTaskAndExecutionRole,
  noUnconfinedSecurityOptions,
  requireApprovedRegistries,
  requireAwsvpcNetworkMode,
  requireCompliantTaskDefinition,
  requireDeploymentCircuitBreaker,
  requireDropAllCapabilities,
  requireEfsIamAuthorization,
  requireEfsTransitEncryption,
  requireHealthcheck,
  requireImageDigest,
  requireLatestFargatePlatform,
  requireLogConfiguration,
  requireMemoryLimit,
  requireNonAdminWindowsUser,
  requireNonBlockingLogs,
  requireNonRootUser,
  requireReadonlyRootFilesystem,
  requireTags,
  requireTaskRole,
  restrictSysctls,
];

export const ruleById = (id: string): Rule | undefined => builtinRules.find((r) => r.id === id);
