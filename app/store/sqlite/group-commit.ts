import type Database from 'better-sqlite3';

/**
 * Group commit: the writes requested while the event loop handles one batch of arrivals run in one
 * transaction, and each resolves only once that transaction is committed. Under a crowd one commit
 * then carries many acceptances instead of paying the WAL append per row; alone, a write waits for
 * nothing but the end of the current loop turn. A write that throws fails alone (SQLite undoes just
 * that statement); a failed commit fails them all.
 */
export function groupCommit(db: Database.Database): <T>(write: () => T) => Promise<T> {
  let pendingWrites: { write: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];

  function commitPendingWrites(): void {
    const batch = pendingWrites;
    pendingWrites = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const { write } of batch) {
          try {
            outcomes.push({ ok: true, value: write() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  return <T>(write: () => T) => new Promise<T>((resolve, reject) => {
    // Inside a caller's own transaction (bulk imports, seeding) the write joins it at once.
    if (db.inTransaction) return resolve(write());
    if (pendingWrites.length === 0) setImmediate(commitPendingWrites);
    pendingWrites.push({ write, resolve: resolve as (value: unknown) => void, reject });
  });
}
