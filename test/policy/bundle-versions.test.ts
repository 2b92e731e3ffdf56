// Following a versioned policy object: when it is checked, read and compiled, and what serves when
// a version does not load. A fake object and a fake clock; the S3 side is in
// test/lambda/policies-s3.moto.test.ts.
import { describe, expect, it } from 'vitest';
import { parseObjectUrl, reloadingPolicies, type BadPolicyVersion, type ReloadOptions, type VersionedBundle } from '../../src/policy/bundle-versions.js';

/** An object whose versions are set by the test; counts the calls made to it. */
function fakeObject(first: string) {
  const versions: { id: string; text: string }[] = [{ id: 'v1', text: first }];
  const calls = { heads: 0, reads: [] as string[] };
  let failHead: Error | undefined;
  const source: VersionedBundle = {
    name: 's3://policies/policies.json',
    currentVersion() {
      calls.heads++;
      return failHead ? Promise.reject(failHead) : Promise.resolve(versions[versions.length - 1]!.id);
    },
    read(version) {
      calls.reads.push(version);
      const found = versions.find((v) => v.id === version);
      return found ? Promise.resolve(found.text) : Promise.reject(new Error(`no version ${version}`));
    },
  };
  return {
    source,
    calls,
    put: (text: string) => versions.push({ id: `v${versions.length + 1}`, text }),
    /** The newest version deleted: the one before is current again. */
    deleteNewest: () => versions.pop(),
    failHeads: (error: Error | undefined) => (failHead = error),
  };
}

/** "good:<name>" compiles to <name>; anything else fails, with a source for "bad-at:<file>:<line>". */
function compile(text: string): string {
  if (text.startsWith('good:')) return text.slice('good:'.length);
  const located = /^bad-at:(.+):(\d+)$/.exec(text);
  if (located)
    throw Object.assign(new Error(`${located[1]}:${located[2]}: customRules[x]: expression does not compile`), {
      source: { file: located[1], line: Number(located[2]) },
    });
  throw new Error(`not a bundle: ${text}`);
}

function setup(first = 'good:one', options: Partial<ReloadOptions<string>> = {}) {
  const object = fakeObject(first);
  let clock = 1_000_000;
  const bad: BadPolicyVersion[] = [];
  const loaded: string[] = [];
  const trouble: string[] = [];
  let compiled = 0;
  const policies = reloadingPolicies<string>({
    source: object.source,
    compile: (text) => {
      compiled++;
      return compile(text);
    },
    checkEveryMs: 60_000,
    now: () => clock,
    onBadVersion: (problem) => void bad.push(problem),
    onLoaded: ({ version }) => void loaded.push(version),
    onTrouble: (error, during) => void trouble.push(`${during}: ${(error as Error).message}`),
    ...options,
  });
  return { policies, object, bad, loaded, trouble, compiledCount: () => compiled, tick: (ms: number) => (clock += ms) };
}

describe('reloadingPolicies', () => {
  it('loads the current version first, then serves it without a call until the check interval has passed', async () => {
    const t = setup();
    expect(await t.policies.get()).toBe('one');
    expect(t.object.calls).toEqual({ heads: 1, reads: ['v1'] });
    t.tick(59_999);
    expect(await t.policies.get()).toBe('one');
    expect(t.object.calls.heads).toBe(1);
  });

  it('does not read again when the version is unchanged', async () => {
    const t = setup();
    await t.policies.get();
    t.tick(60_000);
    expect(await t.policies.get()).toBe('one');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('one');
    expect(t.object.calls).toEqual({ heads: 3, reads: ['v1'] });
    expect(t.compiledCount()).toBe(1);
  });

  it('applies a new version at the next check, not before', async () => {
    const t = setup();
    await t.policies.get();
    t.object.put('good:two');
    t.tick(30_000);
    expect(await t.policies.get()).toBe('one');
    t.tick(30_000);
    expect(await t.policies.get()).toBe('two');
    expect(t.policies.version()).toBe('v2');
    expect(t.loaded).toEqual(['v1', 'v2']);
  });

  it('keeps the last good set when a new version does not load, and reports it once, naming the file and line', async () => {
    const t = setup();
    await t.policies.get();
    t.object.put('bad-at:policies/prod.yaml:12');
    for (let i = 0; i < 3; i++) {
      t.tick(60_000);
      expect(await t.policies.get()).toBe('one');
    }
    expect(t.bad).toEqual([
      {
        object: 's3://policies/policies.json',
        version: 'v2',
        message: 'policies/prod.yaml:12: customRules[x]: expression does not compile',
        file: 'policies/prod.yaml',
        line: 12,
        serving: 'v1',
      },
    ]);
    // Read and compiled once: a bad version is remembered, not tried again.
    expect(t.object.calls.reads).toEqual(['v1', 'v2']);
    expect(t.policies.version()).toBe('v1');
  });

  it('recovers with a later good version, and reports each bad version once', async () => {
    const t = setup();
    await t.policies.get();
    t.object.put('not json');
    t.tick(60_000);
    await t.policies.get();
    t.object.put('good:three');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('three');
    t.object.put('still not json');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('three');
    expect(t.bad.map((b) => [b.version, b.serving, b.message])).toEqual([
      ['v2', 'v1', 'not a bundle: not json'],
      ['v4', 'v3', 'not a bundle: still not json'],
    ]);
  });

  it('compiles a version once: going back to an earlier version (the newest deleted) uses the set compiled before', async () => {
    const t = setup();
    await t.policies.get();
    t.object.put('good:two');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('two');
    t.object.deleteNewest();
    t.tick(60_000);
    expect(await t.policies.get()).toBe('one');
    expect(t.compiledCount()).toBe(2);
    expect(t.object.calls.reads).toEqual(['v1', 'v2']);
  });

  it('needs a good first load: it throws, and tries again on the next call (a bad version is not read twice)', async () => {
    const t = setup('broken');
    await expect(t.policies.get()).rejects.toThrow('not a bundle: broken');
    await expect(t.policies.get()).rejects.toThrow('not a bundle: broken');
    expect(t.object.calls).toEqual({ heads: 2, reads: ['v1'] });
    // Not an alert: there is no last good set; the caller throws (the events are retried).
    expect(t.bad).toEqual([]);
    t.object.put('good:fixed');
    expect(await t.policies.get()).toBe('fixed');
  });

  it('keeps serving when the object cannot be checked, and checks again at the next interval', async () => {
    const t = setup();
    await t.policies.get();
    t.object.failHeads(new Error('SlowDown'));
    t.tick(60_000);
    expect(await t.policies.get()).toBe('one');
    expect(t.trouble).toEqual(['check: SlowDown']);
    t.object.failHeads(undefined);
    t.object.put('good:two');
    expect(await t.policies.get()).toBe('one');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('two');
  });

  it('a first load that cannot reach the object throws what went wrong', async () => {
    const t = setup();
    t.object.failHeads(new Error('AccessDenied'));
    await expect(t.policies.get()).rejects.toThrow('AccessDenied');
  });

  it('an alert that cannot be sent is not sent again, and the last good set serves on', async () => {
    const t = setup('good:one', {
      onBadVersion: () => {
        throw new Error('SNS is down');
      },
    });
    await t.policies.get();
    t.object.put('nonsense');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('one');
    t.tick(60_000);
    expect(await t.policies.get()).toBe('one');
    expect(t.trouble).toEqual(['report: SNS is down']);
  });

  it('shares one check between concurrent callers', async () => {
    const t = setup();
    const [a, b, c] = await Promise.all([t.policies.get(), t.policies.get(), t.policies.get()]);
    expect([a, b, c]).toEqual(['one', 'one', 'one']);
    expect(t.object.calls).toEqual({ heads: 1, reads: ['v1'] });
  });

  it('checks on every call with an interval of 0', async () => {
    const t = setup('good:one', { checkEveryMs: 0 });
    await t.policies.get();
    t.object.put('good:two');
    expect(await t.policies.get()).toBe('two');
  });
});

describe('parseObjectUrl', () => {
  it('reads s3://bucket/key, and nothing else', () => {
    expect(parseObjectUrl('s3://hub-policies/prod/policies.json')).toEqual({ bucket: 'hub-policies', key: 'prod/policies.json' });
    for (const text of ['compiled/policies.json', 's3://bucket', 's3://bucket/', 's3://B/key', 'https://bucket/key'])
      expect(parseObjectUrl(text), text).toBeUndefined();
  });
});
