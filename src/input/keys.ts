/**
 * CloudFormation writes ECS properties in PascalCase; the API (and every rule) uses camelCase.
 * Most keys map by lowering the leading capitals; the exceptions are listed, and the keys of
 * free-form maps (docker labels, log options, tags' values) are user data and never renamed.
 */

const EXCEPTIONS: Record<string, string> = {
  AwsVpcConfiguration: 'awsvpcConfiguration', // AWS::ECS::TaskSet spells it with a capital V
  FilesystemId: 'fileSystemId', // EFSVolumeConfiguration.FilesystemId in CloudFormation
};

/** Keys whose value is a map of user-chosen keys. */
export const FREE_FORM_MAPS = new Set(['dockerLabels', 'options', 'driverOpts', 'labels', 'secretOptions']);

/** `EFSVolumeConfiguration` → `efsVolumeConfiguration`, `IAM` → `iam`, `LogDriver` → `logDriver`. */
export function canonicalKey(key: string): string {
  const exception = EXCEPTIONS[key];
  if (exception) return exception;
  let run = 0;
  while (run < key.length && key[run]! >= 'A' && key[run]! <= 'Z') run++;
  if (run === 0) return key;
  if (run === key.length) return key.toLowerCase();
  // Keep the last capital of a run when a lower-case letter follows: `EFSVolume` → `efsVolume`.
  const lower = run === 1 ? 1 : run - 1;
  return key.slice(0, lower).toLowerCase() + key.slice(lower);
}
