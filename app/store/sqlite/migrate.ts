import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { migrationsDir } from '../../paths';

/**
 * Applies the numbered SQL files of migrations/ that this database has not seen, in order,
 * each in its own transaction together with its record in schema_migrations.
 */
export function applyMigrations(db: Database.Database, dir = migrationsDir): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version));
  const files = fs.readdirSync(dir)
    .map((name) => ({ name, match: /^(\d+)_[\w-]+\.sql$/.exec(name) }))
    .filter((file): file is { name: string; match: RegExpExecArray } => file.match !== null)
    .map((file) => ({ name: file.name, version: Number(file.match[1]) }))
    .sort((a, b) => a.version - b.version);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const file of files) {
    if (applied.has(file.version)) continue;
    const sql = fs.readFileSync(path.join(dir, file.name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(file.version, file.name, Date.now());
    }).immediate();
    newlyApplied.push(file.version);
  }
  return newlyApplied;
}
