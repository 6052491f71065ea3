import { createHash } from 'node:crypto';
import session, { type SessionData } from 'express-session';
import type { Context } from '../context';
import { log } from '../log';

const hashSid = (sid: string) => createHash('sha256').update(sid, 'utf8').digest('hex');
const pruneEveryMs = 60 * 60_000;

/**
 * express-session's store on Portico's own database (through the Store interface, so its SQL lives
 * in app/store/). Expiry uses the context clock: the cookie's remaining lifetime from ctx.now().
 */
export class AdminSessionStore extends session.Store {
  private lastPrune = 0;

  constructor(private readonly ctx: Pick<Context, 'store' | 'now'>, private readonly defaultLifetimeMs: number) {
    super();
  }

  private expiresAt(data: SessionData): number {
    return this.ctx.now() + (data.cookie?.maxAge ?? this.defaultLifetimeMs);
  }

  get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    this.ctx.store.getAdminSession(hashSid(sid), this.ctx.now())
      .then((data) => callback(null, data === undefined ? null : JSON.parse(data) as SessionData), callback);
  }

  set(sid: string, data: SessionData, callback?: (error?: unknown) => void): void {
    this.prune();
    this.ctx.store.saveAdminSession(hashSid(sid), JSON.stringify(data), this.expiresAt(data))
      .then(() => callback?.(), (error) => callback?.(error));
  }

  touch(sid: string, data: SessionData, callback?: () => void): void {
    this.ctx.store.touchAdminSession(hashSid(sid), this.expiresAt(data)).then(() => callback?.(), () => callback?.());
  }

  destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.ctx.store.deleteAdminSession(hashSid(sid)).then(() => callback?.(), (error) => callback?.(error));
  }

  /** Expired rows are deleted at most hourly, on a write. */
  private prune(): void {
    const now = this.ctx.now();
    if (now - this.lastPrune < pruneEveryMs) return;
    this.lastPrune = now;
    this.ctx.store.deleteExpiredAdminSessions(now).then(
      (count) => { if (count > 0) log.debug('expired admin sessions deleted', { count }); },
      (error) => log.warn('could not delete expired admin sessions', { error: String(error) }),
    );
  }
}
