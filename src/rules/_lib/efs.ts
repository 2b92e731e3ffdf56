import type { Report } from '../../core/rule.js';
import type { TaskDefinition, Volume } from '../../core/types.js';
import { volumeLabel } from './host-paths.js';
import { forEachVolume } from './task-definition.js';
import { someMayHold } from './unknowns.js';

type EfsConfiguration = NonNullable<Volume['efsVolumeConfiguration']>;

/** Why an EFS rule does not apply; a volume unknown offline may be an EFS one, so it applies then. */
export const noEfsVolumes = (td: TaskDefinition): string | undefined =>
  someMayHold(td.volumes, (v) => v.efsVolumeConfiguration) ? undefined : 'no EFS volumes';

/**
 * Reports every EFS volume (not just the first) whose `field` — a path under
 * `efsVolumeConfiguration`, read by `read` — is not `ENABLED`.
 */
export function requireEnabledOnEveryEfsVolume(
  td: TaskDefinition,
  report: (finding: Report) => void,
  field: string,
  read: (efs: EfsConfiguration) => string | undefined,
): void {
  forEachVolume(td, (volume, path) => {
    const efs = volume.efsVolumeConfiguration;
    if (!efs) return;
    const value = read(efs);
    if (value === 'ENABLED') return;
    const label = volumeLabel(volume, path);
    report({
      path: `${path}.efsVolumeConfiguration.${field}`,
      message:
        value === undefined ? `${label} leaves EFS "${field}" unset instead of "ENABLED".` : `${label} sets EFS "${field}" to "${value}" instead of "ENABLED".`,
    });
  });
}
