/**
 * Policies that change without a redeploy: a compiled bundle read from a versioned object (S3),
 * followed version by version. Pure — no AWS, no clock of its own — so every rule below is a unit
 * test (test/policy/bundle-versions.test.ts); src/adapters/aws/policy-bundle-s3.ts is the object,
 * src/lambda/compiled-policies.ts wires the two for the Lambdas.
 *
 * - The object's version is checked at most once per `checkEveryMs`: between checks, the set in
 *   use is served without a call.
 * - A version is read and compiled once: compiled sets are kept by version id (a few), so going
 *   back to an earlier version (its successor deleted) costs nothing.
 * - A version that does not load leaves the last good set serving; it is reported once
 *   (`onBadVersion`), remembered, and never read again. A later good version applies as usual.
 * - The first load must succeed: until one has, each call reads the current version and throws
 *   what went wrong (a bad version is not read twice: its error is thrown again).
 * - A check that cannot reach the object (throttled, access denied, deleted) after the first load
 *   keeps the set in use and is retried at the next check (`onTrouble`).
 * - Concurrent callers share one check.
 */

/** An object with versions holding a bundle: `s3://bucket/key` (or a fake, in tests). */
export interface VersionedBundle {
  /** Names the object in logs and alerts: `s3://bucket/key`. */
  readonly name: string;
  /** The id of the object's current version (a HEAD request). */
  currentVersion(): Promise<string>;
  /** The content of one version. */
  read(version: string): Promise<string>;
}

/** A version that does not load, reported once. */
export interface BadPolicyVersion {
  /** `s3://bucket/key`. */
  object: string;
  version: string;
  /** What is wrong; it names the policy file and, where the bundle knows it, the line. */
  message: string;
  /** The policy file behind the problem and its line, when the bundle says. */
  file?: string;
  line?: number;
  /** The version that keeps serving. */
  serving: string;
}

export interface ReloadOptions<T> {
  source: VersionedBundle;
  /** One version's content into what is served; throws (with a message naming what is wrong) when it cannot. */
  compile: (text: string, version: string) => T | Promise<T>;
  /** The least time between two version checks. */
  checkEveryMs: number;
  /** Milliseconds, as Date.now gives them. */
  now: () => number;
  /** A version was loaded and now serves (`previous`: the one it replaces, if any). */
  onLoaded?: (event: { version: string; value: T; previous: string | undefined; cached: boolean }) => void;
  /** A new version does not load; the last good one keeps serving. Once per version. */
  onBadVersion?: (problem: BadPolicyVersion) => void | Promise<void>;
  /**
   * After the first load: the version could not be checked or read (tried again at the next
   * check), or `onBadVersion` threw (the problem is not reported again). The set in use serves on.
   */
  onTrouble?: (error: unknown, during: 'check' | 'read' | 'report') => void;
  /** How many compiled versions are kept, the one serving included (default 3). */
  keepVersions?: number;
}

export interface ReloadingPolicies<T> {
  /** What to judge with now: checks the version when the interval has passed. */
  get(): Promise<T>;
  /** The version serving, once one is. */
  version(): string | undefined;
}

/** Where a problem comes from, when the error says (BundleError's `source`). */
interface Located {
  source?: { file: string; line?: number };
}

export function reloadingPolicies<T>(options: ReloadOptions<T>): ReloadingPolicies<T> {
  const { source, compile, checkEveryMs, now } = options;
  const keep = Math.max(1, options.keepVersions ?? 3);
  /** Compiled versions, the one serving last. */
  const good = new Map<string, T>();
  /** Versions that did not load, with their error (thrown again on a first load). */
  const bad = new Map<string, unknown>();
  let serving: { version: string; value: T } | undefined;
  let checkedAt = -Infinity;
  let inFlight: Promise<T> | undefined;

  const use = (version: string, value: T, cached: boolean): T => {
    const previous = serving?.version;
    good.delete(version);
    good.set(version, value);
    while (good.size > keep) good.delete(good.keys().next().value as string);
    serving = { version, value };
    if (previous !== version) options.onLoaded?.({ version, value, previous, cached });
    return value;
  };

  const check = async (): Promise<T> => {
    checkedAt = now();
    let version: string;
    try {
      version = await source.currentVersion();
    } catch (error) {
      if (!serving) throw error;
      options.onTrouble?.(error, 'check');
      return serving.value;
    }
    if (serving?.version === version) return serving.value;
    const known = good.get(version);
    if (known !== undefined) return use(version, known, true);
    if (bad.has(version)) {
      if (!serving) throw bad.get(version);
      return serving.value;
    }
    let text: string;
    try {
      text = await source.read(version);
    } catch (error) {
      // Not the version's fault (it may be read next time): not remembered as bad.
      if (!serving) throw error;
      options.onTrouble?.(error, 'read');
      return serving.value;
    }
    let value: T;
    try {
      value = await compile(text, version);
    } catch (error) {
      bad.set(version, error);
      if (!serving) throw error;
      const where = (error as Located | undefined)?.source;
      try {
        await options.onBadVersion?.({
          object: source.name,
          version,
          message: (error as Error)?.message ?? String(error),
          ...(where?.file ? { file: where.file } : {}),
          ...(where?.line !== undefined ? { line: where.line } : {}),
          serving: serving.version,
        });
      } catch (reportError) {
        options.onTrouble?.(reportError, 'report');
      }
      return serving.value;
    }
    return use(version, value, false);
  };

  return {
    get() {
      if (inFlight) return inFlight;
      // Until a first load succeeds, every call tries (as the file source does); then once per interval.
      if (serving && now() - checkedAt < checkEveryMs) return Promise.resolve(serving.value);
      inFlight = check().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    version: () => serving?.version,
  };
}

/** An S3 object's place: `s3://bucket/key`. */
export interface ObjectLocation {
  bucket: string;
  key: string;
}

/** `s3://bucket/path/key.json` → its bucket and key; undefined for anything else (a file path). */
export function parseObjectUrl(text: string): ObjectLocation | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(text);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

export const objectUrl = ({ bucket, key }: ObjectLocation): string => `s3://${bucket}/${key}`;
