import { memoized } from './memo';

/** The device families the dashboard breaks acceptances down by. */
export const deviceFamilies = ['ios', 'android', 'windows', 'macos', 'other'] as const;
export type DeviceFamily = (typeof deviceFamilies)[number];

export const deviceFamilyLabels: Record<DeviceFamily, string> = {
  ios: 'iPhone and iPad', android: 'Android', windows: 'Windows', macos: 'macOS', other: 'Other',
};

/**
 * The family of the guest's device, from the user agent of the captive mini-browser. Decided at
 * insert, because the user agent itself is deleted after the retention period (issue 6).
 * Order matters: Windows Phone says "Android" and "like iPhone", Android says "Linux",
 * and iPads since iPadOS 13 say "Macintosh" but keep "Mobile/" (which no Mac sends).
 */
export function deviceFamily(userAgent: string | null | undefined): DeviceFamily {
  return userAgent ? familyOfUserAgent(userAgent) : 'other';
}

// A crowd's phones send a few dozen distinct user agents: each is classified once.
const familyOfUserAgent = memoized((userAgent: string): DeviceFamily => {
  if (/Windows Phone/i.test(userAgent)) return 'other';
  if (/Android/i.test(userAgent)) return 'android';
  if (/iPhone|iPad|iPod/.test(userAgent)) return 'ios';
  if (/Macintosh|Mac OS X/i.test(userAgent)) return /Mobile\//.test(userAgent) ? 'ios' : 'macos';
  if (/Windows NT|Windows/i.test(userAgent)) return 'windows';
  return 'other';
});
