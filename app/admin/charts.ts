import type { DayFigures } from '../store/types';

/**
 * The dashboard's charts as SVG drawn on the server: nothing loaded from elsewhere, no script, and
 * colours as presentation attributes (the CSP forbids style attributes). Each chart has a title and
 * a description for screen readers; the page also shows the same numbers as tables.
 */

export const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function svg(id: string, width: number, height: number, title: string, description: string, body: string[]): string {
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">`
    + `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>${body.join('')}</svg>`;
}

/** A little above the largest value, rounded to a figure a reader can use for the axis. */
function niceMaximum(value: number): number {
  if (value <= 5) return 5;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= value)!;
  return step * magnitude;
}

/** Devices per day as stacked bars: returning at the bottom, new on top. */
export function devicesPerDayChart(days: DayFigures[]): string {
  const width = 640;
  const height = 220;
  const left = 40;
  const bottom = 24;
  const top = 8;
  const plotHeight = height - bottom - top;
  const maximum = niceMaximum(Math.max(0, ...days.map((d) => d.newDevices + d.returningDevices)));
  const slot = (width - left) / Math.max(days.length, 1);
  const barWidth = Math.max(1, slot * 0.75);
  const y = (value: number) => top + plotHeight - (value / maximum) * plotHeight;
  const body: string[] = [
    `<line x1="${left}" y1="${y(0)}" x2="${width}" y2="${y(0)}" stroke="#8a8a86"/>`,
    `<line x1="${left}" y1="${y(maximum)}" x2="${width}" y2="${y(maximum)}" stroke="#d8d8d4"/>`,
    `<text x="${left - 4}" y="${y(maximum) + 4}" text-anchor="end" font-size="11">${maximum}</text>`,
    `<text x="${left - 4}" y="${y(0)}" text-anchor="end" font-size="11">0</text>`,
  ];
  const labelEvery = Math.ceil(days.length / 8);
  days.forEach((day, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    const label = `${day.day}: ${day.newDevices} new, ${day.returningDevices} returning`;
    body.push(`<g><title>${escapeXml(label)}</title>`
      + `<rect x="${x.toFixed(1)}" y="${y(day.returningDevices).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(0) - y(day.returningDevices)).toFixed(1)}" fill="#1f5f99"/>`
      + `<rect x="${x.toFixed(1)}" y="${y(day.returningDevices + day.newDevices).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(day.returningDevices) - y(day.returningDevices + day.newDevices)).toFixed(1)}" fill="#e0a030"/></g>`);
    if (index % labelEvery === 0) {
      body.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="11">${day.day.slice(5)}</text>`);
    }
  });
  const total = (key: 'newDevices' | 'returningDevices') => days.reduce((sum, day) => sum + day[key], 0);
  return svg('devices-chart', width, height, 'Devices per day, new and returning',
    `Over ${days.length} days: ${total('newDevices')} new and ${total('returningDevices')} returning device-days. The table below lists every day.`, body);
}

/** Acceptances by weekday (rows) and hour (columns); darker is busier. */
export function busiestHoursChart(hours: { weekday: number; hour: number; acceptances: number }[]): string {
  const cell = 24;
  const left = 36;
  const top = 16;
  const maximum = Math.max(1, ...hours.map((h) => h.acceptances));
  const body: string[] = [];
  for (let hour = 0; hour < 24; hour += 3) body.push(`<text x="${left + hour * cell + cell / 2}" y="12" text-anchor="middle" font-size="10">${hour}h</text>`);
  weekdayNames.forEach((name, row) => {
    body.push(`<text x="${left - 4}" y="${top + row * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${name}</text>`);
    for (let hour = 0; hour < 24; hour++) body.push(`<rect x="${left + hour * cell}" y="${top + row * cell}" width="${cell - 2}" height="${cell - 2}" fill="#eeeeea"/>`);
  });
  for (const { weekday, hour, acceptances } of hours) {
    const opacity = (0.15 + 0.85 * (acceptances / maximum)).toFixed(2);
    body.push(`<rect x="${left + hour * cell}" y="${top + (weekday - 1) * cell}" width="${cell - 2}" height="${cell - 2}" fill="#1f5f99" fill-opacity="${opacity}">`
      + `<title>${weekdayNames[weekday - 1]} ${hour}:00–${hour + 1}:00: ${acceptances}</title></rect>`);
  }
  const busiest = [...hours].sort((a, b) => b.acceptances - a.acceptances)[0];
  const description = busiest
    ? `The busiest hour was ${weekdayNames[busiest.weekday - 1]} ${busiest.hour}:00 to ${busiest.hour + 1}:00 with ${busiest.acceptances} acceptances.`
    : 'No acceptances in this period.';
  return svg('hours-chart', left + 24 * cell, top + 7 * cell, 'Acceptances by weekday and hour, venue time', description, body);
}
