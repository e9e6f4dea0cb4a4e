#!/usr/bin/env node
'use strict';
// CommonJS on purpose: `--version`, the top-level `--help` and `COMMAND --help` (or `help
// COMMAND`) are answered here, without loading the ES module bundle, whose loading alone costs
// more than Node's own start-up. The help texts are written at build time by the real program
// (scripts/build.mjs), so the two cannot drift; everything else runs dist/cli.js.
const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
const isHelp = (arg) => arg === '--help' || arg === '-h';
// Only a plain command name: anything else (a typo, an option) is the program's to answer.
const commandHelp = (name) => {
  if (!/^[a-z][a-z-]*$/.test(name ?? '')) return undefined;
  try {
    return require('node:fs').readFileSync(`${__dirname}/../dist/help/${name}.txt`, 'utf8');
  } catch {
    return undefined;
  }
};
const asked =
  args.length === 2 ? (isHelp(args[1]) ? args[0] : args[0] === 'help' ? args[1] : undefined) : undefined;
const helpText = asked === undefined ? undefined : commandHelp(asked);
const answer = (text) => {
  // `lambda-vpc --help | head` closes stdout early: the reader's choice, not a crash.
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.stdout.write(text);
};
if (only === '--version' || only === '-v') {
  answer(`${require('../package.json').version}\n`);
} else if (isHelp(only)) {
  answer(require('node:fs').readFileSync(`${__dirname}/../dist/help.txt`, 'utf8'));
} else if (helpText !== undefined) {
  answer(helpText);
} else {
  import('../dist/cli.js').then(({ main }) => main());
}
