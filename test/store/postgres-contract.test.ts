import { test } from 'node:test';
import { freshPostgresStore, notRun } from '../postgres/database';
import { storeContract } from './contract';

// The same suite as SQLite's (sqlite-contract.test.ts), each test on an empty schema of its own.
if (notRun) test('PostgreSQL store: the contract', { skip: notRun }, () => {});
else storeContract('PostgreSQL', freshPostgresStore);
