import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { DEMO_IDS as D, IAM_IDS as I, iamPrincipals } from '../fake-aws/scenarios.js';
import type { FaultRule } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// The built binary against the fake AWS's IAM on the wire: boundaries, trust policies, a deleted
// role and an IAM-user caller, each decided from what IAM answers, and every read that fails left
// open rather than allowed.
const ENV = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' });

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts: { simulator?: boolean; faults?: FaultRule[] } = {}): Promise<FakeAws> {
  const scenario = iamPrincipals();
  scenario.updateDelayMs = 20;
  if (opts.faults) scenario.faults = opts.faults;
  fake = await startFakeAws({ scenario });
  if (opts.simulator === false) fake.state.denyAction('iam:SimulatePrincipalPolicy');
  return fake;
}

const cli = (f: FakeAws, args: string[]) =>
  runBin(['--endpoint-url', f.url, '--region', 'us-east-1', ...args], {
    ...ENV,
    LAMBDA_VPC_POLL_INTERVAL_MS: '20',
  });

interface Check {
  action: string;
  decision: string;
  method: string;
  decidedBy: string | null;
  detail: string | null;
}
const json = async (f: FakeAws, args: string[]) => {
  const r = await cli(f, ['-o', 'json', ...args]);
  return { ...r, permissions: JSON.parse(r.stdout).permissions };
};
const decisions = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.action, c.decision]));
const EC2_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

describe('check-perms: the principals as IAM serves them', () => {
  it.each([
    ['the simulator', true, 'simulator'],
    ['its own policies', false, 'policies'],
  ])(
    'a boundary without EC2 denies the role, read by %s: exit 4, and attaching cannot help',
    async (_, simulator, method) => {
      const f = await start({ simulator });
      const r = await json(f, ['check-perms', I.boundedFn]);
      expect(r.code).toBe(4);
      const role = r.permissions.executionRole;
      for (const action of EC2_ACTIONS)
        expect(role.checks.find((c: Check) => c.action === action)).toMatchObject({
          decision: 'implicitDeny',
          method,
          decidedBy: 'permissions boundary',
        });
      expect(decisions(role.checks)['sts:AssumeRole']).toBe('allowed');
      expect(role.fix).toMatchObject({ attachHelps: false });
      expect(f.writes()).toHaveLength(0);
    },
  );

  it('the IAM user caller, simulator denied: its group allows the update only in the approved VPC', async () => {
    const f = await start({ simulator: false });
    const approved = await json(f, [
      'check-perms',
      'orders-api',
      '--subnets',
      D.privateSubnetA,
      '--sg',
      D.sgAllEgress,
    ]);
    expect(approved.code).toBe(0);
    expect(approved.permissions.caller.checks.at(-1)).toMatchObject({
      action: 'lambda:UpdateFunctionConfiguration',
      decision: 'allowed',
      method: 'policies',
    });

    const other = await json(f, [
      'check-perms',
      'orders-api',
      '--subnets',
      D.dedicatedSubnet,
      '--sg',
      D.sgDedicated,
    ]);
    expect(other.code).toBe(4);
    expect(other.permissions.caller.checks.at(-1)).toMatchObject({
      action: 'lambda:UpdateFunctionConfiguration',
      decision: 'implicitDeny',
      method: 'policies',
    });
    expect(other.permissions.caller.fix.Statement[0].Action).toEqual(['lambda:UpdateFunctionConfiguration']);

    // Without --subnets the requested VPC is not known: the answer names the key it waits for.
    const open = await json(f, ['check-perms', 'orders-api']);
    expect(open.code).toBe(9);
    const update = open.permissions.caller.checks.at(-1) as Check;
    expect(update.decision).toBe('conditional');
    expect(update.detail).toContain('lambda:VpcIds');
    expect(open.permissions.caller.fix).toBeNull();
  });

  it('a role only EC2 may assume: exit 4 with a trust policy that keeps what it had, and --fix does not touch it', async () => {
    const f = await start();
    const r = await json(f, ['check-perms', I.ec2TrustFn, '--fix', '--yes']);
    expect(r.code).toBe(4);
    const role = r.permissions.executionRole;
    expect(role.checks.find((c: Check) => c.action === 'sts:AssumeRole')).toMatchObject({
      decision: 'implicitDeny',
      decidedBy: 'trust policy',
    });
    for (const action of EC2_ACTIONS) expect(decisions(role.checks)[action]).toBe('allowed');
    const services = role.trustFix.document.Statement.map(
      (s: { Principal: { Service: string } }) => s.Principal.Service,
    );
    expect(services).toEqual(['ec2.amazonaws.com', 'lambda.amazonaws.com']);
    expect(role.trustFix.command).toMatch(/^aws iam update-assume-role-policy --role-name ec2-trust-role /);
    expect(role.fix).toBeNull();
    expect(f.writes()).toHaveLength(0);
  });

  it('attach of a function whose role only EC2 may assume: refused before any write, with the trust fix', async () => {
    const f = await start();
    const r = await cli(f, ['attach', I.ec2TrustFn, '--subnets', D.privateSubnetA, '--sg', D.sgAllEgress]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('update-assume-role-policy --role-name ec2-trust-role');
    expect(f.writes()).toHaveLength(0);
  });

  it.each([
    ['check-perms', [I.orphanFn]],
    ['attach', [I.orphanFn, '--subnets', D.privateSubnetA, '--sg', D.sgAllEgress]],
  ])(
    '%s of a function whose role was deleted: "does not exist", exit 4, nothing written',
    async (command, args) => {
      const f = await start();
      const r = await cli(f, [command, ...args]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`The execution role ${I.deletedRoleArn} of ${I.orphanFn} does not exist`);
      expect(r.stderr).toContain('--role <an existing role ARN>');
      expect(r.stdout).not.toContain('unknown');
      expect(f.writes()).toHaveLength(0);
    },
  );

  it('a deleted role whose GetRole is denied too: still "does not exist", from its policy list', async () => {
    const f = await start({
      simulator: false,
      faults: [{ service: 'iam', operation: 'GetRole', kind: 'accessDenied' }],
    });
    const r = await cli(f, ['check-perms', I.orphanFn, '--role-only']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`The execution role ${I.deletedRoleArn} of ${I.orphanFn} does not exist`);
  });

  it.each(['GetRole', 'ListAttachedRolePolicies', 'GetPolicyVersion', 'ListRolePolicies'])(
    'iam:%s denied once, simulator denied: the role is never "allowed", and the failed call is named',
    async (operation) => {
      const f = await start({
        simulator: false,
        faults: [{ service: 'iam', operation, kind: 'accessDenied', times: 1 }],
      });
      const r = await json(f, ['check-perms', 'orders-api', '--role-only']);
      expect(r.code).toBe(9);
      const role = r.permissions.executionRole;
      const open = role.checks.filter((c: Check) => c.decision === 'unknown');
      expect(open.length).toBeGreaterThan(0);
      expect(
        role.checks.filter((c: Check) => c.decision === 'allowed' && c.action !== 'sts:AssumeRole'),
      ).toEqual([]);
      expect(open.every((c: Check) => c.detail?.includes(`iam:${operation}`))).toBe(true);
    },
  );
});
