import { LambdaClient } from '@aws-sdk/client-lambda';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import type { DesiredVpc } from '../../src/core/plan.js';
import { emptyResult, type FunctionResult } from '../../src/core/result.js';
import { ExitCode } from '../../src/errors.js';
import type { Progress } from '../../src/output/progress.js';
import type { Reporter } from '../../src/output/reporter.js';
import { type ChangeRequest, type ChangeSpec, runChange } from '../../src/workflows/change.js';
import { startDeadline } from '../../src/workflows/deadline.js';
import { restoring, rollBack } from '../../src/workflows/rollback.js';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { fleet, fleetNames, MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { RequestLogEntry, Scenario } from '../fake-aws/types.js';
import { fakeClock } from '../helpers.js';

// --rollback-on-failure in the attach/detach engine, against the fake AWS on a fake clock:
// an update that ends Failed is written back with the forward protocol, and what the result
// says is what the fake's log and state show.

const DESIRED: DesiredVpc = {
  subnetIds: [I.subnetA],
  securityGroupIds: [I.sg],
  ipv6AllowedForDualStack: false,
};
const WORDS = {
  updated: 'attached to {vpc}',
  unchanged: 'already there',
  planned: 'would attach',
  summary: 'attached',
};
const SPEC: ChangeSpec = { desired: DESIRED, words: WORDS, preflights: [] };
const FAILED = {
  status: 'Failed' as const,
  reasonCode: 'SubnetOutOfIPAddresses',
  reason: 'No free IP addresses.',
};
const NOT_IN_VPC = { vpcId: null, subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };

const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

function recorder() {
  const said: string[] = [];
  const plain = new Chalk({ level: 0 });
  const progress: Progress = { activity() {}, update() {}, done() {}, print: (write) => write(), stop() {} };
  const reporter: Reporter = {
    show: (render) => said.push(render(plain)),
    note: (text) => said.push(`note: ${typeof text === 'string' ? text : text(plain)}`),
    warn: (text) => said.push(`warn: ${text}`),
    notice: (text) => said.push(`notice: ${text}`),
    error: (error, prefix = '') => said.push(`error: ${prefix}${error.message} | ${error.hint ?? ''}`),
    progress: async () => progress,
  };
  return { said, reporter };
}

async function start(scenario: Scenario = minimal()) {
  const clock = fakeClock();
  const fake = await startFakeAws({ scenario, clock: clock.now, sleep: (ms) => clock.sleep(ms) });
  started.push(fake);
  const { said, reporter } = recorder();
  const aws = new AwsClients({
    region: 'us-east-1',
    endpointUrl: fake.url,
    env: {},
    awsEnv: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' },
    clock,
  });
  const deps = {
    aws,
    clock,
    signal: undefined,
    reporter,
    cliPrefix: 'lambda-vpc',
    pollIntervalMs: 1000,
    confirm: undefined,
  };
  const run = (names: string[], options: Partial<ChangeRequest> = {}, spec: ChangeSpec = SPEC) =>
    runChange(
      deps,
      {
        targets: names.map((name) => ({ input: name, ref: { id: name, name } })),
        timeoutMs: 600_000,
        concurrency: 10,
        failFast: false,
        wait: true,
        dryRun: false,
        rollbackOnFailure: true,
        failOnIac: false,
        notes: [],
        ...options,
      },
      spec,
    );
  return { fake, clock, said, run };
}

const writesOf = (fake: FakeAws, fn: string) =>
  fake.writes().filter((w) => w.params.FunctionName === fn && w.operation === 'UpdateFunctionConfiguration');
const vpcSent = (w: RequestLogEntry) => (w.params.VpcConfig as { SubnetIds: string[] }).SubnetIds;

describe('--rollback-on-failure: one function', () => {
  it('an update that ends Failed is written back with the RevisionId it left, settles, and is reported rolled-back with exit 6', async () => {
    const { fake, said, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    let leftByOurs: string | undefined;
    const off = fake.afterRequest((entry) => {
      if (entry.operation !== 'UpdateFunctionConfiguration') return;
      leftByOurs = fake.state.getFunction(I.fn).RevisionId;
      off();
    });
    const body = await run([I.fn]);
    expect(body.exitCode).toBe(ExitCode.UpdateFailed);
    const [result] = body.results as FunctionResult[];
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      written: true,
      before: NOT_IN_VPC,
      after: NOT_IN_VPC,
      status: { lastUpdateStatus: 'Successful' },
      error: { code: 'UpdateFailed', exitCode: 6 },
      rollback: {
        failedFunction: I.fn,
        undone: { subnetIds: [I.subnetA], securityGroupIds: [I.sg] },
        written: true,
        after: NOT_IN_VPC,
        error: null,
      },
    });
    expect(result?.error?.message).toContain('SubnetOutOfIPAddresses');
    expect(result?.error?.hint).toContain('A subnet has no free IP addresses');
    // Two writes: ours, then the rollback, sent with the revision our failed update left.
    const writes = writesOf(fake, I.fn);
    expect(writes.map(vpcSent)).toEqual([[I.subnetA], []]);
    expect(writes[1]?.params).toMatchObject({
      VpcConfig: { SubnetIds: [], SecurityGroupIds: [], Ipv6AllowedForDualStack: false },
      RevisionId: leftByOurs,
    });
    expect(leftByOurs).toBeDefined();
    expect(fake.state.getFunction(I.fn)).toMatchObject({
      LastUpdateStatus: 'Successful',
      VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
    });
    const printed = said.join('\n');
    expect(printed).toContain(`↺ ${I.fn}: update failed, rolled back to the previous configuration`);
    expect(printed).not.toMatch(/^ +undo /m);
  });

  it('with --no-wait the failure is never seen: a warning says nothing is rolled back, one write', async () => {
    const { fake, said, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    const body = await run([I.fn], { wait: false });
    expect(body.results[0]).toMatchObject({ outcome: 'started', rollback: null });
    expect(said).toContain(
      'warn: --rollback-on-failure needs the wait: with --no-wait a failed update is not seen, so nothing is rolled back.',
    );
    expect(writesOf(fake, I.fn)).toHaveLength(1);
  });

  it('without --rollback-on-failure the failed update stays, one write', async () => {
    const { fake, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    const body = await run([I.fn], { rollbackOnFailure: false });
    expect(body.exitCode).toBe(ExitCode.UpdateFailed);
    expect(body.results[0]).toMatchObject({ outcome: 'failed', rollback: null });
    expect(writesOf(fake, I.fn)).toHaveLength(1);
    expect(fake.state.getFunction(I.fn).VpcConfig?.SubnetIds).toEqual([I.subnetA]);
  });

  it("the rollback write's answer is lost: the next read finds it applied, written once, reported rolled-back", async () => {
    const { fake, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    fake.faults.add({ operation: 'UpdateFunctionConfiguration', kind: 'dropAfterApply', skip: 1, times: 1 });
    const body = await run([I.fn]);
    const [result] = body.results as FunctionResult[];
    expect(result).toMatchObject({ outcome: 'rolled-back', rollback: { written: true, error: null } });
    expect(result?.notes).toContain(
      'Rollback: The answer to the update was lost, but the function has the configuration sent: it was applied.',
    );
    expect(writesOf(fake, I.fn).map(vpcSent)).toEqual([[I.subnetA], []]);
    expect(writesOf(fake, I.fn)[1]?.droppedStatus).toBe(200);
    expect(fake.state.getFunction(I.fn).VpcConfig?.SubnetIds).toEqual([]);
  });

  it('the rollback write is lost before it is applied: sent again, once, with the same revision', async () => {
    const { fake, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    fake.faults.add({ operation: 'UpdateFunctionConfiguration', kind: 'error500', skip: 1, times: 1 });
    const body = await run([I.fn]);
    expect(body.results[0]).toMatchObject({
      outcome: 'rolled-back',
      rollback: { written: true, error: null },
    });
    const writes = writesOf(fake, I.fn);
    expect(writes.map((w) => w.status)).toEqual([200, 500, 200]);
    expect(writes[2]?.params.RevisionId).toBe(writes[1]?.params.RevisionId);
  });

  it.each([
    [
      'changes its configuration',
      (fake: FakeAws) => fake.state.changeFunction(I.fn, { Description: 'theirs' }),
    ],
    ['starts an update of theirs', (fake: FakeAws) => fake.state.beginUpdate(I.fn, { durationMs: 10 })],
  ])(
    'someone else %s right after the update failed: the rollback write is refused (RevisionId), not retried, the hint names the undo',
    async (_, theirs) => {
      const { fake, run } = await start();
      fake.state.setNextUpdateOutcome(I.fn, FAILED);
      const off = fake.afterRequest((entry) => {
        if (entry.operation !== 'GetFunction' || fake.state.getFunction(I.fn).LastUpdateStatus !== 'Failed')
          return;
        theirs(fake);
        off();
      });
      const body = await run([I.fn]);
      expect(body.exitCode).toBe(ExitCode.UpdateFailed);
      const [result] = body.results as FunctionResult[];
      expect(result).toMatchObject({
        outcome: 'failed',
        written: true,
        error: { code: 'UpdateFailed', exitCode: 6 },
        rollback: { written: false, error: { code: 'Conflict' } },
      });
      expect(result?.error?.message).toMatch(
        /SubnetOutOfIPAddresses.*Rollback: nothing was written back: changed by someone else/,
      );
      expect(result?.error?.hint).toContain('Someone else changed the function');
      expect(result?.error?.hint).toContain(`lambda-vpc detach ${I.fn}`);
      const writes = writesOf(fake, I.fn);
      expect(writes.map((w) => w.status)).toEqual([200, 412]);
      expect(writes[1]?.errorCode).toBe('PreconditionFailedException');
      expect(fake.state.getFunction(I.fn).VpcConfig?.SubnetIds).toEqual([I.subnetA]);
    },
  );

  it('the rollback write goes unanswered and someone else changes the function meanwhile: not sent again, reported not known', async () => {
    const { fake, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    fake.faults.add({ operation: 'UpdateFunctionConfiguration', kind: 'error500', skip: 1, times: 1 });
    fake.afterRequest((entry) => {
      if (entry.operation === 'UpdateFunctionConfiguration' && entry.status === 500)
        fake.state.changeFunction(I.fn, { Description: 'theirs' });
    });
    const body = await run([I.fn]);
    const [result] = body.results as FunctionResult[];
    expect(body.exitCode).toBe(ExitCode.UpdateFailed);
    expect(result).toMatchObject({
      outcome: 'failed',
      rollback: { written: 'unknown', error: { code: 'Conflict' } },
    });
    expect(result?.error?.message).toContain(
      'whether the previous configuration was written back is not known',
    );
    expect(writesOf(fake, I.fn).map((w) => w.status)).toEqual([200, 500]);
    expect(fake.state.getFunction(I.fn).Description).toBe('theirs');
  });

  it('the rollback itself ends Failed: outcome failed, both reasons, the undo command in the hint', async () => {
    const { fake, said, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    const off = fake.afterRequest((entry) => {
      if (entry.operation !== 'UpdateFunctionConfiguration') return;
      fake.state.setNextUpdateOutcome(I.fn, {
        status: 'Failed',
        reasonCode: 'InternalError',
        reason: 'Oops.',
      });
      off();
    });
    const body = await run([I.fn]);
    expect(body.exitCode).toBe(ExitCode.UpdateFailed);
    const [result] = body.results as FunctionResult[];
    expect(result).toMatchObject({
      outcome: 'failed',
      written: true,
      status: { lastUpdateStatus: 'Failed', lastUpdateStatusReasonCode: 'InternalError' },
      rollback: { written: true, error: { code: 'UpdateFailed' } },
    });
    expect(result?.error?.message).toMatch(
      /SubnetOutOfIPAddresses.*Rollback: the previous configuration was written back, but update failed: InternalError/,
    );
    expect(result?.error?.hint).toContain(
      `Put the previous configuration back with: lambda-vpc detach ${I.fn}`,
    );
    expect(writesOf(fake, I.fn)).toHaveLength(2);
    expect(said.join('\n')).toContain(`undo    lambda-vpc detach ${I.fn}`);
  });

  it('the rollback times out: outcome failed, the rollback written, TimedOut in rollback.error', async () => {
    const { fake, run } = await start();
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    const off = fake.afterRequest((entry) => {
      if (entry.operation !== 'UpdateFunctionConfiguration') return;
      fake.state.setUpdateDelay(3_600_000, I.fn);
      off();
    });
    const body = await run([I.fn], { timeoutMs: 120_000 });
    const [result] = body.results as FunctionResult[];
    expect(body.exitCode).toBe(ExitCode.UpdateFailed);
    expect(result).toMatchObject({
      outcome: 'failed',
      rollback: { written: true, error: { code: 'TimedOut' } },
      error: { code: 'UpdateFailed' },
    });
    expect(writesOf(fake, I.fn)).toHaveLength(2);
  });

  it('detach that fails is rolled back to the VPC it had, IPv6 dual-stack included', async () => {
    const scenario = minimal();
    const fn = scenario.functions?.[0];
    if (fn)
      fn.VpcConfig = {
        SubnetIds: [I.subnetA, I.subnetB],
        SecurityGroupIds: [I.sg],
        Ipv6AllowedForDualStack: false,
      };
    const { fake, run } = await start(scenario);
    fake.state.setNextUpdateOutcome(I.fn, FAILED);
    const detached = { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };
    const body = await run([I.fn], {}, { ...SPEC, desired: detached });
    expect(body.results[0]).toMatchObject({
      outcome: 'rolled-back',
      after: { subnetIds: [I.subnetA, I.subnetB], securityGroupIds: [I.sg] },
    });
    expect(writesOf(fake, I.fn)[1]?.params.VpcConfig).toEqual({
      SubnetIds: [I.subnetA, I.subnetB],
      SecurityGroupIds: [I.sg],
      Ipv6AllowedForDualStack: false,
    });
  });
});

describe('--fail-fast --rollback-on-failure: a fleet', () => {
  it('the functions this run changed are put back once one fails; the summary names them; one rollback write each', async () => {
    const names = fleetNames(4);
    const scenario = fleet(4, 100);
    const { fake, said, run } = await start(scenario);
    const [first, second, third, fourth] = names as [string, string, string, string];
    fake.state.setNextUpdateOutcome(third, FAILED);
    const body = await run(names, { failFast: true, concurrency: 1 });
    expect(body.exitCode).toBe(ExitCode.UpdateFailed);
    const byName = Object.fromEntries((body.results as FunctionResult[]).map((r) => [r.function, r]));
    for (const name of [first, second]) {
      expect(byName[name]).toMatchObject({
        outcome: 'rolled-back',
        error: null,
        after: NOT_IN_VPC,
        rollback: { failedFunction: third, written: true, error: null },
      });
      expect(writesOf(fake, name).map(vpcSent)).toEqual([[I.subnetA], []]);
      expect(fake.state.getFunction(name).VpcConfig?.SubnetIds).toEqual([]);
    }
    expect(byName[third]).toMatchObject({ outcome: 'rolled-back', rollback: { failedFunction: third } });
    expect(byName[fourth]).toMatchObject({ outcome: 'skipped', rollback: null });
    expect(writesOf(fake, fourth)).toHaveLength(0);
    const printed = said.join('\n');
    expect(printed).toContain('4 functions: 3 rolled back, 1 not started');
    expect(printed).toContain(`↺ Put back because ${third} failed: ${first}, ${second}`);
  });

  it('a function someone else changed after this run attached it is not put back, and says so', async () => {
    const names = fleetNames(2);
    const { fake, run } = await start(fleet(2, 100));
    const [first, second] = names as [string, string];
    fake.state.setNextUpdateOutcome(second, FAILED);
    fake.afterRequest((entry) => {
      if (entry.operation === 'UpdateFunctionConfiguration' && entry.params.FunctionName === second)
        fake.state.changeFunction(first, { Description: 'theirs' });
    });
    const body = await run(names, { failFast: true, concurrency: 1 });
    expect(body.results[0]).toMatchObject({
      outcome: 'updated',
      error: null,
      rollback: { written: false, error: { code: 'Conflict' } },
    });
    expect(
      body.results[0]?.notes.some((n) =>
        n.startsWith(`Not put back after ${second} failed: changed by someone else`),
      ),
    ).toBe(true);
    // Its put-back was sent with the revision this run left, and refused: theirs stands.
    expect(writesOf(fake, first).map((w) => w.status)).toEqual([200, 412]);
    expect(fake.state.getFunction(first)).toMatchObject({
      Description: 'theirs',
      VpcConfig: { SubnetIds: [I.subnetA] },
    });
  });

  it('the put-backs are bounded by --timeout: once it has passed nothing more is sent, and each says so', async () => {
    const names = fleetNames(2);
    const { fake, run } = await start(fleet(2, 100));
    const [first, second] = names as [string, string];
    fake.state.setNextUpdateOutcome(second, FAILED);
    // The failed function's own rollback never settles: the wait for it spends the run's time.
    fake.afterRequest((entry) => {
      if (entry.operation === 'UpdateFunctionConfiguration' && entry.params.FunctionName === second)
        fake.state.setUpdateDelay(3_600_000, second);
    });
    const body = await run(names, { failFast: true, concurrency: 1, timeoutMs: 60_000 });
    expect(body.results[1]).toMatchObject({
      outcome: 'failed',
      rollback: { written: true, error: { code: 'TimedOut' } },
    });
    expect(body.results[0]).toMatchObject({
      outcome: 'updated',
      rollback: { written: false, error: { code: 'TimedOut' } },
    });
    expect(body.results[0]?.notes.some((n) => n.startsWith(`Not put back after ${second} failed:`))).toBe(
      true,
    );
    expect(writesOf(fake, first)).toHaveLength(1);
    expect(writesOf(fake, second)).toHaveLength(2);
  });

  it('detach: a function put back is not told its interfaces go away', async () => {
    const scenario = fleet(2, 100);
    for (const fn of scenario.functions ?? [])
      fn.VpcConfig = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg] };
    const { fake, run } = await start(scenario);
    const names = fleetNames(2);
    fake.state.setNextUpdateOutcome(names[0] as string, FAILED);
    const detached = { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };
    const body = await run(
      names,
      { failFast: true, concurrency: 1 },
      { ...SPEC, desired: detached, noteWhenWritten: 'ENIs go.' },
    );
    expect(body.results.map((r) => r.outcome)).toEqual(['rolled-back', 'skipped']);
    expect(body.results[0]?.notes).not.toContain('ENIs go.');
    expect(fake.state.getFunction(names[0] as string).VpcConfig?.SubnetIds).toEqual([I.subnetA]);
  });

  it('no function starts while the failed one is rolled back; one in flight then is waited for and put back', async () => {
    const scenario = fleet(3, 100);
    const [a, b, c] = fleetNames(3) as [string, string, string];
    const specs = scenario.functions ?? [];
    specs[0] = { ...(specs[0] as (typeof specs)[0]), nextUpdateOutcome: FAILED };
    specs[1] = { ...(specs[1] as (typeof specs)[0]), updateDelayMs: 2_500 };
    const { fake, run } = await start(scenario);
    // a's rollback takes long: b settles meanwhile, and its worker would take c next.
    const off = fake.afterRequest((entry) => {
      if (entry.operation !== 'UpdateFunctionConfiguration' || entry.params.FunctionName !== a) return;
      fake.state.setUpdateDelay(20_000, a);
      off();
    });
    const body = await run([a, b, c], { failFast: true, concurrency: 2 });
    expect(body.results.map((r) => r.outcome)).toEqual(['rolled-back', 'rolled-back', 'skipped']);
    expect(body.results[2]?.notes).toEqual([`Not started: --fail-fast stopped the run after ${a} failed.`]);
    expect(writesOf(fake, b).map(vpcSent)).toEqual([[I.subnetA], []]);
    expect(writesOf(fake, c)).toHaveLength(0);
  });

  it('without --fail-fast nothing else is put back', async () => {
    const names = fleetNames(2);
    const { fake, run } = await start(fleet(2, 100));
    fake.state.setNextUpdateOutcome(names[1] as string, FAILED);
    const body = await run(names, { concurrency: 1 });
    expect(body.results.map((r) => r.outcome)).toEqual(['updated', 'rolled-back']);
    expect(writesOf(fake, names[0] as string)).toHaveLength(1);
  });
});

describe('rollBack and restoring', () => {
  it('out of a VPC the write-back is the detach request, whatever the read said of IPv6', () => {
    expect(restoring({ ...NOT_IN_VPC, ipv6AllowedForDualStack: true })).toEqual({
      subnetIds: [],
      securityGroupIds: [],
      ipv6AllowedForDualStack: false,
    });
    expect(
      restoring({
        vpcId: I.vpc,
        subnetIds: [I.subnetA],
        securityGroupIds: [I.sg],
        ipv6AllowedForDualStack: true,
      }),
    ).toEqual({ subnetIds: [I.subnetA], securityGroupIds: [I.sg], ipv6AllowedForDualStack: true });
  });

  it('without the revision the change left, nothing is sent: Undetermined, written false', async () => {
    const { fake } = await start();
    const clock = fakeClock();
    const lambda = new LambdaClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const changed: FunctionResult = {
      ...emptyResult(I.fn),
      outcome: 'updated',
      written: true,
      before: NOT_IN_VPC,
      after: {
        vpcId: I.vpc,
        subnetIds: [I.subnetA],
        securityGroupIds: [I.sg],
        ipv6AllowedForDualStack: false,
      },
    };
    const target = {
      ref: { id: I.fn, name: I.fn },
      input: I.fn,
      resumeCommand: 'x',
      cliPrefix: 'lambda-vpc',
    };
    const applied = await rollBack(
      { lambda, clock, deadline: startDeadline({ clock, signal: undefined }, 60_000) },
      target,
      changed,
      undefined,
    );
    expect(applied.error?.code).toBe('Undetermined');
    expect(applied.result).toMatchObject({ written: false, after: null });
    expect(fake.requests).toHaveLength(0);
  });
});
