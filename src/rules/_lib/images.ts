/** A container image reference split as Docker reads it. */
export interface ImageReference {
  /** `docker.io` when the reference names no registry. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** The reference with registry (and `library/` for official Docker Hub images) made explicit. */
  canonical: string;
}

// Image references repeat across containers, revisions and services; parse each once (bounded).
const parsed = new Map<string, ImageReference>();

/** Parses an image reference; the result is shared, so callers must not change it. */
export function parseImage(image: string): ImageReference {
  let ref = parsed.get(image);
  if (!ref) {
    ref = parseUncached(image);
    if (parsed.size >= 10_000) parsed.clear();
    parsed.set(image, ref);
  }
  return ref;
}

function parseUncached(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  // As Docker does: the first component is a registry when it has a dot or a port, or is localhost.
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon > repository.lastIndexOf('/')) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  const canonical = `${registry}/${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  const ref: ImageReference = { registry, repository, canonical };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}
