import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config';
import type { Context } from '../context';
import type { Store } from '../store/types';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>;
  /** The folder it runs in, whose settings file it reads (the environment winning). */
  folder: string;
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => number;
  /** A new password for the account named: typed twice without echo on a terminal, else the first line of standard input. */
  readPassword: (username: string) => Promise<string>;
}

export interface CommandInput {
  /** The words after the command's name. */
  args: string[];
  config: Config;
  io: CliIo;
}

export interface Invocation extends CommandInput {
  store: Store;
}

/** One way to call a command, for usage: its words and flags after the command's name, and what it does. */
export interface CommandForm {
  /** A form starting with spaces continues the one above it (more of its flags). */
  form: string;
  help?: string;
}

/**
 * One `portico <name>` command. Its module imports what only it uses when it runs: `stats` is run by
 * hand and by scripts, and each module loaded at start is a few milliseconds of its wait.
 */
interface CommandBase {
  name: string;
  /** Its forms, for usage; async for those whose flags come from modules loaded only when needed (the drivers). */
  usage(): CommandForm[] | Promise<CommandForm[]>;
}

/** A command on the installation's database. */
export interface StoreCommand extends CommandBase {
  run(invocation: Invocation): Promise<void>;
  /**
   * Whether this call may create the database when there is none: only a call that stores what the owner
   * gives. Any other, run on the wrong folder, would show a fresh database's defaults as if they were the venue's.
   */
  creates?(args: string[]): boolean;
}

/** A command with a database of its own (the demo's), never the installation's: none is opened for it. */
export interface StandaloneCommand extends CommandBase {
  runAlone(input: CommandInput): Promise<void>;
}

export type Command = StoreCommand | StandaloneCommand;

/** Wrong words or flags: the command's usage is shown and the exit code is 2. */
export class UsageError extends Error {}

type Flags = NonNullable<ParseArgsConfig['options']>;

/** The flags and exactly `positionals` words of a command line; anything else is a UsageError. */
export function options<T extends Flags>(args: string[], flags: T, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: flags, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own wording for an unknown flag ends in advice with an unbalanced quote: name the flag instead.
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && /'(-[^']*)'/.exec((error as Error).message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : (error as Error).message);
  }
  if (parsed.positionals.length !== positionals) throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`);
  return parsed;
}

/** The context the privacy commands share with the server: same secret, so the same device ids. */
export async function commandContext({ config, store, io }: Invocation): Promise<Context> {
  const [{ createContext }, { installationSecret }] = await Promise.all([import('../context.js'), import('../secret.js')]);
  return createContext(config, store, installationSecret(config, store), io.now);
}
