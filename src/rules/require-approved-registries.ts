import picomatch from 'picomatch/posix.js';
import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { parseImage } from './_lib/images.js';
import { memoByOptions } from './_lib/memo.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

const DEFAULT_REGISTRIES = ['*.dkr.ecr.*.amazonaws.com/**', 'public.ecr.aws/**'];

const options = z.strictObject({
  /** Glob patterns (picomatch: `*` never crosses `/`) matched against each image, as written and in canonical form. */
  registries: z._default(z.array(z.string().check(z.minLength(1))), () => [...DEFAULT_REGISTRIES]),
});
type Options = z.infer<typeof options>;

/**
 * A pattern whose first path segment is a registry host (has a dot or a port, or is `localhost`,
 * as Docker decides) is matched only against the canonical image, whose first segment is always the
 * registry it is pulled from: otherwise `public.ecr.aws/**` would match the Docker Hub image written
 * `public.ecr.aws` (its `/**` matching nothing).
 */
const namesRegistry = (pattern: string): boolean => {
  const slash = pattern.indexOf('/');
  if (slash < 0) return false;
  const first = pattern.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
};

const MATCH_OPTIONS = { nocase: true } as const;
const NEVER = (): boolean => false;
const CACHE_LIMIT = 10_000;

const matcher = memoByOptions((o: Options) => {
  const registryPatterns = o.registries;
  const otherPatterns = o.registries.filter((p) => !namesRegistry(p));
  const canonicalMatch = registryPatterns.length > 0 ? picomatch(registryPatterns, MATCH_OPTIONS) : NEVER;
  const writtenMatch = otherPatterns.length > 0 ? picomatch(otherPatterns, MATCH_OPTIONS) : NEVER;
  const cache = new Map<string, boolean>();
  return (image: string): boolean => {
    let approved = cache.get(image);
    if (approved === undefined) {
      approved = canonicalMatch(parseImage(image).canonical) || writtenMatch(image.trim());
      if (cache.size < CACHE_LIMIT) cache.set(image, approved);
    }
    return approved;
  };
});

export default defineRule({
  id: 'require-approved-registries',
  title: 'Require images from approved registries',
  description:
    'Fails when a container image, sidecars included, does not match any of the glob patterns in the option `registries` (by default private Amazon ECR and Amazon ECR Public). Each image is matched as written and in its canonical form (`nginx:1.27` is `docker.io/library/nginx:1.27`).',
  rationale:
    'An image from an arbitrary registry can be replaced by whoever controls that registry or account, and escapes the image scanning and signing applied to your own registries. Limiting images to approved registries keeps the supply chain under your control.',
  remediation:
    'Copy the image into an approved registry (for example with an Amazon ECR pull-through cache rule or replication) and point `containerDefinitions[].image` at it, or add the registry to the rule option `registries`.',
  severity: 'high',
  recommended: 'flag',
  references: [
    { title: 'OPA Gatekeeper library: allowedrepos', url: 'https://open-policy-agent.github.io/gatekeeper-library/website/validation/allowedrepos' },
    { title: 'Amazon ECR pull through cache rules' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'image'),
  options,
  check(td, { options, report }, resource) {
    const approved = matcher(options);
    forEachContainer(resource, (container, path, name) => {
      const image = container.image;
      if (typeof image !== 'string' || image.trim() === '' || approved(image)) return;
      report({
        path: `${path}.image`,
        container: name,
        message: `${containerLabel(name, path)} uses image "${image}" from registry "${parseImage(image).registry}", which is not approved.`,
      });
    });
  },
});
