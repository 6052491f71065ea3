/**
 * One line per event on stderr: `time level message key=value …`, or with LOG_FORMAT=json one JSON
 * object per line with the same time, level, message and fields.
 * Personal data never reaches the log whole: pass MACs through maskMac, never log tokens or secrets.
 */
export type Fields = Record<string, string | number | boolean | null | undefined>;
type Level = 'debug' | 'info' | 'warn' | 'error';

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: number = order[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? order.info;

// A MAC anywhere in a line (a path, a gateway id, an echoed parameter), in colon, dash or URL-encoded form.
const macInText = /\b([0-9a-f]{2})(:|-|%3a)([0-9a-f]{2})\2([0-9a-f]{2})\2[0-9a-f]{2}\2[0-9a-f]{2}\2[0-9a-f]{2}\b/gi;

/** The safety net under maskMac: whatever a field holds, no full MAC reaches the log. */
function maskMacsIn(text: string): string {
  return text.replace(macInText, (_match, a: string, separator: string, b: string, c: string) => [a, b, c, 'xx', 'xx', 'xx'].join(separator));
}

let asJson = false;

function textLine(time: string, level: Level, message: string, fields: Fields): string {
  return `${time} ${level} ${maskMacsIn(message)}${format(fields)}\n`;
}

function jsonLine(time: string, level: Level, message: string, fields: Fields): string {
  const line: Record<string, string | number | boolean | null> = { time, level, message: maskMacsIn(message) };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // A field never hides the line's own time, level or message.
    line[key in line ? `field_${key}` : key] = typeof value === 'string' ? maskMacsIn(value) : value;
  }
  return `${JSON.stringify(line)}\n`;
}

function format(fields: Fields): string {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = maskMacsIn(String(value));
    out += ` ${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
  }
  return out;
}

/*
 * stderr is written synchronously (a file or a pipe), one system call per write. Under a crowd every
 * acceptance logs a line, so debug and info lines wait for the end of the loop turn and leave together;
 * a warning or an error is written at once, after whatever waits, and so is everything at exit.
 */
let waiting = '';

function flush(): void {
  if (waiting === '') return;
  const text = waiting;
  waiting = '';
  process.stderr.write(text);
}
process.on('exit', flush);

function write(level: Level, message: string, fields: Fields = {}): void {
  if (order[level] < threshold) return;
  if (waiting === '' && order[level] < order.warn) setImmediate(flush);
  waiting += (asJson ? jsonLine : textLine)(new Date().toISOString(), level, message, fields);
  if (order[level] >= order.warn) flush();
}

export const log = {
  debug: (message: string, fields?: Fields) => write('debug', message, fields),
  info: (message: string, fields?: Fields) => write('info', message, fields),
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
  /** Writes the lines waiting for the end of this loop turn now. */
  flush,
  /** LOG_FORMAT, once the configuration is read. */
  setFormat(format: 'text' | 'json') {
    asJson = format === 'json';
  },
  /** Tests silence the log; LOG_LEVEL chooses it otherwise. */
  setLevel(level: Level | 'silent') {
    threshold = level === 'silent' ? Infinity : order[level];
  },
};

/**
 * A warning that repeats (a router sending the same wrong thing every minute) logged once per key per
 * `intervalMs`; the keys kept are bounded, so a flood of distinct ones costs no memory.
 */
export function warningsNowAndThen(intervalMs: number): (key: string, now: number, message: string, fields: Fields) => void {
  const warnedAt = new Map<string, number>();
  return (key, now, message, fields) => {
    if (now - (warnedAt.get(key) ?? -Infinity) < intervalMs) return;
    if (warnedAt.size >= 1000) warnedAt.clear();
    warnedAt.set(key, now);
    log.warn(message, fields);
  };
}

/** Keeps the vendor half of a MAC (useful when debugging a router) and hides the device half. */
export function maskMac(mac: string | null | undefined): string | undefined {
  if (!mac) return undefined;
  return mac.slice(0, 8) + ':xx:xx:xx';
}
