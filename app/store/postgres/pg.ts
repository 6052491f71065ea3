import type * as NodePostgres from 'pg';

/**
 * node-postgres, loaded without its Cloudflare Workers probe. Where there is no `navigator` (Node 20), pg/lib/stream.js
 * asks `new Response(…)` whether it runs in a Worker, and that first `Response` loads Node's whole fetch
 * implementation (undici): about 20 ms of every command's start, for a thing Portico never uses. Node 21 and later
 * define `navigator.userAgent`, which answers the probe at once; on Node 20 the same answer is lent for the load only.
 */
function loadNodePostgres(): typeof NodePostgres {
  const lend = !('navigator' in globalThis);
  if (lend) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the load must happen between the lending and the return
    return require('pg') as typeof NodePostgres;
  } finally {
    if (lend) delete (globalThis as { navigator?: unknown }).navigator;
  }
}

const pg = loadNodePostgres();
export default pg;
