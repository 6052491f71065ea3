import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, readSettings } from '../config';
import { ConfigError, StoreConflictError, StoreUnavailableError, UserError } from '../errors';
import { log } from '../log';
import { projectRoot } from '../paths';
import { openStore, storeExists, storeLocation } from '../store/open';
import type { Store } from '../store/types';
import { admin } from './admin';
import { backup } from './backup';
import { db } from './db';
import { UsageError, type CliIo, type Command } from './command';
import { demo } from './demo';
import { exportCommand } from './export';
import { gateway } from './gateway';
import { guest } from './guest';
import { purge } from './purge';
import { settings } from './settings';
import { stats } from './stats';
import { terms } from './terms';
import { venue } from './venue';

export type { CliIo } from './command';

const commands: ReadonlyMap<string, Command> = new Map(
  [venue, gateway, settings, terms, exportCommand, admin, stats, backup, db, purge, guest, demo].map((command) => [command.name, command]),
);

const header = 'Usage: npx portico <command>   (settings from ./portico.env and the environment; data in DATA_DIR, default ./data)\n'
  + '       npx portico <command> --help   npx portico --version\n';
const helpColumn = 28;

/** A command's forms, one a line, each help beside its form or, when the form is long, below it. */
async function commandUsage(command: Command): Promise<string> {
  return (await command.usage()).map(({ form, help }) => {
    const line = form.startsWith(' ') ? `  ${' '.repeat(command.name.length)} ${form}` : `  ${command.name}${form ? ` ${form}` : ''}`;
    if (!help) return `${line}\n`;
    return line.length < helpColumn ? `${line.padEnd(helpColumn)}${help}\n` : `${line}\n${' '.repeat(helpColumn)}${help}\n`;
  }).join('');
}

async function usage(only?: Command): Promise<string> {
  const parts = await Promise.all((only ? [only] : [...commands.values()]).map(commandUsage));
  return `${only ? `Usage: npx portico ${only.name} ...\n` : header}\n${parts.join('')}`;
}

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

const isHelp = (word: string | undefined) => word === '--help' || word === '-h';

/** Runs one command; returns the exit code. User mistakes print a message and usage, never a stack trace. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.get(name ?? '');
  if (!command) {
    if (name === 'help' || isHelp(name)) {
      io.out(await usage());
      return 0;
    }
    if (name === '--version') {
      io.out(`${version()}\n`);
      return 0;
    }
    io.err((name ? `unknown command "${name}"\n\n` : '') + await usage());
    return 2;
  }
  // Asked anywhere (`gateway add --help`), help is the command's usage, not a wrong flag.
  if (args.some(isHelp)) {
    io.out(await usage(command));
    return 0;
  }
  let store: Store | undefined;
  try {
    const { settings, warnings } = readSettings(io.env, io.folder);
    for (const warning of warnings) io.err(`portico: ${warning}\n`);
    const config = loadConfig(settings);
    log.setFormat(config.logFormat);
    if ('runAlone' in command) {
      await command.runAlone({ args, config, io });
      return 0;
    }
    const existed = storeExists(config);
    if (!existed && !command.creates?.(args)) {
      throw new UserError(`there is no Portico database at ${storeLocation(config)}, and this command only reads one. Run it in the folder where you run npm start, or set DATA_DIR to Portico's data folder.`);
    }
    store = await openStore(config, 'command');
    if (!existed) io.err(`portico: created a new database at ${storeLocation(config)}\n`);
    await command.run({ args, config, store, io });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`portico ${name}: ${error.message}\n\n${await usage(command)}`);
      return 2;
    }
    if (error instanceof UserError || error instanceof ConfigError || error instanceof StoreConflictError) {
      io.err(`portico ${name}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof StoreUnavailableError) {
      io.err(`portico ${name}: cannot reach the database: ${error.reason}\n`);
      return 1;
    }
    throw error;
  } finally {
    await store?.close();
  }
}

export function main(argv: string[]): Promise<number> {
  // Output piped into a reader that stopped (`portico terms list | head -3`): nothing left to say, and no stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  return run(argv, {
    env: process.env,
    folder: process.cwd(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    now: Date.now,
    readPassword: async (username) => (await import('./password-input.js')).readNewPassword(process.stdin, process.stderr, username),
  });
}
