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
