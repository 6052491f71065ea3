import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, publicLink, type Config } from './config';
import type { Context } from './context';
import { deviceFamilyLabels, type DeviceFamily } from './device-family';
import { choosePeriod, isCalendarDay, randomMacNote, venueStatistics, venueToday, type VenueStatistics } from './statistics';
import { openStore } from './store/open';
import type { Store } from './store/types';
import { ensureVenue, parseSiteSetting, parseTermsText, siteSettingKeys } from './venue-settings';
import { ConfigError, StoreConflictError, UserError } from './errors';
import { termsTexts } from './content-digests';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => number;
  /** All of standard input, for --password-stdin. */
  readStdin: () => Promise<string>;
}

const usage = `Usage: npx portico <command>   (works on DATA_DIR, default ./data)

  gateway add --type <router type> --id <id> [--name <name>]
              [--address <host[:port]>]      pfSense: the portal address guests reach
              [--check-interval <seconds>]   WiFiDog: the router's Check Interval (default 60)
              [--router-address <ip>]        WiFiDog: the address the router's requests come from;
                                             its auth/ and ping/ from anywhere else are refused
  gateway list [--json]
  gateway setup <id>          the settings to make on the router
  gateway page <id>           pfSense: the "Portal page contents" file to upload
  settings show
  settings set <key> <value>  keys: ${siteSettingKeys.join(', ')}
  terms publish <file> [--language <code>]
  terms list
  export acceptances [--format csv|json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
  admin add <username> --password-stdin      create an admin account (the password is the first line of input)
  admin passwd <username> --password-stdin   set an admin's password (and lift its sign-in lock)
  admin list                  admins: created, last sign-in, locked or not
  admin remove <username>     delete an admin and end its sessions (never the last one)
  admin unlock <username>     clear an admin's failed sign-ins, from every address
  stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--gateway <id>] [--json]
                              usage figures (default: the last 7 days, in the venue's time zone)
  backup <file>               a consistent copy of the database, safe while Portico runs
  purge                       clear MAC, IP and user agent older than RETENTION_DAYS now
  guest export <mac>          everything held about one device, as JSON
  guest forget <mac>          delete what is held about one device (its acceptances stay, unlinked)
`;

class UsageError extends Error {}

interface Invocation {
  args: string[];
  config: Config;
  store: Store;
  io: CliIo;
}


function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== positionals) throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`);
  return parsed;
}

async function gatewayCommand({ args, config, store, io }: Invocation): Promise<void> {
  // The drivers bring Express with them: loaded only here, so that other commands (stats) start fast.
  const { driverFor, parseNewGateway } = await import('./gateways/index.js');
  const [action, ...rest] = args;
  const site = await ensureVenue(store, io.now());
  if (action === 'add') {
    const { values } = options(rest, {
      type: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, address: { type: 'string' },
      'check-interval': { type: 'string' }, 'router-address': { type: 'string' },
    }, 0);
    if (!values.type || !values.id) throw new UsageError('gateway add needs --type and --id');
    const newGateway = parseNewGateway({
      type: values.type, id: values.id, name: values.name,
      options: { address: values.address, 'check-interval': values['check-interval'], 'router-address': values['router-address'] },
    }, site.id);
    const gateway = await store.addGateway(newGateway, io.now());
    io.out(`Added ${driverFor(gateway.type)!.label} "${gateway.id}". Next: npx portico gateway setup ${gateway.id}\n`);
  } else if (action === 'list') {
    const { values } = options(rest, { json: { type: 'boolean' } }, 0);
    const gateways = await store.listGateways();
    if (values.json) io.out(JSON.stringify(gateways, null, 2) + '\n');
    else if (gateways.length === 0) io.out('No gateways yet. Add one with: npx portico gateway add --type pfsense --id <id>\n');
    else for (const g of gateways) io.out(`${g.id}\t${g.type}\t${g.name}\t${JSON.stringify(g.settings)}\n`);
  } else if (action === 'setup' || action === 'page') {
    const { positionals } = options(rest, {}, 1);
    const gateway = await store.getGateway(positionals[0]);
    if (!gateway) throw new UserError(`no gateway "${positionals[0]}"; see: npx portico gateway list`);
    const driver = driverFor(gateway.type)!;
    const gatewaySite = (await store.getSite(gateway.siteId))!;
    if (action === 'setup') io.out(driver.setupText(gateway, gatewaySite, config) + '\n');
    else if (driver.uploadPage) io.out(driver.uploadPage(gateway, gatewaySite, config));
    else throw new UserError(`${driver.label} gateways need no uploaded page; see: npx portico gateway setup ${gateway.id}`);
  } else {
    throw new UsageError(`unknown gateway command "${action ?? ''}"`);
  }
}

async function settingsCommand({ args, store, io }: Invocation): Promise<void> {
  const [action, ...rest] = args;
  const site = await ensureVenue(store, io.now());
  if (action === 'set') {
    const { positionals: [key, value] } = options(rest, {}, 2);
    await store.updateSite(site.id, parseSiteSetting(key, value));
    io.out(`Set ${key}.\n`);
  } else if (action === 'show') {
    options(rest, {}, 0);
    const settings: Record<string, string | number> = {
      venue_name: site.name, website_url: site.websiteUrl, timezone: site.timezone, session_minutes: site.sessionMinutes,
      remember_days: site.rememberDays, default_language: site.defaultLanguage, accent_color: site.accentColor,
    };
    for (const [key, value] of Object.entries(settings)) io.out(`${key}\t${value}\n`);
  } else {
    throw new UsageError(`unknown settings command "${action ?? ''}"`);
  }
}

async function termsCommand({ args, store, io }: Invocation): Promise<void> {
  const [action, ...rest] = args;
  const site = await ensureVenue(store, io.now());
  if (action === 'publish') {
    const { values, positionals: [file] } = options(rest, { language: { type: 'string' } }, 1);
    const language = values.language ?? site.defaultLanguage;
    if (!/^[a-z]{2}$/.test(language)) throw new UserError('--language must be a two-letter code such as en');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const body = parseTermsText(text, file);
    const [version] = await store.publishTerms(site.id, termsTexts([{ language, body }]), io.now());
    io.out(`Published terms release ${version.release} (${language}, sha256 ${version.sha256}).\n`);
  } else if (action === 'list') {
    options(rest, {}, 0);
    for (const t of await store.listTerms(site.id)) {
      io.out(`release ${t.release}\t${t.language}\t${new Date(t.publishedAt).toISOString()}\t${t.sha256}\t${t.acceptances} acceptances\n`);
    }
  } else {
    throw new UsageError(`unknown terms command "${action ?? ''}"`);
  }
}

async function exportCommand({ args, store, io }: Invocation): Promise<void> {
  const [what, ...rest] = args;
  if (what !== 'acceptances') throw new UsageError('export what? only "acceptances"');
  const { values } = options(rest, { format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, 0);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
  for (const day of [values.from, values.to]) if (day !== undefined && !isCalendarDay(day)) throw new UsageError('--from and --to take a date as YYYY-MM-DD');
  const site = await ensureVenue(store, io.now());
  const rows = store.exportAcceptances({ siteId: site.id, fromDay: values.from, toDay: values.to });
  if (format === 'csv') {
    const { writeAcceptancesCsv } = await import('./acceptance-csv.js');
    await writeAcceptancesCsv(rows, io.out);
  } else {
    io.out('[');
    let first = true;
    for await (const row of rows) {
      io.out((first ? '\n' : ',\n') + JSON.stringify(row));
      first = false;
    }
    io.out('\n]\n');
  }
}

async function backupCommand({ args, store, io }: Invocation): Promise<void> {
  const { positionals: [file] } = options(args, {}, 1);
  if (fs.existsSync(file)) throw new UserError(`${file} already exists; choose a new file name`);
  try {
    await store.backup(file);
  } catch (error) {
    throw new UserError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  io.out(`Backed up the database to ${file}.\n`);
}

/*
 * Commands import what only they use, as gatewayCommand does: `stats` is run by hand and by scripts,
 * and each module loaded at start is a few milliseconds of its wait.
 */

/** The context the privacy commands share with the server: same secret, so the same device ids. */
async function commandContext({ config, store, io }: Invocation): Promise<Context> {
  const [{ createContext }, { loadOrCreateSecret }] = await Promise.all([import('./context.js'), import('./secret.js')]);
  return createContext(config, store, loadOrCreateSecret(config.dataDir), io.now);
}

async function purgeCommand(invocation: Invocation): Promise<void> {
  options(invocation.args, {}, 0);
  const { purgeExpiredPersonalData } = await import('./privacy.js');
  const change = await purgeExpiredPersonalData(await commandContext(invocation));
  invocation.io.out(`Cleared personal fields older than ${invocation.config.retentionDays} days: ${change.acceptances} acceptances, ${change.guestSessions} guest sessions.\n`);
}

async function guestCommand(invocation: Invocation): Promise<void> {
  const [action, ...rest] = invocation.args;
  const { positionals: [mac] } = options(rest, {}, 1);
  const { exportGuest, forgetGuest } = await import('./privacy.js');
  if (action === 'export') {
    invocation.io.out(JSON.stringify(await exportGuest(await commandContext(invocation), mac), null, 2) + '\n');
  } else if (action === 'forget') {
    const change = await forgetGuest(await commandContext(invocation), mac);
    invocation.io.out(`Forgot this device: ${change.acceptances} acceptances unlinked, ${change.guestSessions} guest sessions deleted.\n`);
  } else {
    throw new UsageError(`unknown guest command "${action ?? ''}"`);
  }
}

async function adminCommand({ args, config, store, io }: Invocation): Promise<void> {
  const [action, ...rest] = args;
  const { accountKey, signInLimits } = await import('./admin/login-throttle.js');
  const existing = async (username: string) => {
    const user = await store.findAdminUser(username);
    if (!user) throw new UserError(`no admin "${username}"; see: npx portico admin list`);
    return user;
  };
  const time = (at: number) => new Date(at).toISOString();
  if (action === 'add' || action === 'passwd') {
    const { values, positionals: [username] } = options(rest, { 'password-stdin': { type: 'boolean' } }, 1);
    if (!values['password-stdin']) throw new UsageError('give the password on standard input with --password-stdin, never as an argument');
    const { checkNewPassword, checkUsername, hashPassword } = await import('./admin/passwords.js');
    const password = checkNewPassword((await io.readStdin()).split(/\r?\n/)[0]);
    if (action === 'add') {
      await store.addAdminUser(checkUsername(username), await hashPassword(password), io.now());
      io.out(`Added admin "${username}". Sign in at ${publicLink(config, 'admin/login')}\n`);
    } else {
      const user = await existing(username);
      await store.setAdminPassword(user.id, await hashPassword(password), io.now());
      // A new password is how an owner who forgot theirs gets back in: it lifts the lock too.
      await store.clearSignInAttempts(accountKey(user.username));
      io.out(`Changed the password of "${user.username}"; its open sessions are signed out and its sign-in lock is cleared.\n`);
    }
  } else if (action === 'list') {
    options(rest, {}, 0);
    const users = await store.listAdminUsers();
    if (users.length === 0) io.out('No admins yet. Add one with: npx portico admin add <username> --password-stdin\n');
    for (const user of users) {
      const lock = await store.signInLockout(accountKey(user.username), signInLimits, io.now());
      io.out([
        user.username, `created ${time(user.createdAt)}`, `last sign-in ${user.lastSignInAt === null ? 'unknown' : time(user.lastSignInAt)}`,
        lock ? `locked from ${lock.addresses} address${lock.addresses === 1 ? '' : 'es'} until ${time(lock.until)}` : 'not locked',
      ].join('\t') + '\n');
    }
  } else if (action === 'remove') {
    const { positionals: [username] } = options(rest, {}, 1);
    const user = await existing(username);
    await store.removeAdminUser(user.id);
    await store.clearSignInAttempts(accountKey(user.username));
    io.out(`Removed admin "${user.username}"; its sessions are signed out.\n`);
  } else if (action === 'unlock') {
    const { positionals: [username] } = options(rest, {}, 1);
    const user = await existing(username);
    const addresses = await store.clearSignInAttempts(accountKey(user.username));
    io.out(`Unlocked "${user.username}": cleared its failed sign-ins from ${addresses} address${addresses === 1 ? '' : 'es'}.\n`);
  } else {
    throw new UsageError(`unknown admin command "${action ?? ''}"`);
  }
}

async function statsCommand({ args, store, io }: Invocation): Promise<void> {
  const { values } = options(args, { from: { type: 'string' }, to: { type: 'string' }, gateway: { type: 'string' }, json: { type: 'boolean' } }, 0);
  const site = await ensureVenue(store, io.now());
  const custom = values.from !== undefined || values.to !== undefined;
  const period = choosePeriod(custom ? 'custom' : '7d', values.from, values.to, () => venueToday(site, io.now()));
  const stats = await venueStatistics(store, site, period, values.gateway ?? null, io.now());
  io.out(values.json ? JSON.stringify(stats, null, 2) + '\n' : statsText(stats));
}

function statsText(stats: VenueStatistics): string {
  const seconds = (value: number | null) => (value === null ? '-' : `${Math.round(value)} s`);
  const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${Math.round((part / whole) * 100)}%)`);
  const lines = [
    `${stats.venue}, ${stats.from} to ${stats.to} (${stats.timezone})${stats.gateway ? `, router ${stats.gateway}` : ''}`,
    `acceptances         ${stats.acceptances}`,
    `unique devices      ${stats.uniqueDevices}`,
    `  new               ${stats.newDevices}`,
    `  returning         ${stats.returningDevices}`,
    `sessions            ${stats.sessions} (online now ${stats.onlineNow})`,
    `session length      average ${seconds(stats.averageSessionSeconds)}, median ${seconds(stats.medianSessionSeconds)}`,
    `data used           ${stats.bytes} bytes`,
    '',
    'day         acceptances  new  returning',
    ...stats.days.map((d) => `${d.day}  ${String(d.acceptances).padStart(11)}  ${String(d.newDevices).padStart(3)}  ${String(d.returningDevices).padStart(9)}`),
    '',
    'terms release: ' + stats.byTermsRelease.map((r) => `${r.release}: ${r.acceptances}`).join(', '),
    'language:      ' + stats.byLanguage.map((l) => `${l.language}: ${l.acceptances}`).join(', '),
    'device:        ' + stats.byDeviceFamily.map((f) => `${deviceFamilyLabels[f.family as DeviceFamily] ?? f.family}: ${f.acceptances}${share(f.acceptances, stats.acceptances)}`).join(', '),
    '',
    'routers:',
    ...stats.routers.map((r) => `  ${r.id}\t${r.status}\tlast contact ${r.lastContactAt ?? 'never'}\tuptime ${r.uptimeSeconds ?? '-'} s\tload ${r.load ?? '-'}`),
    '',
    randomMacNote(stats.randomisedMacShare),
  ];
  return lines.join('\n') + '\n';
}

const commands: Record<string, (invocation: Invocation) => Promise<void>> = {
  gateway: gatewayCommand,
  settings: settingsCommand,
  terms: termsCommand,
  export: exportCommand,
  admin: adminCommand,
  stats: statsCommand,
  backup: backupCommand,
  purge: purgeCommand,
  guest: guestCommand,
};

/** Runs one command; returns the exit code. User mistakes print a message and usage, never a stack trace. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = commands[name ?? ''];
  if (!command) {
    if (name === 'help' || name === '--help' || name === '-h') {
      io.out(usage);
      return 0;
    }
    io.err((name ? `unknown command "${name}"\n\n` : '') + usage);
    return 2;
  }
  let store: Store | undefined;
  try {
    const config = loadConfig(io.env);
    store = openStore(config, 'command');
    await command({ args, config, store, io });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`portico ${name}: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof UserError || error instanceof ConfigError || error instanceof StoreConflictError) {
      io.err(`portico ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await store?.close();
  }
}

export function main(argv: string[]): Promise<number> {
  return run(argv, {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    now: Date.now,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  });
}
