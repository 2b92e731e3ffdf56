/**
 * Caches what a rule derives from its options (compiled globs, sets). Options objects are
 * built once per rule set, so identity is the right key, and the hot path does a single lookup.
 */
export function memoByOptions<O extends object, T>(derive: (options: O) => T): (options: O) => T {
  const cache = new WeakMap<O, T>();
  return (options) => {
    let value = cache.get(options);
    if (value === undefined) {
      value = derive(options);
      cache.set(options, value);
    }
    return value;
  };
}
