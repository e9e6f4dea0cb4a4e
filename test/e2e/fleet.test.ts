import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { fleet, fleetNames, MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import type { RequestLogEntry, Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// Many functions in one run, against the fake AWS enforcing Lambda's per-account rate limits.
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
};
const AWS_LIMITS = { lambdaControlPlane: 15, lambdaGetFunction: 100 };
const NETWORK = ['--subnets', `${I.subnetA},${I.subnetB}`, '--sg', I.sg];

const started: FakeAws[] = [];
afterAll(async () => {
  await Promise.all(started.map((f) => f.close()));
});

async function start(count: number, edit: (s: Scenario) => void = () => {}): Promise<FakeAws> {
  const scenario = fleet(count, 100);
  scenario.rateLimits = AWS_LIMITS;
  edit(scenario);
  const fake = await startFakeAws({ scenario });
  started.push(fake);
  return fake;
}

const cli = (f: FakeAws, args: string[], stdin?: string) =>
  runBin(['--endpoint-url', f.url, ...args], cleanEnv(ENV), undefined, stdin);

// The fake's rate limits count on the wall clock, so on a loaded machine it may throttle a call the
// tool paced correctly (the pacing itself is asserted on virtual time in test/unit/rate-wiring.test.ts).
// A 429 was refused, not applied, and the tool sends it again: the counts here are of the calls AWS took.
const taken = (r: RequestLogEntry) => r.status !== 429;
const byService = (f: FakeAws, service: RequestLogEntry['service']) =>
  f.requests.filter((r) => r.service === service && taken(r)).map((r) => r.operation);
const appliedWrites = (f: FakeAws) => f.writes().filter(taken);
const lines = (names: string[]) => `${names.join('\n')}\n`;

describe.concurrent('attach and detach a fleet', () => {
  it('attaches 30 functions from stdin against the account limit: each written once, EC2 and IAM read once', async () => {
    const names = fleetNames(30);
    const f = await start(30);
    const r = await cli(f, ['-o', 'json', 'attach', '--functions-file', '-', ...NETWORK], lines(names));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { function: string }) => x.function)).toEqual(names);
    expect(doc.summary).toEqual({ total: 30, outcomes: { updated: 30 } });
    for (const name of names) expect(f.state.getFunction(name).LastUpdateStatus).toBe('Successful');
    // Throttled or not, each function is written exactly once.
    expect(appliedWrites(f)).toHaveLength(30);

    // The same command for one function makes exactly the same EC2 and IAM calls.
    const one = await start(1);
    expect((await cli(one, ['attach', 'fleet-001', ...NETWORK])).code).toBe(0);
    expect(byService(f, 'ec2')).toEqual(byService(one, 'ec2'));
    expect(byService(f, 'iam')).toEqual(byService(one, 'iam'));
    expect(byService(f, 'iam')).toEqual(['GetRole', 'SimulatePrincipalPolicy']);
  });

  it('--lambda-rate under a stricter account limit: the run completes, nothing written for functions not in a VPC', async () => {
    const f = await start(6, (s) => {
      s.rateLimits = { lambdaControlPlane: 3 };
    });
    const r = await cli(f, ['--lambda-rate', '2', 'detach', ...fleetNames(6)]);
    expect(r.code).toBe(0);
    // Not in a VPC: detach reads, lists each function's versions, and writes nothing.
    expect(f.writes()).toHaveLength(0);
    expect(r.stdout).toContain('6 functions: 6 unchanged');
  });

  it('detach of 30 attached functions: one account-wide version listing instead of 30, so 31 control-plane calls', async () => {
    const names = fleetNames(30);
    const f = await start(30);
    expect((await cli(f, ['attach', '--functions-file', '-', ...NETWORK], lines(names))).code).toBe(0);
    const before = f.requests.length;
    const r = await cli(f, ['-o', 'json', 'detach', '--functions-file', '-'], lines(names));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({ total: 30, outcomes: { updated: 30 } });
    const controlPlane = f.requests
      .slice(before)
      .filter((q) => q.service === 'lambda' && q.operation !== 'GetFunction' && taken(q))
      .map((q) => q.operation);
    expect(controlPlane.filter((o) => o === 'UpdateFunctionConfiguration')).toHaveLength(30);
    expect(controlPlane.filter((o) => o === 'ListFunctions')).toHaveLength(1);
    expect(controlPlane).toHaveLength(31);
  });

  it('detach of 30 in an account of 200: the account listing would cost more, so one list per function', async () => {
    const names = fleetNames(30);
    const f = await start(200);
    const r = await cli(f, ['detach', ...names]);
    expect(r.code).toBe(0);
    const lambda = byService(f, 'lambda');
    // At most 30/10 pages of the account (200 versions need 4), then the 30 lists.
    expect(lambda.filter((o) => o === 'ListFunctions')).toHaveLength(3);
    expect(lambda.filter((o) => o === 'ListVersionsByFunction')).toHaveLength(30);
  });

  it('one failure does not stop the others; the exit code is the worst; a line per function as it finishes', async () => {
    const names = fleetNames(5);
    const f = await start(5);
    f.state.setNextUpdateOutcome('fleet-002', {
      status: 'Failed',
      reasonCode: 'SubnetOutOfIPAddresses',
      reason: 'All subnets are out of IP addresses.',
    });
    const r = await cli(f, ['attach', ...names, ...NETWORK]);
    expect(r.code).toBe(6);
    for (const name of names.filter((n) => n !== 'fleet-002'))
      expect(r.stdout).toContain(`✔ ${name}: attached to ${I.vpc}`);
    expect(r.stdout).toContain('✖ fleet-002: update failed');
    expect(r.stderr).toContain('SubnetOutOfIPAddresses');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('5 functions: 4 attached, 1 failed');
  });

  it('--fail-fast starts no further functions after a failure and reports them as not started', async () => {
    const names = fleetNames(5);
    const f = await start(5);
    f.state.setNextUpdateOutcome('fleet-002', { status: 'Failed', reasonCode: 'EniLimitExceeded' });
    const r = await cli(f, [
      '-o',
      'json',
      'attach',
      ...names,
      ...NETWORK,
      '--concurrency',
      '1',
      '--fail-fast',
    ]);
    expect(r.code).toBe(6);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { outcome: string }) => x.outcome)).toEqual([
      'updated',
      'failed',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(doc.results[2].notes).toEqual([
      'Not started: --fail-fast stopped the run after fleet-002 failed.',
    ]);
    expect(doc.summary).toEqual({ total: 5, outcomes: { updated: 1, failed: 1, skipped: 3 } });
    expect(appliedWrites(f).map((w) => w.params.FunctionName)).toEqual(['fleet-001', 'fleet-002']);
  });

  it('--functions-file reads a file with comments and blank lines; an unreadable one is a usage error', async () => {
    const f = await start(3);
    const file = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-fleet-')), 'functions.txt');
    writeFileSync(file, '# payments\nfleet-001\n\n  fleet-003  # the batch job\r\n');
    const r = await cli(f, ['status', 'fleet-002', '--functions-file', file, '--brief']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['fleet-002', 'fleet-001', 'fleet-003']);
    const missing = await cli(f, ['attach', '--functions-file', `${file}.nope`, ...NETWORK]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`Error: Cannot read --functions-file ${file}.nope: no such file.\n`);
    const empty = await cli(f, ['detach', '--functions-file', '-'], '# nothing here\n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('Error: --functions-file - lists no functions.\n');
    expect(f.writes()).toHaveLength(0);
  });
});

describe.concurrent('status of a fleet', () => {
  it('--all --vpc lists every function page by page, reads each, and describes the network once', async () => {
    const inVpc = new Set(fleetNames(60).filter((_, i) => i % 3 === 0));
    const f = await start(60, (s) => {
      for (const fn of s.functions ?? [])
        if (inVpc.has(fn.FunctionName)) fn.VpcConfig = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg] };
    });
    const r = await cli(f, ['-o', 'json', 'status', '--all', '--vpc', I.vpc]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { function: string }) => x.function)).toEqual([...inVpc]);
    expect(doc.results[0]).toMatchObject({
      outcome: 'status',
      vpc: { vpcId: I.vpc },
      enis: { checked: true },
    });
    const lambda = byService(f, 'lambda');
    expect(lambda.filter((op) => op === 'ListFunctions')).toHaveLength(2);
    expect(lambda.filter((op) => op === 'GetFunction')).toHaveLength(inVpc.size);
    const one = await start(1, (s) => {
      for (const fn of s.functions ?? []) fn.VpcConfig = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg] };
    });
    expect((await cli(one, ['status', 'fleet-001'])).code).toBe(0);
    expect(byService(f, 'ec2')).toEqual(byService(one, 'ec2'));
  });

  it('--all reads the first functions while the rest is listed, each function once', async () => {
    // The second page is answered 3 s late: the reads of the first page's functions are made
    // in the meantime, before the third page is asked for.
    const f = await start(120, (s) => {
      s.faults = [{ operation: 'ListFunctions', kind: 'slow', delayMs: 3000, skip: 1, times: 1 }];
    });
    const r = await cli(f, ['-o', 'json', 'status', '--all', '--no-network']);
    expect(r.code).toBe(0);
    const names = JSON.parse(r.stdout).results.map((x: { function: string }) => x.function);
    expect(names).toEqual(fleetNames(120));
    const lambda = byService(f, 'lambda');
    expect(lambda.filter((op) => op === 'GetFunction')).toHaveLength(120);
    const thirdPage = lambda.indexOf(
      'ListFunctions',
      lambda.indexOf('ListFunctions', lambda.indexOf('ListFunctions') + 1) + 1,
    );
    expect(lambda.slice(0, thirdPage).filter((op) => op === 'GetFunction').length).toBeGreaterThan(0);
  });

  it('--all in human form: one line per function and a count', async () => {
    const f = await start(3, (s) => {
      const [first] = s.functions ?? [];
      if (first) first.VpcConfig = { SubnetIds: [I.subnetA, I.subnetB], SecurityGroupIds: [I.sg] };
    });
    const r = await cli(f, ['status', '--all']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^FUNCTION\s+VPC\s+STATE\s+LAST UPDATE\s+INTERNET\s+ENIs$/);
    expect(rows[0]).toMatch(new RegExp(`^fleet-001\\s+${I.vpc}\\s+Active\\s+Successful\\s+yes via ${I.nat}`));
    expect(rows[1]).toMatch(/^fleet-002\s+-\s+Active\s+Successful$/);
    expect(rows.at(-1)).toBe('3 functions: 1 in a VPC, 3 Active and settled');
  });

  it('--wait blocks until every function of the list has settled', async () => {
    const names = fleetNames(12);
    const f = await start(12);
    for (const [i, name] of names.entries()) f.state.beginUpdate(name, { durationMs: 100 + 40 * i });
    const r = await cli(f, ['-o', 'json', 'status', '--functions-file', '-', '--wait'], lines(names));
    expect(r.code).toBe(0);
    const statuses = JSON.parse(r.stdout).results.map(
      (x: { status: { lastUpdateStatus: string } }) => x.status,
    );
    expect(statuses.map((s: { lastUpdateStatus: string }) => s.lastUpdateStatus)).toEqual(
      names.map(() => 'Successful'),
    );
  });

  it('refuses filters without --all, and --all with names, before any call', async () => {
    const f = await start(1);
    const noAll = await cli(f, ['status', '--vpc', I.vpc]);
    expect(noAll.code).toBe(2);
    expect(noAll.stderr.split('\n')[0]).toBe('Error: --vpc filters --all: add --all.');
    const both = await cli(f, ['status', 'fleet-001', '--all']);
    expect(both.code).toBe(2);
    const badVpc = await cli(f, ['status', '--all', '--vpc', 'vpc-nope']);
    expect(badVpc.stderr.split('\n')[0]).toBe(
      "Error: --vpc 'vpc-nope' is not a valid vpc ID (expected e.g. vpc-0123456789abcdef0).",
    );
    const badRate = await cli(f, ['--lambda-rate', '20', 'status', 'fleet-001']);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr.split('\n')[0]).toBe(
      "Error: --lambda-rate must be a whole number from 1 to 15, got '20'.",
    );
    expect(f.requests).toHaveLength(0);
  });
});

describe.concurrent('one transient error on every function', () => {
  // Each function's first read fails once, as a brief AWS blip would fail many at once.
  const firstReadFails = (s: Scenario) => {
    s.faults = [
      { service: 'lambda', operation: 'GetFunction', kind: 'error500', times: 1, perFunction: true },
    ];
  };
  /** The status of each GetFunction of each function, in order. */
  const readsOf = (f: FakeAws, names: string[]) =>
    names.map((name) =>
      f.requests
        .filter((r) => r.operation === 'GetFunction' && r.params.FunctionName === name)
        .map((r) => r.status),
    );

  it('status of 60 functions: every read is retried once and succeeds, exit 0', async () => {
    const names = fleetNames(60);
    const f = await start(60, firstReadFails);
    const r = await cli(f, ['-o', 'json', 'status', '--functions-file', '-'], lines(names));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ total: 60, outcomes: { status: 60 } });
    expect(
      doc.results.map((x: { function: string; error: unknown; status: { state: string } }) => [
        x.function,
        x.error,
        x.status.state,
      ]),
    ).toEqual(names.map((name) => [name, null, 'Active']));
    expect(readsOf(f, names)).toEqual(names.map(() => [500, 200]));
  });

  // 40: more than the 35 retries the SDK's shared bucket allowed, and 4 s of writes at 10/s.
  it('attach of 40 functions: all attached, exit 0, each first read attempted twice', async () => {
    const names = fleetNames(40);
    const f = await start(40, firstReadFails);
    const r = await cli(f, ['-o', 'json', 'attach', '--functions-file', '-', ...NETWORK], lines(names));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({ total: 40, outcomes: { updated: 40 } });
    for (const name of names) expect(f.state.getFunction(name).LastUpdateStatus).toBe('Successful');
    expect(readsOf(f, names).map((reads) => reads.slice(0, 2))).toEqual(names.map(() => [500, 200]));
    expect(appliedWrites(f)).toHaveLength(40);
  });
});
