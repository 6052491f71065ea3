import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../app/paths';
import { tempDir } from './helpers';

/** A project folder holding the real start script, a source file and, when asked, a build of a stand-in server. */
function project(build: 'none' | 'fresh' | 'stale'): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(projectRoot, 'bin/start.js'), path.join(root, 'bin/start.js'));
  fs.mkdirSync(path.join(root, 'app/store'), { recursive: true });
  const source = path.join(root, 'app/store/a.ts');
  fs.writeFileSync(source, 'export {};\n');
  if (build !== 'none') {
    fs.mkdirSync(path.join(root, 'dist/app'), { recursive: true });
    const server = path.join(root, 'dist/app/server.js');
    fs.writeFileSync(server, "process.stdout.write('serving\\n');\n");
    const [older, newer] = [new Date(Date.now() - 60_000), new Date()];
    fs.utimesSync(server, build === 'stale' ? older : newer, build === 'stale' ? older : newer);
    fs.utimesSync(source, build === 'stale' ? newer : older, build === 'stale' ? newer : older);
  }
  return root;
}

const start = (root: string) => spawnSync(process.execPath, [path.join(root, 'bin/start.js')], { encoding: 'utf8' });

describe('npm start runs the build made at install, never compiling', () => {
  it('starts the built server when the build is newer than every source file', () => {
    const result = start(project('fresh'));
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'serving\n');
  });

  it('says how to build when there is no build, without a stack trace', () => {
    const result = start(project('none'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not built yet: run `npm install` \(or `npm run build`\)/);
    assert.doesNotMatch(result.stderr, /^ {4}at /m);
  });

  it('refuses a build older than a source file (in a subfolder too) and says to rebuild', () => {
    const result = start(project('stale'));
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /older than its source .*run `npm run build`/);
  });
});
