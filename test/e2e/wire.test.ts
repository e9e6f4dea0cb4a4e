import { afterAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { DEMO_IDS, demo, MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin, type Spawned } from './spawn.js';

// The built binary, the SDK's real serialisation, signing, retries and credential chain,
// against a local endpoint that speaks Lambda's wire protocol. Times are milliseconds.
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
};
const FAST_POLL = { LAMBDA_VPC_POLL_INTERVAL_MS: '20' };
const SUBNETS = `${I.subnetA},${I.subnetB}`;

// Every test has its own endpoint, so the tests run concurrently.
const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

async function start(edit: (s: Scenario) => void = () => {}): Promise<FakeAws> {
  const scenario = minimal();
  scenario.updateDelayMs = 60;
  edit(scenario);
  const fake = await startFakeAws({ scenario });
  started.push(fake);
  return fake;
}

const cli = (f: FakeAws, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runBin(['--endpoint-url', f.url, ...args], cleanEnv({ ...CREDENTIALS, ...FAST_POLL, ...env }));

const json = (r: Spawned) => JSON.parse(r.stdout);
const LONG = 600_000;

/**
 * Someone else's update runs until the CLI has made `reads` GetFunction calls during it, then
 * settles: the test does not depend on how fast the CLI starts.
 */
function settleAfterReads(f: FakeAws, reads: number): void {
  let seen = 0;
  f.afterRequest((entry) => {
    const fn = f.state.findFunction(I.fn);
    if (entry.operation === 'GetFunction' && fn?.update && ++seen >= reads) fn.update.endsAt = f.state.now();
  });
}
const calls = (f: FakeAws, operation: string) => f.requests.filter((r) => r.operation === operation);

describe.concurrent('happy paths', () => {
  it('attach → status → detach, human output', async () => {
    // Each update is held until the CLI has seen it InProgress once, however slow the machine.
    const f = await start((s) => {
      s.updateDelayMs = LONG;
    });
    settleAfterReads(f, 1);
    const attach = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(attach.stderr).not.toContain('Error');
    expect(attach.code).toBe(0);
    expect(attach.stdout).toContain(`✔ my-fn: attached to ${I.vpc} (Successful`);
    expect(attach.stdout).toContain('before  not in a VPC');
    expect(attach.stdout).toContain(`undo    lambda-vpc --endpoint-url ${f.url} detach my-fn`);
    // Progress is on stderr, one plain line per state change, since stderr is not a TTY.
    expect(attach.stderr).toMatch(/my-fn: Active \/ InProgress \(\d+s\)/);
    expect(f.state.getFunction(I.fn).VpcConfig).toMatchObject({
      VpcId: I.vpc,
      SubnetIds: [I.subnetA, I.subnetB],
      SecurityGroupIds: [I.sg],
    });

    const status = await cli(f, ['status', I.fn]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`VPC\\s+${I.vpc}`));
    expect(status.stdout).toMatch(/last update\s+Successful/);

    const detach = await cli(f, ['detach', I.fn]);
    expect(detach.code).toBe(0);
    expect(detach.stdout).toContain('✔ my-fn: detached from the VPC');
    expect(detach.stdout).toContain(`attach my-fn --subnets ${SUBNETS} --sg ${I.sg}`);
    expect(detach.stderr).toContain('within about 20 minutes');
    expect(f.state.getFunction(I.fn).VpcConfig).toMatchObject({
      SubnetIds: [],
      SecurityGroupIds: [],
      Ipv6AllowedForDualStack: false,
    });
  });

  it('attach and status, JSON output: one document, no progress', async () => {
    const f = await start();
    const attach = await cli(f, ['-o', 'json', 'attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(attach.code).toBe(0);
    expect(attach.stderr).toBe('');
    const doc = json(attach);
    expect(doc).toMatchObject({ schemaVersion: 2, command: 'attach', exitCode: 0, error: null });
    expect(doc.results[0]).toMatchObject({
      function: 'my-fn',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:my-fn',
      outcome: 'updated',
      written: true,
      before: { vpcId: null, subnetIds: [] },
      after: { vpcId: I.vpc, subnetIds: [I.subnetA, I.subnetB], securityGroupIds: [I.sg] },
      status: { state: 'Active', lastUpdateStatus: 'Successful' },
    });
    const status = json(await cli(f, ['-o', 'json', 'status', I.fn]));
    expect(status.results[0]).toMatchObject({
      outcome: 'status',
      vpc: { vpcId: I.vpc },
      status: { lastUpdateStatus: 'Successful' },
    });
  });

  it('re-running attach writes nothing; --dry-run writes nothing', async () => {
    const f = await start();
    expect((await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg])).code).toBe(0);
    const writesAfterFirst = f.writes().length;
    const again = await cli(f, ['attach', I.fn, '--subnets', `${I.subnetB},${I.subnetA}`, '--sg', I.sg]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('unchanged, already attached as requested');
    const dry = await cli(f, ['detach', I.fn, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would detach (dry run, nothing written)');
    expect(f.writes()).toHaveLength(writesAfterFirst);
  });

  it('status --wait blocks while an update is in progress, then exits 0', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    settleAfterReads(f, 3);
    const r = await cli(f, ['status', I.fn, '--wait']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/last update\s+Successful/);
    expect(calls(f, 'GetFunction')).toHaveLength(4);
  });

  it('attach waits for an update already in progress instead of colliding with it', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    settleAfterReads(f, 2);
    const r = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    expect(calls(f, 'UpdateFunctionConfiguration').map((c) => c.status)).toEqual([200]);
    // The write came only after the other update had settled.
    const write = f.requests.findIndex((e) => e.operation === 'UpdateFunctionConfiguration');
    expect(f.requests.slice(0, write).filter((e) => e.operation === 'GetFunction')).toHaveLength(3);
  });
});

describe.concurrent('a failed update, for each VPC reason code', () => {
  it.each([
    'SubnetOutOfIPAddresses',
    'InvalidSubnet',
    'InvalidSecurityGroup',
    'EniLimitExceeded',
    'InsufficientRolePermissions',
    'EC2RequestLimitExceeded',
  ])('%s: exit 6, reason code, remedy, previous config', async (reasonCode) => {
    const f = await start();
    f.state.setNextUpdateOutcome(I.fn, {
      status: 'Failed',
      reasonCode,
      reason: `Lambda says: ${reasonCode}`,
    });
    const r = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`Error: my-fn: update failed: ${reasonCode}: Lambda says: ${reasonCode}`);
    expect(r.stderr).toMatch(/\nHint: \S/);
    expect(r.stdout).toContain('before  not in a VPC');
    const doc = json(await cli(f, ['-o', 'json', 'status', I.fn, '--wait']));
    expect(doc.exitCode).toBe(6);
    expect(doc.results[0].status.lastUpdateStatusReasonCode).toBe(reasonCode);
  });
});

describe.concurrent('faults on the wire', () => {
  it('throttling on reads and a burst on the write are retried and the command succeeds', async () => {
    const f = await start();
    f.faults.add({
      service: 'lambda',
      operation: 'GetFunction',
      kind: 'throttle',
      times: 2,
      retryAfterSeconds: 0,
    });
    f.faults.add({
      service: 'lambda',
      operation: 'UpdateFunctionConfiguration',
      kind: 'throttle',
      times: 2,
      retryAfterSeconds: 0,
    });
    const r = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    expect(calls(f, 'UpdateFunctionConfiguration').map((c) => c.status)).toEqual([429, 429, 200]);
    expect(f.state.getFunction(I.fn).VpcConfig?.VpcId).toBe(I.vpc);
  });

  it('5xx answers are retried', async () => {
    const f = await start();
    f.faults.add({ service: 'lambda', operation: 'GetFunction', kind: 'error503', times: 1 });
    f.faults.add({ service: 'lambda', operation: 'UpdateFunctionConfiguration', kind: 'error500', times: 1 });
    const r = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    expect(calls(f, 'UpdateFunctionConfiguration').map((c) => c.status)).toEqual([500, 200]);
  });

  it('a connection dropped mid-wait is polled through', async () => {
    const f = await start((s) => {
      s.updateDelayMs = 200;
    });
    f.faults.add({ service: 'lambda', operation: 'GetFunction', kind: 'drop', skip: 2, times: 1 });
    const r = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    expect(calls(f, 'GetFunction').some((c) => c.errorCode === 'Dropped')).toBe(true);
  });

  it('a concurrent change is not clobbered: re-read, re-planned, both changes kept', async () => {
    const f = await start();
    let changed = false;
    f.afterRequest((entry) => {
      if (!changed && entry.operation === 'GetFunction') {
        changed = true;
        f.state.changeFunction(I.fn, { Description: 'changed by someone else', MemorySize: 512 });
      }
    });
    const r = await cli(f, ['-o', 'json', 'attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    expect(calls(f, 'UpdateFunctionConfiguration').map((c) => c.status)).toEqual([412, 200]);
    expect(json(r).results[0].notes).toContain(
      'The function was changed by someone else after it was read; read it again and re-planned.',
    );
    const final = f.state.getFunction(I.fn);
    expect(final).toMatchObject({
      Description: 'changed by someone else',
      MemorySize: 512,
      VpcConfig: { VpcId: I.vpc },
    });
  });

  it("someone else's update starting between our read and write is waited out, then ours is applied", async () => {
    const f = await start();
    let started = false;
    f.afterRequest((entry) => {
      if (!started && entry.operation === 'GetFunction') {
        started = true;
        f.state.beginUpdate(I.fn, { durationMs: LONG });
      }
    });
    settleAfterReads(f, 3);
    const r = await cli(f, ['attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    const statuses = calls(f, 'UpdateFunctionConfiguration').map((c) => c.status);
    expect(statuses[0]).toBe(412);
    expect(statuses.at(-1)).toBe(200);
    expect(f.state.getFunction(I.fn).VpcConfig?.VpcId).toBe(I.vpc);
  });

  it('a real 409 from the service is retried after waiting', async () => {
    const f = await start();
    let collided = false;
    f.afterRequest((entry) => {
      // Someone else's update starts right after ours was planned, without changing the revision our
      // read saw: the service answers ResourceConflictException rather than PreconditionFailed.
      if (!collided && entry.operation === 'GetFunction') {
        collided = true;
        const revision = f.state.getFunction(I.fn).RevisionId;
        f.state.beginUpdate(I.fn, { durationMs: LONG });
        f.state.getFunction(I.fn).RevisionId = revision;
      }
    });
    settleAfterReads(f, 3);
    const r = await cli(f, ['-o', 'json', 'attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg]);
    expect(r.code).toBe(0);
    expect(calls(f, 'UpdateFunctionConfiguration').map((c) => c.status)).toEqual([409, 200]);
    expect(json(r).results[0].notes).toContain(
      'Another update started before ours; waited for it and tried again.',
    );
  });

  it('SIGINT mid-wait exits 130 and leaves the function as AWS left it', async () => {
    const f = await start((s) => {
      s.updateDelayMs = 60_000;
    });
    let interrupted = false;
    const r = await runBin(
      ['--endpoint-url', f.url, 'attach', I.fn, '--subnets', SUBNETS, '--sg', I.sg],
      cleanEnv({ ...CREDENTIALS, ...FAST_POLL }),
      (stderr, kill) => {
        if (!interrupted && stderr.includes('Active / InProgress')) {
          interrupted = true;
          kill('SIGINT');
        }
      },
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("Any update already sent continues on AWS's side. Follow it with:");
    expect(r.stderr).toContain('status my-fn --wait');
    expect(f.writes()).toHaveLength(1);
    expect(f.state.getFunction(I.fn)).toMatchObject({
      LastUpdateStatus: 'InProgress',
      VpcConfig: { VpcId: I.vpc },
    });
  });
});

describe('bad input: one line, the documented exit code, no write', () => {
  const S = I.subnetA;
  const G = I.sg;
  const cases: Array<[string, string[], number, NodeJS.ProcessEnv?]> = [
    ['malformed subnet', ['attach', 'my-fn', '--subnets', 'subnet-123', '--sg', G], 2],
    ['malformed group', ['attach', 'my-fn', '--subnets', S, '--sg', 'sg-zz'], 2],
    ['upper-case hex', ['attach', 'my-fn', '--subnets', 'subnet-0123456789ABCDEF1', '--sg', G], 2],
    ['group given as subnet', ['attach', 'my-fn', '--subnets', G, '--sg', G], 2],
    [
      '17 subnets',
      [
        'attach',
        'my-fn',
        '--subnets',
        Array.from({ length: 17 }, (_, i) => `subnet-${String(i).padStart(8, '0')}`).join(','),
        '--sg',
        G,
      ],
      2,
    ],
    [
      '6 groups',
      [
        'attach',
        'my-fn',
        '--subnets',
        S,
        '--sg',
        Array.from({ length: 6 }, (_, i) => `sg-${String(i).padStart(8, '0')}`).join(','),
      ],
      2,
    ],
    ['empty subnet list', ['attach', 'my-fn', '--subnets', '', '--sg', G], 2],
    ['empty group list', ['attach', 'my-fn', '--subnets', S, '--sg', ','], 2],
    ['no --subnets', ['attach', 'my-fn', '--sg', G], 2],
    ['no --sg', ['attach', 'my-fn', '--subnets', S], 2],
    ['qualifier on attach', ['attach', 'my-fn:1', '--subnets', S, '--sg', G], 2],
    ['alias on detach', ['detach', 'my-fn:live'], 2],
    [
      'versioned ARN on attach',
      ['attach', 'arn:aws:lambda:us-east-1:123456789012:function:my-fn:3', '--subnets', S, '--sg', G],
      2,
    ],
    [
      'ARN from another region',
      ['attach', 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn', '--subnets', S, '--sg', G],
      2,
    ],
    [
      'ARN of another partition, same region',
      ['attach', 'arn:aws-cn:lambda:us-east-1:123456789012:function:my-fn', '--subnets', S, '--sg', G],
      2,
    ],
    [
      'aws ARN in a China region',
      ['--region', 'cn-north-1', 'status', 'arn:aws:lambda:cn-north-1:123456789012:function:my-fn'],
      2,
    ],
    [
      'GovCloud ARN in us-east-1',
      ['detach', 'arn:aws-us-gov:lambda:us-east-1:123456789012:function:my-fn'],
      2,
    ],
    ['no such partition', ['status', 'arn:aws-moon:lambda:us-east-1:123456789012:function:my-fn'], 2],
    ['not a function name', ['detach', 'my/fn'], 2],
    ['bad region', ['--region', 'moon-1', 'status', 'my-fn'], 2],
    ['bad --timeout', ['attach', 'my-fn', '--subnets', S, '--sg', G, '--timeout', '10 minutes'], 2],
    ['zero --timeout', ['detach', 'my-fn', '--timeout', '0s'], 2],
    ['--timeout that rounds to 0 ms', ['status', 'my-fn', '--wait', '--timeout', '0.0001'], 2],
    ['unknown flag', ['attach', 'my-fn', '--subnet', S, '--sg', G], 2],
    ['unknown command', ['attack', 'my-fn'], 2],
    ['no function', ['detach'], 2],
    ['bad --output', ['-o', 'xml', 'status', 'my-fn'], 2],
    ['bad --qualifier', ['status', 'my-fn', '--qualifier', 'v/1'], 2],
    ['no region at all', ['status', 'my-fn'], 2, { AWS_REGION: '' }],
    [
      'no credentials',
      ['attach', 'my-fn', '--subnets', S, '--sg', G],
      3,
      { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    ],
    // --skip-network-check: the network check's own verdict lines and its exit 5 for unknown
    // IDs are covered in network.test.ts; these cases are about Lambda's answers.
    ['unknown function', ['attach', 'no-such-fn', '--subnets', S, '--sg', G, '--skip-network-check'], 5],
    ['unknown function on detach', ['detach', 'no-such-fn'], 5],
    [
      'unknown subnet (the service refuses it)',
      ['attach', 'my-fn', '--subnets', 'subnet-0000000000000dead', '--sg', G, '--skip-network-check'],
      2,
    ],
    [
      'unknown group (the service refuses it)',
      ['attach', 'my-fn', '--subnets', S, '--sg', 'sg-0000000000000dead', '--skip-network-check'],
      2,
    ],
  ];

  it.concurrent.each(cases)('%s', async (_name, args, exitCode, env = {}) => {
    const f = await startFakeAws({ scenario: minimal() });
    try {
      const r = await runBin(
        ['--endpoint-url', f.url, ...args],
        cleanEnv({ ...CREDENTIALS, ...FAST_POLL, ...env }),
      );
      expect(r.code).toBe(exitCode);
      // The service's refusal comes after the function was read: its current config is the result.
      if (!_name.includes('service refuses')) expect(r.stdout).toBe('');
      // Progress lines ("my-fn: reading (0s)") may precede the error on stderr.
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((line) => !/^\S+: .+ \(\d+s\)$/.test(line));
      expect(lines[0]).toMatch(/^Error: \S/);
      expect(lines.length).toBeLessThanOrEqual(2);
      if (lines[1]) expect(lines[1]).toMatch(/^Hint: /);
      // Refused by the service is the only case that may reach it; nothing is ever changed.
      expect(f.writes().filter((w) => w.status === 200)).toEqual([]);
      if (exitCode === 2 && !_name.includes('service refuses')) expect(f.requests).toEqual([]);
    } finally {
      await f.close();
    }
  });

  it('subnets and security groups from different VPCs: one line, exit 2, nothing changed', async () => {
    const f = await startFakeAws({ scenario: demo() });
    try {
      const r = await runBin(
        [
          '--endpoint-url',
          f.url,
          'attach',
          'orders-api',
          '--subnets',
          DEMO_IDS.privateSubnetA,
          '--sg',
          DEMO_IDS.sgDedicated,
        ],
        cleanEnv({ ...CREDENTIALS, ...FAST_POLL }),
      );
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('Error: '))).toHaveLength(1);
      expect(f.writes().filter((w) => w.status === 200)).toEqual([]);
      expect(f.state.getFunction('orders-api').VpcConfig?.SubnetIds ?? []).toEqual([]);
    } finally {
      await f.close();
    }
  });
});
