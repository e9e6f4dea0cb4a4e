import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import { fakeAwsPerTest } from './fakes.js';
import { cleanEnv, type Spawned, startBin } from './spawn.js';

// SIGTERM (a CI job cancelled, timeout(1), Kubernetes stopping a pod) is handled as Ctrl-C:
// the CLI stops waiting, says what continues on AWS's side, prints its JSON document and exits
// 143. The signal is sent on what the CLI printed or the fake saw it ask, never after a sleep.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const LONG = 600_000;
const ATTACH = ['attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg];
const CONTINUES = "Any update already sent continues on AWS's side. Follow it with:";

const start = fakeAwsPerTest((s) => {
  s.updateDelayMs = LONG;
});

/** Sends `signal` once stderr shows the function waiting (human output: a progress line). */
function onProgress(f: FakeAws, args: string[], signal: NodeJS.Signals): Promise<Spawned> {
  let sent = false;
  return startBin(['--endpoint-url', f.url, ...args], ENV, (stderr, kill) => {
    if (!sent && stderr.includes('Active / InProgress')) {
      sent = true;
      kill(signal);
    }
  }).done;
}

/** Sends `signal` once the fake has answered `polls` GetFunction calls while the update runs (JSON: no progress). */
function onPoll(f: FakeAws, args: string[], signal: NodeJS.Signals, polls: number): Promise<Spawned> {
  const bin = startBin(['--endpoint-url', f.url, ...args], ENV);
  let seen = 0;
  f.afterRequest((entry) => {
    if (entry.operation === 'GetFunction' && f.state.findFunction(I.fn)?.update && ++seen === polls)
      bin.kill(signal);
  });
  return bin.done;
}

describe.concurrent('SIGTERM while waiting', () => {
  it('attach: exit 143, the same messages as for Ctrl-C, the function as AWS left it', async () => {
    const f = await start();
    const r = await onProgress(f, ATTACH, 'SIGTERM');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/^Error: Stopped waiting for my-fn \(last seen: Active \/ InProgress\)\.$/m);
    expect(r.stderr).toContain(CONTINUES);
    expect(r.stderr).toContain(`lambda-vpc --endpoint-url ${f.url} status my-fn --wait`);
    expect(f.writes()).toHaveLength(1);
    expect(f.state.getFunction(I.fn)).toMatchObject({
      LastUpdateStatus: 'InProgress',
      VpcConfig: { VpcId: I.vpc },
    });
  });

  it("attach -o json: one document whose exit code, and its error's, is 143", async () => {
    const f = await start();
    const r = await onPoll(f, ['-o', 'json', ...ATTACH], 'SIGTERM', 2);
    expect(r.code).toBe(143);
    const doc = JSON.parse(r.stdout);
    expect(doc.exitCode).toBe(143);
    expect(doc.results[0]).toMatchObject({
      written: true,
      outcome: 'interrupted',
      error: { code: 'Interrupted', exitCode: 143, hint: expect.stringContaining(CONTINUES) },
    });
    expect(r.stderr).toContain(CONTINUES);
  });

  it('status --wait: exit 143 with the command that follows the update', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    const r = await onProgress(f, ['status', I.fn, '--wait'], 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toContain(`${CONTINUES} lambda-vpc --endpoint-url ${f.url} status my-fn --wait`);
  });

  it('status --wait -o json: the document says 143, as the process does', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    const r = await onPoll(f, ['-o', 'json', 'status', I.fn, '--wait'], 'SIGTERM', 2);
    expect(r.code).toBe(143);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'status', exitCode: 143 });
    expect(doc.results[0].error).toMatchObject({ code: 'Interrupted', exitCode: 143 });
  });

  it('SIGINT -o json still says 130, in the document as in the process', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    const r = await onPoll(f, ['-o', 'json', 'status', I.fn, '--wait'], 'SIGINT', 2);
    expect(r.code).toBe(130);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 130, results: [{ error: { exitCode: 130 } }] });
  });
});

/** Sends `signal` once every one of `fns` has been written and the fake is answering polls. */
function onceAllWritten(f: FakeAws, args: string[], fns: string[], signal: NodeJS.Signals): Promise<Spawned> {
  const bin = startBin(['--endpoint-url', f.url, ...args], ENV);
  let sent = false;
  f.afterRequest((entry) => {
    if (!sent && entry.operation === 'GetFunction' && f.writes().length === fns.length) {
      sent = true;
      bin.kill(signal);
    }
  });
  return bin.done;
}

describe.concurrent('a fleet interrupted while its updates run', () => {
  const FLEET = [I.fn, 'fn-2', 'fn-3'];
  const startFleet = async () => {
    const f = await start();
    for (const fn of FLEET.slice(1)) f.state.addFunction({ FunctionName: fn, Role: I.roleArn });
    return f;
  };
  const NETWORK = ['--subnets', I.subnetA, '--sg', I.sg];

  it('says interrupted, not failed, and gives one command that follows them all', async () => {
    const f = await startFleet();
    const r = await onceAllWritten(f, ['attach', ...FLEET, ...NETWORK], FLEET, 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("3 functions: 3 interrupted while the update continues on AWS's side");
    for (const fn of FLEET)
      expect(r.stdout).toContain(`${fn}: interrupted while the update continues on AWS's side`);
    expect(r.stdout).not.toContain('failed');
    const follow = `The updates continue on AWS's side. Follow them with: lambda-vpc --endpoint-url ${f.url} status --wait ${FLEET.join(' ')}`;
    expect(r.stderr.split('\n').filter((line) => line.includes('Follow'))).toEqual([follow]);
    expect(r.stderr).not.toContain('Hint:');
    for (const fn of FLEET) expect(f.state.getFunction(fn).LastUpdateStatus).toBe('InProgress');
  });

  it('-o json: outcome interrupted, written true, the summary counts them; a --functions-file is named as given', async () => {
    const f = await startFleet();
    const file = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-')), 'fns.txt');
    writeFileSync(file, `${FLEET.slice(1).join('\n')}\n`);
    const args = ['-o', 'json', 'attach', I.fn, '--functions-file', file, ...NETWORK];
    const r = await onceAllWritten(f, args, FLEET, 'SIGTERM');
    expect(r.code).toBe(143);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ total: 3, outcomes: { interrupted: 3 } });
    expect(doc.results.map((x: { outcome: string; written: unknown }) => [x.outcome, x.written])).toEqual(
      FLEET.map(() => ['interrupted', true]),
    );
    expect(r.stderr).toContain(
      `Follow them with: lambda-vpc --endpoint-url ${f.url} status --wait ${I.fn} --functions-file ${file}`,
    );
  });

  it('a function stopped while waiting out an earlier update, before its write, is not claimed written', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    const r = await onPoll(f, ['-o', 'json', ...ATTACH], 'SIGINT', 2);
    expect(r.code).toBe(130);
    expect(f.writes()).toHaveLength(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({
      outcome: 'failed',
      written: false,
      error: { code: 'Interrupted' },
    });
  });
});
