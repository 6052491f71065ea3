import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { log } from '../../log';

/*
 * WAL checkpoints on a worker thread. A checkpoint copies the WAL's pages into the database file and
 * waits for the disk twice (synchronous=NORMAL); on the event loop, under a crowd of acceptances, that
 * stalled every guest for milliseconds several times a second. The worker has its own connection and
 * checkpoints PASSIVE (never blocking the server's reads and writes) a few times a second; the server's
 * connection keeps a far larger automatic checkpoint only as a safety net.
 */

const intervalMs = 250;
/** A checkpoint that keeps failing (a full or failing disk) is reported once a minute, not four times a second. */
const failureReportMs = 60_000;

interface CheckpointerData {
  file: string;
  synchronous: string;
}

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts the worker; if it ever stops on an error, `onFailure` hands checkpoints back to the server's connection. */
export function startCheckpointer(file: string, synchronous: string, onFailure: () => void): Checkpointer {
  // A small heap: the worker only runs one statement on a timer.
  const worker = new Worker(__filename, {
    workerData: { file, synchronous } satisfies CheckpointerData,
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  worker.unref();
  // A failed checkpoint is tried again at the next tick.
  worker.on('message', checkpointFailureReporter(Date.now));
  worker.on('error', (error) => {
    log.error('WAL checkpoint worker stopped; the server checkpoints itself from now on', { error: error.message });
    onFailure();
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref(); // kept alive until the worker has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** Logs the first failure at once, then at most one line a minute, with the number of failures it stands for. */
export function checkpointFailureReporter(now: () => number): (reason: string) => void {
  let reportedAt = -Infinity;
  let failures = 0;
  return (reason) => {
    failures++;
    if (now() - reportedAt < failureReportMs) return;
    log.warn('WAL checkpoint failed; trying again', { reason, failures });
    reportedAt = now();
    failures = 0;
  };
}

function runCheckpoints({ file, synchronous }: CheckpointerData): void {
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('cache_size = -256'); // a checkpoint copies pages through its own buffer, not the page cache
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => {
    try {
      checkpoint.run();
    } catch (error) {
      parentPort!.postMessage((error as Error).message);
    }
  }, intervalMs);
  parentPort!.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort!.close();
  });
}

if (!isMainThread && (workerData as Partial<CheckpointerData> | null)?.file) runCheckpoints(workerData as CheckpointerData);
