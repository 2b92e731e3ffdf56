// The policies a Lambda judges with: the bundle `ecs-admission compile` wrote at package time (the
// serverless plugin), read on first use, once per container. No policy file and no YAML reader
// are needed here; cel-js loads only when the bundle has custom rules. A problem with the bundle
// is a ConfigError, thrown on every invocation: the events wait in the retry and dead-letter path.
import { readFileSync } from 'node:fs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CompiledPolicy } from '../policy/engine.js';
import { builtinRules } from '../rules/index.js';
import { ConfigError } from './config.js';

const HOW = 'compile the policies with `ecs-admission compile <policy files> --out <file>` and point ECS_ADMISSION_POLICIES at that file';

export function policiesOnce(bundlePath: string, logger: Logger): () => Promise<CompiledPolicy[]> {
  let policies: Promise<CompiledPolicy[]> | undefined;
  const load = async (): Promise<CompiledPolicy[]> => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(bundlePath, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code ? `cannot be read (${code})` : `is not JSON (${(error as Error).message})`;
      throw new ConfigError(`ECS_ADMISSION_POLICIES: ${bundlePath} ${why}; ${HOW}`);
    }
    // The schemas and the reader load with the first invocation, not with the bundle.
    const { bundleHasCustomRules, fromBundle } = await import('../policy/bundle.js');
    const compileCustomRule = bundleHasCustomRules(json) ? (await import('../policy/custom-rule.js')).compileCustomRule : undefined;
    let loaded: CompiledPolicy[];
    try {
      loaded = fromBundle(json, bundlePath, builtinRules, compileCustomRule ? { compileCustomRule } : {});
    } catch (error) {
      throw new ConfigError(`ECS_ADMISSION_POLICIES: ${(error as Error).message}`);
    }
    if (loaded.length === 0) throw new ConfigError(`ECS_ADMISSION_POLICIES: no policy in ${bundlePath}; ${HOW}`);
    logger.info('policies loaded', { policies: loaded.map((p) => p.name), from: bundlePath, sources: (json as { sources?: unknown }).sources });
    return loaded;
  };
  return () => {
    // A failed load is forgotten, so that the next invocation reads the file again.
    policies ??= load().catch((error: unknown) => {
      policies = undefined;
      throw error;
    });
    return policies;
  };
}
