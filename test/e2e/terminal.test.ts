import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { demo, DEMO_IDS as I } from '../fake-aws/scenarios.js';
import { BIN, cleanEnv, runBin } from './spawn.js';

// What the built binary draws on a terminal: a pseudo-terminal from util-linux's `script`, with
// a size (a pty without one gets plain lines), stdout and stderr both on it as for a user.
const hasScript = spawnSync('script', ['--version']).status === 0;

let fake: FakeAws;
beforeAll(async () => {
  fake = await startFakeAws({ scenario: { ...demo(), updateDelayMs: 20 } });
});
afterAll(() => fake.close());

const env = (extra: NodeJS.ProcessEnv = {}) =>
  cleanEnv({
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    LAMBDA_VPC_POLL_INTERVAL_MS: '10',
    TERM: 'xterm-256color',
    ...extra,
  });
const globals = () => ['--endpoint-url', fake.url, '--region', 'us-east-1'];
const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs the binary on a 100-column terminal; everything it wrote, as the terminal received it. */
function onTerminal(
  args: string[],
  environment: NodeJS.ProcessEnv,
): Promise<{ code: number | null; text: string }> {
  const command = `stty cols 100 rows 40; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: environment,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end();
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
}

/** Colour (SGR, ESC[…m); the cursor sequences a spinner needs (ESC[1G, ESC[0K, ESC[?25l) are not colour. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what is looked for.
const COLOUR = /\x1b\[[0-9;]*m/;
const ATTACH = [
  'attach',
  'orders-api',
  '--subnets',
  `${I.privateSubnetA},${I.privateSubnetB}`,
  '--sg',
  I.sgAllEgress,
];

describe.skipIf(!hasScript)('on a terminal', () => {
  it('one colour decision: NO_COLOR and --no-color leave no colour, the spinner frame and ✔ included', async () => {
    const attached = await onTerminal([...globals(), ...ATTACH], env({ NO_COLOR: '1' }));
    const detached = await onTerminal([...globals(), '--no-color', 'detach', 'orders-api'], env());
    for (const { code, text } of [attached, detached]) {
      expect(code).toBe(0);
      // The spinner ran (its first frame) and ended with its ✔ line.
      expect(text).toMatch(/⠋ orders-api: reading/);
      expect(text).toMatch(/✔ orders-api: done/);
      expect(text).not.toMatch(COLOUR);
    }
  });

  it('colours the spinner frame and ✔ otherwise', async () => {
    const { code, text } = await onTerminal([...globals(), ...ATTACH, '--dry-run'], env());
    expect(code).toBe(0);
    expect(text).toContain('\x1b[36m⠋\x1b[39m orders-api: reading');
    expect(text).toContain('\x1b[32m✔\x1b[39m orders-api: done');
  });

  it('TERM=dumb gets the plain lines of CI, not a spinner nor ora’s fallback', async () => {
    const { code, text } = await onTerminal([...globals(), ...ATTACH, '--dry-run'], env({ TERM: 'dumb' }));
    expect(code).toBe(0);
    expect(text).toContain('orders-api: reading (0s)');
    expect(text).not.toMatch(/⠋|^- orders-api/m);
    expect(text).not.toMatch(COLOUR);
  });

  it('status --all and check-perms show a spinner while they read, on stderr only', async () => {
    const status = await onTerminal([...globals(), 'status', '--all'], env({ NO_COLOR: '1' }));
    expect(status.code).toBe(0);
    expect(status.text).toContain('⠋ listing the functions');
    expect(status.text).toMatch(/⠋ 0\/3 done, 0 in progress · reading 3 functions/);
    expect(status.text).toContain('⠋ reading the network');
    const perms = await onTerminal([...globals(), 'check-perms', 'orders-api'], env({ NO_COLOR: '1' }));
    expect(perms.text).toContain('⠋ checking the permissions for orders-api');
    // Piped, stdout is the result alone, and so is it with a terminal on stderr only: no frame in it.
    const piped = await runBin([...globals(), 'status', '--all'], env());
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what is looked for.
    expect(piped.stdout).not.toMatch(/⠋|\x1b/);
    expect(piped.stderr).toBe('');
  });
});
