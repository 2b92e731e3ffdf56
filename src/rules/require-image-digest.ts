import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { parseImage } from './_lib/images.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

/** A complete sha256 digest, as Docker and Amazon ECR write it. */
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export default defineRule({
  id: 'require-image-digest',
  title: 'Require images pinned by digest',
  description: 'Fails when a container image, sidecars included, is not pinned with `@sha256:<digest>`.',
  rationale:
    'Only a digest names exactly one image: any tag, even a version tag, can be pushed again. Pinning by digest makes every task of a revision run the same bytes, the ones that were scanned and approved.',
  remediation:
    'Append the image digest to `containerDefinitions[].image` (`repository:tag@sha256:<64 hex digits>`), for example from `aws ecr describe-images` or your build pipeline output.',
  severity: 'low',
  recommended: 'off',
  references: [
    { title: 'OPA Gatekeeper library: imagedigests', url: 'https://open-policy-agent.github.io/gatekeeper-library/website/validation/imagedigests' },
    { title: 'Amazon ECS Developer Guide: container image resolution' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'image'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      const image = container.image;
      if (typeof image !== 'string' || image.trim() === '') return;
      const digest = parseImage(image).digest;
      if (digest !== undefined && SHA256_DIGEST.test(digest)) return;
      report({
        path: `${path}.image`,
        container: name,
        message:
          digest === undefined
            ? `${containerLabel(name, path)} uses image "${image}", which is not pinned to a sha256 digest.`
            : `${containerLabel(name, path)} uses image "${image}", whose digest is not a complete sha256 digest.`,
      });
    });
  },
});
