import http from 'node:http';

/** A plain HTTP exchange with the servers under test; the bench reads bodies as bytes. */
export interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

type RequestOptions = { method?: string; headers?: http.OutgoingHttpHeaders; body?: string };

export function request(url: string, options: RequestOptions = {}, retried = false): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as it was reused: the request never reached
      // the server, so sending it again on a new socket is safe (Node's documented req.reusedSocket case).
      if (req.reusedSocket && !retried && (error.code === 'ECONNRESET' || error.message === 'socket hang up')) {
        resolve(request(url, options, true));
      } else {
        reject(error);
      }
    });
    req.end(options.body);
  });
}

/** Runs `task(i)` for i in 0..count-1, at most `concurrency` at a time, keeping results in order. */
export async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

/**
 * The accept form of a terms page: its action and the fields a browser would submit (hidden
 * inputs and the submit button). A light scan, not a full parser: it runs on thousands of pages.
 */
export function acceptForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form\s[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error('no POST form on the page');
  const action = /\baction="([^"]*)"/i.exec(form[0])?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const [tag] of form[1].matchAll(/<(?:input|button)\b[^>]*>/gi)) {
    if (/^<input/i.test(tag) && !/\btype="hidden"/i.test(tag)) continue;
    const name = /\bname="([^"]*)"/i.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(tag)?.[1] ?? '';
    if (name && !(name in fields)) fields[name] = value.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => entities[e]);
  }
  return { action: action.replace(/&amp;/g, '&'), fields };
}
