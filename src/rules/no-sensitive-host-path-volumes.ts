import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { forEachVolume } from './_lib/task-definition.js';
import { isInOrUnder, normalizeHostPath, volumeLabel } from './_lib/host-paths.js';
import { memoByOptions } from './_lib/memo.js';

const DEFAULT_PATHS = [
  '/',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd',
  '/var/run/containerd',
  '/proc',
  '/sys',
  '/dev',
  '/etc',
  '/root',
  '/boot',
  '/var/lib/ecs',
  '/var/lib/docker',
];

const options = z.strictObject({
  /** Host paths that no volume may mount, nor anything under them (`/` matches only itself). */
  paths: z._default(z.array(z.string().check(z.minLength(1))), DEFAULT_PATHS),
});
type Options = z.infer<typeof options>;

const sensitivePaths = memoByOptions((o: Options) => o.paths.map(normalizeHostPath));

export default defineRule({
  id: 'no-sensitive-host-path-volumes',
  title: 'Disallow host path volumes on sensitive host paths',
  description:
    'Fails for every volume whose `host.sourcePath` is in or under one of the option `paths`, or contains one (mounting `/var/run` exposes `/var/run/docker.sock`) (by default the container runtime sockets and state, `/proc`, `/sys`, `/dev`, `/etc`, `/root`, `/boot`, the ECS agent state, and `/` itself, which matches only exactly). Paths are compared after resolving `.`, `..` and trailing slashes.',
  rationale:
    'A container that mounts the Docker or containerd socket controls every container on the instance, and one that mounts the host configuration, kernel interfaces, devices or the ECS agent state can read credentials of other tasks or take over the instance. A single such volume turns a compromise of the container into a compromise of the host.',
  remediation:
    'Remove the volume from `volumes[]` (and its `mountPoints[]`), or point `host.sourcePath` at a dedicated directory outside these paths; use an EFS or Docker-managed volume for shared data, and a logging or monitoring agent that does not need the runtime socket.',
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'Kubernetes Pod Security Standards (baseline): HostPath Volumes', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    { title: 'Gatekeeper library host-filesystem' },
    { title: 'Amazon ECS API Reference: HostVolumeProperties' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options,
  check(td, { options, report }) {
    const sensitive = sensitivePaths(options);
    forEachVolume(td, (volume, path) => {
      const sourcePath = volume.host?.sourcePath;
      if (!sourcePath) return;
      const normalized = normalizeHostPath(sourcePath);
      // The most specific match: the path itself, else its deepest listed ancestor.
      let match: string | undefined;
      for (const candidate of sensitive) {
        if (isInOrUnder(normalized, candidate) && (match === undefined || candidate.length > match.length)) match = candidate;
      }
      if (match === undefined) {
        // A parent of a sensitive path exposes it too: mounting /var/run exposes /var/run/docker.sock.
        const contained = sensitive.find((candidate) => candidate !== normalized && isInOrUnder(candidate, normalized));
        if (contained !== undefined) {
          report({
            path: `${path}.host.sourcePath`,
            message: `${volumeLabel(volume, path)} mounts host path "${sourcePath}", which contains sensitive path "${contained}".`,
          });
        }
        return;
      }
      const label = volumeLabel(volume, path);
      let message: string;
      if (normalized !== match) message = `${label} mounts host path "${sourcePath}", which is under sensitive path "${match}".`;
      else if (sourcePath !== match) message = `${label} mounts host path "${sourcePath}", which is sensitive path "${match}".`;
      else message = `${label} mounts sensitive host path "${sourcePath}".`;
      report({ path: `${path}.host.sourcePath`, message });
    });
  },
});
