import type { Resource } from '../core/types.js';
import { normalizeDocument } from './normalize.js';
import { parseDocuments } from './parse.js';

/**
 * Text of a JSON or YAML file → the ECS resources it holds, in the API shape.
 * Throws `InputError` (naming the file, and the line where known) for anything else.
 */
export function loadResources(text: string, source: string): Resource[] {
  return parseDocuments(text, source).flatMap((doc) => normalizeDocument(doc, source));
}
