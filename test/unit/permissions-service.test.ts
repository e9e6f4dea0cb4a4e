import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXECUTION_ROLE_ACTIONS } from '../../src/core/policy-eval.js';
import { dryRunProbe } from '../../src/services/iam.js';
import { checkCaller, checkExecutionRole } from '../../src/workflows/permission-checks.js';
import {
  awsError,
  ec2Mock,
  iamMock,
  resetAwsMocks,
  stsMock,
  VPC_ACCESS_POLICY,
  verifyAwsMocks,
} from '../aws-mocks.js';

const iam = new IAMClient({ region: 'us-east-1' });
const sts = new STSClient({ region: 'us-east-1' });
const ec2 = new EC2Client({ region: 'us-east-1' });

const ACTIONS = EXECUTION_ROLE_ACTIONS.map((a) => a.action);
const ROLE = 'arn:aws:iam::123456789012:role/service-role/orders-api-role';
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);

/** A role with the VPC managed policy and one inline policy, served the way IAM does: URL-encoded; GetRole may fail. */
function serveRolePolicies(boundaryArn?: string, getRoleError?: Error) {
  if (getRoleError) iamMock.on(GetRoleCommand).rejects(getRoleError);
  else
    iamMock.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'orders-api-role',
        Path: '/service-role/',
        Arn: ROLE,
        RoleId: 'AROA1',
        CreateDate: new Date(),
        ...(boundaryArn ? { PermissionsBoundary: { PermissionsBoundaryArn: boundaryArn } } : {}),
      },
    });
  iamMock.on(ListAttachedRolePoliciesCommand).resolves({
    AttachedPolicies: [{ PolicyArn: VPC_ACCESS_POLICY, PolicyName: 'AWSLambdaVPCAccessExecutionRole' }],
  });
  iamMock.on(GetPolicyCommand, { PolicyArn: VPC_ACCESS_POLICY }).resolves({
    Policy: { PolicyName: 'AWSLambdaVPCAccessExecutionRole', DefaultVersionId: 'v3' },
  });
  iamMock.on(GetPolicyVersionCommand, { PolicyArn: VPC_ACCESS_POLICY, VersionId: 'v3' }).resolves({
    PolicyVersion: {
      Document: encoded({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Vpc', Effect: 'Allow', Action: ['logs:*', ...ACTIONS], Resource: '*' }],
      }),
    },
  });
  iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['no-delete'] });
  iamMock.on(GetRolePolicyCommand).resolves({
    // Plain JSON is tolerated as well as IAM's URL encoding.
    PolicyDocument: JSON.stringify({
      Statement: [{ Effect: 'Deny', Action: 'ec2:DeleteNetworkInterface', Resource: '*' }],
    }),
  });
}

describe('checkExecutionRole', () => {
  it('asks the simulator first, with the role ARN and the six actions', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: ACTIONS.map((EvalActionName) => ({ EvalActionName, EvalDecision: 'allowed' })),
    });
    const report = await checkExecutionRole(iam, ROLE);
    expect(report.checks.every((c) => c.decision === 'allowed' && c.method === 'simulator')).toBe(true);
    expect(iamMock.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input).toMatchObject({
      PolicySourceArn: ROLE,
      ActionNames: ACTIONS,
    });
    expect(iamMock.calls()).toHaveLength(1);
  });

  it('reports an explicit deny decided by an SCP', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: ACTIONS.map((EvalActionName) => ({
        EvalActionName,
        EvalDecision: EvalActionName === 'ec2:CreateNetworkInterface' ? 'explicitDeny' : 'allowed',
        OrganizationsDecisionDetail: {
          AllowedByOrganizations: EvalActionName !== 'ec2:CreateNetworkInterface',
        },
      })),
    });
    const report = await checkExecutionRole(iam, ROLE);
    expect(report.checks[0]).toMatchObject({
      decision: 'explicitDeny',
      decidedBy: 'service control policy (SCP)',
    });
  });

  it('falls back to reading the policies when the simulator is denied, and says so', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRolePolicies();
    const report = await checkExecutionRole(iam, ROLE);
    expect(report.checks.map((c) => [c.action, c.decision, c.method])).toEqual([
      ['ec2:CreateNetworkInterface', 'allowed', 'policies'],
      ['ec2:DescribeNetworkInterfaces', 'allowed', 'policies'],
      ['ec2:DeleteNetworkInterface', 'explicitDeny', 'policies'],
      ['ec2:DescribeSubnets', 'allowed', 'policies'],
      ['ec2:AssignPrivateIpAddresses', 'allowed', 'policies'],
      ['ec2:UnassignPrivateIpAddresses', 'allowed', 'policies'],
    ]);
    expect(report.checks[0]?.decidedBy).toBe('AWSLambdaVPCAccessExecutionRole (Vpc)');
    expect(report.checks[2]?.decidedBy).toBe('no-delete');
    expect(report.notes.join(' ')).toContain('The policy simulator was not usable (AccessDenied');
    expect(report.notes.join(' ')).toContain('service control policies are not visible');
    // The role name, not its path, goes to the IAM read calls.
    expect(iamMock.commandCalls(ListAttachedRolePoliciesCommand)[0]?.args[0].input).toMatchObject({
      RoleName: 'orders-api-role',
    });
  });

  it('applies the permissions boundary in the fallback', async () => {
    const boundary = 'arn:aws:iam::123456789012:policy/describe-only';
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRolePolicies(boundary);
    iamMock.on(GetPolicyCommand, { PolicyArn: boundary }).resolves({
      Policy: { PolicyName: 'describe-only', DefaultVersionId: 'v1' },
    });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: boundary }).resolves({
      PolicyVersion: {
        Document: encoded({ Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] }),
      },
    });
    const report = await checkExecutionRole(iam, ROLE);
    expect(report.checks[0]).toMatchObject({ decision: 'implicitDeny', decidedBy: 'permissions boundary' });
    expect(report.checks[1]).toMatchObject({ decision: 'allowed' });
  });

  it.each([
    ['denied', awsError('AccessDenied')],
    ['failing', awsError('ServiceFailure')],
  ])(
    'when GetRole is %s, a boundary may cap the role: what the policies allow is unknown, never allowed',
    async (_, error) => {
      iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
      serveRolePolicies(undefined, error);
      const report = await checkExecutionRole(iam, ROLE);
      const byAction = Object.fromEntries(report.checks.map((c) => [c.action, c]));
      for (const action of ACTIONS.filter((a) => a !== 'ec2:DeleteNetworkInterface')) {
        expect(byAction[action]).toMatchObject({ decision: 'unknown', method: 'policies' });
        expect(byAction[action]?.detail).toMatch(/permissions boundary.*could not be read \(iam:GetRole: /);
      }
      // A boundary only takes permissions away: the inline policy's Deny stands.
      expect(byAction['ec2:DeleteNetworkInterface']).toMatchObject({ decision: 'explicitDeny' });
    },
  );

  it('falls back when the simulator is unavailable, not only when denied', async () => {
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceFailure', $fault: 'server' }));
    serveRolePolicies();
    const report = await checkExecutionRole(iam, ROLE);
    expect(report.checks[0]?.method).toBe('policies');
  });

  it('says unknown, with the reason, when the caller has no IAM access at all', async () => {
    iamMock
      .onAnyCommand()
      .rejects(
        awsError('AccessDenied', 403, { message: 'not authorized to perform: iam:ListAttachedRolePolicies' }),
      );
    const report = await checkExecutionRole(iam, ROLE);
    expect(report.checks.every((c) => c.decision === 'unknown' && c.method === 'none')).toBe(true);
    expect(report.checks[0]?.detail).toContain('neither the simulator nor the role');
    expect(report.checks[0]?.detail).toContain('iam:ListAttachedRolePolicies');
  });

  it('lets a credentials error end the command instead of hiding it as unknown', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('ExpiredToken'));
    await expect(checkExecutionRole(iam, ROLE)).rejects.toMatchObject({ name: 'ExpiredToken' });
  });
});

describe('dryRunProbe', () => {
  it.each([
    ['DryRunOperation', { allowed: true }],
    ['UnauthorizedOperation', { allowed: false }],
  ])('%s', async (name, expected) => {
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError(name));
    expect(await dryRunProbe(ec2, 'ec2:DescribeVpcs')).toEqual(expected);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)[0]?.args[0].input).toEqual({ DryRun: true });
  });

  it('passes any other answer on as an error', async () => {
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError('RequestLimitExceeded'));
    expect(await dryRunProbe(ec2, 'ec2:DescribeVpcs')).toMatchObject({
      error: { name: 'RequestLimitExceeded' },
    });
  });
});

describe('checkCaller', () => {
  const input = { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', getFunctionAllowed: true };
  const dryRunAllowed = () => {
    for (const command of [DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand])
      ec2Mock.on(command).rejects(awsError('DryRunOperation'));
  };

  it('maps an assumed-role session to its role ARN, path included, and simulates with the context keys', async () => {
    // One read of each kind: DryRun allows, DryRun denies, and a read the check observes.
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('DryRunOperation'));
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError('UnauthorizedOperation'));
    ec2Mock
      .on(DescribeSubnetsCommand, { SubnetIds: ['subnet-0a1b2c3d4e5f60011'] })
      .resolves({ Subnets: [{ SubnetId: 'subnet-0a1b2c3d4e5f60011', VpcId: 'vpc-1' }] });
    stsMock.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42',
      Account: '123456789012',
    });
    iamMock.on(GetRoleCommand, { RoleName: 'deployer' }).resolves({
      Role: {
        RoleName: 'deployer',
        Path: '/ci/',
        Arn: 'arn:aws:iam::123456789012:role/ci/deployer',
        RoleId: 'AROA2',
        CreateDate: new Date(),
      },
    });
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'lambda:UpdateFunctionConfiguration',
          EvalDecision: 'explicitDeny',
          OrganizationsDecisionDetail: { AllowedByOrganizations: false },
        },
      ],
    });
    const { report, context } = await checkCaller(
      { iam, sts, ec2 },
      { ...input, subnetIds: ['subnet-0a1b2c3d4e5f60011'], securityGroupIds: ['sg-0a1b2c3d4e5f60081'] },
    );
    expect(report).toMatchObject({
      kind: 'assumedRole',
      simulatedAs: 'arn:aws:iam::123456789012:role/ci/deployer',
    });
    expect(report.checks.map((c) => [c.action, c.decision, c.method])).toEqual([
      ['ec2:DescribeSecurityGroups', 'allowed', 'dryRun'],
      ['ec2:DescribeSubnets', 'allowed', 'observed'],
      ['ec2:DescribeVpcs', 'denied', 'dryRun'],
      ['lambda:GetFunction', 'allowed', 'observed'],
      ['lambda:UpdateFunctionConfiguration', 'explicitDeny', 'simulator'],
    ]);
    expect(report.checks[4]?.decidedBy).toBe('service control policy (SCP)');
    expect(context).toEqual({
      subnetIds: ['subnet-0a1b2c3d4e5f60011'],
      securityGroupIds: ['sg-0a1b2c3d4e5f60081'],
      vpcIds: ['vpc-1'],
    });
    const simulated = iamMock.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input;
    expect(simulated).toMatchObject({
      PolicySourceArn: 'arn:aws:iam::123456789012:role/ci/deployer',
      ActionNames: ['lambda:UpdateFunctionConfiguration'],
      ResourceArns: [input.functionArn],
    });
    expect(simulated?.ContextEntries?.map((e) => [e.ContextKeyName, e.ContextKeyValues])).toEqual([
      ['lambda:SubnetIds', ['subnet-0a1b2c3d4e5f60011']],
      ['lambda:SecurityGroupIds', ['sg-0a1b2c3d4e5f60081']],
      ['lambda:VpcIds', ['vpc-1']],
    ]);
  });

  it.each([
    ['arn:aws:sts::123456789012:federated-user/bob', 'federated'],
    ['arn:aws:iam::123456789012:root', 'root'],
  ])('reports %s as such, without simulating', async (arn, kind) => {
    dryRunAllowed();
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: arn });
    const { report } = await checkCaller(
      { iam, sts, ec2 },
      { ...input, subnetIds: [], securityGroupIds: [] },
    );
    expect(report.kind).toBe(kind);
    expect(report.checks.at(-1)).toMatchObject({
      decision: 'unknown',
      detail: expect.stringContaining(kind),
    });
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('says unknown for an IAM user the simulator may not see, and uses our own GetFunction answer', async () => {
    dryRunAllowed();
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::123456789012:user/dev' });
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    const { report } = await checkCaller(
      { iam, sts, ec2 },
      { ...input, getFunctionAllowed: false, subnetIds: [], securityGroupIds: [] },
    );
    expect(report.checks.find((c) => c.action === 'lambda:GetFunction')).toMatchObject({
      decision: 'denied',
      method: 'observed',
    });
    expect(report.checks.at(-1)).toMatchObject({
      decision: 'unknown',
      detail: expect.stringContaining("reading an IAM user's policies is not supported"),
    });
  });
});
