import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkJsonOutput } from '../json-schema.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/lambda-vpc.cjs', import.meta.url));

/** An environment with no AWS settings from the machine running the tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nor the machine's proxies: the tests' requests go to 127.0.0.1, or through a test's own proxy.
    const proxy = /^(?:https?|no|all)_proxy$/i.test(key);
    if (!key.startsWith('AWS_') && !proxy && key !== 'CI' && key !== 'FORCE_COLOR' && key !== 'NO_COLOR')
      env[key] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary as a user would; `stdin`, when given, is piped in. */
export function runBin(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void,
  stdin?: string,
): Promise<Spawned> {
  return startBin(args, env, onStderr, stdin).done;
}

/**
 * Starts the built binary and hands back a way to signal it, for a test that acts on what
 * something else sees (the fake AWS's request log) while it runs.
 */
export function startBin(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void,
  stdin?: string,
): { done: Promise<Spawned>; kill: (signal: NodeJS.Signals) => void } {
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url)))
    throw new Error('dist/ is missing: run `npm run build` (npm test does it).');
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'pipe' });
  const kill = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  const done = new Promise<Spawned>((resolve, reject) => {
    child.stdin.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, kill);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        checkJsonOutput(stdout);
      } catch (invalid) {
        reject(invalid);
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { done, kill };
}
