import { execFile } from 'node:child_process';
import { acceptForm, request } from './http-client';
import { portico } from './processes';

/*
 * The owner's side under a large history: the dashboard behind its login, and `stats --json`.
 * Both are timed as the owner waits for them: the whole answer, first (cold) and repeated (warm).
 */

export interface Timing {
  coldMs: number;
  warmMs: number;
}

const adminUser = 'bench';
const adminPassword = 'bench-password-for-a-loopback-run';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Creates the bench's admin account (before Portico starts); false with the reason when there is no admin yet. */
export async function addAdmin(dataDir: string, env: Record<string, string> = {}): Promise<{ ok: boolean; reason: string }> {
  const result = await portico(dataDir, ['admin', 'add', adminUser, '--password-stdin'], `${adminPassword}\n`, env);
  return { ok: result.code === 0, reason: (result.stderr || result.stdout).trim().split('\n')[0] };
}

function cookiesOf(setCookie: string[] | undefined, jar: Map<string, string>): void {
  for (const line of setCookie ?? []) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/** Signs in through /admin/login as a browser would (CSRF field and cookie included); returns the session cookie. */
export async function signIn(baseUrl: string): Promise<string> {
  const jar = new Map<string, string>();
  const loginUrl = new URL('admin/login', baseUrl).href;
  const page = await request(loginUrl);
  cookiesOf(page.headers['set-cookie'], jar);
  const html = page.body.toString('utf8');
  const form = acceptForm(html);
  const userField = /<input\s[^>]*\bname="([^"]*user[^"]*)"/i.exec(html)?.[1] ?? 'username';
  const passwordField = /<input\s[^>]*\btype="password"[^>]*\bname="([^"]*)"/i.exec(html)?.[1]
    ?? /<input\s[^>]*\bname="([^"]*)"[^>]*\btype="password"/i.exec(html)?.[1] ?? 'password';
  const body = new URLSearchParams({ ...form.fields, [userField]: adminUser, [passwordField]: adminPassword }).toString();
  const answer = await request(new URL(form.action || 'admin/login', loginUrl).href, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) }, body,
  });
  cookiesOf(answer.headers['set-cookie'], jar);
  if (answer.status !== 302 && answer.status !== 303) throw new Error(`admin login answered ${answer.status}`);
  return cookieHeader(jar);
}

/** Where the admin lands after signing in: the one venue's dashboard, or the operators' overview. */
export async function adminHome(baseUrl: string, cookie: string): Promise<string> {
  const answer = await request(new URL('admin/', baseUrl).href, { headers: { cookie } });
  if (answer.status !== 303 || !answer.headers.location) throw new Error(`admin/ answered ${answer.status}`);
  return new URL(answer.headers.location, baseUrl).href;
}

/** Each view's first answer (cold) and the median of repeats (warm); the worst view counts. */
export async function timeViews(views: string[], cookie: string, warmRuns = 5): Promise<Timing> {
  const once = async (view: string) => {
    const started = process.hrtime.bigint();
    const answer = await request(view, { headers: { cookie } });
    if (answer.status !== 200) throw new Error(`${view} answered ${answer.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  let coldMs = 0;
  let warmMs = 0;
  for (const view of views) {
    coldMs = Math.max(coldMs, await once(view));
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await once(view));
    warmMs = Math.max(warmMs, median(warm));
  }
  return { coldMs, warmMs };
}

/** The views of its dashboard the owner opens most; the default one is first, so its first request is the cold one. */
export async function timeDashboard(baseUrl: string, cookie: string, warmRuns = 5): Promise<Timing> {
  const dashboard = await adminHome(baseUrl, cookie);
  return timeViews([dashboard, `${dashboard}?period=30d`, `${dashboard}?period=30d&gateway=bar`], cookie, warmRuns);
}

/** `npx portico stats --json` over the last 30 days, each run a new process: the whole command as the owner waits for it. */
export async function timeStatsCommand(dataDir: string, env: Record<string, string> = {}, warmRuns = 3): Promise<Timing & { acceptances: number }> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const args = ['stats', '--json', '--from', day(Date.now() - 29 * 86_400_000), '--to', day(Date.now())];
  const once = async () => {
    const result = await portico(dataDir, args, undefined, env);
    if (result.code !== 0) throw new Error(`stats --json exited ${result.code}: ${result.stderr.trim().split('\n')[0]}`);
    return result;
  };
  const cold = await once();
  const warm: number[] = [];
  for (let i = 0; i < warmRuns; i++) warm.push((await once()).ms);
  const acceptances = Number((JSON.parse(cold.stdout) as { acceptances?: unknown }).acceptances);
  return { coldMs: cold.ms, warmMs: median(warm), acceptances };
}

/** What starting Node alone costs, so that the owner's wait for a command can be read against it. */
export async function nodeStartMs(): Promise<number> {
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => execFile(process.execPath, ['-e', '0'], (error) => (error ? reject(error) : resolve())));
  return Number(process.hrtime.bigint() - started) / 1e6;
}
