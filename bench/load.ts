import autocannon from 'autocannon';

/** One load run against one server: autocannon's figures, reduced to what the report compares. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers outside 2xx/3xx, connection errors and timeouts: a scenario with any is not a valid measure. */
  failures: number;
  seconds: number;
}

export interface Load {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is given. */
  duration: number;
  /** Exactly this many requests (e.g. one per fresh token), instead of a duration. */
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Called before each request; returns its path and, for a POST, its body. */
  next?: () => { path: string; body?: string };
  /** Sees each answer's body (costs the load generator a little; used where the status alone says nothing). */
  onBody?: (body: string) => void;
}

export async function runLoad(load: Load): Promise<LoadResult> {
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: load.url,
      connections: load.connections,
      ...(load.amount ? { amount: load.amount } : { duration: load.duration }),
      method: load.method ?? 'GET',
      headers: load.headers,
      timeout: 10,
      requests: load.next || load.onBody ? [{
        setupRequest: load.next && ((request) => {
          const { path, body } = load.next!();
          return { ...request, path, ...(body === undefined ? {} : { body }) };
        }),
        onResponse: load.onBody && ((_status, body) => load.onBody!(body)),
      }] : undefined,
    }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', () => { lastAnswer = process.hrtime.bigint(); });
  });
  // autocannon ends a fixed-amount run on its next one-second tick: time to the last answer instead.
  const seconds = Number(lastAnswer - started) / 1e9;
  const { statusCodeStats } = result as unknown as { statusCodeStats?: Record<string, { count: number }> };
  let unexpected = 0;
  for (const [code, { count }] of Object.entries(statusCodeStats ?? {})) if (Number(code) >= 400) unexpected += count;
  const total = result.requests.total;
  return {
    rps: total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: total,
    failures: unexpected + result.errors + result.timeouts,
    seconds,
  };
}

/**
 * One load spread over several instances of one installation: each gets its share of the connections (and
 * of a fixed amount), all drawing from the same `next`, at once. Throughput is the sum; latencies the slower instance's.
 */
export async function runSpread(load: Load, urls: string[]): Promise<LoadResult> {
  const share = (total: number, i: number) => Math.floor(total / urls.length) + (i < total % urls.length ? 1 : 0);
  const results = await Promise.all(urls.map((url, i) => runLoad({
    ...load, url, connections: share(load.connections, i), ...(load.amount ? { amount: share(load.amount, i) } : {}),
  })));
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  return {
    rps: requests / seconds,
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    requests,
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    seconds,
  };
}
