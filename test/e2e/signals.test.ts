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
      outcome: 'failed',
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
