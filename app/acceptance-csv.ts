import type { AcceptanceExportRow } from './store/types';

/** The columns of an acceptances CSV, from `export acceptances` and the dashboard's download alike. */
export const acceptanceCsvColumns: (keyof AcceptanceExportRow)[] = [
  'id', 'acceptedAt', 'localDay', 'gatewayId', 'termsRelease', 'termsLanguage', 'termsSha256',
  'clientMac', 'clientIp', 'userAgent', 'language', 'handoff', 'routerUnauthenticated',
];

/**
 * A CSV cell. Wherever a spreadsheet could start a cell (the text's start, or after a `,` or `;`, the
 * separators of en and of de, fr, es, it, nl, or a line break, for an importer that ignores quotes), a
 * character that starts a formula, also in its full-width form, is prefixed with a quote; a cell with
 * a separator, quote or line break is quoted.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value).replace(/[,;\r\n](?=[=+\-@\t\r\uff1d\uff0b\uff0d\uff20])/g, "$&'");
  if (/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(row: object, columns: readonly string[]): string {
  return columns.map((column) => csvCell((row as Record<string, unknown>)[column])).join(',') + '\r\n';
}

/** Writes the header and one line per acceptance (CRLF, as RFC 4180 and spreadsheets expect). */
export async function writeAcceptancesCsv(
  rows: AsyncIterable<AcceptanceExportRow>,
  /** May return a promise to wait for, e.g. until a slow HTTP client has taken what was sent. */
  write: (text: string) => void | Promise<void>,
): Promise<void> {
  await write(acceptanceCsvColumns.join(',') + '\r\n');
  for await (const row of rows) await write(csvLine(row, acceptanceCsvColumns));
}
