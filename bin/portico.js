#!/usr/bin/env node
// The compiled command line; `npm install` builds it (the prepare script).
require('../dist/app/cli/index.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
