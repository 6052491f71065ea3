import { createHash, randomBytes } from 'node:crypto';
import { publicLink } from '../config';
import type { Context } from '../context';

export function hashSetupToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The first-run link that creates the admin account, or null when an admin exists. The token is
 * random, kept only as its hash, and works once (and only while there is no admin). Only the newest
 * link works: the server makes one at every start, so a link printed before a restart is dead.
 */
export async function createSetupLink(ctx: Pick<Context, 'config' | 'store' | 'now'>): Promise<string | null> {
  if (await ctx.store.countAdminUsers() > 0) return null;
  const token = randomBytes(32).toString('base64url');
  await ctx.store.replaceSetupToken(hashSetupToken(token), ctx.now());
  return publicLink(ctx.config, `admin/setup?token=${token}`);
}
