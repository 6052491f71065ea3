import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { UserError } from '../errors';

/*
 * scrypt from node:crypto with a random salt per user. The cost parameters are stored with each
 * hash (scrypt$N$r$p$salt$key), so they can be raised later without breaking existing accounts.
 */
const cost = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  // maxmem above 128 * N * r, which is exactly Node's default limit at N = 2^15.
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 },
    (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(N), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compared against when the user name is unknown, so that a wrong name takes as long as a wrong password. */
export const unknownUserHash = `scrypt$${cost.N}$${cost.r}$${cost.p}$${randomBytes(16).toString('base64')}$${randomBytes(keyLength).toString('base64')}`;

const usernamePattern = /^[A-Za-z0-9._@-]{1,64}$/;
export const minPasswordLength = 10;

/** Account rules shared by the setup page and `portico admin`. */
export function checkUsername(username: string): string {
  if (!usernamePattern.test(username)) throw new UserError('The user name must be 1 to 64 letters, digits, ".", "_", "@" or "-".');
  return username;
}

export function checkNewPassword(password: string): string {
  if (password.length < minPasswordLength) throw new UserError(`The password must be at least ${minPasswordLength} characters long.`);
  if (password.length > 1024) throw new UserError('The password must be at most 1024 characters long.');
  return password;
}
