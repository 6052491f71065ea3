import fs from 'node:fs';
import { UserError } from '../errors';
import { options, type StoreCommand } from './command';

export const backup: StoreCommand = {
  name: 'backup',
  usage: () => [{ form: '<file>', help: 'a consistent copy of the database, safe while Portico runs' }],

  async run({ args, store, io }) {
    const { positionals: [file] } = options(args, {}, 1);
    if (fs.existsSync(file)) throw new UserError(`${file} already exists; choose a new file name`);
    try {
      await store.backup(file);
    } catch (error) {
      throw new UserError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    io.out(`Backed up the database to ${file}.\n`);
  },
};
