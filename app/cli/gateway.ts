import { publicUrlProblem, settingsFileName } from '../config';
import { UserError } from '../errors';
import type { RouterSetup } from '../gateways/driver';
import type { Gateway, Store } from '../store/types';
import { options, UsageError, type StoreCommand } from './command';
import { venueBySlug, venueFlag, venueFor, venueForm } from './venue-option';

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

/**
 * The router a command names: its id is unique in the installation, so it is found without a venue; with
 * --venue given it must be that venue's, so that a script that names the venue never touches another's.
 */
async function namedRouter(store: Store, id: string, venue: string | undefined): Promise<Gateway> {
  const site = venue === undefined ? undefined : await venueBySlug(store, venue);
  const found = await store.getGateway(id);
  if (!found) throw new UserError(`no gateway "${id}"; see: npx portico gateway list`);
  if (site && found.siteId !== site.id) throw new UserError(`venue "${site.slug}" has no gateway "${id}"; see: npx portico gateway list --venue ${site.slug}`);
  return found;
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
      { form: `add --type <${[...drivers.keys()].join('|')}> --id <id> [--name <name>] ${venueForm}`, help: 'a router of the venue; its id is unique in the installation' },
      ...flags,
      { form: `list [--json] ${venueForm}`, help: 'the venue\'s routers' },
      { form: `rename <id> <name> ${venueForm}`, help: 'these name a router by its id; with --venue it must be that venue\'s' },
      { form: `remove <id> ${venueForm}`, help: 'its acceptances and sessions are kept, without a router' },
      { form: `setup <id> [--force] ${venueForm}`, help: 'the settings to make on the router (--force: even without PUBLIC_URL)' },
      { form: `page <id> [--force] ${venueForm}`, help: `${uploading.join(', ')}: the file the router serves to captured guests, to upload` },
    ];
  },

  creates: (args) => args[0] === 'add',

  async run({ args, config, store, io }) {
    const { allOptions, driverFor, drivers, parseNewGateway, routerName } = await registry();
    const [action, ...rest] = args;
    if (action === 'add') {
      const driverFlags = Object.fromEntries(allOptions().map((option) => [option.name, { type: 'string' as const }]));
      const { values } = options(rest, { type: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, ...driverFlags, ...venueFlag }, 0);
      const { type, id, name, venue, ...given } = values as Record<string, string | undefined>;
      if (!type || !id) throw new UsageError('gateway add needs --type and --id');
      const site = await venueFor(store, venue, io.now());
      const added = await store.addGateway(parseNewGateway({ type, id, name, options: given }, site.id, config), io.now());
      io.out(`Added ${driverFor(added.type)!.label} "${added.id}" at venue "${site.slug}". Next: npx portico gateway setup ${added.id}\n`);
    } else if (action === 'list') {
      const { values } = options(rest, { json: { type: 'boolean' }, ...venueFlag }, 0);
      const site = await venueFor(store, values.venue, io.now());
      const gateways = await store.listGateways(site.id);
      if (values.json) io.out(JSON.stringify(gateways, null, 2) + '\n');
      else if (gateways.length === 0) io.out(`No gateways yet at venue "${site.slug}". Add one with: npx portico gateway add --type <${[...drivers.keys()].join('|')}> --id <id>\n`);
      else for (const g of gateways) io.out(`${g.id}\t${g.type}\t${g.name}\t${JSON.stringify(g.settings)}\n`);
    } else if (action === 'rename') {
      const { values, positionals: [id, newName] } = options(rest, venueFlag, 2);
      const name = routerName(newName);
      await namedRouter(store, id, values.venue);
      if (!(await store.renameGateway(id, name))) throw new UserError(`no gateway "${id}"; see: npx portico gateway list`);
      io.out(`Renamed "${id}" to ${name}.\n`);
    } else if (action === 'remove') {
      const { values, positionals: [id] } = options(rest, venueFlag, 1);
      await namedRouter(store, id, values.venue);
      if (!(await store.removeGateway(id))) throw new UserError(`no gateway "${id}"; see: npx portico gateway list`);
      io.out(`Removed "${id}"; its acceptances and sessions are kept, without a router.\n`);
    } else if (action === 'setup' || action === 'page') {
      const { positionals, values } = options(rest, { force: { type: 'boolean' }, ...venueFlag }, 1);
      const unreachable = publicUrlProblem(config);
      // A router set up for localhost strands every guest: without PUBLIC_URL only --force prints it.
      if (unreachable && !config.publicUrlGiven && !values.force) {
        throw new UserError(`${unreachable}. Set PUBLIC_URL in ${settingsFileName}, in the folder where you run npm start, to the address guests reach Portico at (for example PUBLIC_URL=http://192.168.1.10:8080/), or add --force to print it anyway`);
      }
      if (unreachable) io.err(`portico gateway ${action}: warning: ${unreachable}\n`);
      const found = await namedRouter(store, positionals[0], values.venue);
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
