/** A shallow copy of `value` without `keys`: for dropping generated fields (revision ARNs, timestamps) before comparing or re-sending. */
export function omit<T extends object, K extends PropertyKey>(value: T, keys: readonly K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !(keys as readonly PropertyKey[]).includes(key))) as Omit<T, K>;
}
