import { createHash, randomBytes } from 'node:crypto';
import { publicLink } from '../config';
import type { Context } from '../context';

export function hashSetupToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The first-run link that creates the admin account, or null when an admin exists. The token is
 * random, kept only as its hash, and works once (and only while there is no admin).
 */
export async function createSetupLink(ctx: Pick<Context, 'config' | 'store' | 'now'>): Promise<string | null> {
  if (await ctx.store.countAdminUsers() > 0) return null;
  const token = randomBytes(32).toString('base64url');
  await ctx.store.addSetupToken(hashSetupToken(token), ctx.now());
  return publicLink(ctx.config, `admin/setup?token=${token}`);
}
