#!/usr/bin/env node
// `npm start`: the server as built at `npm install` (or by `npm run build` after a change). Starting
// never compiles, so a production install without the dev dependencies starts; a missing or stale
// build is said plainly instead of running old code.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const server = path.join(root, 'dist', 'app', 'server.js');

/** The newest modification time of the TypeScript under app/, which the build compiles. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

let built;
try {
  built = fs.statSync(server).mtimeMs;
} catch {
  process.stderr.write('Portico is not built yet: run `npm install` (or `npm run build`) in this folder, then `npm start`.\n');
  process.exit(1);
}
// An install without the sources (the Docker image) has nothing its build could be older than.
const sources = path.join(root, 'app');
if (fs.existsSync(sources) && newestSource(sources) > built) {
  process.stderr.write('Portico\'s build is older than its source (app/ changed since): run `npm run build`, then `npm start`.\n');
  process.exit(1);
}
require(server);
