import { publicUrlProblem, settingsFileName } from '../config';
import { UserError } from '../errors';
import type { RouterSetup } from '../gateways/driver';
import { ensureVenue } from '../venue-settings';
import { options, UsageError, type StoreCommand } from './command';

// The drivers and what they import: loaded only when a gateway command runs or its usage is shown, as the other commands' own modules.
const registry = () => import('../gateways/index.js');

/** A router's setup for a terminal: numbered steps, each field's value beside it, notes after. */
function setupAsText(setup: RouterSetup, id: string): string {
  const lines = [setup.title, '', setup.where, ''];
  setup.steps.forEach((step, index) => {
    const [only, ...more] = step.values ?? [];
    const number = `${String(index + 1).padStart(2)}. `;
    const indent = ' '.repeat(number.length);
    lines.push(`${number}${step.text}${only && !only.label && more.length === 0 ? `: ${only.value}` : ''}`);
    if (only && (only.label || more.length > 0)) for (const value of step.values!) lines.push(`${indent}${value.label ? `${value.label}: ` : ''}${value.value}`);
    if (step.uploadsPage) lines.push(`${indent}Make it with: npx portico gateway page ${id} > portico-${id}.html`);
    if (step.note) lines.push(`${indent}${step.note}`);
  });
  return [...lines, '', ...setup.notes, ''].join('\n');
}

export const gateway: StoreCommand = {
  name: 'gateway',
  async usage() {
    const { drivers } = await registry();
    const flags = [...drivers.values()].flatMap((driver) => driver.options.map((option) => ({
      form: `  [--${option.name} ${option.placeholder}]`, help: `${driver.shortLabel}: ${option.help}${option.required ? ' (needed)' : ''}`,
    })));
    const uploading = [...drivers.values()].filter((driver) => driver.uploadPage).map((driver) => driver.shortLabel);
    return [
      { form: `add --type <${[...drivers.keys()].join('|')}> --id <id> [--name <name>]` },
      ...flags,
      { form: 'list [--json]' },
      { form: 'rename <id> <name>' },
      { form: 'remove <id>', help: 'its acceptances and sessions are kept, without a router' },
      { form: 'setup <id> [--force]', help: 'the settings to make on the router (--force: even without PUBLIC_URL)' },
      { form: 'page <id> [--force]', help: `${uploading.join(', ')}: the file the router serves to captured guests, to upload` },
    ];
  },

  creates: (args) => args[0] === 'add',

  async run({ args, config, store, io }) {
    const { allOptions, driverFor, drivers, parseNewGateway, routerName } = await registry();
    const [action, ...rest] = args;
    const site = await ensureVenue(store, io.now());
    if (action === 'add') {
      const driverFlags = Object.fromEntries(allOptions().map((option) => [option.name, { type: 'string' as const }]));
      const { values } = options(rest, { type: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, ...driverFlags }, 0);
      const { type, id, name, ...given } = values as Record<string, string | undefined>;
      if (!type || !id) throw new UsageError('gateway add needs --type and --id');
      const added = await store.addGateway(parseNewGateway({ type, id, name, options: given }, site.id, config), io.now());
      io.out(`Added ${driverFor(added.type)!.label} "${added.id}". Next: npx portico gateway setup ${added.id}\n`);
    } else if (action === 'list') {
      const { values } = options(rest, { json: { type: 'boolean' } }, 0);
      const gateways = await store.listGateways();
      if (values.json) io.out(JSON.stringify(gateways, null, 2) + '\n');
      else if (gateways.length === 0) io.out(`No gateways yet. Add one with: npx portico gateway add --type <${[...drivers.keys()].join('|')}> --id <id>\n`);
      else for (const g of gateways) io.out(`${g.id}\t${g.type}\t${g.name}\t${JSON.stringify(g.settings)}\n`);
    } else if (action === 'rename') {
      const { positionals: [id, newName] } = options(rest, {}, 2);
      const name = routerName(newName);
      if (!(await store.renameGateway(id, name))) throw new UserError(`no gateway "${id}"; see: npx portico gateway list`);
      io.out(`Renamed "${id}" to ${name}.\n`);
    } else if (action === 'remove') {
      const { positionals: [id] } = options(rest, {}, 1);
      if (!(await store.removeGateway(id))) throw new UserError(`no gateway "${id}"; see: npx portico gateway list`);
      io.out(`Removed "${id}"; its acceptances and sessions are kept, without a router.\n`);
    } else if (action === 'setup' || action === 'page') {
      const { positionals, values } = options(rest, { force: { type: 'boolean' } }, 1);
      const unreachable = publicUrlProblem(config);
      // A router set up for localhost strands every guest: without PUBLIC_URL only --force prints it.
      if (unreachable && !config.publicUrlGiven && !values.force) {
        throw new UserError(`${unreachable}. Set PUBLIC_URL in ${settingsFileName}, in the folder where you run npm start, to the address guests reach Portico at (for example PUBLIC_URL=http://192.168.1.10:8080/), or add --force to print it anyway`);
      }
      if (unreachable) io.err(`portico gateway ${action}: warning: ${unreachable}\n`);
      const found = await store.getGateway(positionals[0]);
      if (!found) throw new UserError(`no gateway "${positionals[0]}"; see: npx portico gateway list`);
      const driver = driverFor(found.type)!;
      const gatewaySite = (await store.getSite(found.siteId))!;
      if (action === 'setup') io.out(setupAsText(await driver.setup(found, gatewaySite, config), found.id));
      else if (driver.uploadPage) io.out(driver.uploadPage(found, gatewaySite, config));
      else throw new UserError(`${driver.label} gateways need no uploaded page; see: npx portico gateway setup ${found.id}`);
    } else {
      throw new UsageError(`unknown gateway command "${action ?? ''}"`);
    }
  },
};
