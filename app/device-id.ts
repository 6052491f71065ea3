import { createHmac } from 'node:crypto';

/** A pseudonymous device id: counts returning devices without keeping their MAC. */
export function deviceIdFor(key: Buffer, mac: string): string {
  return createHmac('sha256', key).update(mac).digest('hex').slice(0, 32);
}
