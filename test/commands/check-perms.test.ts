import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { AttachRolePolicyCommand, GetRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  type FunctionConfiguration,
  GetFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli.js';
import {
  allAwsCalls,
  allowUnused,
  awsError,
  ec2Mock,
  expectNoAwsCall,
  getFunctionOutput,
  iamMock,
  lambdaMock,
  resetAwsMocks,
  serveSimulator,
  simulatorAnswer,
  stsMock,
  VPC_ACCESS_POLICY,
  verifyAwsMocks,
} from '../aws-mocks.js';
import { PRIVATE_A as S1, SG_ALL as SG, serveAnyNetwork, VPC_ID } from '../ec2-world.js';
import { captureStream, fakeClock, runCli } from '../helpers.js';
import { checkJsonOutput } from '../json-schema.js';

const ROLE = 'arn:aws:iam::123456789012:role/app-role';
const fn = (over: Partial<FunctionConfiguration> = {}) => getFunctionOutput({ Role: ROLE, ...over });

beforeEach(() => {
  resetAwsMocks();
  lambdaMock.on(GetFunctionCommand).resolves(fn());
  serveSimulator();
});
afterEach(verifyAwsMocks);

const checkPerms = (...args: string[]) => runCli(['--region', 'us-east-1', 'check-perms', ...args]);

/** run() with a terminal that answers the confirmation prompt. */
async function runOnTerminal(argv: string[], answer: boolean) {
  const stdout = captureStream();
  const stderr = captureStream(true);
  const questions: string[] = [];
  const clock = fakeClock();
  const code = await run(argv, {
    stdout,
    stderr,
    env: { NO_COLOR: '1' },
    clock,
    confirm: async (question) => {
      questions.push(question);
      return answer;
    },
  });
  checkJsonOutput(stdout.text);
  return { code, stdout: stdout.text, stderr: stderr.text, questions };
}

describe('check-perms', () => {
  // check-perms also asks who the caller is, and probes the caller's EC2 reads with DryRun.
  beforeEach(() => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::123456789012:user/dev' });
    for (const command of [DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand])
      ec2Mock.on(command).rejects(awsError('DryRunOperation'));
  });

  it('exits 0 when the role and the caller have everything, saying which method answered', async () => {
    const { code, stdout, stderr } = await checkPerms('my-fn');
    expect(code).toBe(0);
    expect(stdout).toContain(`Execution role of my-fn: ${ROLE}`);
    expect(stdout).toMatch(/ec2:CreateNetworkInterface\s+allowed\s+simulator/);
    expect(stdout).toMatch(/ec2:DescribeVpcs\s+allowed\s+DryRun/);
    expect(stdout).toMatch(/lambda:GetFunction\s+allowed\s+observed/);
    expect(stdout).toContain('✔ Everything required is allowed.');
    expect(stderr).toBe('');
    // GetFunction, GetRole (the trust policy), 2 simulations, 3 DryRun probes, GetCallerIdentity,
    // and, the function not being in a VPC, the interfaces it may have left behind.
    expect(allAwsCalls()).toBe(9);
  });

  it('a role that no longer exists is an error, exit 4, with the fix: not six unknowns', async () => {
    iamMock.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 404));
    // The caller check runs alongside and may or may not have got to its reads by then.
    allowUnused(
      DescribeSecurityGroupsCommand,
      DescribeSubnetsCommand,
      DescribeVpcsCommand,
      GetCallerIdentityCommand,
    );
    const { code, stdout, stderr } = await checkPerms('my-fn');
    expect(code).toBe(4);
    expect(stderr).toContain(`Error: The execution role ${ROLE} of my-fn does not exist.`);
    expect(stderr).toContain('--function-name my-fn --role <an existing role ARN>');
    expect(stdout).not.toContain('unknown');
  });

  it('exits 4 with the attach-role-policy line and the policy JSON when the role lacks a hard requirement', async () => {
    serveSimulator(['ec2:CreateNetworkInterface']);
    const { code, stdout } = await checkPerms('my-fn');
    expect(code).toBe(4);
    expect(stdout).toContain('✖ Denied: the execution role lacks ec2:CreateNetworkInterface.');
    expect(stdout).toContain(
      `aws iam attach-role-policy --role-name app-role --policy-arn ${VPC_ACCESS_POLICY}`,
    );
    expect(stdout).toContain('lambda-vpc --region us-east-1 check-perms my-fn --fix');
    expect(stdout).toContain('"Sid": "LambdaVpcNetworkInterfaces"');
  });

  it('exits 9 with the reason when nothing about the role can be read', async () => {
    iamMock.onAnyCommand().rejects(awsError('AccessDenied'));
    const { code, stdout, stderr } = await checkPerms('my-fn');
    expect(code).toBe(9);
    expect(stdout).toContain('? Could not determine the execution role: ec2:CreateNetworkInterface');
    expect(stdout).toContain("neither the simulator nor the role's policies could be read");
    expect(stdout).toContain(
      'For a definite answer, allow the caller iam:SimulatePrincipalPolicy, or the IAM reads named above (docs/permissions.md).',
    );
    expect(stderr).toContain('Note: The policy simulator was not usable (AccessDenied');
  });

  it('prints one JSON document with the report, the fix and the error', async () => {
    serveSimulator(['ec2:DeleteNetworkInterface']);
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'check-perms',
      'my-fn',
      '--subnets',
      S1,
      '--sg',
      SG,
    ]);
    expect(code).toBe(4);
    const doc = JSON.parse(stdout);
    // Only the error's line on stderr, as every failing command prints it: the rest is the document.
    expect(stderr).toBe(`Error: ${doc.error.message}\n`);
    expect(Object.keys(doc)).toEqual([
      'schemaVersion',
      'command',
      'exitCode',
      'results',
      'error',
      'permissions',
      'remainingEnis',
    ]);
    expect(doc).toMatchObject({
      command: 'check-perms',
      exitCode: 4,
      results: [],
      error: { code: 'AccessDenied', exitCode: 4 },
    });
    expect(Object.keys(doc.permissions)).toEqual([
      'function',
      'functionArn',
      'verdict',
      'reason',
      'executionRole',
      'caller',
      'context',
      'fixApplied',
    ]);
    expect(doc.permissions.executionRole.checks[2]).toEqual({
      action: 'ec2:DeleteNetworkInterface',
      required: 'hard',
      decision: 'implicitDeny',
      method: 'simulator',
      decidedBy: null,
      detail: null,
      dependsOn: [],
    });
    expect(doc.permissions.executionRole).toMatchObject({
      checked: true,
      skippedReason: null,
      trustFix: null,
    });
    expect(doc.permissions.caller).toMatchObject({ checked: true, skippedReason: null });
    expect(doc.permissions.executionRole.fix).toMatchObject({
      roleName: 'app-role',
      policyArn: VPC_ACCESS_POLICY,
    });
    expect(doc.permissions.context).toEqual({ subnetIds: [S1], securityGroupIds: [SG], vpcIds: [] });
  });

  describe('one principal only', () => {
    const CALLER = 'arn:aws:iam::123456789012:user/dev';
    const simulatedPrincipals = () =>
      iamMock.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input.PolicySourceArn);

    it('--role-only checks the execution role alone: no STS or EC2 call, and the caller does not count', async () => {
      // The caller would be denied its EC2 reads, which would make the exit 4 if it were checked.
      for (const command of [DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand])
        ec2Mock.on(command).rejects(awsError('UnauthorizedOperation'));
      // The caller's stubs must go uncalled: asserted below.
      allowUnused(
        GetCallerIdentityCommand,
        DescribeSecurityGroupsCommand,
        DescribeSubnetsCommand,
        DescribeVpcsCommand,
      );
      const { code, stdout } = await runCli([
        '--region',
        'us-east-1',
        '-o',
        'json',
        'check-perms',
        'my-fn',
        '--role-only',
      ]);
      expect(code).toBe(0);
      expect(stsMock.calls()).toHaveLength(0);
      expect(ec2Mock.calls()).toHaveLength(0);
      expect(simulatedPrincipals()).toEqual([ROLE]);
      const { permissions } = JSON.parse(stdout);
      expect(permissions).toMatchObject({
        verdict: 'allowed',
        reason: 'Everything required of the execution role is allowed (the caller was not checked).',
        executionRole: { checked: true, skippedReason: null, verdict: 'allowed' },
        caller: {
          checked: false,
          skippedReason: '--role-only',
          arn: null,
          checks: [],
          verdict: null,
          fix: null,
        },
      });
    });

    it('--caller-only checks the caller alone: no IAM call about the role, and the role does not count', async () => {
      // The role lacks what it needs: that would be exit 4 if it were checked.
      serveSimulator(['ec2:CreateNetworkInterface']);
      const { code, stdout } = await checkPerms('my-fn', '--caller-only');
      expect(code).toBe(0);
      expect(simulatedPrincipals()).toEqual([CALLER]);
      expect(iamMock.calls()).toHaveLength(1);
      expect(stdout).toContain('Execution role of my-fn:\n  not checked (--caller-only)');
      expect(stdout).toMatch(/lambda:UpdateFunctionConfiguration\s+allowed\s+simulator/);
      expect(stdout).toContain(
        '✔ Everything required of the caller is allowed (the execution role was not checked).',
      );
      expect(stdout).not.toContain('attach-role-policy');
    });

    it('a denial of the principal checked still exits 4, with its fix', async () => {
      serveSimulator(['ec2:CreateNetworkInterface']);
      allowUnused(
        GetCallerIdentityCommand,
        DescribeSecurityGroupsCommand,
        DescribeSubnetsCommand,
        DescribeVpcsCommand,
      );
      const { code, stdout } = await checkPerms('my-fn', '--role-only');
      expect(code).toBe(4);
      expect(stdout).toContain('✖ Denied: the execution role lacks ec2:CreateNetworkInterface.');
      expect(stdout).toContain(
        `aws iam attach-role-policy --role-name app-role --policy-arn ${VPC_ACCESS_POLICY}`,
      );
    });
  });

  it('offers no fix for what could not be determined', async () => {
    // The role cannot be read at all, and the caller's Lambda update cannot be simulated.
    iamMock.onAnyCommand().rejects(awsError('AccessDenied'));
    const { code, stdout } = await runCli(['--region', 'us-east-1', '-o', 'json', 'check-perms', 'my-fn']);
    expect(code).toBe(9);
    const { permissions } = JSON.parse(stdout);
    // The six EC2 actions and the trust policy (sts:AssumeRole).
    expect(permissions.executionRole.checks.map((c: { decision: string }) => c.decision)).toEqual(
      Array(7).fill('unknown'),
    );
    expect(permissions.caller.checks.at(-1)).toMatchObject({
      action: 'lambda:UpdateFunctionConfiguration',
      decision: 'unknown',
    });
    expect(permissions.executionRole.fix).toBeNull();
    expect(permissions.caller.fix).toBeNull();
  });

  describe('--fix', () => {
    it('--yes attaches the managed policy to the role, then checks again', async () => {
      iamMock
        .on(SimulatePrincipalPolicyCommand)
        .resolvesOnce({
          EvaluationResults: [{ EvalActionName: 'ec2:CreateNetworkInterface', EvalDecision: 'implicitDeny' }],
        })
        .callsFake(simulatorAnswer());
      const { code, stdout } = await runCli([
        '--region',
        'us-east-1',
        '-o',
        'json',
        'check-perms',
        'my-fn',
        '--fix',
        '--yes',
      ]);
      expect(code).toBe(0);
      expect(iamMock.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
        { RoleName: 'app-role', PolicyArn: VPC_ACCESS_POLICY },
      ]);
      const doc = JSON.parse(stdout);
      expect(doc.permissions).toMatchObject({
        verdict: 'allowed',
        fixApplied: { roleName: 'app-role', policyArn: VPC_ACCESS_POLICY },
      });
    });

    it('asks on a terminal and writes nothing when the answer is no', async () => {
      serveSimulator(['ec2:CreateNetworkInterface']);
      const r = await runOnTerminal(['--region', 'us-east-1', 'check-perms', 'my-fn', '--fix'], false);
      expect(r.questions).toEqual([
        `Denied: the execution role lacks ec2:CreateNetworkInterface.\nAttach ${VPC_ACCESS_POLICY} to the role app-role? [y/N] `,
      ]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('Nothing changed.');
      expect(iamMock.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    });

    it('attaches after a yes on the terminal', async () => {
      serveSimulator(['ec2:CreateNetworkInterface']);
      const r = await runOnTerminal(['--region', 'us-east-1', 'check-perms', 'my-fn', '--fix'], true);
      expect(iamMock.commandCalls(AttachRolePolicyCommand)).toHaveLength(1);
      // The mock still denies: the re-check says so, with a word about IAM's propagation delay.
      expect(r.code).toBe(4);
      expect(r.stdout).toContain(`✔ Attached ${VPC_ACCESS_POLICY} to app-role; checked again:`);
      expect(r.stderr).toContain('IAM changes take a few seconds to reach the simulator');
    });

    it('refuses without a terminal and without --yes: exit 2, no AWS call', async () => {
      const { code, stderr } = await checkPerms('my-fn', '--fix');
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe(
        'Error: --fix changes the execution role and needs confirmation, but this is not a terminal.',
      );
      expectNoAwsCall();
    });

    it('changes nothing when nothing was found denied but some answers are unknown, and says so', async () => {
      iamMock.onAnyCommand().rejects(awsError('AccessDenied'));
      const { code, stdout, stderr } = await checkPerms('my-fn', '--fix', '--yes');
      expect(code).toBe(9);
      expect(stderr).toContain(
        '--fix: nothing found denied; 7 answers could not be determined: ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface, ec2:DescribeSubnets, ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses, sts:AssumeRole; nothing changed.',
      );
      expect(iamMock.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
      expect(stdout).not.toContain('Fix for the execution role');
      expect(stdout).not.toContain('Attached arn:');
    });

    it('does not ask, and writes nothing, when the role lacks nothing', async () => {
      const r = await runOnTerminal(['--region', 'us-east-1', 'check-perms', 'my-fn', '--fix'], true);
      expect(r.code).toBe(0);
      expect(r.questions).toEqual([]);
      expect(iamMock.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    });
  });

  it.each([
    [
      ['my-fn:3'],
      "Error: check-perms checks $LATEST, the configuration attach changes, but 'my-fn:3' names a version or alias.",
    ],
    [['my-fn', '--subnets', S1], 'Error: Give both --subnets and --sg, or neither.'],
    [
      ['my-fn', '--subnets', 'subnet-x', '--sg', SG],
      "Error: 'subnet-x' is not a valid subnet ID (expected e.g. subnet-0123456789abcdef0).",
    ],
    [['my-fn', '--yes'], 'Error: --yes only applies to --fix.'],
    [
      ['my-fn', '--role-only', '--caller-only'],
      'Error: --role-only and --caller-only exclude each other: give one, or neither to check both.',
    ],
    [
      ['my-fn', '--caller-only', '--fix', '--yes'],
      'Error: --fix changes the execution role, which --caller-only does not check.',
    ],
    [['bad name'], "Error: 'bad name' is not a Lambda function name or ARN."],
  ])('bad input %j: exit 2, no AWS call', async (args, firstLine) => {
    const { code, stdout, stderr } = await checkPerms(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(firstLine);
    expectNoAwsCall();
  });
});

describe('attach: execution-role preflight', () => {
  const attach = (globals: string[], ...args: string[]) =>
    runCli(['--region', 'us-east-1', ...globals, 'attach', ...args, '--subnets', S1, '--sg', SG]);

  beforeEach(() => serveAnyNetwork(ec2Mock));

  it('stops before any write when a hard requirement is denied: exit 4 and the fix', async () => {
    serveSimulator(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces']);
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      'attach',
      'my-fn',
      '--subnets',
      S1,
      '--sg',
      SG,
    ]);
    expect(code).toBe(4);
    expect(stdout).toMatch(/^✖ my-fn: failed, nothing written\n {2}before {2}not in a VPC\n {2}wanted /);
    expect(stderr).toContain(
      'Error: The execution role app-role of my-fn lacks ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces: Lambda would refuse the VPC configuration. Nothing was changed.',
    );
    expect(stderr).toContain(
      `aws iam attach-role-policy --role-name app-role --policy-arn ${VPC_ACCESS_POLICY}`,
    );
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('checks each distinct role once and reuses its read, so it adds only GetRole and the simulator call', async () => {
    lambdaMock
      .on(GetFunctionCommand, { FunctionName: 'other-fn' })
      .resolves(fn({ FunctionName: 'other-fn' }));
    const { code, stdout } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'attach',
      'my-fn',
      'other-fn',
      '--subnets',
      S1,
      '--sg',
      SG,
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(iamMock.calls()).toHaveLength(2);
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(2);
    const doc = JSON.parse(stdout);
    expect(doc.permissions).toMatchObject({ checked: true, verdict: 'allowed', blocked: false });
    expect(doc.permissions.roles).toHaveLength(1);
    expect(doc.permissions.roles[0]).toMatchObject({ arn: ROLE, functions: ['my-fn', 'other-fn'] });
  });

  /** Lambda takes the write: my-fn reads as before it until the update, then as attached. */
  function acceptWrite() {
    // This replaces the read beforeEach sets up, which never changes, with one that does.
    allowUnused(GetFunctionCommand);
    const attached = { VpcId: VPC_ID, SubnetIds: [S1], SecurityGroupIds: [SG] };
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(fn())
      .resolves(fn({ VpcConfig: attached }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(fn({ LastUpdateStatus: 'InProgress', VpcConfig: attached }).Configuration);
  }
  /** attach wrote once: S1 and SG, guarded by the revision it read. */
  const expectTheWrite = () =>
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: 'my-fn',
        VpcConfig: { SubnetIds: [S1], SecurityGroupIds: [SG], Ipv6AllowedForDualStack: false },
        RevisionId: 'r1',
      },
    ]);

  it('stops each function whose role does not exist: exit 4, nothing written, the fix', async () => {
    iamMock.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 404));
    const { code, stderr } = await attach([], 'my-fn');
    expect(code).toBe(4);
    expect(stderr).toContain(`The execution role ${ROLE} of my-fn does not exist.`);
    expect(stderr).toContain(
      'aws lambda update-function-configuration --function-name my-fn --role <an existing role ARN>',
    );
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(iamMock.commandCalls(SimulatePrincipalPolicyCommand)).toHaveLength(0);
  });

  it('reads a missing role once, and names each function that has it', async () => {
    lambdaMock
      .on(GetFunctionCommand, { FunctionName: 'other-fn' })
      .resolves(fn({ FunctionName: 'other-fn' }));
    iamMock.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 404));
    const { code, stderr } = await attach([], 'my-fn', 'other-fn');
    expect(code).toBe(4);
    expect(stderr).toContain(`The execution role ${ROLE} of my-fn does not exist.`);
    expect(stderr).toContain(`The execution role ${ROLE} of other-fn does not exist.`);
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('stops a function whose role Lambda may not assume, with the trust policy fix', async () => {
    const ec2Only = {
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    iamMock.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'app-role',
        Path: '/',
        Arn: ROLE,
        RoleId: 'AROA1',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(ec2Only)),
      },
    });
    const { code, stderr } = await attach([], 'my-fn');
    expect(code).toBe(4);
    expect(stderr).toContain('lacks sts:AssumeRole: Lambda would refuse the VPC configuration');
    expect(stderr).toContain("aws iam update-assume-role-policy --role-name app-role --policy-document '");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('warns and goes on when IAM cannot tell', async () => {
    iamMock.onAnyCommand().rejects(awsError('AccessDenied'));
    const { code, stderr } = await attach([], 'my-fn', '--dry-run');
    expect(code).toBe(0);
    expect(stderr).toContain(
      `Warning: Could not determine ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface, ec2:DescribeSubnets, ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses, sts:AssumeRole for the execution role ${ROLE}`,
    );
    expect(stderr).toContain('attaching anyway. Details: lambda-vpc --region us-east-1 check-perms my-fn');
  });

  it('warns with --dry-run too when only a permission current Lambda needs is missing', async () => {
    serveSimulator(['ec2:AssignPrivateIpAddresses']);
    const { code, stderr } = await attach([], 'my-fn', '--dry-run');
    expect(code).toBe(0);
    expect(stderr).toContain(
      'Warning: The execution role app-role lacks ec2:AssignPrivateIpAddresses, which Lambda needs since 2024; attaching anyway.',
    );
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('warns, but writes, when only a permission current Lambda needs is missing', async () => {
    serveSimulator(['ec2:AssignPrivateIpAddresses']);
    acceptWrite();
    const { code, stdout, stderr } = await attach([], 'my-fn');
    expect(code).toBe(0);
    expect(stderr).toContain(
      'Warning: The execution role app-role lacks ec2:AssignPrivateIpAddresses, which Lambda needs since 2024; attaching anyway.',
    );
    expectTheWrite();
    expect(stdout).toContain(`✔ my-fn: attached to ${VPC_ID}`);
  });

  it('makes no IAM call with --skip-perms-check, and none for a function already attached', async () => {
    const skipped = await attach(['-o', 'json'], 'my-fn', '--dry-run', '--skip-perms-check');
    expect(JSON.parse(skipped.stdout).permissions).toEqual({
      checked: false,
      skippedReason: '--skip-perms-check',
      verdict: null,
      blocked: false,
      roles: [],
    });
    lambdaMock
      .on(GetFunctionCommand)
      .resolves(fn({ VpcConfig: { SubnetIds: [S1], SecurityGroupIds: [SG], VpcId: 'vpc-1' } }));
    const unchanged = await attach([], 'my-fn');
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toContain('unchanged');
    expect(iamMock.calls()).toHaveLength(0);
  });
});
