import { describe, expect, it } from 'vitest';
import {
  buildReport,
  type PermissionsReport,
  preflightSummary,
  reasonLine,
  roleSection,
  undeterminedNextStep,
} from '../../src/core/permission-report.js';
import {
  type ActionCheck,
  blocksAttach,
  callerFixPolicy,
  callerPrincipal,
  capByBoundary,
  contextEntries,
  executionRoleFix,
  fromPolicies,
  fromSimulation,
  probeCheck,
  roleNameOf,
  unknownChecks,
  verdictOf,
} from '../../src/core/permissions.js';
import { EXECUTION_ROLE_ACTIONS, evaluateActions, parsePolicyDocument } from '../../src/core/policy-eval.js';

const ACTIONS = EXECUTION_ROLE_ACTIONS.map((a) => a.action);
const ROLE = 'arn:aws:iam::123456789012:role/service-role/orders-api-role';
const allowedAll = ACTIONS.map((EvalActionName) => ({ EvalActionName, EvalDecision: 'allowed' }));

describe('fromSimulation', () => {
  it('an allow the simulator gave without a context key it lacked is conditional: a Deny on that key did not apply', () => {
    const [check] = fromSimulation(
      [
        {
          EvalActionName: 'ec2:CreateNetworkInterface',
          EvalDecision: 'allowed',
          MissingContextValues: ['ec2:Vpc'],
        },
      ],
      ['ec2:CreateNetworkInterface'],
    );
    expect(check).toMatchObject({
      decision: 'conditional',
      method: 'simulator',
      detail: 'depends on ec2:Vpc',
    });
  });

  it('maps allowed, implicit and explicit denials, naming the deciding policy', () => {
    const checks = fromSimulation(
      [
        {
          EvalActionName: 'ec2:CreateNetworkInterface',
          EvalDecision: 'allowed',
          MatchedStatements: [{ SourcePolicyId: 'AWSLambdaVPCAccessExecutionRole' }],
        },
        { EvalActionName: 'ec2:DescribeNetworkInterfaces', EvalDecision: 'implicitDeny' },
        {
          EvalActionName: 'ec2:DeleteNetworkInterface',
          EvalDecision: 'explicitDeny',
          MatchedStatements: [{ SourcePolicyId: 'deny-eni' }, { SourcePolicyId: 'deny-eni' }],
        },
      ],
      ACTIONS.slice(0, 3),
    );
    expect(checks).toEqual([
      {
        action: 'ec2:CreateNetworkInterface',
        required: 'hard',
        decision: 'allowed',
        method: 'simulator',
        decidedBy: 'AWSLambdaVPCAccessExecutionRole',
        detail: null,
      },
      {
        action: 'ec2:DescribeNetworkInterfaces',
        required: 'hard',
        decision: 'implicitDeny',
        method: 'simulator',
        decidedBy: null,
        detail: null,
      },
      {
        action: 'ec2:DeleteNetworkInterface',
        required: 'hard',
        decision: 'explicitDeny',
        method: 'simulator',
        decidedBy: 'deny-eni',
        detail: null,
      },
    ]);
  });

  it('names an SCP or a permissions boundary when the simulator says it decided', () => {
    const [scp, boundary] = fromSimulation(
      [
        {
          EvalActionName: 'ec2:CreateNetworkInterface',
          EvalDecision: 'explicitDeny',
          MatchedStatements: [{ SourcePolicyId: 'AWSLambdaVPCAccessExecutionRole' }],
          OrganizationsDecisionDetail: { AllowedByOrganizations: false },
        },
        {
          EvalActionName: 'ec2:DescribeSubnets',
          EvalDecision: 'implicitDeny',
          OrganizationsDecisionDetail: { AllowedByOrganizations: true },
          PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
        },
      ],
      ['ec2:CreateNetworkInterface', 'ec2:DescribeSubnets'],
    );
    expect(scp).toMatchObject({ decision: 'explicitDeny', decidedBy: 'service control policy (SCP)' });
    expect(boundary).toMatchObject({
      decision: 'implicitDeny',
      decidedBy: 'permissions boundary',
      required: 'current',
    });
  });

  it('reports a denial that hinges on missing context keys as conditional, and a missing answer as unknown', () => {
    const [conditional, missing] = fromSimulation(
      [
        {
          EvalActionName: 'lambda:UpdateFunctionConfiguration',
          EvalDecision: 'implicitDeny',
          MissingContextValues: ['lambda:VpcIds'],
        },
      ],
      ['lambda:UpdateFunctionConfiguration', 'lambda:GetFunction'],
    );
    expect(conditional).toMatchObject({ decision: 'conditional', detail: 'depends on lambda:VpcIds' });
    expect(missing).toMatchObject({ decision: 'unknown', detail: 'the simulator gave no answer for it' });
  });
});

describe('fromPolicies and capByBoundary', () => {
  const vpcPolicy = {
    name: 'AWSLambdaVPCAccessExecutionRole',
    kind: 'managed' as const,
    document: parsePolicyDocument(
      encodeURIComponent(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'Eni', Effect: 'Allow', Action: ACTIONS, Resource: '*' }],
        }),
      ),
    ),
  };
  const denyDelete = {
    name: 'guard',
    kind: 'inline' as const,
    document: parsePolicyDocument(
      '{"Statement":{"Sid":"NoDelete","Effect":"Deny","Action":"ec2:DeleteNetworkInterface","Resource":"*"}}',
    ),
  };
  const conditional = {
    name: 'tagged',
    kind: 'inline' as const,
    document: parsePolicyDocument(
      '{"Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}}',
    ),
  };

  it('names the deciding statement and says why a match is conditional', () => {
    const checks = fromPolicies(evaluateActions([vpcPolicy, denyDelete], ACTIONS));
    expect(checks[0]).toMatchObject({
      decision: 'allowed',
      method: 'policies',
      decidedBy: 'AWSLambdaVPCAccessExecutionRole (Eni)',
    });
    expect(checks[2]).toMatchObject({ decision: 'explicitDeny', decidedBy: 'guard (NoDelete)' });
    const [onlyConditional] = fromPolicies(evaluateActions([conditional], ['ec2:CreateNetworkInterface']));
    expect(onlyConditional).toMatchObject({
      decision: 'conditional',
      detail: 'allowed only under a condition on aws:RequestedRegion',
    });
  });

  it('lets a permissions boundary take away what the identity policies allow', () => {
    const identity = fromPolicies(evaluateActions([vpcPolicy], ACTIONS));
    const boundaryDoc = {
      name: 'boundary',
      kind: 'managed' as const,
      document: parsePolicyDocument(
        '{"Statement":{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}}',
      ),
    };
    const capped = capByBoundary(identity, evaluateActions([boundaryDoc], ACTIONS));
    expect(capped.find((c) => c.action === 'ec2:DescribeSubnets')?.decision).toBe('allowed');
    expect(capped.find((c) => c.action === 'ec2:CreateNetworkInterface')).toMatchObject({
      decision: 'implicitDeny',
      decidedBy: 'permissions boundary',
    });
  });
});

describe('callerPrincipal', () => {
  it.each([
    [
      'arn:aws:iam::123456789012:user/dev',
      { kind: 'user', simulateAs: 'arn:aws:iam::123456789012:user/dev' },
    ],
    ['arn:aws:iam::123456789012:role/ci/deployer', { kind: 'role' }],
    [
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com',
      { kind: 'assumedRole', roleName: 'AWSReservedSSO_Admin_0123' },
    ],
    ['arn:aws-cn:sts::123456789012:assumed-role/deployer/ci', { kind: 'assumedRole', roleName: 'deployer' }],
    ['arn:aws:sts::123456789012:federated-user/bob', { kind: 'federated' }],
    ['arn:aws:iam::123456789012:root', { kind: 'root' }],
    ['arn:aws:sts::123456789012:something/else', { kind: 'other' }],
  ])('%s', (arn, expected) => {
    expect(callerPrincipal(arn)).toMatchObject({ arn, ...expected });
  });

  it('explains why federated and root callers cannot be simulated', () => {
    expect(callerPrincipal('arn:aws:iam::123456789012:root')).toMatchObject({
      reason: expect.stringContaining('root user cannot be simulated'),
    });
    expect(callerPrincipal('arn:aws:sts::123456789012:federated-user/bob')).toMatchObject({
      reason: expect.stringContaining('federated user session cannot be simulated'),
    });
  });

  it('takes the role name, without its path, from a role ARN', () => {
    expect(roleNameOf(ROLE)).toBe('orders-api-role');
    expect(roleNameOf('arn:aws:iam::123456789012:role/app')).toBe('app');
    expect(roleNameOf('arn:aws:iam::123456789012:user/app')).toBeUndefined();
  });
});

describe('verdicts and fixes', () => {
  const allowed = fromSimulation(allowedAll, ACTIONS);
  const lacking = (decision: string, extra: Record<string, unknown> = {}) =>
    fromSimulation(
      allowedAll.map((r) =>
        r.EvalActionName === 'ec2:CreateNetworkInterface' ? { ...r, EvalDecision: decision, ...extra } : r,
      ),
      ACTIONS,
    );

  it('denied beats undetermined beats allowed', () => {
    const unknown = unknownChecks(['ec2:DescribeVpcs'], 'no access');
    expect(verdictOf(allowed)).toBe('allowed');
    expect(verdictOf([...allowed, ...unknown])).toBe('undetermined');
    expect(verdictOf([...lacking('implicitDeny'), ...unknown])).toBe('denied');
    expect(verdictOf([probeCheck('ec2:DescribeVpcs', false, 'dryRun')])).toBe('denied');
  });

  it('blocks attach only on a hard requirement', () => {
    const currentOnly = fromSimulation(
      allowedAll.map((r) =>
        r.EvalActionName === 'ec2:DescribeSubnets' ? { ...r, EvalDecision: 'implicitDeny' } : r,
      ),
      ACTIONS,
    );
    expect(verdictOf(currentOnly)).toBe('denied');
    expect(blocksAttach(currentOnly)).toBe(false);
    expect(blocksAttach(lacking('implicitDeny'))).toBe(true);
    expect(blocksAttach(unknownChecks(ACTIONS, 'no access'))).toBe(false);
  });

  it('gives the attach-role-policy line and the minimal policy, unless an SCP decides', () => {
    expect(executionRoleFix(ROLE, allowed)).toBeNull();
    const fix = executionRoleFix(ROLE, lacking('implicitDeny'));
    expect(fix).toMatchObject({
      roleName: 'orders-api-role',
      attachCommand:
        'aws iam attach-role-policy --role-name orders-api-role --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      attachHelps: true,
    });
    expect(fix?.policy.Statement[0]).toMatchObject({ Effect: 'Allow', Action: ACTIONS, Resource: '*' });
    const scp = lacking('explicitDeny', { OrganizationsDecisionDetail: { AllowedByOrganizations: false } });
    expect(executionRoleFix(ROLE, scp)?.attachHelps).toBe(false);
  });

  it('offers the role a fix only for EC2 permissions found denied, never for undetermined ones', () => {
    const open = (decision: 'unknown' | 'conditional') =>
      allowed.map((c) => (c.action === 'ec2:DeleteNetworkInterface' ? { ...c, decision } : c));
    expect(executionRoleFix(ROLE, open('unknown'))).toBeNull();
    expect(executionRoleFix(ROLE, open('conditional'))).toBeNull();
    expect(executionRoleFix(ROLE, unknownChecks(ACTIONS, 'no IAM access'))).toBeNull();
    // Denied beside undetermined: the denial gets its fix.
    const mixed = lacking('implicitDeny').map((c) =>
      c.action === 'ec2:DeleteNetworkInterface' ? { ...c, decision: 'unknown' as const } : c,
    );
    expect(executionRoleFix(ROLE, mixed)).toMatchObject({ attachHelps: true, outrankedBy: [] });
    // A trust policy that does not let Lambda in is not fixed by attaching a permission policy.
    const untrusted = [
      {
        ...(allowed[0] as ActionCheck),
        action: 'sts:AssumeRole',
        decision: 'implicitDeny' as const,
        decidedBy: 'trust policy',
      },
      ...allowed,
    ];
    expect(executionRoleFix(ROLE, untrusted)).toBeNull();
  });

  it('names what outranks an Allow: a boundary that caps, an explicit Deny in it, an SCP', () => {
    const capped = lacking('implicitDeny', {
      PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
    });
    expect(executionRoleFix(ROLE, capped)).toMatchObject({
      attachHelps: false,
      outrankedBy: ['permissions boundary'],
    });
    const boundaryDeny = allowed.map((c) =>
      c.action === 'ec2:CreateNetworkInterface'
        ? { ...c, decision: 'explicitDeny' as const, decidedBy: 'permissions boundary (DenyEni)' }
        : c,
    );
    expect(executionRoleFix(ROLE, boundaryDeny)?.outrankedBy).toEqual(['permissions boundary (DenyEni)']);
    const scp = lacking('explicitDeny', { OrganizationsDecisionDetail: { AllowedByOrganizations: false } });
    expect(executionRoleFix(ROLE, scp)?.outrankedBy).toEqual(['service control policy (SCP)']);
  });

  it('gives the caller statements only for what was found denied', () => {
    const checks: ActionCheck[] = [
      probeCheck('ec2:DescribeVpcs', false, 'dryRun'),
      unknownChecks(['lambda:UpdateFunctionConfiguration'], 'the simulator was denied')[0] as ActionCheck,
    ];
    expect(callerFixPolicy(checks, null)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeVpcs'], Resource: '*' }],
    });
    expect(callerFixPolicy(checks.slice(1), null)).toBeNull();
  });

  it("scopes the caller's missing Lambda actions to the function, EC2 Describe* to *", () => {
    const checks: ActionCheck[] = [
      probeCheck('ec2:DescribeVpcs', false, 'dryRun'),
      probeCheck('ec2:DescribeSubnets', true, 'dryRun'),
      probeCheck('lambda:UpdateFunctionConfiguration', false, 'simulator'),
    ];
    expect(callerFixPolicy(checks, 'arn:aws:lambda:us-east-1:1:function:f')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['lambda:UpdateFunctionConfiguration'],
          Resource: 'arn:aws:lambda:us-east-1:1:function:f',
        },
        { Effect: 'Allow', Action: ['ec2:DescribeVpcs'], Resource: '*' },
      ],
    });
    expect(callerFixPolicy([probeCheck('ec2:DescribeVpcs', true, 'dryRun')], null)).toBeNull();
  });

  it('turns --subnets/--sg and the VPC into simulator context entries', () => {
    expect(contextEntries(null)).toEqual([]);
    expect(contextEntries({ subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], vpcIds: [] })).toEqual([
      { ContextKeyName: 'lambda:SubnetIds', ContextKeyValues: ['subnet-1'], ContextKeyType: 'stringList' },
      { ContextKeyName: 'lambda:SecurityGroupIds', ContextKeyValues: ['sg-1'], ContextKeyType: 'stringList' },
    ]);
    expect(
      contextEntries({ subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], vpcIds: ['vpc-1'] }).map(
        (e) => e.ContextKeyName,
      ),
    ).toContain('lambda:VpcIds');
  });

  it('says in one line what is denied, or what is open and why', () => {
    expect(reasonLine('allowed', [])).toBe('Everything required is allowed.');
    expect(
      reasonLine('denied', [
        ['the execution role', lacking('implicitDeny')],
        ['the caller', [probeCheck('ec2:DescribeVpcs', false, 'dryRun')]],
      ]),
    ).toBe('Denied: the execution role lacks ec2:CreateNetworkInterface; the caller lacks ec2:DescribeVpcs.');
    expect(
      reasonLine('undetermined', [['the execution role', unknownChecks(['ec2:X'], 'no IAM access')]]),
    ).toBe('Could not determine the execution role: ec2:X (no IAM access).');
  });

  it('builds the report and the attach preflight summary', () => {
    const report = buildReport({
      function: 'f',
      functionArn: null,
      role: { arn: ROLE, checks: lacking('implicitDeny'), notes: [] },
      caller: { arn: 'arn:aws:iam::1:user/dev', kind: 'user', simulatedAs: null, checks: [], notes: [] },
      context: null,
    });
    expect(report).toMatchObject({
      verdict: 'denied',
      fixApplied: null,
      caller: { verdict: 'allowed', fix: null },
    });
    const role = {
      ...roleSection({ arn: ROLE, checks: lacking('implicitDeny'), notes: [] }),
      functions: ['f'],
    };
    expect(preflightSummary([role])).toMatchObject({ checked: true, verdict: 'denied', blocked: true });
    expect(preflightSummary([])).toMatchObject({ verdict: 'allowed', blocked: false, roles: [] });
  });
});

describe('undeterminedNextStep', () => {
  const open = (over: Partial<ActionCheck>): ActionCheck => ({
    action: 'lambda:UpdateFunctionConfiguration',
    required: 'hard',
    decision: 'conditional',
    method: 'policies',
    decidedBy: 'approved-vpcs',
    detail: null,
    ...over,
  });
  const report = (checks: ActionCheck[], context: PermissionsReport['context'] = null) =>
    ({
      verdict: 'undetermined',
      executionRole: { checks: [] },
      caller: { checks },
      context,
    }) as unknown as PermissionsReport;

  it.each([
    [
      'an update allowed only for some VPCs, none given',
      [open({ detail: 'allowed only under a condition on lambda:VpcIds', dependsOn: ['lambda:VpcIds'] })],
      null,
      'For a definite answer, give the subnets and groups you will attach (--subnets … --sg …).',
    ],
    [
      'the same once the VPC was given: nothing check-perms could add',
      [open({ detail: 'allowed only under a condition on lambda:VpcIds', dependsOn: ['lambda:VpcIds'] })],
      { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], vpcIds: ['vpc-1'] },
      null,
    ],
    [
      'a read that failed',
      [open({ decision: 'unknown', method: 'none', detail: 'iam:GetUser: AccessDenied' })],
      null,
      'For a definite answer, allow the caller iam:SimulatePrincipalPolicy, or the IAM reads named above (docs/permissions.md).',
    ],
    [
      'a key only the real request carries (aws:SourceIp)',
      [
        open({
          detail: 'a Deny (office (Office)) applies under a condition on aws:SourceIp',
          dependsOn: ['aws:SourceIp'],
        }),
      ],
      null,
      null,
    ],
  ])('%s', (_, checks, context, expected) => {
    expect(undeterminedNextStep(report(checks, context))).toBe(expected);
  });
});
