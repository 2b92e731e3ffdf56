import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { parseImage } from './_lib/images.js';
import { memoByOptions } from './_lib/memo.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

const options = z.strictObject({
  /** Tags that move (compared without regard to case); an image pinned by digest passes whatever its tag. */
  tags: z._default(z.array(z.string().check(z.minLength(1))), () => ['latest']),
});
type Options = z.infer<typeof options>;

const mutableTags = memoByOptions((o: Options) => new Set(o.tags.map((t) => t.toLowerCase())));

export default defineRule({
  id: 'no-mutable-image-tags',
  title: 'Disallow mutable image tags',
  description:
    'Fails when a container image, sidecars included, has neither a tag nor a digest (so it pulls `latest`), or uses a tag listed in the option `tags` (default `latest`, any case). An image pinned by digest passes whatever its tag.',
  rationale:
    'A tag such as `latest` points at whatever was pushed last: two tasks of the same revision can run different code, a rollback does not restore the old image, and a pushed image reaches production without a new task definition revision.',
  remediation:
    'Set `containerDefinitions[].image` to a tag that names one build (a version or commit id, in a repository with tag immutability turned on) or pin it with `@sha256:<digest>`.',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'Kyverno policy: disallow-latest-tag', url: 'https://kyverno.io/policies/best-practices/disallow-latest-tag/disallow-latest-tag' },
    { title: 'Amazon ECR User Guide: image tag mutability' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'image'),
  options,
  check(td, { options, report }, resource) {
    const tags = mutableTags(options);
    forEachContainer(resource, (container, path, name) => {
      const image = container.image;
      if (typeof image !== 'string' || image.trim() === '') return;
      const ref = parseImage(image);
      if (ref.digest) return;
      if (!ref.tag) {
        report({
          path: `${path}.image`,
          container: name,
          message: `${containerLabel(name, path)} uses image "${image}" with neither a tag nor a digest, so it pulls "latest".`,
        });
      } else if (tags.has(ref.tag.toLowerCase())) {
        report({ path: `${path}.image`, container: name, message: `${containerLabel(name, path)} uses image "${image}" with the mutable tag "${ref.tag}".` });
      }
    });
  },
});
