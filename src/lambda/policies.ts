// The policies a Lambda judges with: read on first use, once per container. A problem with them is
// a ConfigError, thrown on every invocation: the events wait in the retry and dead-letter path.
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadPolicies } from '../adapters/policy-files.js';
import type { CompiledPolicy } from '../policy/engine.js';
import { builtinRules } from '../rules/index.js';
import { ConfigError } from './config.js';

export function policiesOnce(paths: readonly string[], now: () => Date, logger: Logger): () => Promise<CompiledPolicy[]> {
  let policies: Promise<CompiledPolicy[]> | undefined;
  const load = async (): Promise<CompiledPolicy[]> => {
    const loaded = await loadPolicies(paths, builtinRules, now());
    if (loaded.errors.length > 0) throw new ConfigError(`policies in ${paths.join(', ')} do not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
    if (loaded.policies.length === 0) throw new ConfigError(`no policy found in ${paths.join(', ')}`);
    logger.info('policies loaded', { policies: loaded.policies.map((p) => p.name) });
    return loaded.policies;
  };
  return () => {
    // A failed load is forgotten, so that the next invocation reads the files again.
    policies ??= load().catch((error: unknown) => {
      policies = undefined;
      throw error;
    });
    return policies;
  };
}
