// Bundles src/cli.ts into dist/ with code splitting, so the SDK clients are only
// loaded by the commands that `await import()` them and `--help` stays near bare-node speed.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const { version } = JSON.parse(await readFile('package.json', 'utf8'));
await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The SDK's ES module builds tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { __LAMBDA_VPC_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  metafile: true,
});

await writeFile('dist/THIRD-PARTY-LICENSES.txt', await thirdPartyLicenses(result.metafile));

// bin/lambda-vpc.cjs prints these for a bare `--help` and `COMMAND --help` without loading the
// bundle: each is the program's own answer, so the two cannot drift.
const { run, COMMAND_NAMES } = await import(pathToFileURL('dist/cli.js').href);
async function helpOf(argv) {
  let text = '';
  const code = await run(argv, { stdout: { write: (t) => (text += t) }, stderr: process.stderr, env: {} });
  if (code !== 0) throw new Error(`lambda-vpc ${argv.join(' ')} exited with ${code}`);
  return text;
}
await writeFile('dist/help.txt', await helpOf(['--help']));
await mkdir('dist/help', { recursive: true });
for (const name of COMMAND_NAMES) await writeFile(`dist/help/${name}.txt`, await helpOf([name, '--help']));

/**
 * The bundle carries code of the packages it was built from, and their licences ask that their
 * notices go with it (legalComments is 'none' above, to keep the bundle small). Lists every
 * bundled package with its licence text, and stops the build on a licence that cannot go into an
 * MIT package (copyleft such as GPL or AGPL, or none declared).
 */
async function thirdPartyLicenses(metafile) {
  const allowed = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD']);
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const byText = new Map();
  const refused = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const license = typeof pkg.license === 'string' ? pkg.license : 'UNKNOWN';
    if (!fitsMit(license, allowed)) refused.push(`${pkg.name} (${license})`);
    const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? (await readFile(join(dir, file), 'utf8')).trim() : `License: ${license}`;
    byText.set(text, [...(byText.get(text) ?? []), `${pkg.name}@${pkg.version} (${license})`]);
  }
  if (refused.length > 0)
    throw new Error(
      `Bundled packages with a licence that does not fit an MIT package: ${refused.join(', ')}`,
    );
  const rule = `\n\n${'-'.repeat(72)}\n\n`;
  // Packages of one project often ship the same licence file: each text once, with its packages.
  const sections = [...byText].map(([text, packages]) => `${packages.join('\n')}\n\n${text}`);
  return `lambda-vpc bundles code from the following packages.${rule}${sections.join(rule)}\n`;
}

/** An SPDX expression fits when one side of every OR fits and both sides of every AND do. */
function fitsMit(expression, allowed) {
  const ids = expression.replace(/[()]/g, ' ');
  return ids
    .split(/\s+OR\s+/)
    .some((either) => either.split(/\s+AND\s+/).every((id) => allowed.has(id.trim())));
}
