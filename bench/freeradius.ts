import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/*
 * Debian's FreeRADIUS as the RADIUS benchmark's reference peer: its stock configuration
 * (/etc/freeradius/3.0) copied into a private folder and changed only where the bench needs it:
 * listening on two loopback ports, one client (127.0.0.1) with the bench's secret, the `sql` module
 * on SQLite (rlm_sql_sqlite, a file made from FreeRADIUS's own schema, radcheck rows
 * `Cleartext-Password := …` for the bench's users) required in authorize and accounting of the default
 * site, and what cannot load here (EAP, which needs certificates Debian leaves to the admin, and the
 * inner-tunnel site only EAP uses) left out. Run in the foreground, stopped when done.
 */

const stockConfig = '/etc/freeradius/3.0';

/** The freeradius binary, or why there is none (the bench then skips the RADIUS section). */
export function findFreeRadius(): { binary: string } | { missing: string } {
  const found = spawnSync('sh', ['-c', 'command -v freeradius'], { encoding: 'utf8' });
  const binary = found.stdout.trim();
  if (found.status !== 0 || !binary) return { missing: 'freeradius is not installed (apt-get install freeradius freeradius-utils)' };
  try {
    fs.accessSync(path.join(stockConfig, 'radiusd.conf'), fs.constants.R_OK);
    fs.accessSync(path.join(stockConfig, 'mods-config/sql/main/sqlite/schema.sql'), fs.constants.R_OK);
  } catch (error) {
    return { missing: `FreeRADIUS's stock configuration is not readable here (${(error as Error).message})` };
  }
  return { binary };
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`FreeRADIUS configuration: ${what} not found (pattern ${pattern})`);
  return text.replace(pattern, replacement);
}

/** The text without comment lines, so that braces in comments do not count. */
const withoutCommentLines = (text: string) => text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');

/** Removes every `<keyword> { … }` block (braces matched) that starts a line. */
function removeBlocks(text: string, keyword: string): string {
  const opening = new RegExp(`^[ \\t]*${keyword}[ \\t]*\\{`, 'm');
  for (let match = opening.exec(text); match; match = opening.exec(text)) {
    let depth = 0;
    let end = match.index + match[0].length - 1;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}' && --depth === 0) break;
    }
    text = text.slice(0, match.index) + text.slice(end + 1);
  }
  return text;
}

/** The stock default site with the bench's listen sections, `sql` required in authorize and accounting, and no EAP. */
function defaultSite(stock: string, authPort: number, acctPort: number): string {
  let site = removeBlocks(withoutCommentLines(stock), 'listen');
  site = removeBlocks(site, 'eap');
  site = site.replace(/^[ \t]*eap[ \t]*$/gm, '');
  const section = (name: string) => new RegExp(`(^${name} \\{[^}]*?)^([ \\t]*)-sql[ \\t]*$`, 'm');
  site = replaceOnce(site, section('authorize'), '$1$2sql', 'sql in authorize');
  site = replaceOnce(site, section('accounting'), '$1$2sql', 'sql in accounting');
  const listen = `listen {\n\ttype = auth\n\tipaddr = 127.0.0.1\n\tport = ${authPort}\n}\nlisten {\n\ttype = acct\n\tipaddr = 127.0.0.1\n\tport = ${acctPort}\n}\n`;
  site = replaceOnce(site, /^server default \{\n/m, `server default {\n${listen}`, 'server default');
  return site.replace(/\n(?:[ \t]*\n)+/g, '\n');
}

export interface FreeRadiusSetup {
  /** A folder of its own (created here). */
  dir: string;
  secret: string;
  authPort: number;
  acctPort: number;
  users: Iterable<{ username: string; password: string }>;
  /**
   * 'tuned' (the default): the database in WAL mode and rlm_sql_sqlite's busy_timeout at 5 s (Portico's own), so that
   * FreeRADIUS's 32 threads wait for SQLite's one writer instead of failing with "database is locked" (stock's 200 ms
   * does under this load: Rejects and unanswered accounting). 'stock': the module's shipped settings.
   */
  sqlite?: 'tuned' | 'stock';
}

/** Writes the private configuration and the SQLite database; returns how many radcheck rows it holds. */
export function configureFreeRadius(setup: FreeRadiusSetup): number {
  const { dir } = setup;
  fs.cpSync(stockConfig, dir, { recursive: true, verbatimSymlinks: true });
  for (const sub of ['log', 'log/radacct', 'run']) fs.mkdirSync(path.join(dir, sub), { recursive: true });

  const confFile = path.join(dir, 'radiusd.conf');
  let conf = fs.readFileSync(confFile, 'utf8');
  conf = replaceOnce(conf, /^raddbdir = .*$/m, `raddbdir = ${dir}`, 'raddbdir');
  conf = replaceOnce(conf, /^logdir = .*$/m, `logdir = ${path.join(dir, 'log')}`, 'logdir');
  conf = replaceOnce(conf, /^run_dir = .*$/m, `run_dir = ${path.join(dir, 'run')}`, 'run_dir');
  // It runs as whoever runs the bench, on files in the bench's own folder.
  conf = replaceOnce(conf, /^([ \t]*)user = freerad$/m, '$1# user = freerad', 'security user');
  conf = replaceOnce(conf, /^([ \t]*)group = freerad$/m, '$1# group = freerad', 'security group');
  fs.writeFileSync(confFile, conf);

  fs.writeFileSync(path.join(dir, 'clients.conf'), `client bench {\n\tipaddr = 127.0.0.1\n\tsecret = "${setup.secret}"\n\tnas_type = other\n}\n`);

  for (const link of ['sites-enabled/inner-tunnel', 'mods-enabled/eap', 'mods-enabled/sql']) fs.rmSync(path.join(dir, link), { force: true });
  const siteFile = path.join(dir, 'sites-enabled/default');
  const stockSite = fs.readFileSync(path.join(dir, 'sites-available/default'), 'utf8');
  fs.rmSync(siteFile, { force: true });
  fs.writeFileSync(siteFile, defaultSite(stockSite, setup.authPort, setup.acctPort));

  const dbFile = path.join(dir, 'radius.db');
  let sql = fs.readFileSync(path.join(dir, 'mods-available/sql'), 'utf8');
  sql = replaceOnce(sql, /^([ \t]*)driver = "rlm_sql_null"$/m, '$1driver = "rlm_sql_sqlite"', 'sql driver');
  sql = replaceOnce(sql, /^([ \t]*)dialect = "sqlite"$/m, '$1dialect = "sqlite"', 'sql dialect sqlite');
  sql = replaceOnce(sql, /^([ \t]*)filename = "\/tmp\/freeradius\.db"$/m, `$1filename = "${dbFile}"`, 'sqlite filename');
  const tuned = (setup.sqlite ?? 'tuned') === 'tuned';
  if (tuned) sql = replaceOnce(sql, /^([ \t]*)busy_timeout = 200$/m, '$1busy_timeout = 5000', 'sqlite busy_timeout');
  fs.writeFileSync(path.join(dir, 'mods-enabled/sql'), sql);

  const db = new Database(dbFile);
  try {
    // Kept in the file: every connection FreeRADIUS opens works in WAL mode.
    if (tuned) db.pragma('journal_mode = WAL');
    db.exec(fs.readFileSync(path.join(dir, 'mods-config/sql/main/sqlite/schema.sql'), 'utf8'));
    const insert = db.prepare("INSERT INTO radcheck (username, attribute, op, value) VALUES (?, 'Cleartext-Password', ':=', ?)");
    let rows = 0;
    db.transaction(() => {
      for (const { username, password } of setup.users) {
        insert.run(username, password);
        rows++;
      }
    })();
    return rows;
  } finally {
    db.close();
  }
}

export interface FreeRadiusProcess {
  pid: number;
  /** Its log (radius.log) and stderr, for a failure's message. */
  logTail(): string;
  stop(): Promise<void>;
}

/** `freeradius -f -d <dir>`: in the foreground, stopped by stop() (SIGTERM, then SIGKILL after 5 s) or when the bench exits. */
export function startFreeRadius(binary: string, dir: string): FreeRadiusProcess {
  const stderrFile = path.join(dir, 'log/stderr.log');
  const out = fs.openSync(stderrFile, 'a');
  const child = spawn(binary, ['-f', '-d', dir], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const read = (file: string) => { try { return fs.readFileSync(file, 'utf8'); } catch { return ''; } };
  return {
    pid: child.pid!,
    logTail: () => `${read(path.join(dir, 'log/radius.log'))}${read(stderrFile)}`.trim().split('\n').slice(-15).join('\n'),
    stop: () => new Promise<void>((resolve) => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}
