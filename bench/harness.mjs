// How bench/run.mjs runs and times processes, describes the machine and prints markdown.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';

// ---------------------------------------------------------------- processes

/** The children still running, so Ctrl-C can stop them (each is in its own process group). */
const running = new Set();
process.once('SIGINT', () => {
  for (const child of running) killGroup(child);
  process.exit(130);
});

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const scratch = mkdtempSync(join(os.tmpdir(), 'lambda-vpc-bench-'));
const home = join(scratch, 'home');
mkdirSync(home);
process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** /usr/bin/time if it is GNU time (it can write the peak RSS to a file), else undefined. */
export const GNU_TIME = (() => {
  try {
    execFileSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    return '/usr/bin/time';
  } catch {
    return undefined;
  }
})();

/**
 * Copies the launcher's package (bin/, dist/, package.json) aside and returns the copy's
 * launcher, so that a build started meanwhile (`npm test` rebuilds dist/) cannot change or
 * break what is being measured halfway through.
 */
export function snapshotCli(launcher) {
  const packageRoot = dirname(dirname(launcher));
  const copy = join(scratch, 'lambda-vpc');
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(packageRoot, part), join(copy, part), { recursive: true });
  return join(copy, 'bin', basename(launcher));
}

let runs = 0;

/**
 * Runs a command and resolves with its exit code, output, wall time (spawn to exit) and the
 * time it exited (Date.now(), the fixture's clock). With `peakRss`, it runs under GNU time and
 * also reports the peak RSS in KiB. Each child gets its own process group, so a timeout stops
 * GNU time and the child alike.
 */
export function runProcess(command, args, { env, input, timeoutMs = 60_000, peakRss = false }) {
  const rssFile = join(scratch, `rss-${++runs}`);
  const [file, argv] =
    peakRss && GNU_TIME ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      env,
      detached: true,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    let ms = 0;
    let exitedAt = 0;
    child.once('exit', () => {
      ms = performance.now() - started;
      exitedAt = Date.now();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      let rssKb;
      if (existsSync(rssFile)) {
        rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) || undefined;
        rmSync(rssFile);
      }
      resolve({ code, signal, stdout, stderr, ms, exitedAt, timedOut, rssKb });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Nothing from this machine's shell: no NODE_OPTIONS or NODE_EXTRA_CA_CERTS, a HOME of our own. */
export function bareEnv() {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
}

/**
 * What both CLIs get against the fixture (as in test/e2e/spawn.ts): credentials and region from
 * the environment, no profile files, no instance metadata. bench/run.mjs also passes
 * `--endpoint-url`, so nothing can reach AWS whatever a tool makes of the environment.
 */
export function awsEnv(endpointUrl) {
  return {
    ...bareEnv(),
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    // AWS CLI v1 reads only this one.
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpointUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
    AWS_PAGER: '',
    CI: '1',
  };
}

/** Debian's awscli package installs /usr/bin/aws; otherwise the first `aws` on PATH. */
export function findAwsCli() {
  if (existsSync('/usr/bin/aws')) return '/usr/bin/aws';
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'aws'))) return join(dir, 'aws');
  }
  return undefined;
}

// ---------------------------------------------------------------- the machine

const output = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

export function describeMachine() {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const distribution = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? os.type();
  const awsCli = findAwsCli();
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    ramGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${distribution}, ${os.type()} ${os.release()}`,
    awsCli: awsCli && `${output(awsCli, ['--version'])?.split(' ')[0] ?? 'aws'} (${awsCli})`,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** "lambda-vpc 0.1.0 at 1a2b3c4", and whether the code that goes into dist/ has uncommitted changes. */
export function describeCheckout(root) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const commit = output('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  if (!commit) return `lambda-vpc ${version}`;
  const dirty = output('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'bin', 'scripts/build.mjs']);
  return `lambda-vpc ${version} at ${commit}${dirty ? ' with uncommitted changes' : ''}`;
}

// ---------------------------------------------------------------- statistics and markdown

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const formatMs = (ms) =>
  ms === undefined ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
export const formatRss = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`);
export const formatRatio = (r) => `${r.toFixed(2)}×`;
export const yesNo = (met) => (met ? 'yes' : '**no**');
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "lambda GetFunction" → count, over a slice of the fixture's request log. */
export function countByOperation(entries) {
  const counts = new Map();
  for (const e of entries) {
    const key = `${e.service} ${e.operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** "1 × GetFunction", the calls in a slice of the fixture's request log. */
export function describeCalls(entries) {
  const calls = [...countByOperation(entries)].map(([op, n]) => `${n} × ${op.split(' ')[1]}`);
  return calls.join(', ') || 'none';
}

export const note = (text) => process.stderr.write(`bench: ${text}\n`);
