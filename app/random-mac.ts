/**
 * Whether a MAC address is locally administered (bit 1 of the first octet set): phones pick such
 * random addresses per network (iOS "Private Wi-Fi Address", Android "Randomised MAC"), which
 * changes how often the same phone can be recognised on a later day.
 */
export function isRandomisedMac(mac: string): boolean {
  const firstOctet = Number.parseInt(mac.slice(0, 2), 16);
  return Number.isInteger(firstOctet) && (firstOctet & 0x02) !== 0;
}
