import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clients } from './clients.js';
import { CHOOSE_IDS } from './scenarios.js';

let dir = '';
let outfile = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-aws-named-'));
  outfile = join(dir, 'serve.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'serve.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const serve = (scenario: string) =>
  spawn(process.execPath, [outfile], {
    env: { ...process.env, FAKE_AWS_SCENARIO: scenario },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

it('FAKE_AWS_SCENARIO=choose serves the choose world', async () => {
  const proc = serve('choose');
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: proc.stdout }).once('line', resolve),
    );
    const url = /^FAKE_AWS_URL=(\S+)$/.exec(line)?.[1] ?? '';
    const { lambda } = clients(url);
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: CHOOSE_IDS.ordersApi }));
    expect(fn.VpcConfig?.VpcId).toBe(CHOOSE_IDS.prodVpc);
    expect(fn.FunctionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:orders-api');
  } finally {
    proc.kill('SIGTERM');
  }
});

it('an unknown scenario name is refused with the known names, exit 2', async () => {
  const proc = serve('nope');
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain(
    "fake-aws: no scenario 'nope' (known: demo, minimal, iamPrincipals, reach, choose)",
  );
});
