// The policies a Lambda judges with: read on first use, once per container. A problem with them is
// a ConfigError, thrown on every invocation: the events wait in the retry and dead-letter path.
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadPolicies } from '../adapters/policy-files.js';
import type { CompiledPolicy } from '../policy/engine.js';
import { builtinRules } from '../rules/index.js';
import { ConfigError } from './config.js';

export function policiesOnce(paths: readonly string[], now: () => Date, logger: Logger): () => CompiledPolicy[] {
  let policies: CompiledPolicy[] | undefined;
  return () => {
    if (!policies) {
      const loaded = loadPolicies(paths, builtinRules, now());
      if (loaded.errors.length > 0) throw new ConfigError(`policies in ${paths.join(', ')} do not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
      if (loaded.policies.length === 0) throw new ConfigError(`no policy found in ${paths.join(', ')}`);
      policies = loaded.policies;
      logger.info('policies loaded', { policies: policies.map((p) => p.name) });
    }
    return policies;
  };
}
