import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { executionRoleRequests, updateFunctionRequest } from '../../src/core/lambda-requests.js';
import { type ActionCheck, type BoundaryReading, decideFromReads } from '../../src/core/permissions.js';
import { type Decision, EXECUTION_ROLE_ACTIONS } from '../../src/core/policy-eval.js';
import { dryRunProbe } from '../../src/services/iam.js';
import {
  checkCaller,
  checkExecutionRole,
  MissingRoleError,
  type RoleCheckScope,
  roleNetwork,
} from '../../src/workflows/permission-checks.js';
import {
  awsError,
  ec2Mock,
  iamMock,
  resetAwsMocks,
  stsMock,
  VPC_ACCESS_POLICY,
  verifyAwsMocks,
} from '../aws-mocks.js';

// The request builders are the evaluator's (another module): watched, to see the facts they get.
vi.mock('../../src/core/lambda-requests.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/core/lambda-requests.js')>();
  return {
    ...original,
    executionRoleRequests: vi.fn(original.executionRoleRequests),
    updateFunctionRequest: vi.fn(original.updateFunctionRequest),
  };
});

const iam = new IAMClient({ region: 'us-east-1' });
const sts = new STSClient({ region: 'us-east-1' });
const ec2 = new EC2Client({ region: 'us-east-1' });

const ACTIONS = EXECUTION_ROLE_ACTIONS.map((a) => a.action);
const ROLE = 'arn:aws:iam::123456789012:role/service-role/orders-api-role';
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

const SCOPE: RoleCheckScope = { functionName: 'orders-api', region: 'us-east-1', network: null };

beforeEach(() => {
  resetAwsMocks();
  vi.mocked(executionRoleRequests).mockClear();
  vi.mocked(updateFunctionRequest).mockClear();
});
afterEach(verifyAwsMocks);

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** GetRole's answer for the role: Lambda trusted unless `trust` says otherwise. */
function serveRole(
  over: { boundaryArn?: string; trust?: unknown; tags?: Array<{ Key: string; Value: string }> } = {},
) {
  iamMock.on(GetRoleCommand, { RoleName: 'orders-api-role' }).resolves({
    Role: {
      RoleName: 'orders-api-role',
      Path: '/service-role/',
      Arn: ROLE,
      RoleId: 'AROA1',
      CreateDate: new Date(),
      AssumeRolePolicyDocument: encoded(over.trust ?? LAMBDA_TRUST),
      ...(over.tags ? { Tags: over.tags } : {}),
      ...(over.boundaryArn ? { PermissionsBoundary: { PermissionsBoundaryArn: over.boundaryArn } } : {}),
    },
  });
}

type RoleRead =
  | 'GetRole'
  | 'ListAttachedRolePolicies'
  | 'GetPolicy'
  | 'GetPolicyVersion'
  | 'ListRolePolicies'
  | 'GetRolePolicy';

/**
 * A role with the VPC managed policy and one inline policy denying DeleteNetworkInterface,
 * served the way IAM does (URL-encoded); the read named in `failing` is refused instead.
 */
function serveRolePolicies(boundaryArn?: string, failing?: { read: RoleRead; error: Error }) {
  const fails = (read: RoleRead) => failing?.read === read;
  if (fails('GetRole')) iamMock.on(GetRoleCommand).rejects(failing?.error);
  else serveRole(boundaryArn ? { boundaryArn } : {});
  if (fails('ListAttachedRolePolicies')) {
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(failing?.error);
  } else {
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: VPC_ACCESS_POLICY, PolicyName: 'AWSLambdaVPCAccessExecutionRole' }],
    });
    if (fails('GetPolicy'))
      iamMock.on(GetPolicyCommand, { PolicyArn: VPC_ACCESS_POLICY }).rejects(failing?.error);
    else {
      iamMock.on(GetPolicyCommand, { PolicyArn: VPC_ACCESS_POLICY }).resolves({
        Policy: { PolicyName: 'AWSLambdaVPCAccessExecutionRole', DefaultVersionId: 'v3' },
      });
      const version = iamMock.on(GetPolicyVersionCommand, { PolicyArn: VPC_ACCESS_POLICY, VersionId: 'v3' });
      if (fails('GetPolicyVersion')) version.rejects(failing?.error);
      else
        version.resolves({
          PolicyVersion: {
            Document: encoded({
              Version: '2012-10-17',
              Statement: [{ Sid: 'Vpc', Effect: 'Allow', Action: ['logs:*', ...ACTIONS], Resource: '*' }],
            }),
          },
        });
    }
  }
  if (fails('ListRolePolicies')) {
    iamMock.on(ListRolePoliciesCommand).rejects(failing?.error);
    return;
  }
  iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['no-delete'] });
  if (fails('GetRolePolicy')) iamMock.on(GetRolePolicyCommand).rejects(failing?.error);
  else
    iamMock.on(GetRolePolicyCommand).resolves({
      // Plain JSON is tolerated as well as IAM's URL encoding.
      PolicyDocument: JSON.stringify({
        Statement: [{ Effect: 'Deny', Action: 'ec2:DeleteNetworkInterface', Resource: '*' }],
      }),
    });
}

const byAction = (checks: ActionCheck[]) => Object.fromEntries(checks.map((c) => [c.action, c]));
const ec2Checks = (checks: ActionCheck[]) => checks.filter((c) => c.action !== 'sts:AssumeRole');

const FALLBACK_ANSWER = [
  ['ec2:CreateNetworkInterface', 'allowed', 'policies'],
  ['ec2:DescribeNetworkInterfaces', 'allowed', 'policies'],
  ['ec2:DeleteNetworkInterface', 'explicitDeny', 'policies'],
  ['ec2:DescribeSubnets', 'allowed', 'policies'],
  ['ec2:AssignPrivateIpAddresses', 'allowed', 'policies'],
  ['ec2:UnassignPrivateIpAddresses', 'allowed', 'policies'],
  ['sts:AssumeRole', 'allowed', 'policies'],
];

describe('checkExecutionRole', () => {
  it('reads the role once, then asks the simulator, with the role ARN and the six actions', async () => {
    serveRole();
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: ACTIONS.map((EvalActionName) => ({ EvalActionName, EvalDecision: 'allowed' })),
    });
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks.map((c) => [c.action, c.decision, c.method])).toEqual([
      ...ACTIONS.map((a) => [a, 'allowed', 'simulator']),
      ['sts:AssumeRole', 'allowed', 'policies'],
    ]);
    expect(report.checks.at(-1)).toMatchObject({ required: 'hard', decidedBy: 'trust policy (statement 1)' });
    expect(report.trustFix).toBeUndefined();
    expect(iamMock.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input).toEqual({
      PolicySourceArn: ROLE,
      ActionNames: ACTIONS,
    });
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(1);
    expect(iamMock.calls()).toHaveLength(2);
  });

  it('reports an explicit deny decided by an SCP', async () => {
    serveRole();
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: ACTIONS.map((EvalActionName) => ({
        EvalActionName,
        EvalDecision: EvalActionName === 'ec2:CreateNetworkInterface' ? 'explicitDeny' : 'allowed',
        OrganizationsDecisionDetail: {
          AllowedByOrganizations: EvalActionName !== 'ec2:CreateNetworkInterface',
        },
      })),
    });
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks[0]).toMatchObject({
      decision: 'explicitDeny',
      decidedBy: 'service control policy (SCP)',
    });
  });

  it('falls back to reading the policies when the simulator is denied, and says so', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRolePolicies();
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks.map((c) => [c.action, c.decision, c.method])).toEqual(FALLBACK_ANSWER);
    expect(report.checks[0]?.decidedBy).toBe('AWSLambdaVPCAccessExecutionRole (Vpc)');
    expect(report.checks[2]?.decidedBy).toBe('no-delete');
    expect(report.notes.join(' ')).toContain('The policy simulator was not usable (AccessDenied');
    expect(report.notes.join(' ')).toContain('service control policies are not visible');
    // The role name, not its path, goes to the IAM read calls; GetRole is read once for both paths.
    expect(iamMock.commandCalls(ListAttachedRolePoliciesCommand)[0]?.args[0].input).toMatchObject({
      RoleName: 'orders-api-role',
    });
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(1);
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
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks[0]).toMatchObject({ decision: 'implicitDeny', decidedBy: 'permissions boundary' });
    expect(report.checks[1]).toMatchObject({ decision: 'allowed' });
  });

  it('shows an explicit Deny in the boundary as an explicit deny, with its statement', async () => {
    const boundary = 'arn:aws:iam::123456789012:policy/guard';
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRolePolicies(boundary);
    iamMock.on(GetPolicyCommand, { PolicyArn: boundary }).resolves({
      Policy: { PolicyName: 'guard', DefaultVersionId: 'v2' },
    });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: boundary, VersionId: 'v2' }).resolves({
      PolicyVersion: {
        Document: encoded({
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Sid: 'NoEni', Effect: 'Deny', Action: 'ec2:CreateNetworkInterface', Resource: '*' },
          ],
        }),
      },
    });
    const checks = byAction((await checkExecutionRole(iam, ROLE, SCOPE)).checks);
    expect(checks['ec2:CreateNetworkInterface']).toMatchObject({
      decision: 'explicitDeny',
      decidedBy: 'permissions boundary: guard (NoEni)',
    });
    expect(checks['ec2:DescribeSubnets']).toMatchObject({ decision: 'allowed' });
  });

  it.each([
    ['denied', awsError('AccessDenied')],
    ['failing', awsError('ServiceFailure', 500)],
  ])(
    'when GetRole is %s, a boundary may cap the role: what the policies allow is unknown, never allowed',
    async (_, error) => {
      iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
      serveRolePolicies(undefined, { read: 'GetRole', error });
      const report = await checkExecutionRole(iam, ROLE, SCOPE);
      const checks = byAction(report.checks);
      for (const action of ACTIONS.filter((a) => a !== 'ec2:DeleteNetworkInterface')) {
        expect(checks[action]).toMatchObject({ decision: 'unknown', method: 'policies' });
        expect(checks[action]?.detail).toMatch(/permissions boundary.*could not be read \(iam:GetRole: /);
      }
      // A boundary only takes permissions away: the inline policy's Deny stands.
      expect(checks['ec2:DeleteNetworkInterface']).toMatchObject({ decision: 'explicitDeny' });
      // Nor is the trust policy known.
      expect(checks['sts:AssumeRole']).toMatchObject({
        decision: 'unknown',
        detail: expect.stringContaining('iam:GetRole'),
      });
      expect(report.trustFix).toBeUndefined();
    },
  );

  it.each([
    ['ListAttachedRolePolicies', 'iam:ListAttachedRolePolicies of role orders-api-role: AccessDenied'],
    ['GetPolicy', `iam:GetPolicy of ${VPC_ACCESS_POLICY}: AccessDenied`],
    ['GetPolicyVersion', `iam:GetPolicyVersion of ${VPC_ACCESS_POLICY} (v3): AccessDenied`],
  ] as const)(
    'when %s fails, the managed policy is unread: every answer but the Deny found is unknown, naming the call',
    async (read, named) => {
      iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
      serveRolePolicies(undefined, { read, error: awsError('AccessDenied') });
      const checks = byAction((await checkExecutionRole(iam, ROLE, SCOPE)).checks);
      for (const action of ACTIONS.filter((a) => a !== 'ec2:DeleteNetworkInterface')) {
        expect(checks[action]).toMatchObject({ decision: 'unknown', method: 'policies', decidedBy: null });
        expect(checks[action]?.detail).toContain(named);
      }
      expect(checks['ec2:DeleteNetworkInterface']).toMatchObject({
        decision: 'explicitDeny',
        decidedBy: 'no-delete',
      });
      expect(checks['sts:AssumeRole']?.decision).toBe('allowed');
    },
  );

  it.each([
    ['ListRolePolicies', 'iam:ListRolePolicies of role orders-api-role: ServiceFailure'],
    ['GetRolePolicy', 'iam:GetRolePolicy of no-delete of role orders-api-role: ServiceFailure'],
  ] as const)(
    'when %s fails, an unread inline policy may deny: even what the managed policy allows is unknown',
    async (read, named) => {
      iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
      serveRolePolicies(undefined, { read, error: awsError('ServiceFailure', 500) });
      const report = await checkExecutionRole(iam, ROLE, SCOPE);
      for (const check of ec2Checks(report.checks)) {
        expect(check).toMatchObject({ decision: 'unknown', method: 'policies' });
        expect(check.detail).toContain(named);
      }
    },
  );

  it('when the boundary policy cannot be read, what the policies allow is unknown; denials stand', async () => {
    const boundary = 'arn:aws:iam::123456789012:policy/describe-only';
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRolePolicies(boundary);
    iamMock.on(GetPolicyCommand, { PolicyArn: boundary }).resolves({
      Policy: { PolicyName: 'describe-only', DefaultVersionId: 'v1' },
    });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: boundary }).rejects(awsError('AccessDenied'));
    const checks = byAction((await checkExecutionRole(iam, ROLE, SCOPE)).checks);
    expect(checks['ec2:CreateNetworkInterface']).toMatchObject({
      decision: 'unknown',
      detail: `the permissions boundary, which may cap it, could not be read (iam:GetPolicyVersion of ${boundary}: AccessDenied: AccessDenied)`,
    });
    expect(checks['ec2:DeleteNetworkInterface']).toMatchObject({ decision: 'explicitDeny' });
  });

  it('a policy that does not parse is unread, and says so', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRole();
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['broken'] });
    iamMock.on(GetRolePolicyCommand).resolves({ PolicyDocument: '%7B%22Statement' });
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    for (const check of ec2Checks(report.checks)) {
      expect(check.decision).toBe('unknown');
      expect(check.detail).toContain('Policy "broken": not valid JSON');
    }
  });

  it('falls back when the simulator is unavailable, not only when denied', async () => {
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceFailure', $fault: 'server' }));
    serveRolePolicies();
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks[0]?.method).toBe('policies');
  });

  it('says unknown, with the reason, when the caller has no IAM access at all', async () => {
    iamMock
      .onAnyCommand()
      .rejects(
        awsError('AccessDenied', 403, { message: 'not authorized to perform: iam:ListAttachedRolePolicies' }),
      );
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks.every((c) => c.decision === 'unknown')).toBe(true);
    const ec2 = ec2Checks(report.checks);
    expect(ec2.every((c) => c.method === 'none')).toBe(true);
    expect(ec2[0]?.detail).toContain('neither the simulator nor the role');
    expect(ec2[0]?.detail).toContain('iam:ListAttachedRolePolicies');
  });

  it('lets a credentials error end the command instead of hiding it as unknown', async () => {
    serveRole();
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('ExpiredToken'));
    await expect(checkExecutionRole(iam, ROLE, SCOPE)).rejects.toMatchObject({ name: 'ExpiredToken' });
  });

  it('a role that does not exist is an error, exit 4, with the fix, and nothing more is asked', async () => {
    iamMock.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 404));
    const error = await checkExecutionRole(iam, ROLE, SCOPE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingRoleError);
    expect(error).toMatchObject({
      exitCode: 4,
      code: 'AccessDenied',
      message: `The execution role ${ROLE} of orders-api does not exist.`,
      hint: expect.stringContaining(
        'aws lambda update-function-configuration --function-name orders-api --role <an existing role ARN>',
      ),
    });
    expect(iamMock.calls()).toHaveLength(1);
  });

  it('the simulator saying the role does not exist is the same error', async () => {
    iamMock.on(GetRoleCommand).rejects(awsError('AccessDenied'));
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('NoSuchEntityException', 404));
    await expect(checkExecutionRole(iam, ROLE, SCOPE)).rejects.toBeInstanceOf(MissingRoleError);
    expect(iamMock.calls()).toHaveLength(2);
  });

  it("the role's policy list saying it does not exist, when GetRole and the simulator are denied, is the same error", async () => {
    iamMock.on(GetRoleCommand).rejects(awsError('AccessDenied'));
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(awsError('NoSuchEntityException', 404));
    await expect(checkExecutionRole(iam, ROLE, SCOPE)).rejects.toBeInstanceOf(MissingRoleError);
  });
});

describe('checkExecutionRole: the trust policy', () => {
  const simulatorAllows = () =>
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: ACTIONS.map((EvalActionName) => ({ EvalActionName, EvalDecision: 'allowed' })),
    });

  it('a role only EC2 may assume is a finding, with a fix that keeps the EC2 statement', async () => {
    const ec2Trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    serveRole({ trust: ec2Trust });
    simulatorAllows();
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks.at(-1)).toMatchObject({
      action: 'sts:AssumeRole',
      required: 'hard',
      decision: 'implicitDeny',
      method: 'policies',
      decidedBy: 'trust policy',
    });
    expect(report.trustFix?.roleName).toBe('orders-api-role');
    expect(report.trustFix?.document.Statement).toEqual([
      ec2Trust.Statement[0],
      {
        Sid: 'LambdaAssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    expect(report.trustFix?.command).toMatch(
      /^aws iam update-assume-role-policy --role-name orders-api-role --policy-document '\{.*ec2\.amazonaws\.com.*lambda\.amazonaws\.com.*\}'$/,
    );
  });

  it('a trust policy under a Condition is conditional, naming the key', async () => {
    serveRole({
      trust: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          },
        ],
      },
    });
    simulatorAllows();
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(report.checks.at(-1)).toMatchObject({
      decision: 'conditional',
      detail: expect.stringContaining('aws:SourceAccount'),
    });
    expect(report.trustFix).toBeUndefined();
  });
});

describe('checkExecutionRole: the facts the requests are built from', () => {
  it('passes the region, account, role and its tags, and the subnets and groups to the request builder', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    serveRole({ tags: [{ Key: 'team', Value: 'orders' }] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    const network = {
      subnetIds: ['subnet-0a1b2c3d'],
      securityGroupIds: ['sg-0a1b2c3d'],
      vpcId: 'vpc-0a1b2c3d',
    };
    const report = await checkExecutionRole(iam, ROLE, { functionName: 'f', region: 'eu-west-1', network });
    expect(vi.mocked(executionRoleRequests).mock.calls).toEqual([
      [
        {
          partition: 'aws',
          account: '123456789012',
          region: 'eu-west-1',
          principal: { arn: ROLE, kind: 'role', tags: { team: 'orders' } },
          subnets: [{ id: 'subnet-0a1b2c3d', vpcId: 'vpc-0a1b2c3d' }],
          securityGroups: [{ id: 'sg-0a1b2c3d', vpcId: 'vpc-0a1b2c3d' }],
        },
      ],
    ]);
    expect(report.notes.join(' ')).not.toContain('any subnet');
    // With no policy at all, nothing is allowed.
    expect(ec2Checks(report.checks).every((c) => c.decision === 'implicitDeny')).toBe(true);
  });

  it('without a network, decides for any subnet, says so, and leaves the tags unknown when GetRole failed', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    iamMock.on(GetRoleCommand).rejects(awsError('AccessDenied'));
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(vi.mocked(executionRoleRequests).mock.calls[0]?.[0]).toEqual({
      partition: 'aws',
      account: '123456789012',
      region: 'us-east-1',
      principal: { arn: ROLE, kind: 'role' },
      subnets: null,
      securityGroups: null,
    });
    expect(report.notes.join(' ')).toContain('the answer is for any subnet and security group');
  });

  it('the simulator path builds no requests and adds no note about subnets', async () => {
    serveRole();
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: ACTIONS.map((EvalActionName) => ({ EvalActionName, EvalDecision: 'allowed' })),
    });
    const report = await checkExecutionRole(iam, ROLE, SCOPE);
    expect(executionRoleRequests).not.toHaveBeenCalled();
    expect(report.notes).toEqual([]);
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
  const input = callerInput;
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

  it('uses our own GetFunction answer', async () => {
    dryRunAllowed();
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: USER });
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [{ EvalActionName: 'lambda:UpdateFunctionConfiguration', EvalDecision: 'allowed' }],
    });
    const { report } = await checkCaller(
      { iam, sts, ec2 },
      { ...input, getFunctionAllowed: false, ...noVpc },
    );
    expect(report.checks.find((c) => c.action === 'lambda:GetFunction')).toMatchObject({
      decision: 'denied',
      method: 'observed',
    });
  });
});

const USER = 'arn:aws:iam::123456789012:user/dev';
const DEPLOY_POLICY = 'arn:aws:iam::123456789012:policy/deploy';
const noVpc = { subnetIds: [], securityGroupIds: [] };
const callerInput = {
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  getFunctionAllowed: true,
  region: 'us-east-1',
};

type UserRead =
  | 'GetUser'
  | 'ListGroupsForUser'
  | 'ListAttachedUserPolicies'
  | 'GetPolicy'
  | 'GetPolicyVersion'
  | 'ListUserPolicies'
  | 'GetUserPolicy'
  | 'ListAttachedGroupPolicies'
  | 'ListGroupPolicies'
  | 'GetGroupPolicy';

const allow = (Action: string) => encoded({ Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });

/**
 * An IAM user the simulator may not see: a managed policy allows the update, an inline one
 * allows reads, and its group "devs" has an inline policy (a Deny of the update with `groupDenies`).
 */
function serveUser(options: { groupDenies?: boolean; failing?: UserRead; subnetVpc?: string } = {}) {
  const error = awsError('AccessDenied');
  /** Stubs one read, refused when it is the failing one; says whether it answers. */
  const stub = <T>(read: UserRead, on: { rejects(e: Error): unknown; resolves(v: T): unknown }, value: T) => {
    if (options.failing === read) {
      on.rejects(error);
      return false;
    }
    on.resolves(value);
    return true;
  };
  ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('DryRunOperation'));
  ec2Mock.on(DescribeVpcsCommand).rejects(awsError('DryRunOperation'));
  // With subnets given, the caller check reads them for real (lambda:VpcIds).
  if (options.subnetVpc)
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-0a1b2c3d', VpcId: options.subnetVpc }] });
  else ec2Mock.on(DescribeSubnetsCommand).rejects(awsError('DryRunOperation'));
  stsMock.on(GetCallerIdentityCommand).resolves({ Arn: USER });
  iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
  stub('GetUser', iamMock.on(GetUserCommand, { UserName: 'dev' }), {
    User: {
      UserName: 'dev',
      Path: '/',
      Arn: USER,
      UserId: 'AIDA1',
      CreateDate: new Date(),
      Tags: [{ Key: 'team', Value: 'web' }],
    },
  });
  if (
    stub('ListAttachedUserPolicies', iamMock.on(ListAttachedUserPoliciesCommand, { UserName: 'dev' }), {
      AttachedPolicies: [{ PolicyArn: DEPLOY_POLICY, PolicyName: 'deploy' }],
    }) &&
    stub('GetPolicy', iamMock.on(GetPolicyCommand, { PolicyArn: DEPLOY_POLICY }), {
      Policy: { PolicyName: 'deploy', DefaultVersionId: 'v4' },
    })
  )
    stub(
      'GetPolicyVersion',
      iamMock.on(GetPolicyVersionCommand, { PolicyArn: DEPLOY_POLICY, VersionId: 'v4' }),
      {
        PolicyVersion: { Document: allow('lambda:UpdateFunctionConfiguration') },
      },
    );
  if (
    stub('ListUserPolicies', iamMock.on(ListUserPoliciesCommand, { UserName: 'dev' }), {
      PolicyNames: ['reads'],
    })
  )
    stub('GetUserPolicy', iamMock.on(GetUserPolicyCommand, { UserName: 'dev', PolicyName: 'reads' }), {
      PolicyDocument: allow('lambda:Get*'),
    });
  if (
    !stub('ListGroupsForUser', iamMock.on(ListGroupsForUserCommand, { UserName: 'dev' }), {
      Groups: [
        {
          GroupName: 'devs',
          GroupId: 'AGPA1',
          Path: '/',
          Arn: 'arn:aws:iam::123456789012:group/devs',
          CreateDate: new Date(),
        },
      ],
    })
  )
    return;
  stub('ListAttachedGroupPolicies', iamMock.on(ListAttachedGroupPoliciesCommand, { GroupName: 'devs' }), {
    AttachedPolicies: [],
  });
  if (
    stub('ListGroupPolicies', iamMock.on(ListGroupPoliciesCommand, { GroupName: 'devs' }), {
      PolicyNames: ['guard'],
    })
  )
    stub('GetGroupPolicy', iamMock.on(GetGroupPolicyCommand, { GroupName: 'devs', PolicyName: 'guard' }), {
      PolicyDocument: options.groupDenies
        ? encoded({
            Statement: [{ Sid: 'NoUpdates', Effect: 'Deny', Action: 'lambda:Update*', Resource: '*' }],
          })
        : allow('logs:*'),
    });
}

const updateCheck = (report: { checks: ActionCheck[] }) =>
  report.checks.find((c) => c.action === 'lambda:UpdateFunctionConfiguration');

describe('checkCaller: an IAM user the simulator may not see', () => {
  it("is decided from the user's and its groups' policies", async () => {
    serveUser();
    const { report } = await checkCaller({ iam, sts, ec2 }, { ...callerInput, ...noVpc });
    expect(report.kind).toBe('user');
    expect(updateCheck(report)).toMatchObject({
      decision: 'allowed',
      method: 'policies',
      required: 'hard',
      decidedBy: 'deploy',
    });
    expect(report.notes.join(' ')).toContain("the user's and its groups'");
    expect(report.notes.join(' ')).toContain('service control policies are not visible');
  });

  it("a group's Deny denies", async () => {
    serveUser({ groupDenies: true });
    const { report } = await checkCaller({ iam, sts, ec2 }, { ...callerInput, ...noVpc });
    expect(updateCheck(report)).toMatchObject({ decision: 'explicitDeny', decidedBy: 'guard (NoUpdates)' });
  });

  it.each([
    ['GetUser', 'iam:GetUser: AccessDenied'],
    ['ListGroupsForUser', 'iam:ListGroupsForUser of user dev: AccessDenied'],
    ['ListAttachedUserPolicies', 'iam:ListAttachedUserPolicies of user dev: AccessDenied'],
    ['GetPolicy', `iam:GetPolicy of ${DEPLOY_POLICY}: AccessDenied`],
    ['GetPolicyVersion', `iam:GetPolicyVersion of ${DEPLOY_POLICY} (v4): AccessDenied`],
    ['ListUserPolicies', 'iam:ListUserPolicies of user dev: AccessDenied'],
    ['GetUserPolicy', 'iam:GetUserPolicy of reads of user dev: AccessDenied'],
    ['ListAttachedGroupPolicies', 'iam:ListAttachedGroupPolicies of group devs: AccessDenied'],
    ['ListGroupPolicies', 'iam:ListGroupPolicies of group devs: AccessDenied'],
    ['GetGroupPolicy', 'iam:GetGroupPolicy of guard of group devs: AccessDenied'],
  ] as const)(
    'when %s fails, the update is unknown naming the call, never allowed',
    async (failing, named) => {
      serveUser({ failing });
      const { report } = await checkCaller({ iam, sts, ec2 }, { ...callerInput, ...noVpc });
      expect(updateCheck(report)).toMatchObject({ decision: 'unknown', decidedBy: null });
      expect(updateCheck(report)?.detail).toContain(named);
    },
  );

  it('an explicit Deny found stands though another read failed', async () => {
    serveUser({ groupDenies: true, failing: 'ListAttachedUserPolicies' });
    const { report } = await checkCaller({ iam, sts, ec2 }, { ...callerInput, ...noVpc });
    expect(updateCheck(report)?.decision).toBe('explicitDeny');
  });

  it('passes the region, the user and its tags, and the requested configuration to the request builder', async () => {
    serveUser({ subnetVpc: 'vpc-0a1b2c3d' });
    await checkCaller(
      { iam, sts, ec2 },
      {
        ...callerInput,
        region: 'eu-west-1',
        subnetIds: ['subnet-0a1b2c3d'],
        securityGroupIds: ['sg-0a1b2c3d'],
      },
    );
    expect(vi.mocked(updateFunctionRequest).mock.calls).toEqual([
      [
        {
          partition: 'aws',
          account: '123456789012',
          region: 'eu-west-1',
          principal: { arn: USER, kind: 'user', tags: { team: 'web' } },
          subnets: [{ id: 'subnet-0a1b2c3d', vpcId: 'vpc-0a1b2c3d' }],
          securityGroups: [{ id: 'sg-0a1b2c3d', vpcId: 'vpc-0a1b2c3d' }],
        },
        callerInput.functionArn,
        { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'], vpcIds: ['vpc-0a1b2c3d'] },
      ],
    ]);
  });
});

describe('checkCaller: an assumed role the simulator may not see', () => {
  it('reads the role once, and decides from its policies', async () => {
    for (const command of [DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand])
      ec2Mock.on(command).rejects(awsError('DryRunOperation'));
    stsMock
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci' });
    iamMock.on(GetRoleCommand, { RoleName: 'deployer' }).resolves({
      Role: {
        RoleName: 'deployer',
        Path: '/ci/',
        Arn: 'arn:aws:iam::123456789012:role/ci/deployer',
        RoleId: 'AROA2',
        CreateDate: new Date(),
      },
    });
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(awsError('AccessDenied'));
    iamMock.on(ListAttachedRolePoliciesCommand, { RoleName: 'deployer' }).resolves({ AttachedPolicies: [] });
    iamMock.on(ListRolePoliciesCommand, { RoleName: 'deployer' }).resolves({ PolicyNames: ['deploy'] });
    iamMock
      .on(GetRolePolicyCommand, { RoleName: 'deployer', PolicyName: 'deploy' })
      .resolves({ PolicyDocument: allow('lambda:*') });
    const { report } = await checkCaller({ iam, sts, ec2 }, { ...callerInput, ...noVpc });
    expect(updateCheck(report)).toMatchObject({
      decision: 'allowed',
      method: 'policies',
      decidedBy: 'deploy',
    });
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(1);
    // A session's own tags override its role's and cannot be read: aws:PrincipalTag stays open.
    expect(vi.mocked(updateFunctionRequest).mock.calls[0]?.[0].principal).toEqual({
      arn: 'arn:aws:iam::123456789012:role/ci/deployer',
      kind: 'role',
    });
  });
});

describe('decideFromReads', () => {
  const A = 'ec2:CreateNetworkInterface';
  const at = (
    decision: ActionCheck['decision'],
    decidedBy: string | null = null,
    detail: string | null = null,
  ) => ({
    action: A,
    required: 'hard' as const,
    decision,
    method: 'policies' as const,
    decidedBy,
    detail,
  });
  /** The boundary's decision, from one statement of the policy "guard" (Sid NoEni). */
  const read = (decision: Decision): BoundaryReading => ({
    kind: 'read',
    decisions: [
      {
        action: A,
        decision,
        matched:
          decision === 'implicitDeny'
            ? []
            : [
                {
                  policy: 'guard',
                  sid: 'NoEni',
                  effect: decision === 'explicitDeny' ? 'Deny' : 'Allow',
                  conditional: decision === 'conditional',
                  ...(decision === 'conditional'
                    ? { reason: 'condition' as const, dependsOn: ['aws:SourceIp'] }
                    : {}),
                },
              ],
      },
    ],
  });
  const unread = {
    kind: 'unread' as const,
    reason: 'the permissions boundary, which may cap it, could not be read (x)',
  };
  const none = { kind: 'none' as const };
  const GAP = ['iam:GetPolicy of p: AccessDenied: no'];
  const noAnswer: BoundaryReading = { kind: 'read', decisions: [] };

  it.each([
    // identity, unread identity, boundary → decision, decidedBy
    ['allowed', [], none, 'allowed', 'id'],
    ['allowed', [], read('allowed'), 'allowed', 'id'],
    ['allowed', [], read('implicitDeny'), 'implicitDeny', 'permissions boundary'],
    ['allowed', [], read('explicitDeny'), 'explicitDeny', 'permissions boundary: guard (NoEni)'],
    ['allowed', [], read('conditional'), 'conditional', 'permissions boundary'],
    ['conditional', [], read('implicitDeny'), 'implicitDeny', 'permissions boundary'],
    ['allowed', [], unread, 'unknown', null],
    ['conditional', [], unread, 'unknown', null],
    ['implicitDeny', [], unread, 'implicitDeny', 'id'],
    ['allowed', GAP, none, 'unknown', null],
    ['implicitDeny', GAP, none, 'unknown', null],
    ['implicitDeny', GAP, read('implicitDeny'), 'implicitDeny', 'permissions boundary'],
    ['explicitDeny', GAP, unread, 'explicitDeny', 'id'],
    ['allowed', [], noAnswer, 'unknown', null],
  ] as const)(
    'identity %s, unread %j, boundary %j → %s by %s',
    (identity, gaps, boundary, decision, decidedBy) => {
      const [out] = decideFromReads([at(identity, 'id')], [...gaps], boundary);
      expect(out).toMatchObject({ decision, decidedBy });
    },
  );

  it('names every missing read in an unknown answer', () => {
    const [out] = decideFromReads([at('allowed', 'id')], GAP, unread);
    expect(out?.detail).toBe(
      'not every identity policy could be read (iam:GetPolicy of p: AccessDenied: no); the permissions boundary, which may cap it, could not be read (x)',
    );
  });
});

describe('roleNetwork', () => {
  const current = {
    SubnetIds: ['subnet-0000000a'],
    SecurityGroupIds: ['sg-0000000a'],
    VpcId: 'vpc-0000000a',
  };

  it("takes --subnets/--sg over the function's own configuration, the VPC then unknown", () => {
    expect(
      roleNetwork({ subnetIds: ['subnet-0000000b'], securityGroupIds: ['sg-0000000b'] }, current),
    ).toEqual({
      subnetIds: ['subnet-0000000b'],
      securityGroupIds: ['sg-0000000b'],
      vpcId: null,
    });
  });

  it("else the function's own, VPC included", () => {
    expect(roleNetwork({ subnetIds: [], securityGroupIds: [] }, current)).toEqual({
      subnetIds: ['subnet-0000000a'],
      securityGroupIds: ['sg-0000000a'],
      vpcId: 'vpc-0000000a',
    });
  });

  it('else any subnet: null for a function not in a VPC', () => {
    const none = { subnetIds: [], securityGroupIds: [] };
    expect(roleNetwork(none, undefined)).toBeNull();
    expect(roleNetwork(none, { SubnetIds: [], SecurityGroupIds: [], VpcId: '' })).toBeNull();
  });
});
