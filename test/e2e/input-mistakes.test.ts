import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import { fakeAwsPerTest } from './fakes.js';
import { cleanEnv, runBin } from './spawn.js';

// The habits a user brings from the AWS CLI, and the slips of a long command line: each is
// caught before anything is sent (the fake sees no request), or worked out from what AWS says.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const ARN = `arn:aws:lambda:us-east-1:123456789012:function:${I.fn}`;
const PARTIAL = `123456789012:function:${I.fn}`;

const start = fakeAwsPerTest();
const cli = (f: FakeAws, args: string[]) => runBin(['--endpoint-url', f.url, ...args], ENV);
const expectUsageErrorSendingNothing = (f: FakeAws, r: { code: number | null; stdout: string }) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(f.requests).toEqual([]);
};

describe.concurrent('space-separated IDs after --subnets or --sg (the AWS CLI habit)', () => {
  it('attach --subnets A B: exit 2, nothing sent, the comma form shown', async () => {
    const f = await start();
    const r = await cli(f, ['attach', I.fn, '--subnets', I.subnetA, I.subnetB, '--sg', I.sg]);
    expectUsageErrorSendingNothing(f, r);
    expect(r.stderr).toContain(
      `Error: '${I.subnetB}' looks like a subnet ID, not a function: the IDs after --subnets are comma-separated: --subnets ${I.subnetA},${I.subnetB}`,
    );
    expect(f.state.getFunction(I.fn).VpcConfig?.SubnetIds ?? []).toEqual([]);
  });

  it('attach --sg a b, before the functions: the same for --sg', async () => {
    const f = await start();
    const sg2 = 'sg-0123456789abcdef9';
    const r = await cli(f, ['attach', '--subnets', I.subnetA, '--sg', I.sg, sg2, I.fn]);
    expectUsageErrorSendingNothing(f, r);
    expect(r.stderr).toContain(
      `'${sg2}' looks like a security group ID, not a function: the IDs after --sg are comma-separated: --sg ${I.sg},${sg2}`,
    );
  });

  it('reach --subnets A B and check-perms FN --subnets A B: exit 2, nothing sent', async () => {
    const f = await start();
    const reach = await cli(f, [
      'reach',
      '--subnets',
      I.subnetA,
      I.subnetB,
      '--sg',
      I.sg,
      '--to',
      '8.8.8.8:443',
    ]);
    expectUsageErrorSendingNothing(f, reach);
    expect(reach.stderr).toContain(
      `'${I.subnetB}' looks like a subnet ID, not a function: the IDs after --subnets are comma-separated: --subnets ${I.subnetA},${I.subnetB}`,
    );
    const perms = await cli(f, ['check-perms', I.fn, '--subnets', I.subnetA, I.subnetB, '--sg', I.sg]);
    expectUsageErrorSendingNothing(f, perms);
    expect(perms.stderr).toContain(
      `'${I.subnetB}' looks like a subnet ID, not a function: the IDs after --subnets are comma-separated: --subnets ${I.subnetA},${I.subnetB}`,
    );
  });

  it('check-perms: a subnet ID with no --subnets is not a function; two functions are one too many', async () => {
    const f = await start();
    const id = await cli(f, ['check-perms', I.subnetA]);
    expectUsageErrorSendingNothing(f, id);
    expect(id.stderr).toContain(`'${I.subnetA}' looks like a subnet ID, not a Lambda function.`);
    expect(id.stderr).not.toContain('comma-separated');
    const two = await cli(f, ['check-perms', I.fn, 'other-fn']);
    expectUsageErrorSendingNothing(f, two);
    expect(two.stderr).toContain('check-perms checks one function, but 2 were named.');
  });

  it('detach and status refuse a VPC or network interface ID as a function', async () => {
    const f = await start();
    const detach = await cli(f, ['detach', I.fn, I.vpc]);
    expectUsageErrorSendingNothing(f, detach);
    expect(detach.stderr).toContain(`'${I.vpc}' looks like a VPC ID, not a Lambda function.`);
    const status = await cli(f, ['status', 'eni-0123456789abcdef0']);
    expectUsageErrorSendingNothing(f, status);
    expect(status.stderr).toContain('looks like a network interface ID, not a Lambda function.');
  });

  it('an ARN of another service, or a subnet ID in --functions-file, is refused too', async () => {
    const f = await start();
    const arn = await cli(f, ['status', `arn:aws:iam::123456789012:role/${I.fn}`]);
    expectUsageErrorSendingNothing(f, arn);
    expect(arn.stderr).toContain('looks like an ARN of iam, not a Lambda function.');
    const file = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-')), 'fns.txt');
    writeFileSync(file, `${I.fn}\n${I.subnetB}\n`);
    const listed = await cli(f, ['attach', '--functions-file', file, '--subnets', I.subnetA, '--sg', I.sg]);
    expectUsageErrorSendingNothing(f, listed);
    expect(listed.stderr).toContain(`'${I.subnetB}' in --functions-file ${file} looks like a subnet ID`);
  });
});

describe.concurrent('a function named more than once is worked on once', () => {
  it('attach NAME ARN PARTIAL-ARN: one write, one result, and stderr says which inputs were merged', async () => {
    const f = await start();
    const r = await cli(f, [
      '-o',
      'json',
      'attach',
      I.fn,
      ARN,
      PARTIAL,
      '--subnets',
      I.subnetA,
      '--sg',
      I.sg,
    ]);
    expect(r.code).toBe(0);
    expect(f.writes()).toHaveLength(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { function: string }) => x.function)).toEqual([I.fn]);
    expect(doc.summary).toEqual({ total: 1, outcomes: { updated: 1 } });
    const note = `'${I.fn}', '${ARN}', '${PARTIAL}' are the same function: worked on once, as '${I.fn}'.`;
    expect(doc.results[0].notes).toContain(note);
    const human = await cli(await start(), ['attach', ARN, I.fn, '--subnets', I.subnetA, '--sg', I.sg]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(`'${ARN}', '${I.fn}' are the same function: worked on once, as '${ARN}'.`);
  });

  it('status NAME NAME ARN: the function listed once', async () => {
    const f = await start();
    const r = await cli(f, ['-o', 'json', 'status', I.fn, I.fn, ARN, '--no-network']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { function: string }) => x.function)).toEqual([I.fn]);
    const human = await cli(f, ['status', I.fn, I.fn, '--no-network']);
    expect(human.stdout.match(/^my-fn$/gm)).toHaveLength(1);
    expect(human.stderr).toContain(`'${I.fn}' was named 2 times: worked on once.`);
  });

  it('a qualified ARN is another target: status NAME NAME:ALIAS reads both', async () => {
    const f = await start();
    const r = await cli(f, ['-o', 'json', 'status', I.fn, `${ARN}:$LATEST`, `${I.fn}:1`, '--no-network']);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { function: string }) => x.function)).toEqual([I.fn, `${I.fn}:1`]);
  });
});
