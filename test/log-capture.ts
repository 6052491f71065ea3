import { log } from '../app/log';

/**
 * Records every log line written while `action` runs (at debug level, so nothing is filtered out),
 * then restores the silence the tests run in.
 */
export async function captureLog<T>(action: () => Promise<T>): Promise<{ result: T; lines: string }> {
  let lines = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { lines += String(chunk); return true; }) as typeof process.stderr.write;
  log.setLevel('debug');
  try {
    const result = await action();
    log.flush();
    return { result, lines };
  } finally {
    process.stderr.write = write;
    log.setLevel(process.env.LOG_LEVEL ? (process.env.LOG_LEVEL as 'info') : 'silent');
  }
}
