import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { demo, DEMO_IDS as I, VPC_ACCESS_POLICY_ARN } from '../fake-aws/scenarios.js';
import { cleanEnv, runBin } from './spawn.js';

// The built binary against the local fake AWS: the SDK's real IAM, STS and EC2 wire protocols.
const ENV = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' });

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(): Promise<FakeAws> {
  const scenario = demo();
  scenario.updateDelayMs = 20;
  fake = await startFakeAws({ scenario });
  return fake;
}

const cli = (f: FakeAws, args: string[]) =>
  runBin(['--endpoint-url', f.url, '--region', 'us-east-1', ...args], {
    ...ENV,
    LAMBDA_VPC_POLL_INTERVAL_MS: '20',
  });
const operations = (f: FakeAws) =>
  f.requests.map((r) => `${r.service}:${r.operation}${r.errorCode ? `!${r.errorCode}` : ''}`);

describe('check-perms against the fake AWS', () => {
  it('orders-api: everything allowed, exit 0, in nine calls', async () => {
    const f = await start();
    const r = await cli(f, ['check-perms', 'orders-api']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Execution role of orders-api: ${I.vpcRoleArn}`);
    expect(r.stdout).toContain('✔ Everything required is allowed.');
    expect(operations(f).sort()).toEqual(
      [
        'lambda:GetFunction',
        'iam:GetRole',
        'iam:SimulatePrincipalPolicy',
        'iam:SimulatePrincipalPolicy',
        'sts:GetCallerIdentity',
        'ec2:DescribeSecurityGroups!DryRunOperation',
        'ec2:DescribeSubnets!DryRunOperation',
        'ec2:DescribeVpcs!DryRunOperation',
        // Not in a VPC: the interfaces it may have left behind.
        'ec2:DescribeNetworkInterfaces',
      ].sort(),
    );
    expect(f.writes()).toHaveLength(0);
  });

  it('legacy-worker: the role lacks the VPC permissions, exit 4 with the fix', async () => {
    const f = await start();
    const r = await cli(f, ['check-perms', 'legacy-worker']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/ec2:CreateNetworkInterface\s+implicitly denied\s+simulator/);
    expect(r.stdout).toContain(
      `aws iam attach-role-policy --role-name ${I.basicRole} --policy-arn ${VPC_ACCESS_POLICY_ARN}`,
    );
  });

  it('falls back to reading the role policies when the caller may not simulate', async () => {
    const f = await start();
    f.state.denyAction('iam:SimulatePrincipalPolicy');
    const r = await cli(f, ['-o', 'json', 'check-perms', 'orders-api']);
    const doc = JSON.parse(r.stdout);
    const role = doc.permissions.executionRole;
    expect(role.checks.map((c: { decision: string; method: string }) => `${c.decision}/${c.method}`)).toEqual(
      // The six EC2 actions, then the trust policy (sts:AssumeRole).
      Array(7).fill('allowed/policies'),
    );
    expect(role.checks[0].decidedBy).toBe(
      'AWSLambdaVPCAccessExecutionRole (AWSLambdaVPCAccessExecutionPermissions)',
    );
    // The caller is an IAM user: its own policies are read and decide its update too.
    expect(r.code).toBe(0);
    expect(doc.permissions.caller.checks.at(-1)).toMatchObject({
      action: 'lambda:UpdateFunctionConfiguration',
      decision: 'allowed',
      method: 'policies',
    });
    expect(operations(f)).toEqual(
      expect.arrayContaining([
        'iam:SimulatePrincipalPolicy!AccessDenied',
        'iam:GetRole',
        'iam:ListAttachedRolePolicies',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:ListRolePolicies',
        'iam:GetRolePolicy',
        'iam:ListAttachedUserPolicies',
        'iam:ListUserPolicies',
        'iam:ListGroupsForUser',
      ]),
    );
  });

  it('says unknown, exit 9, without any IAM access', async () => {
    const f = await start();
    f.state.denyAction('iam:*');
    const r = await cli(f, ['check-perms', 'orders-api']);
    expect(r.code).toBe(9);
    expect(r.stdout).toContain('? Could not determine the execution role');
    expect(r.stdout).not.toContain('✔');
  });

  // Exit 4 and 9 are failures: stderr says why, as for every other failure, also with -o json
  // where stdout is only the document.
  it.each([
    ['denied, exit 4', 'legacy-worker', () => {}, 4, 'AccessDenied'],
    ['undetermined, exit 9', 'orders-api', (f: FakeAws) => f.state.denyAction('iam:*'), 9, 'Undetermined'],
  ] as const)('-o json, %s: the reason on stderr, one line', async (_, fn, edit, exitCode, code) => {
    const f = await start();
    edit(f);
    const r = await cli(f, ['-o', 'json', 'check-perms', fn]);
    expect(r.code).toBe(exitCode);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toMatchObject({ code, exitCode });
    expect(r.stderr).toBe(`Error: ${doc.error.message}\n`);
    expect(doc.error.message).toBe(doc.permissions.reason);
  });

  it('maps an assumed-role caller to its role, path included, for the simulator', async () => {
    const f = await start();
    f.state.caller = {
      Arn: 'arn:aws:sts::123456789012:assumed-role/orders-api-role/session-1',
      UserId: 'AROAEXAMPLE:session-1',
      Account: '123456789012',
    };
    const r = await cli(f, ['-o', 'json', 'check-perms', 'orders-api']);
    const doc = JSON.parse(r.stdout);
    expect(doc.permissions.caller).toMatchObject({ kind: 'assumedRole', simulatedAs: I.vpcRoleArn });
    const simulated = f.requests.filter((q) => q.operation === 'SimulatePrincipalPolicy');
    expect(simulated.map((q) => q.params.PolicySourceArn)).toContain(I.vpcRoleArn);
  });

  it('--fix --yes attaches the managed policy, re-checks and exits 0', async () => {
    const f = await start();
    const r = await cli(f, ['check-perms', 'legacy-worker', '--fix', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✔ Attached ${VPC_ACCESS_POLICY_ARN} to ${I.basicRole}; checked again:`);
    expect(f.writes().map((w) => [w.operation, w.params.RoleName, w.params.PolicyArn])).toEqual([
      ['AttachRolePolicy', I.basicRole, VPC_ACCESS_POLICY_ARN],
    ]);
  });

  it('--role-only: the role alone, with no STS or EC2 request, and the caller shown as not checked', async () => {
    const f = await start();
    const r = await cli(f, ['-o', 'json', 'check-perms', 'orders-api', '--role-only']);
    expect(r.code).toBe(0);
    // GetRole: the trust policy, tags and boundary; the simulator: the six EC2 actions.
    expect(operations(f).sort()).toEqual([
      'iam:GetRole',
      'iam:SimulatePrincipalPolicy',
      'lambda:GetFunction',
    ]);
    const simulated = f.requests.filter((q) => q.operation === 'SimulatePrincipalPolicy');
    expect(simulated.map((q) => q.params.PolicySourceArn)).toEqual([I.vpcRoleArn]);
    const { permissions } = JSON.parse(r.stdout);
    expect(permissions.caller).toMatchObject({ checked: false, skippedReason: '--role-only', verdict: null });
    expect(permissions.executionRole).toMatchObject({ checked: true, verdict: 'allowed' });
  });

  it('--caller-only: legacy-worker, whose role lacks the VPC permissions, exits 0 on the caller alone', async () => {
    const f = await start();
    const r = await cli(f, ['check-perms', 'legacy-worker', '--caller-only']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Execution role of legacy-worker:\n  not checked (--caller-only)');
    // IAM is asked about the caller only: the role is neither simulated nor read.
    const iam = f.requests.filter((q) => q.service === 'iam');
    expect(iam.map((q) => q.operation)).toEqual(['SimulatePrincipalPolicy']);
    expect(iam[0]?.params.PolicySourceArn).toBe(f.state.caller.Arn);
  });

  it('--fix without a terminal and without --yes: exit 2 and not a single request', async () => {
    const f = await start();
    const r = await cli(f, ['check-perms', 'legacy-worker', '--fix']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Hint: Add --yes');
    expect(f.requests).toHaveLength(0);
  });
});

describe('attach preflight against the fake AWS', () => {
  const NETWORK = ['--subnets', `${I.privateSubnetA},${I.privateSubnetB}`, '--sg', I.sgAllEgress];

  it('refuses legacy-worker before writing: exit 4 and the fix', async () => {
    const f = await start();
    const r = await cli(f, ['attach', 'legacy-worker', ...NETWORK]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`aws iam attach-role-policy --role-name ${I.basicRole}`);
    expect(f.writes()).toHaveLength(0);
  });

  it('refuses only the functions whose role lacks them; the others are attached', async () => {
    const f = await start();
    const r = await cli(f, ['-o', 'json', 'attach', 'legacy-worker', 'orders-api', ...NETWORK]);
    expect(r.code).toBe(4);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { outcome: string }) => x.outcome)).toEqual(['failed', 'updated']);
    expect(doc.results[0].error).toMatchObject({ code: 'AccessDenied', exitCode: 4 });
    expect(doc.results[0].error.message).toContain(
      `The execution role ${I.basicRole} of legacy-worker lacks`,
    );
    expect(doc.permissions).toMatchObject({ blocked: true });
    expect(f.writes().map((w) => w.params.FunctionName)).toEqual(['orders-api']);
  });

  it('costs one SimulatePrincipalPolicy per role and no extra GetFunction', async () => {
    const f = await start();
    const r = await cli(f, ['attach', 'orders-api', ...NETWORK, '--skip-network-check']);
    expect(r.code).toBe(0);
    const withCheck = operations(f);
    const f2 = await startFakeAws({ scenario: { ...demo(), updateDelayMs: 20 } });
    try {
      const skipped = await cli(f2, [
        'attach',
        'orders-api',
        ...NETWORK,
        '--skip-network-check',
        '--skip-perms-check',
      ]);
      expect(skipped.code).toBe(0);
      const without = operations(f2);
      expect(withCheck.filter((o) => o.startsWith('iam:'))).toEqual([
        'iam:GetRole',
        'iam:SimulatePrincipalPolicy',
      ]);
      expect(withCheck.filter((o) => o === 'lambda:GetFunction').length).toBe(
        without.filter((o) => o === 'lambda:GetFunction').length,
      );
      expect(without.filter((o) => o.startsWith('iam:'))).toEqual([]);
    } finally {
      await f2.close();
    }
  });
});
