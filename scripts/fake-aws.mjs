// Runs the local fake AWS (test/fake-aws) as a process, seeded with the demo network.
// `npm run fake-aws` prints FAKE_AWS_URL=http://127.0.0.1:PORT and serves until Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the TypeScript fixture into one ESM file Node can run (no TypeScript loader needed).
 * `entry` is relative to the repository root: the standalone server by default, or a module
 * that re-exports the parts a script drives in-process (bench/fixture.ts).
 */
export async function bundleFakeAws(entry = 'test/fake-aws/serve.ts') {
  const outfile = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-fake-aws-')), `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}

/** Starts the fixture as a child process and resolves once it prints its URL. */
export async function startFakeAwsProcess() {
  const child = spawn(process.execPath, [await bundleFakeAws()], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /FAKE_AWS_URL=(\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`fake AWS exited with code ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, stop } = await startFakeAwsProcess();
  console.log(`FAKE_AWS_URL=${url}`);
  console.log('Try, in another terminal:');
  console.log(
    `  export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_ENDPOINT_URL=${url}`,
  );
  console.log('  node bin/lambda-vpc.cjs status orders-api reports-job');
  console.log('Ctrl-C stops it.');
  process.once('SIGINT', () => {
    stop();
    process.exit(0);
  });
}
