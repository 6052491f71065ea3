/**
 * A pure function of one text, remembered for the most recent distinct texts: request headers such as
 * Accept-Encoding and Accept-Language take a few dozen values across a whole crowd of phones. Bounded,
 * since the texts come from requests.
 */
export function memoized<T>(compute: (text: string) => T, maxEntries = 256): (text: string) => T {
  const results = new Map<string, T>();
  return (text) => {
    let result = results.get(text);
    if (result === undefined) {
      result = compute(text);
      if (results.size >= maxEntries) results.clear();
      results.set(text, result);
    }
    return result;
  };
}

/**
 * A pure function of one object, remembered as long as the object lives: the store hands out the same
 * frozen venue or router object until it changes, so what is derived from one is made once.
 */
export function memoizedPerObject<K extends object, T>(compute: (key: K) => T): (key: K) => T {
  const results = new WeakMap<K, T>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) {
      result = compute(key);
      results.set(key, result);
    }
    return result;
  };
}
