// Runs test/fake-aws/compare-moto.ts: the fake's describe answers against moto's for the same
// network; `npm run compare-moto -- iam` runs compare-moto-iam.ts, the same for IAM's roles,
// users and groups; `-- quotas` runs compare-moto-quotas.ts, Service Quotas' two reads; `-- attach`
// runs the built CLI's attach --vpc against moto. Needs moto (`python3 -m moto.server`); not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const NAMES = { iam: 'compare-moto-iam', quotas: 'compare-moto-quotas', attach: 'compare-moto-attach' };
const name = NAMES[process.argv[2]] ?? 'compare-moto';
const outfile = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-compare-moto-')), `${name}.mjs`);
await build({
  entryPoints: [join(root, `test/fake-aws/${name}.ts`)],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The SDK clients are bundled too; their CommonJS parts call require() on Node built-ins.
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
const { status } = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
process.exitCode = status ?? 1;
