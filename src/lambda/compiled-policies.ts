// The policies a Lambda judges with: a bundle `ecs-admission compile` wrote, from one of two places.
//
// - A file (the default, `compiled/policies.json`): what the serverless plugin compiled at package
//   time, read on first use, once per container.
// - An S3 object (ECS_ADMISSION_POLICIES=s3://bucket/key, what `ecs-admission policy push`
//   uploads): followed by version (src/policy/bundle-versions.ts), checked at most once per
//   ECS_ADMISSION_POLICIES_CHECK_SECONDS; a new version that does not load leaves the last good one
//   serving and is reported once (an error log, the metric PolicyLoadFailed, and `onBadVersion`).
//
// No policy file and no YAML reader are needed here; the bundle reader loads with the first read,
// cel-js only when the bundle has custom rules, the S3 client only for an S3 source. A problem with
// the first load is a ConfigError, thrown on every invocation: the events wait in the retry and
// dead-letter path.
import { readFileSync } from 'node:fs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { usesOrganizationalUnits, type CompiledPolicy } from '../policy/engine.js';
import { parseObjectUrl, reloadingPolicies, type ObjectLocation, type ReloadingPolicies, type VersionedBundle } from '../policy/bundle-versions.js';
import type { BadPolicyVersion } from '../policy/bundle-versions.js';
import { builtinRules } from '../rules/index.js';
import { ConfigError } from './config.js';

export type { BadPolicyVersion } from '../policy/bundle-versions.js';

const HOW = 'compile the policies with `ecs-admission compile <policy files> --out <file>` and point ECS_ADMISSION_POLICIES at that file';
const HOW_S3 = 'upload the policies with `ecs-admission policy push <policy files> --bucket <bucket>`';

/** Opens the S3 object of the policies (the AWS adapter by default; moto or a fake in tests). */
export type OpenPolicyObject = (location: ObjectLocation) => Promise<VersionedBundle>;

/** The S3 adapter, with the given client settings (endpoint, region, credentials); loaded on first use only. */
export const s3PolicyObjects =
  (clientConfig: object = {}): OpenPolicyObject =>
  async (location) => {
    const { s3Bundle, s3Client } = await import('../adapters/aws/policy-bundle-s3.js');
    return s3Bundle(location, s3Client({ ...clientConfig }));
  };

export interface PolicyLoading {
  logger: Logger;
  /** Where PolicyLoadFailed is counted. */
  metrics?: Metrics;
  /** ECS_ADMISSION_POLICIES_CHECK_SECONDS: the least time between two checks of the object's version (default 60). */
  checkSeconds?: number;
  /** A new version does not load (after it was logged and counted): the alert. Once per version. */
  onBadVersion?: (problem: BadPolicyVersion) => void | Promise<void>;
  /** How the S3 object is opened (default: s3PolicyObjects() with the environment's settings). */
  openObject?: OpenPolicyObject;
  /** Milliseconds; the check interval's clock. */
  now?: () => number;
}

/**
 * The loader of the settings' policies (ECS_ADMISSION_POLICIES): an S3 object followed by version
 * when it is `s3://bucket/key`, otherwise the file, read once. Call it on every invocation.
 */
export function lambdaPolicies(policies: string, options: PolicyLoading): () => Promise<CompiledPolicy[]> {
  const location = parseObjectUrl(policies);
  return location ? objectPolicies(location, options) : policiesOnce(policies, options.logger);
}

/** What a handler's settings and dependencies say about its policies. */
export interface PolicySettings {
  policies: string;
  policiesCheckSeconds: number;
}
export interface PolicyDependencies {
  logger: Logger;
  metrics: Metrics;
  openPolicyObject?: OpenPolicyObject;
  onBadPolicyVersion?: (problem: BadPolicyVersion) => Promise<void>;
}

/** The loader of a handler's policies, from its settings and dependencies (the Lambdas' one way to it). */
export function handlerPolicies(config: PolicySettings, deps: PolicyDependencies): () => Promise<CompiledPolicy[]> {
  return lambdaPolicies(config.policies, {
    logger: deps.logger,
    metrics: deps.metrics,
    checkSeconds: config.policiesCheckSeconds,
    ...(deps.openPolicyObject ? { openObject: deps.openPolicyObject } : {}),
    ...(deps.onBadPolicyVersion ? { onBadVersion: deps.onBadPolicyVersion } : {}),
  });
}

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
    let loaded: CompiledPolicy[];
    try {
      loaded = await fromJson(json, bundlePath);
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

/** A bundle's JSON into policies. The schemas and the reader load with the first read, not with the Lambda. */
async function fromJson(json: unknown, name: string): Promise<CompiledPolicy[]> {
  const { bundleHasCustomRules, fromBundle } = await import('../policy/bundle.js');
  const compileCustomRule = bundleHasCustomRules(json) ? (await import('../policy/custom-rule.js')).compileCustomRule : undefined;
  return fromBundle(json, name, builtinRules, compileCustomRule ? { compileCustomRule } : {});
}

/** A version that does not load: the message names the policy file (and line) behind it when the bundle does. */
class VersionError extends Error {
  constructor(
    message: string,
    readonly source?: { file: string; line?: number; policy?: string },
  ) {
    super(message);
  }
}

function objectPolicies(location: ObjectLocation, options: PolicyLoading): () => Promise<CompiledPolicy[]> {
  const { logger, metrics } = options;
  const open = options.openObject ?? s3PolicyObjects();
  let reloading: ReloadingPolicies<CompiledPolicy[]> | undefined;
  let opening: Promise<ReloadingPolicies<CompiledPolicy[]>> | undefined;

  const compile = async (text: string, version: string): Promise<CompiledPolicy[]> => {
    const name = `s3://${location.bucket}/${location.key} (version ${version})`;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new VersionError(`${name} is not JSON (${(error as Error).message}); ${HOW_S3}`);
    }
    let loaded: CompiledPolicy[];
    try {
      loaded = await fromJson(json, name);
    } catch (error) {
      const source = (error as { source?: { file: string; line?: number; policy?: string } }).source;
      const message = (error as Error).message;
      // The bundle's own place (policies[2].rules[0].id) and the policy file it came from.
      const from =
        source && !message.includes(source.file)
          ? ` (${source.policy ? `policy "${source.policy}" in ` : ''}${source.file}${source.line !== undefined ? `:${source.line}` : ''})`
          : '';
      throw new VersionError(`${message}${from}`, source);
    }
    if (loaded.length === 0) throw new VersionError(`no policy in ${name}; ${HOW_S3}`);
    return loaded;
  };

  const start = async () => {
    const source = await open(location);
    return reloadingPolicies<CompiledPolicy[]>({
      source,
      compile,
      checkEveryMs: (options.checkSeconds ?? 60) * 1000,
      now: options.now ?? Date.now,
      onLoaded: ({ version, value, previous, cached }) =>
        logger.info('policies loaded', {
          policies: value.map((p) => p.name),
          from: source.name,
          version,
          ...(previous ? { previous } : {}),
          ...(cached ? { cached } : {}),
        }),
      onBadVersion: async (problem) => {
        logger.error('a new version of the policies does not load: the last good version keeps serving', {
          object: problem.object,
          version: problem.version,
          error: problem.message,
          ...(problem.file ? { file: problem.file } : {}),
          ...(problem.line !== undefined ? { line: problem.line } : {}),
          serving: problem.serving,
        });
        metrics?.addMetric('PolicyLoadFailed', MetricUnit.Count, 1);
        await options.onBadVersion?.(problem);
      },
      onTrouble: (error, during) =>
        during === 'report'
          ? logger.error('the alert on a bad policy version could not be sent', { object: source.name, error: error as Error })
          : logger.warn('the policy object could not be checked: the policies in use keep serving', { object: source.name, during, error: error as Error }),
    });
  };

  return async () => {
    try {
      if (!reloading) {
        // A failed start (the S3 client not loading) is forgotten: the next invocation tries again.
        opening ??= start().finally(() => {
          opening = undefined;
        });
        reloading = await opening;
      }
      return await reloading.get();
    } catch (error) {
      // Only the first load throws: nothing to serve yet. A problem with the object or its content is
      // the settings'; S3 being slow or down is thrown as it is (retried all the same).
      if (error instanceof VersionError || (error as Error)?.name === 'PolicyObjectError')
        throw new ConfigError(`ECS_ADMISSION_POLICIES: ${(error as Error).message}`);
      throw error;
    }
  };
}

/**
 * The request with its account's organizational units when some policy scopes by them (and a
 * lookup is given); as it is otherwise, so that no call is made for policies that do not need one.
 */
export async function withOrganizationalUnits<R extends { account: string; organizationalUnits?: readonly string[] }>(
  request: R,
  policies: readonly CompiledPolicy[],
  lookup: ((account: string) => Promise<readonly string[]>) | undefined,
): Promise<R> {
  if (!lookup || request.organizationalUnits || !usesOrganizationalUnits(policies)) return request;
  return { ...request, organizationalUnits: await lookup(request.account) };
}
