#!/usr/bin/env node
'use strict';
// CommonJS on purpose: `--version` and the top-level `--help` are answered here, without
// loading the ES module bundle, whose loading alone costs more than Node's own start-up.
// The help text is written at build time by the real program (scripts/build.mjs), so the
// two cannot drift; everything else runs dist/cli.js.
const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
const answer = (text) => {
  // `lambda-vpc --help | head` closes stdout early: the reader's choice, not a crash.
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.stdout.write(text);
};
if (only === '--version' || only === '-v') {
  answer(`${require('../package.json').version}\n`);
} else if (only === '--help' || only === '-h') {
  answer(require('node:fs').readFileSync(`${__dirname}/../dist/help.txt`, 'utf8'));
} else {
  import('../dist/cli.js').then(({ main }) => main());
}
