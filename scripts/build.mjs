// Bundles src/cli.ts into dist/ with code splitting, so the SDK clients are only
// loaded by the commands that `await import()` them and `--help` stays near bare-node speed.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const { version } = JSON.parse(await readFile('package.json', 'utf8'));
await rm('dist', { recursive: true, force: true });
await build({
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
});

// bin/lambda-vpc.cjs prints this for a bare `--help` without loading the bundle.
let help = '';
const { run } = await import(pathToFileURL('dist/cli.js').href);
const collect = { write: (text) => (help += text) };
await run(['--help'], { stdout: collect, stderr: process.stderr, env: {} });
await writeFile('dist/help.txt', help);
