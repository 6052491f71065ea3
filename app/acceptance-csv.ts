import type { AcceptanceExportRow } from './store/types';

/** The columns of an acceptances CSV, from `export acceptances` and the dashboard's download alike. */
export const acceptanceCsvColumns: (keyof AcceptanceExportRow)[] = [
  'id', 'acceptedAt', 'localDay', 'gatewayId', 'termsRelease', 'termsLanguage', 'termsSha256',
  'clientMac', 'clientIp', 'userAgent', 'language', 'handoff',
];

/** A CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
