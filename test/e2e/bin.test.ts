import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { BIN, cleanEnv, runBin } from './spawn.js';

describe('the built binary', () => {
  it('--help teaches: commands, examples, exit codes', async () => {
    const { code, stdout, stderr } = await runBin(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/Commands:\n\s+attach/);
    expect(stdout).toContain('$ lambda-vpc attach my-fn --subnets');
    expect(stdout).toContain('130  interrupted');
    expect(stdout).toContain('143  terminated (SIGTERM)');
  });

  it('--version prints the package version, as the program itself would', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await runBin([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${version}\n`);
    }
    expect((await runCli(['--version'])).stdout).toBe(`${version}\n`);
  });

  it('answers a bare --help without loading the program, with exactly the help the program gives', async () => {
    const program = await runCli(['--help']);
    for (const flag of ['--help', '-h']) expect((await runBin([flag])).stdout).toBe(program.stdout);
    // The same text when the program itself answers (here: with a global option before it).
    const slow = await runBin(['--no-color', '--help']);
    expect(slow.stdout).toBe(program.stdout);
  });

  it.each(['attach', 'detach', 'status', 'check-perms', 'enis', 'reach'])(
    '%s --help, -h and `help %s` from the launcher: exactly the help the program gives',
    async (name) => {
      const program = await runCli([name, '--help']);
      expect(program.code).toBe(0);
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const r = await runBin(argv);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(program.stdout);
      }
    },
  );

  it('a name that is no command, with --help, is left to the program', async () => {
    const program = await runCli(['atach', '--help']);
    const r = await runBin(['atach', '--help']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: program.code, stdout: program.stdout });
  });

  it('a bare lambda-vpc, or only global options, is a usage error: the help on stderr, exit 2', async () => {
    const help = (await runCli(['--help'])).stdout;
    const error =
      "Error: Name a command: attach, detach, status, check-perms, enis, reach or teardown.\nHint: Run 'lambda-vpc --help' for usage.\n";
    for (const args of [[], ['--no-color', '--region', 'us-east-1']]) {
      const r = await runBin(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(help + error);
    }
    // With -o json: the error document on stdout, only the error on stderr.
    const json = await runBin(['-o', 'json']);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe(error);
    expect(JSON.parse(json.stdout)).toEqual({
      schemaVersion: 2,
      command: null,
      exitCode: 2,
      results: [],
      error: {
        code: 'Usage',
        exitCode: 2,
        message: 'Name a command: attach, detach, status, check-perms, enis, reach or teardown.',
        hint: "Run 'lambda-vpc --help' for usage.",
      },
    });
    // Asked for, help is a success, on stdout.
    const asked = await runBin(['help']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toBe(help);
  });

  it('a usage error is one line and exit 2', async () => {
    const { code, stdout, stderr } = await runBin([
      'attach',
      'my-fn',
      '--subnets',
      'subnet-nope',
      '--sg',
      'sg-0123456789abcdef0',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "Error: 'subnet-nope' is not a valid subnet ID (expected e.g. subnet-0123456789abcdef0).\n",
    );
  });

  it('terminal escapes in input are shown, not sent to the terminal: an argument, a file line, an option', async () => {
    const name = await runBin(['--region', 'us-east-1', 'status', '\x1b]0;pwned\x07\x1b[2Jmy-fn\r']);
    expect(name.code).toBe(2);
    expect(name.stderr.split('\n')[0]).toBe(
      "Error: '\\x1b]0;pwned\\x07\\x1b[2Jmy-fn\\x0d' is not a Lambda function name or ARN.",
    );
    const line = await runBin(
      ['--region', 'us-east-1', 'detach', '--functions-file', '-'],
      cleanEnv(),
      undefined,
      'ok-fn\n\x1b[31mred\n',
    );
    expect(line.code).toBe(2);
    expect(line.stderr.split('\n')[0]).toBe("Error: '\\x1b[31mred' is not a Lambda function name or ARN.");
    const option = await runBin(['-o', 'json', '--\x1b[8mhidden']);
    expect(option.code).toBe(2);
    expect(option.stderr.split('\n')[0]).toBe("Error: Unknown option '--\\x1b[8mhidden'");
    expect(JSON.parse(option.stdout).error.message).toBe("Unknown option '--\x1b[8mhidden'");
    for (const r of [name, line, option])
      for (const control of ['\x07', '\x1b', '\r']) expect(r.stderr + r.stdout).not.toContain(control);
  });

  it('missing credentials: a clear message and exit 3, not a stack trace', async () => {
    const { code, stdout, stderr } = await runBin(['--region', 'us-east-1', 'status', 'my-fn']);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'Error: my-fn: AWS credentials are missing or invalid: Could not load credentials from any providers',
    );
    expect(lines[1]).toMatch(/^Hint: Configure credentials/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('missing region: exit 2 with how to set it', async () => {
    const { code, stderr } = await runBin(['status', 'my-fn']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'Error: No AWS region is configured.\nHint: Pass --region, set AWS_REGION or AWS_DEFAULT_REGION, set a region in your AWS profile, or name the functions by full ARN.\n',
    );
  });

  it('--debug adds the stack trace but never the credentials', async () => {
    const env = cleanEnv({
      AWS_ACCESS_KEY_ID: 'AKIASECRETKEYID00000',
      AWS_SECRET_ACCESS_KEY: 'very-secret-value',
      AWS_REGION: 'us-east-1',
    });
    const { code, stderr } = await runBin(
      ['--debug', '--endpoint-url', 'http://127.0.0.1:9', 'status', 'my-fn', '--timeout', '1s'],
      { ...env, AWS_MAX_ATTEMPTS: '1' },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('[debug] Lambda.GetFunction failed');
    expect(stderr).toMatch(/\n\[debug\] .*\n\s+at /);
    expect(stderr).not.toContain('very-secret-value');
    expect(stderr).not.toContain('AKIASECRETKEYID00000');
  });

  it.each([[['--help']], [['--no-color', '--help']]])(
    'a reader that closes stdout early (| head) is not a crash: %j',
    async (args) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Closed before the CLI has started, so its first write meets a closed pipe.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.toContain('EPIPE');
      expect(code).toBe(0);
    },
  );
});
