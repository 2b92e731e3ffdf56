import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { forEachVolume } from './_lib/task-definition.js';
import { isInOrUnder, normalizeHostPath, volumeLabel } from './_lib/host-paths.js';
import { memoByOptions } from './_lib/memo.js';

const options = z.strictObject({
  /** Host paths that volumes may mount, with everything under them (`/` allows only itself). */
  allowedPaths: z._default(z.array(z.string().check(z.minLength(1))), []),
});
type Options = z.infer<typeof options>;

const allowed = memoByOptions((o: Options) => o.allowedPaths.map(normalizeHostPath));

export default defineRule({
  id: 'no-host-path-volumes',
  title: 'Disallow host path volumes',
  description:
    'Fails for every volume with a `host.sourcePath` that is not in or under one of the option `allowedPaths` (none by default, so every bind mount of the host fails). Paths are compared after resolving `.`, `..` and trailing slashes. Docker-managed volumes (`host` without `sourcePath`) and EFS or FSx volumes pass.',
  rationale:
    'A bind mount ties the task to the file system of one container instance and lets the container read or change host files, which breaks the isolation between tasks and the host. Allowing only reviewed directories keeps that surface small.',
  remediation:
    'Replace the host path volume with an EFS, FSx or Docker-managed volume (`host: {}` or `dockerVolumeConfiguration`), or add the reviewed directory to the option `allowedPaths`.',
  severity: 'medium',
  recommended: 'off',
  references: [
    { title: 'Kyverno disallow-host-path' },
    { title: 'Kubernetes Pod Security Standards (baseline): HostPath Volumes', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options,
  check(td, { options, report }) {
    const allowedPaths = allowed(options);
    forEachVolume(td, (volume, path) => {
      const sourcePath = volume.host?.sourcePath;
      if (!sourcePath) return;
      const normalized = normalizeHostPath(sourcePath);
      if (allowedPaths.some((parent) => isInOrUnder(normalized, parent))) return;
      report({
        path: `${path}.host.sourcePath`,
        message: `${volumeLabel(volume, path)} mounts host path "${sourcePath}", which is not an allowed path.`,
      });
    });
  },
});
