import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../app/cli/index';
import { projectRoot } from '../app/paths';

/** What an operator reads: the README, docs/, and the files in deploy/ and beside them. */
const documents = ['README.md', ...fs.readdirSync(path.join(projectRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
  ...fs.readdirSync(path.join(projectRoot, 'deploy')).map((name) => `deploy/${name}`), 'Dockerfile', 'compose.yaml', 'portico.env.example'];
const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), 'utf8');

/** The commands and subcommands `npx portico --help` lists, e.g. gateway → {add, list, …}; stats → {}. */
async function commandForms(): Promise<Map<string, Set<string>>> {
  let usage = '';
  const code = await run(['--help'], { env: {}, folder: projectRoot, out: (text) => { usage += text; }, err: () => {}, now: Date.now, readPassword: async () => '' });
  assert.equal(code, 0);
  const forms = new Map<string, Set<string>>();
  for (const [, command, first] of usage.matchAll(/^ {2}([a-z]+)(?: (\S+))?/gm)) {
    if (!forms.has(command)) forms.set(command, new Set());
    if (first && /^[a-z]/.test(first)) forms.get(command)!.add(first);
  }
  return forms;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

describe('the documentation', () => {
  it('names only commands that exist: every npx portico <command> [<subcommand>]', async () => {
    const forms = await commandForms();
    let named = 0;
    for (const file of documents) {
      for (const [, command, sub] of read(file).matchAll(/npx portico ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)) {
        named++;
        assert.ok(forms.has(command), `${file}: npx portico ${command} is no command`);
        const subcommands = forms.get(command)!;
        if (subcommands.size > 0) assert.ok(sub !== undefined && subcommands.has(sub), `${file}: npx portico ${command} ${sub ?? ''} is no form of ${command}`);
      }
    }
    assert.ok(named > 20, `only ${named} commands found: the pattern no longer matches the docs`);
  });

  it('names every command and subcommand that usage lists, somewhere an operator reads', async () => {
    const named = new Set<string>();
    for (const file of documents) {
      for (const [, command, sub] of read(file).matchAll(/npx portico ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)) named.add(sub ? `${command} ${sub}` : command);
    }
    for (const [command, subcommands] of await commandForms()) {
      if (subcommands.size === 0) assert.ok([...named].some((name) => name === command || name.startsWith(`${command} `)), `no document names npx portico ${command}`);
      for (const sub of subcommands) assert.ok(named.has(`${command} ${sub}`), `no document names npx portico ${command} ${sub}`);
    }
  });

  it('links only to files and headings that exist', () => {
    for (const file of documents.filter((name) => name.endsWith('.md'))) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [relative, anchor] = target.split('#');
        const linked = relative === '' ? file : path.join(path.dirname(file), relative);
        assert.ok(fs.existsSync(path.join(projectRoot, linked)), `${file}: link to ${target}: no such file`);
        if (anchor !== undefined) {
          const headings = [...read(linked).matchAll(/^#+ (.+)$/gm)].map(([, heading]) => anchorOf(heading));
          assert.ok(headings.includes(anchor), `${file}: link to ${target}: no such heading in ${linked}`);
        }
      }
    }
  });

  it('lists every setting the configuration reads, in the settings table and in portico.env.example', () => {
    const settings = new Set([...read('app/config.ts').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map(([, name]) => name));
    assert.ok(settings.size > 15);
    const table = read('docs/operations.md');
    const example = read('portico.env.example');
    for (const setting of settings) {
      assert.match(table, new RegExp(`^\\| (\`[A-Z0-9_]+\`, )*\`${setting}\`(, \`[A-Z0-9_]+\`)* \\|`, 'm'), `docs/operations.md lacks ${setting}`);
      assert.match(example, new RegExp(`^#${setting}=`, 'm'), `portico.env.example lacks ${setting}`);
    }
  });
});
