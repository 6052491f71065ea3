import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../app/paths';

/*
 * app/ read as layers, each importing only the ones below it: the composition (app.ts, server.ts,
 * listeners.ts, cli/) → the HTTP stacks (the edge with its policy, the admin, monitoring) → the portal flows →
 * the router drivers → the RADIUS server they share → the guest pages → the venue domain → the store → what every layer uses
 * (errors, log, paths, config). Read from the source, so a new file is checked without being listed, and a
 * file in a new folder fails until the folder is given its layer here.
 */

const appDir = path.join(projectRoot, 'app');

/** What every layer uses: the errors, the log, the file paths and the settings read at start. */
const baseFiles = ['config.ts', 'errors.ts', 'log.ts', 'paths.ts'];

const layers: { name: string; holds: (file: string) => boolean }[] = [
  { name: 'composition', holds: (file) => ['app.ts', 'server.ts', 'listeners.ts'].includes(file) || file.startsWith('cli/') },
  { name: 'http', holds: (file) => /^(?:edge|admin)\//.test(file) || file === 'monitoring.ts' },
  { name: 'portal', holds: (file) => file.startsWith('portal/') },
  { name: 'drivers', holds: (file) => file.startsWith('gateways/') },
  { name: 'radius', holds: (file) => file.startsWith('radius/') },
  { name: 'pages', holds: (file) => file.startsWith('guest/') },
  { name: 'domain', holds: (file) => !file.includes('/') && !baseFiles.includes(file) },
  { name: 'store', holds: (file) => file.startsWith('store/') },
  { name: 'base', holds: (file) => baseFiles.includes(file) },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(appDir, full).split(path.sep).join('/')] : [];
  });
}

/** The app/ files a file imports (static, re-exported or dynamic), as paths relative to app/. */
function importsOf(file: string): string[] {
  const source = fs.readFileSync(path.join(appDir, file), 'utf8');
  const specifiers = [...source.matchAll(/\bfrom '(\.[^']*)'/g), ...source.matchAll(/\bimport\('(\.[^']*)'\)/g)].map((found) => found[1]);
  return specifiers.map((specifier) => {
    const target = path.join(path.dirname(path.join(appDir, file)), specifier.replace(/\.js$/, ''));
    const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((candidate) => fs.existsSync(candidate));
    assert.ok(resolved, `${file} imports ${specifier}, which is no file in app/`);
    return path.relative(appDir, resolved).split(path.sep).join('/');
  });
}

function layerOf(file: string): number {
  const index = layers.findIndex((layer) => layer.holds(file));
  assert.ok(index >= 0, `${file} is in no layer`);
  return index;
}

/** The unit cycles are looked for between: a folder, or the layer of a file at the top of app/. */
function unitOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : layers[layerOf(file)].name;
}

describe('imports point one way', () => {
  const files = sourceFiles(appDir);
  const edges = files.flatMap((file) => importsOf(file).map((target) => ({ file, target })));

  it('no file imports a layer above its own', () => {
    const upward = edges.filter(({ file, target }) => layerOf(target) < layerOf(file))
      .map(({ file, target }) => `${file} -> ${target}`);
    assert.deepEqual(upward, []);
  });

  it('no folder imports another that imports it back', () => {
    const graph = new Map<string, Set<string>>();
    for (const { file, target } of edges) {
      const [from, to] = [unitOf(file), unitOf(target)];
      if (from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
    // Depth first: an edge back to a unit still on the path closes a cycle.
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (unit: string, trail: string[]) => {
      if (trail.includes(unit)) {
        cycles.push([...trail.slice(trail.indexOf(unit)), unit].join(' -> '));
        return;
      }
      if (done.has(unit)) return;
      for (const next of graph.get(unit) ?? []) visit(next, [...trail, unit]);
      done.add(unit);
    };
    for (const unit of graph.keys()) visit(unit, []);
    assert.deepEqual(cycles, []);
  });
});
