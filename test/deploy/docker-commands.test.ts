import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../app/paths';
import { tempDir } from '../helpers';
import { freePort } from '../server/server-process';
import { argsOf, dockerfileStages, environment, execForm, type Stage } from './dockerfile';

const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const stages = dockerfileStages();
const [build, runtime] = [stages[0], stages.at(-1)!];
const workdir = (stage: Stage) => argsOf(stage, 'WORKDIR').at(-1)!;
/**
 * The image's USER: run as root, the tests run the image's commands as the unprivileged nobody, to whom
 * the copied tree is read-only as /app is to node, with only the data folder its own.
 */
const asUser: { uid?: number; gid?: number } = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** Does what COPY lines (without --from) do, into `root` as the stage's WORKDIR; `from` finds a source. */
function copyInto(root: string, copies: string[], from: (source: string) => string): void {
  for (const copy of copies) {
    const words = copy.split(' ');
    const destination = words.at(-1)!;
    for (const source of words.slice(0, -1)) {
      const target = destination.endsWith('/') ? path.join(root, destination, path.basename(source)) : path.join(root, destination);
      fs.cpSync(from(source), target, { recursive: true, verbatimSymlinks: true });
    }
  }
}

/** The build stage's commands in its RUN lines, one per `&&`. */
const buildCommands = argsOf(build, 'RUN').flatMap((run) => run.split('&&').map((command) => command.trim()));

// No Docker engine and no Dockerfile linter can be had on these machines (hadolint is in neither Debian
// nor npm as a program): the rules that matter are checked here, on the parsed Dockerfile.
describe('Dockerfile rules', () => {
  it('builds in one stage and runs from a slim Node image in another', () => {
    assert.equal(stages.length, 2);
    assert.match(build.from, /^node:20-bookworm$/);
    assert.match(runtime.from, /^node:20-bookworm-slim$/, 'the runtime is the build\'s Debian and Node, slim');
    assert.ok(buildCommands.some((command) => /^npm ci\b/.test(command)), 'the build installs the lock with npm ci');
    assert.ok(buildCommands.some((command) => /^npm prune --omit=dev\b/.test(command)), 'the build removes the dev dependencies');
  });

  it('runs as a user that is not root, with its data in a volume, its port exposed and a health check on /healthz', () => {
    const env = environment(runtime);
    const user = argsOf(runtime, 'USER');
    assert.equal(user.length, 1);
    assert.doesNotMatch(user[0], /^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((i) => i.keyword);
    assert.ok(keywords.indexOf('USER') < keywords.indexOf('CMD'), 'USER comes before CMD');
    assert.ok(keywords.lastIndexOf('RUN') < keywords.indexOf('USER'), 'every RUN is done as root before USER, none as the user');
    assert.deepEqual(argsOf(runtime, 'VOLUME').map((v) => JSON.parse(v) as string[]), [[env.DATA_DIR]]);
    assert.deepEqual(argsOf(runtime, 'EXPOSE'), [env.PORT]);
    const health = argsOf(runtime, 'HEALTHCHECK');
    assert.equal(health.length, 1);
    assert.match(execForm(health[0]).join(' '), /\/healthz/);
    assert.equal(env.NODE_ENV, 'production');
  });

  it('starts what npm start runs, and installs nothing in the runtime stage', () => {
    assert.deepEqual(execForm(argsOf(runtime, 'CMD')[0]), packageJson.scripts.start.split(' '));
    for (const run of argsOf(runtime, 'RUN')) assert.doesNotMatch(run, /\bnpm\b|apt-get/, 'the runtime copies the pruned build, it installs nothing');
    for (const copy of argsOf(runtime, 'COPY')) assert.match(copy, /^--from=build /, 'the runtime copies only from the build stage');
  });

  it('copies into the build only files that exist and that .dockerignore lets through', () => {
    const ignored = fs.readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    for (const copy of argsOf(build, 'COPY')) {
      for (const source of copy.split(' ').slice(0, -1)) {
        assert.ok(fs.existsSync(path.join(projectRoot, source)), source);
        assert.ok(!ignored.includes(source), `${source} is in .dockerignore`);
      }
    }
    for (const kept of ['node_modules', 'dist', 'data', 'portico.env', '.git']) assert.ok(ignored.includes(kept), `.dockerignore keeps ${kept} out`);
  });
});

describe('the image\'s commands, run in a clean folder as an unprivileged user', () => {
  let stage: string;
  let image: string;
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;
  let server: ReturnType<typeof spawn>;
  let output = '';

  before(async () => {
    // The build stage: its COPY lines from this checkout, then its RUN line. npm ci is stood for by this
    // checkout's node_modules, which CI's npm ci made from the same lock (here it has no network to
    // fetch the SQLite binding); `npm cache clean` would empty this machine's cache and is left out.
    stage = tempDir();
    copyInto(stage, argsOf(build, 'COPY'), (source) => path.join(projectRoot, source));
    fs.cpSync(path.join(projectRoot, 'node_modules'), path.join(stage, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    for (const command of buildCommands) {
      const words = command.split(' ');
      if (words[1] === 'ci') words.splice(0, words.length, 'npm', 'run', 'prepare'); // what npm ci runs once installed
      else if (words[1] === 'prune') words.push('--offline');
      else continue;
      const ran = spawnSync(words[0], words.slice(1), { cwd: stage, encoding: 'utf8' });
      assert.equal(ran.status, 0, `${words.join(' ')}: ${ran.stdout}${ran.stderr}`);
    }
    // The runtime stage's COPY --from=build lines.
    image = tempDir();
    fs.chmodSync(image, 0o755);
    copyInto(image, argsOf(runtime, 'COPY').map((copy) => copy.replace(/^--from=build /, '')), (source) => path.join(stage, path.relative(workdir(build), source)));

    // As the image's `mkdir /data && chown node:node /data`.
    const volume = tempDir();
    fs.chmodSync(volume, 0o755);
    dataDir = path.join(volume, 'data');
    fs.mkdirSync(dataDir);
    if (asUser.uid !== undefined) fs.chownSync(dataDir, asUser.uid, asUser.gid!);
    port = await freePort();
    env = { PATH: process.env.PATH!, ...environment(runtime), DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0' };
    const [command, ...args] = execForm(argsOf(runtime, 'CMD')[0]);
    server = spawn(command, args, { cwd: image, env, stdio: ['ignore', 'ignore', 'pipe'], ...asUser });
    server.stderr!.setEncoding('utf8').on('data', (text: string) => { output += text; });
    await new Promise<void>((resolve, reject) => {
      server.on('exit', (code) => reject(new Error(`the image's CMD exited with ${code}:\n${output}`)));
      server.stderr!.on('data', () => { if (output.includes('Portico is serving')) resolve(); });
    });
  });

  after(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    // Two copies of node_modules: not left behind in /tmp.
    for (const tree of [stage, image]) if (tree) fs.rmSync(tree, { recursive: true, force: true });
  });

  it('keeps no dev dependency', () => {
    for (const dev of Object.keys(packageJson.devDependencies)) assert.ok(!fs.existsSync(path.join(image, 'node_modules', dev)), dev);
    for (const tool of ['typescript', 'eslint', 'playwright-core']) assert.ok(!fs.existsSync(path.join(image, 'node_modules', tool)), tool);
    assert.ok(!fs.existsSync(path.join(image, 'app')), 'no TypeScript sources in the image');
  });

  it('serves /healthz with 200, and the HEALTHCHECK command says healthy', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(response.status, 200);
    const [command, ...args] = execForm(argsOf(runtime, 'HEALTHCHECK')[0]);
    const check = spawnSync(command, args, { cwd: image, env, encoding: 'utf8', ...asUser });
    assert.equal(check.status, 0, check.stderr);
  });

  it('keeps its data in DATA_DIR, writes nothing in its own folder, and answers the command line there', () => {
    assert.ok(fs.existsSync(path.join(dataDir, 'portico.db')));
    if (asUser.uid !== undefined) assert.equal(fs.statSync(path.join(dataDir, 'portico.db')).uid, asUser.uid, 'the server ran as the unprivileged user');
    assert.ok(!fs.existsSync(path.join(image, 'data')));
    const version = spawnSync(process.execPath, ['bin/portico.js', '--version'], { cwd: image, env, encoding: 'utf8', ...asUser });
    assert.equal(version.stdout, `${packageJson.version}\n`);
    const settings = spawnSync(process.execPath, ['bin/portico.js', 'settings', 'show'], { cwd: image, env, encoding: 'utf8', ...asUser });
    assert.equal(settings.status, 0, settings.stderr);
  });

  it('stops cleanly on SIGTERM, as docker stop sends', async () => {
    server.kill('SIGTERM');
    const code = await new Promise((resolve) => server.once('exit', resolve));
    assert.equal(code, 0);
  });
});
