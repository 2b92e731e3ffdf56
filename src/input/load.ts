import type { Resource } from '../core/types.js';
import { normalizeDocument, type NormalizedDocument } from './normalize.js';
import { parseDocuments } from './parse.js';

/**
 * Text of a JSON or YAML file → the ECS resources it holds, in the API shape, and the parts of it
 * that hold resources no one can judge offline. Throws `InputError` (naming the file, and the line
 * where known) for anything else.
 */
export function loadDocument(text: string, source: string): NormalizedDocument {
  const out: NormalizedDocument = { resources: [], unjudged: [] };
  for (const doc of parseDocuments(text, source)) {
    const normalized = normalizeDocument(doc, source);
    out.resources.push(...normalized.resources);
    out.unjudged.push(...normalized.unjudged);
  }
  return out;
}

/** The resources of a file (see `loadDocument`). */
export const loadResources = (text: string, source: string): Resource[] => loadDocument(text, source).resources;
