import { describe, expect, it } from 'vitest';
import { startFakeAws } from '../fake-aws/fake-aws.js';
import { REACH_IDS as R, reach, reachBroken } from '../fake-aws/scenarios-reach.js';
import type { Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// The built binary against the fake AWS's three-tier layouts: every path working, and the same
// with one path broken per target (the app subnets' NACL denies the return traffic from the
// database subnets, the secretsmanager endpoint's group admits nothing, the database's group does
// not admit the function). The cache's interface stays reachable in both: a control.
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' };
const TARGETS = ['--to', `rds:${R.db}`, '--to', `${R.cacheIp}:6379`, '--to', 'internet', '--to', 's3'];

async function reachOn(scenario: Scenario, args: string[]) {
  const fake = await startFakeAws({ scenario });
  try {
    const r = await runBin(['--endpoint-url', fake.url, 'reach', ...args], cleanEnv(ENV));
    return { ...r, fake };
  } finally {
    await fake.close();
  }
}

const verdicts = (stdout: string) =>
  Object.fromEntries(
    (JSON.parse(stdout).targets as Array<{ target: string; verdict: string }>).map((t) => [
      t.target,
      t.verdict,
    ]),
  );

describe.concurrent('reach against the fake AWS', () => {
  it('every path working: each target reachable from every subnet, exit 0, nothing written', async () => {
    const r = await reachOn(reach(), ['orders-api', ...TARGETS, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Object.values(verdicts(r.stdout))).toEqual(['reachable', 'reachable', 'reachable', 'reachable']);
    expect(r.fake.writes()).toEqual([]);
    expect(r.fake.requests.filter((e) => e.service === 'rds').map((e) => e.operation)).not.toEqual([]);
  });

  it('one path broken per target: exit 10, the database unreachable with the hop that decides', async () => {
    const r = await reachOn(reachBroken(), ['orders-api', ...TARGETS]);
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/✖ rds:orders-db tcp\/5432: unreachable/);
    expect(r.stdout).toContain(R.sgDb);
    expect(r.stdout).toContain('aws ec2 authorize-security-group-ingress');
    expect(r.stdout).toContain('✔ 10.20.31.17 tcp/6379: reachable');
    // The app subnets' NACL denies the replies from the internet, S3 included.
    expect(r.stdout).toMatch(/✖ internet tcp\/443: unreachable .*inbound denies tcp 1024-65535/);
    expect(r.stdout).toContain('✖ 1 reachable, 3 unreachable, 0 unknown');
    expect(r.stderr).toMatch(/^Error: 3 of 4 targets unreachable: rds:orders-db tcp\/5432: /);
  });

  it('-o json, exit 10: the document on stdout, its error line on stderr', async () => {
    const r = await reachOn(reachBroken(), ['orders-api', ...TARGETS, '-o', 'json']);
    expect(r.code).toBe(10);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toMatchObject({ code: 'Unreachable', exitCode: 10 });
    expect(r.stderr).toBe(`Error: ${doc.error.message}\nHint: ${doc.error.hint}\n`);
  });

  it('a planned configuration, before attach, reads no function', async () => {
    const r = await reachOn(reach(), [
      '--subnets',
      `${R.appSubnetA},${R.appSubnetB}`,
      '--sg',
      R.sgFn,
      '--to',
      `${R.cacheIp}:6379`,
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(Object.values(verdicts(r.stdout))).toEqual(['reachable']);
    expect(r.fake.requests.filter((e) => e.service === 'lambda')).toEqual([]);
  });
});
