import { afterAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { fleet, fleetNames, MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { RequestLogEntry, Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// --rollback-on-failure, the built CLI against the fake AWS: an update that ends Failed is
// written back, once, and what the CLI says is what the fake's log and state show.
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
  NO_COLOR: '1',
};
const NETWORK = ['--subnets', `${I.subnetA},${I.subnetB}`, '--sg', I.sg];
const FAILED = {
  status: 'Failed' as const,
  reasonCode: 'SubnetOutOfIPAddresses',
  reason: 'Not enough free IPs.',
};

const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

async function start(scenario: Scenario): Promise<FakeAws> {
  const fake = await startFakeAws({ scenario });
  started.push(fake);
  return fake;
}

const cli = (f: FakeAws, args: string[]) => runBin(['--endpoint-url', f.url, ...args], cleanEnv(ENV));
const updatesOf = (f: FakeAws, fn: string) =>
  f.writes().filter((w) => w.operation === 'UpdateFunctionConfiguration' && w.params.FunctionName === fn);
const subnetsSent = (w: RequestLogEntry) => (w.params.VpcConfig as { SubnetIds: string[] }).SubnetIds;

describe.concurrent('attach --rollback-on-failure', () => {
  it('one function: the failed update is written back once, exit 6, rolled-back with the reason, remedy and rollback', async () => {
    const scenario = minimal();
    const fn = scenario.functions?.find((f) => f.FunctionName === I.fn);
    if (fn) fn.nextUpdateOutcome = FAILED;
    const f = await start(scenario);
    const r = await cli(f, ['-o', 'json', 'attach', I.fn, ...NETWORK, '--rollback-on-failure']);
    expect(r.code).toBe(6);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ total: 1, outcomes: { 'rolled-back': 1 } });
    expect(doc.results[0]).toMatchObject({
      outcome: 'rolled-back',
      written: true,
      before: { subnetIds: [], securityGroupIds: [] },
      after: { subnetIds: [], securityGroupIds: [] },
      error: { code: 'UpdateFailed', exitCode: 6 },
      rollback: {
        failedFunction: I.fn,
        undone: { subnetIds: [I.subnetA, I.subnetB], securityGroupIds: [I.sg] },
        written: true,
        after: { subnetIds: [], securityGroupIds: [] },
        error: null,
      },
    });
    expect(doc.results[0].error.message).toContain('SubnetOutOfIPAddresses');
    expect(doc.results[0].error.hint).toContain('free IP addresses');
    // Exactly one rollback write, after ours, and the function is back out of the VPC.
    expect(updatesOf(f, I.fn).map(subnetsSent)).toEqual([[I.subnetA, I.subnetB], []]);
    expect(f.state.getFunction(I.fn)).toMatchObject({
      LastUpdateStatus: 'Successful',
      VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
    });
  });

  it('human output: the rolled-back headline, what was undone, no undo line, the reason and remedy on stderr', async () => {
    const scenario = minimal();
    const fn = scenario.functions?.find((f) => f.FunctionName === I.fn);
    if (fn) fn.nextUpdateOutcome = FAILED;
    const f = await start(scenario);
    const r = await cli(f, ['attach', I.fn, ...NETWORK, '--rollback-on-failure']);
    expect(r.code).toBe(6);
    expect(r.stdout).toContain(`↺ ${I.fn}: update failed, rolled back to the previous configuration`);
    expect(r.stdout).toMatch(/^ {2}before +not in a VPC$/m);
    expect(r.stdout).toMatch(/^ {2}after +not in a VPC$/m);
    expect(r.stdout).toMatch(/^ {2}undone +vpc-/m);
    expect(r.stdout).not.toMatch(/^ {2}undo /m);
    expect(r.stderr).toContain('SubnetOutOfIPAddresses: Not enough free IPs.');
    expect(r.stderr).toContain('A subnet has no free IP addresses');
    expect(updatesOf(f, I.fn)).toHaveLength(2);
  });

  it('without the flag the failed update stays as AWS left it: the configuration asked for, LastUpdateStatus Failed', async () => {
    const scenario = minimal();
    const fn = scenario.functions?.find((f) => f.FunctionName === I.fn);
    if (fn) fn.nextUpdateOutcome = FAILED;
    const f = await start(scenario);
    const r = await cli(f, ['-o', 'json', 'attach', I.fn, ...NETWORK]);
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ outcome: 'failed', rollback: null });
    expect(updatesOf(f, I.fn)).toHaveLength(1);
    expect(f.state.getFunction(I.fn)).toMatchObject({
      LastUpdateStatus: 'Failed',
      LastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses',
      VpcConfig: { SubnetIds: [I.subnetA, I.subnetB] },
    });
  });

  it('detach: a failed detach is attached back as it was, and no interface-deletion note is left on it', async () => {
    const scenario = minimal();
    const fn = scenario.functions?.find((f) => f.FunctionName === I.fn);
    if (fn) {
      fn.VpcConfig = { SubnetIds: [I.subnetA, I.subnetB], SecurityGroupIds: [I.sg] };
      fn.nextUpdateOutcome = { status: 'Failed', reasonCode: 'InternalError', reason: 'Oops.' };
    }
    const f = await start(scenario);
    const r = await cli(f, ['-o', 'json', 'detach', I.fn, '--rollback-on-failure']);
    expect(r.code).toBe(6);
    const [result] = JSON.parse(r.stdout).results;
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      after: { subnetIds: [I.subnetA, I.subnetB], securityGroupIds: [I.sg] },
      rollback: { undone: { subnetIds: [], securityGroupIds: [] }, written: true, error: null },
    });
    expect(result.notes.some((n: string) => n.includes('deletes the function'))).toBe(false);
    expect(updatesOf(f, I.fn).map(subnetsSent)).toEqual([[], [I.subnetA, I.subnetB]]);
    expect(f.state.getFunction(I.fn).VpcConfig?.SubnetIds).toEqual([I.subnetA, I.subnetB]);
  });

  it('a fleet with --fail-fast: the functions attached before the failure are put back, one rollback write each, the summary names them', async () => {
    const names = fleetNames(5);
    const scenario = fleet(5, 40);
    const failing = scenario.functions?.[2];
    if (failing) failing.nextUpdateOutcome = FAILED;
    const f = await start(scenario);
    const r = await cli(f, [
      '-o',
      'json',
      'attach',
      ...names,
      ...NETWORK,
      '--fail-fast',
      '--concurrency',
      '1',
      '--rollback-on-failure',
    ]);
    expect(r.code).toBe(6);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { outcome: string }) => x.outcome)).toEqual([
      'rolled-back',
      'rolled-back',
      'rolled-back',
      'skipped',
      'skipped',
    ]);
    expect(doc.summary).toEqual({ total: 5, outcomes: { 'rolled-back': 3, skipped: 2 } });
    for (const name of names.slice(0, 3)) {
      expect(updatesOf(f, name).map(subnetsSent)).toEqual([[I.subnetA, I.subnetB], []]);
      expect(f.state.getFunction(name).VpcConfig?.SubnetIds).toEqual([]);
    }
    for (const name of names.slice(3)) expect(updatesOf(f, name)).toHaveLength(0);
    expect(doc.results[0]).toMatchObject({
      error: null,
      rollback: { failedFunction: names[2], written: true, error: null },
    });
    expect(doc.results[0].notes).toContain(
      `Put back to its previous configuration because ${names[2]} failed (--fail-fast --rollback-on-failure).`,
    );

    const human = await cli(await start(scenarioWithFailure(names)), [
      'attach',
      ...names,
      ...NETWORK,
      '--fail-fast',
      '--concurrency',
      '1',
      '--rollback-on-failure',
    ]);
    expect(human.code).toBe(6);
    expect(human.stdout).toContain('5 functions: 3 rolled back, 2 not started');
    expect(human.stdout).toContain(`↺ Put back because ${names[2]} failed: ${names[0]}, ${names[1]}`);
    expect(human.stdout).toContain(
      `↺ ${names[0]}: put back to the previous configuration because ${names[2]} failed`,
    );
  });
});

function scenarioWithFailure(names: string[]): Scenario {
  const scenario = fleet(names.length, 40);
  const failing = scenario.functions?.[2];
  if (failing) failing.nextUpdateOutcome = FAILED;
  return scenario;
}
