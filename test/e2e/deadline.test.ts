import { describe, expect, it } from 'vitest';
import { MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import { fakeAwsOnFakeClock } from './fakes.js';

// --timeout is a bound on the whole command, whatever is in flight when it comes: the CLI runs
// in-process against the fake AWS, both on one clock that moves only when something sleeps, so
// "a call that takes 20 s" is the fake moving the clock 20 s before it answers, and the time the
// command took is exact.
const LONG = 600_000;

const fakeAws = fakeAwsOnFakeClock();

async function start() {
  const scenario = minimal();
  scenario.updateDelayMs = LONG;
  return fakeAws(scenario);
}

const ATTACH = ['attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg];

describe('--timeout bounds the command', () => {
  it('attach: the wait ends at the timeout with exit 7, the write kept and the command that resumes', async () => {
    const { fake, cli } = await start();
    const r = await cli(['-o', 'json', ...ATTACH, '--timeout', '10s']);
    expect(r.code).toBe(7);
    expect(r.tookMs).toBeLessThanOrEqual(10_000);
    expect(r.tookMs).toBeGreaterThan(9_000);
    expect(r.stderr).toContain(
      `Resume waiting with: lambda-vpc --endpoint-url ${fake.url} status ${I.fn} --wait`,
    );
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0]).toMatchObject({
      outcome: 'timed-out',
      written: true,
      error: { code: 'TimedOut', exitCode: 7 },
    });
    expect(doc.summary).toEqual({ total: 1, outcomes: { 'timed-out': 1 } });
    expect(fake.writes()).toHaveLength(1);
  });

  it('status --wait: a read still in flight at the timeout is cut off there', async () => {
    const { fake, clock, cli } = await start();
    fake.state.beginUpdate(I.fn, { durationMs: LONG });
    // The second GetFunction takes 30 s to answer (the SDK's whole per-attempt budget), and its
    // answer is that the update has settled: had the CLI waited for it, it would exit 0.
    let reads = 0;
    fake.afterRequest((entry) => {
      if (entry.operation !== 'GetFunction' || ++reads !== 2) return;
      clock.advance(30_000);
      const fn = fake.state.findFunction(I.fn);
      if (fn?.update) fn.update.endsAt = fake.state.now();
    });
    const r = await cli(['status', I.fn, '--wait', '--timeout', '5s']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`Timed out waiting for ${I.fn} to settle`);
    expect(r.stderr).toContain(`status ${I.fn} --wait`);
    expect(reads).toBe(2);
  });

  it('attach: a write whose answer has not come at the timeout is reported as maybe written, with its undo', async () => {
    const { fake, clock, cli } = await start();
    // AWS applies the update, then takes a minute to answer.
    fake.afterRequest((entry) => {
      if (entry.operation === 'UpdateFunctionConfiguration') clock.advance(60_000);
    });
    const r = await cli(['-o', 'json', ...ATTACH, '--timeout', '20s']);
    expect(r.code).toBe(7);
    const result = JSON.parse(r.stdout).results[0];
    expect(result).toMatchObject({
      outcome: 'timed-out',
      written: 'unknown',
      before: { subnetIds: [], securityGroupIds: [] },
      error: { code: 'TimedOut', exitCode: 7 },
    });
    expect(result.error.message).toContain('whether AWS applied it is not known');
    expect(fake.state.getFunction(I.fn).VpcConfig?.SubnetIds).toEqual([I.subnetA]);
  });

  it('attach: the same, in human output, says it may have been written and how to undo it', async () => {
    const { fake, clock, cli } = await start();
    fake.afterRequest((entry) => {
      if (entry.operation === 'UpdateFunctionConfiguration') clock.advance(60_000);
    });
    const r = await cli([...ATTACH, '--timeout', '20s']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain(
      `${I.fn}: timed out, may have been written (no answer to the update came back)`,
    );
    expect(r.stdout).toMatch(/undo\s+lambda-vpc .*detach/);
  });

  it('attach: 502 pages until the timeout end it with exit 7, saying the update continues', async () => {
    const { fake, cli } = await start();
    fake.frontDoor.add({ kind: 'badGateway', service: 'lambda', operation: 'GetFunction', skip: 1 });
    const r = await cli(['-o', 'json', ...ATTACH, '--timeout', '10s']);
    expect(r.code).toBe(7);
    expect(r.tookMs).toBeLessThanOrEqual(10_000);
    expect(r.stderr).toContain("The update continues on AWS's side. Resume waiting with:");
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({
      written: true,
      error: { code: 'TimedOut', exitCode: 7 },
    });
    expect(fake.requests.some((e) => e.status === 502)).toBe(true);
    expect(fake.writes()).toHaveLength(1);
  });

  it('a fleet: timed out while the updates continue, said once, with one command that follows them all', async () => {
    const { fake, cli } = await start();
    const fleet = [I.fn, 'fn-2', 'fn-3'];
    for (const fn of fleet.slice(1)) fake.state.addFunction({ FunctionName: fn, Role: I.roleArn });
    const r = await cli([...ATTACH, 'fn-2', 'fn-3', '--timeout', '10s']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain("3 functions: 3 timed out while the update continues on AWS's side");
    expect(r.stdout).not.toContain('failed');
    expect(r.stderr).toContain(
      `The updates continue on AWS's side. Follow them with: lambda-vpc --endpoint-url ${fake.url} status --wait ${fleet.join(' ')}`,
    );
    expect(r.stderr).not.toContain('Resume waiting with');
    // fn-2 is still updating: another attach times out waiting for it, before its own write.
    const again = await cli([
      '-o',
      'json',
      'attach',
      'fn-2',
      '--subnets',
      I.subnetB,
      '--sg',
      I.sg,
      '--timeout',
      '5s',
    ]);
    expect(JSON.parse(again.stdout).results[0]).toMatchObject({
      outcome: 'failed',
      written: false,
      error: { code: 'TimedOut' },
    });
    expect(fake.writes()).toHaveLength(3);
  });

  it('status --wait of a fleet: one command resumes all the waits the timeout cut off', async () => {
    const { fake, cli } = await start();
    const fleet = [I.fn, 'fn-2', 'fn-3'];
    for (const fn of fleet.slice(1)) fake.state.addFunction({ FunctionName: fn, Role: I.roleArn });
    for (const fn of fleet) fake.state.beginUpdate(fn, { durationMs: LONG });
    const r = await cli(['status', ...fleet, '--wait', '--no-network', '--timeout', '5s']);
    expect(r.code).toBe(7);
    expect(r.stderr.split('\n').filter((line) => line.includes('Resume waiting'))).toEqual([
      `Resume waiting with: lambda-vpc --endpoint-url ${fake.url} status --wait ${fleet.join(' ')}`,
    ]);
    expect(r.stderr).not.toContain('Hint:');
  });

  it('a fleet: functions not started by the timeout are skipped, nothing written for them', async () => {
    const { fake, cli } = await start();
    for (const fn of ['fn-2', 'fn-3']) fake.state.addFunction({ FunctionName: fn, Role: I.roleArn });
    const r = await cli(['-o', 'json', ...ATTACH, 'fn-2', 'fn-3', '--concurrency', '1', '--timeout', '10s']);
    expect(r.code).toBe(7);
    const results = JSON.parse(r.stdout).results;
    expect(results.map((x: { outcome: string; written: unknown }) => [x.outcome, x.written])).toEqual([
      ['timed-out', true],
      ['skipped', false],
      ['skipped', false],
    ]);
    expect(fake.writes()).toHaveLength(1);
  });
});
