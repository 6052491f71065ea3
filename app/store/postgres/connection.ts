import type { CustomTypesConfig, Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import pg from './pg';
import { StoreUnavailableError } from '../../errors';
import type { ConfigurationCache } from './configuration-cache';
import type { RollUps } from './roll-ups';

/** Statements on one connection (a transaction's) or on any of the pool's (each its own transaction). */
export interface Sql {
  rows<R extends QueryResultRow>(text: string, params?: unknown[]): Promise<R[]>;
  row<R extends QueryResultRow>(text: string, params?: unknown[]): Promise<R | undefined>;
  /** The number of rows the statement changed. */
  run(text: string, params?: unknown[]): Promise<number>;
}

/** What every area of the PostgreSQL store shares: the pool, its transactions, the configuration cache and the roll-ups. */
export interface Connection {
  pool: Pool;
  /** Single statements, each committed on its own. */
  db: Sql;
  /**
   * Runs `work` in one transaction on one of the pool's connections (READ COMMITTED, or one snapshot for
   * reads), tried again from the start when PostgreSQL chose it as a deadlock's or a serialization's victim.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, mode?: 'write' | 'snapshot'): Promise<T>;
  cache: ConfigurationCache;
  rollUps: RollUps;
}

// The server going or gone: SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash, starting up), too many connections.
const serverGone = /^(?:08|57P0[123]$|53300$)/;
// Reaching it failed (a Unix socket is ENOENT while the server is down), or node-postgres lost its connection.
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const lostConnection = /^(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** Whether PostgreSQL could not be reached or went away, as opposed to refusing the statement. */
export function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && (serverGone.test(code) || unreachable.has(code))) || (typeof message === 'string' && lostConnection.test(message));
}

/** The error to throw: a StoreUnavailableError (a 503, or the protocol's refusal) when the database is away, else the error itself. */
export function storeError(error: unknown): unknown {
  return isUnavailable(error) ? new StoreUnavailableError(error) : error;
}

async function query(queryable: Pool | PoolClient, text: string, params?: unknown[]): Promise<QueryResult> {
  try {
    return await queryable.query(text, params);
  } catch (error) {
    throw storeError(error);
  }
}

export function sqlOf(queryable: Pool | PoolClient): Sql {
  return {
    async rows(text, params) {
      return (await query(queryable, text, params)).rows;
    },
    async row(text, params) {
      return (await query(queryable, text, params)).rows[0];
    },
    async run(text, params) {
      return (await query(queryable, text, params)).rowCount ?? 0;
    },
  };
}

const retried = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export function transactions(pool: Pool): Connection['transaction'] {
  return async (work, mode = 'write') => {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeError(error);
      }
      let broken = false;
      // The connection can fail between two statements (the server restarted): node-postgres then emits an
      // error on the checked-out client, which would end the process without a listener; the next statement fails.
      const lost = () => { broken = true; };
      client.on('error', lost);
      try {
        await client.query(mode === 'snapshot' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        const result = await work(sqlOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone: the pool must not hand it out again
        }
        if (attempt < 5 && retried.has((error as { code?: string }).code ?? '')) continue;
        throw storeError(error);
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    }
  };
}

/** A uniqueness violation, which the contract reports as StoreConflictError. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

/**
 * Takes a transaction-scoped advisory lock on `name`: the transactions of every instance that take it run
 * one at a time, for checks that read before they write (the last admin, the sign-in limits, a device's days).
 */
export async function lock(tx: Sql, name: string): Promise<void> {
  await tx.run('SELECT pg_advisory_xact_lock(hashtext($1))', [`portico:${name}`]);
}

/**
 * bigint (times in milliseconds, ids, counts) as a JavaScript number: every value Portico stores is far
 * below 2^53. numeric (what sum() and avg() of bigints give) likewise.
 */
export const types: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};
