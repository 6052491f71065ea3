import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { migrationsDir } from '../../paths';

export const postgresMigrationsDir = path.join(migrationsDir, 'postgres');

/** The numbered SQL files of migrations/postgres/, in order. */
function migrationFiles(dir: string): { name: string; version: number }[] {
  return fs.readdirSync(dir)
    .map((name) => ({ name, match: /^(\d+)_[\w-]+\.sql$/.exec(name) }))
    .filter((file): file is { name: string; match: RegExpExecArray } => file.match !== null)
    .map((file) => ({ name: file.name, version: Number(file.match[1]) }))
    .sort((a, b) => a.version - b.version);
}

export interface MigratedDatabase {
  /** The versions this call applied (none when the database was up to date). */
  applied: number[];
  secret: Buffer;
  /** The schema the store's tables are in. */
  schema: string;
}

/**
 * Applies the migrations this database has not seen, each in its own transaction with its record in
 * schema_migrations, and makes the installation's secret if there is none; reads it. An up-to-date database
 * (every start but the first, and every command) is read in one statement without the lock. Otherwise all
 * of it holds a session advisory lock: instances starting together wait for the first, then find everything
 * done, so each migration is applied once and one secret is made.
 */
export async function migrate(pool: pg.Pool, schema: string | undefined, dir = postgresMigrationsDir): Promise<MigratedDatabase> {
  const files = migrationFiles(dir);
  const current = await readInstallation(pool);
  if (current && current.secret && files.every((file) => current.versions.includes(file.version))) {
    return { applied: [], secret: current.secret, schema: current.schema };
  }
  const client = await pool.connect();
  const lockName = `portico:migrations ${schema ?? ''}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      const applied: number[] = [];
      for (const file of files) {
        if (done.has(file.version)) continue;
        const sql = fs.readFileSync(path.join(dir, file.name), 'utf8');
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [file.version, file.name, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`PostgreSQL migration ${file.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(file.version);
      }
      await client.query('INSERT INTO installation_secret (secret, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [randomBytes(32), Date.now()]);
      const { rows } = await client.query<{ secret: Buffer; schema: string }>('SELECT secret, current_schema() AS schema FROM installation_secret');
      return { applied, secret: rows[0].secret, schema: rows[0].schema };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
    }
  } finally {
    client.release();
  }
}

/** What an installed database holds (its migrations, its secret), or null for a database or schema without Portico's tables. */
async function readInstallation(pool: pg.Pool): Promise<{ versions: number[]; secret: Buffer | null; schema: string } | null> {
  try {
    const { rows } = await pool.query<{ versions: number[]; secret: Buffer | null; schema: string }>(`SELECT
      ARRAY(SELECT version FROM schema_migrations) AS versions, (SELECT secret FROM installation_secret) AS secret, current_schema() AS schema`);
    return rows[0];
  } catch (error) {
    if ((error as { code?: unknown }).code === undefinedTable) return null;
    throw error;
  }
}

const undefinedTable = '42P01';
