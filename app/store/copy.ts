import Database from 'better-sqlite3';
import type pg from 'pg';
import { UserError } from '../errors';
import { openPostgresStore } from './postgres';
import { sqliteFile } from './locations';

/*
 * `npx portico db copy --to postgres://…`: an SQLite installation into an empty PostgreSQL database, every
 * table from one snapshot (a read transaction on the SQLite file, while a server may go on writing), in one
 * PostgreSQL transaction, with every table's rows counted on both sides before it commits. The roll-ups are
 * copied as they are: they are the acceptances' own, from the same snapshot.
 */

/** Each store's record of its own migrations, the secret (carried over apart) and PostgreSQL's own schedule are not copied. */
const ownTables = new Set(['schema_migrations', 'installation_secret', 'scheduled_runs']);
/** Rows per INSERT: each column goes as one array parameter, so a statement's size is not bound by PostgreSQL's 65,535 parameters. */
const rowsPerStatement = 10_000;

interface Column { name: string; type: string; identity: boolean }
export interface CopiedTable { table: string; rows: number }

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables in an order that inserts every referenced row before the rows that reference it. */
function parentsFirst(tables: string[], references: { child: string; parent: string }[]): string[] {
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const { child, parent } of references) if (child === table && parent !== table) visit(parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

async function targetTables(client: pg.PoolClient): Promise<Map<string, Column[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(`
    SELECT c.table_name, c.column_name, c.data_type, c.is_identity FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema = current_schema() AND c.is_generated = 'NEVER' ORDER BY c.table_name, c.ordinal_position`);
  const tables = new Map<string, Column[]>();
  for (const row of rows) {
    if (ownTables.has(row.table_name)) continue;
    const columns = tables.get(row.table_name) ?? tables.set(row.table_name, []).get(row.table_name)!;
    columns.push({ name: row.column_name, type: row.data_type, identity: row.is_identity === 'YES' });
  }
  return tables;
}

/** SQLite keeps booleans as 0 and 1; everything else (integers, text, JSON text, blobs) PostgreSQL takes as it is. */
function converter(column: Column): (value: unknown) => unknown {
  return column.type === 'boolean' ? (value) => (value === null ? null : value !== 0) : (value) => value;
}

/** Refuses, naming them, tables or columns that one side has and the other has not: the two schemas must be of the same release. */
function checkSameSchema(source: Database.Database, target: Map<string, Column[]>): void {
  const sourceTables = source.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
    .map((row) => row.name).filter((name) => !ownTables.has(name));
  const differences: string[] = [];
  for (const table of sourceTables) if (!target.has(table)) differences.push(`table ${table} is not in PostgreSQL`);
  for (const [table, columns] of target) {
    if (!sourceTables.includes(table)) {
      differences.push(`table ${table} is not in SQLite`);
      continue;
    }
    const sourceColumns = source.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name);
    for (const column of sourceColumns) if (!columns.some((c) => c.name === column)) differences.push(`column ${table}.${column} is not in PostgreSQL`);
    for (const column of columns) if (!sourceColumns.includes(column.name)) differences.push(`column ${table}.${column.name} is not in SQLite`);
  }
  if (differences.length) throw new UserError(`the two databases' schemas differ (${differences.join('; ')}): run the same Portico release on both`);
}

/** Inserts the rows a batch at a time, each column as one typed array that `unnest` turns back into rows: one short statement to parse per batch. */
async function insertAll(client: pg.PoolClient, table: string, columns: Column[], rows: Iterable<unknown[]>): Promise<number> {
  const converters = columns.map(converter);
  const statement = `INSERT INTO ${quote(table)} (${columns.map((c) => quote(c.name)).join(', ')})
    SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
  let batch: unknown[][] = columns.map(() => []);
  let inBatch = 0;
  let copied = 0;
  const flush = async () => {
    if (inBatch === 0) return;
    await client.query(statement, batch);
    copied += inBatch;
    batch = columns.map(() => []);
    inBatch = 0;
  };
  for (const row of rows) {
    row.forEach((value, i) => batch[i].push(converters[i](value)));
    if (++inBatch === rowsPerStatement) await flush();
  }
  await flush();
  return copied;
}

/**
 * Copies the SQLite installation of `dataDir` into the PostgreSQL database `url` (its migrations applied
 * first), which must hold no Portico rows yet, with the installation's `secret`, so that device ids and
 * signed page state stay valid. Nothing is left in PostgreSQL unless every table's count matched.
 */
export async function copySqliteToPostgres(dataDir: string, url: string, secret: Buffer): Promise<CopiedTable[]> {
  const target = await openPostgresStore(url);
  const source = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  let client: pg.PoolClient | undefined;
  try {
    client = await target.pool.connect();
    const tables = await targetTables(client);
    checkSameSchema(source, tables);
    const { rows: references } = await client.query<{ child: string; parent: string }>(`
      SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint
      WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`);
    const order = parentsFirst([...tables.keys()].sort(), references);

    // One snapshot of SQLite for every table: a read transaction, begun by its first read.
    source.exec('BEGIN');
    const counts = new Map(order.map((table) => [table, source.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`).get()!.n]));
    await client.query('BEGIN');
    const occupied: string[] = [];
    for (const table of order) if ((await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`)).rowCount) occupied.push(table);
    if (occupied.length) throw new UserError(`the PostgreSQL database already holds Portico data (${occupied.join(', ')}): copy into an empty database`);

    const copied: CopiedTable[] = [];
    for (const table of order) {
      const columns = tables.get(table)!;
      const rows = source.prepare(`SELECT ${columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table)}`).raw().iterate() as Iterable<unknown[]>;
      const written = await insertAll(client, table, columns, rows);
      // An identity column goes on from the highest id copied.
      for (const column of columns.filter((c) => c.identity)) {
        await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quote(column.name)}) FROM ${quote(table)}), 0) + 1, false)`, [table, column.name]);
      }
      const stored = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0].n);
      if (written !== counts.get(table) || stored !== counts.get(table)) {
        throw new Error(`${table}: ${counts.get(table)} rows in SQLite, ${written} read and ${stored} in PostgreSQL: nothing was copied`);
      }
      copied.push({ table, rows: stored });
    }
    await client.query('UPDATE installation_secret SET secret = $1', [secret]);
    await client.query('COMMIT');
    // As PostgreSQL advises after a bulk load: planner statistics for the tables just filled (the first dashboard
    // would otherwise be planned on empty tables' estimates), and their pages marked all-visible, so that the
    // dashboard's index-only scans read no table rows. Else autovacuum does both later, competing with the
    // first guests and owners for a while on gigabytes of tables.
    await client.query(`VACUUM (ANALYZE) ${order.map(quote).join(', ')}`);
    return copied;
  } catch (error) {
    await client?.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    if (source.inTransaction) source.exec('COMMIT');
    source.close();
    client?.release();
    await target.close();
  }
}
