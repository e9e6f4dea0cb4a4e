// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are policy text, where ${…} is a policy variable.
// The fallback evaluator end to end on real policy documents: the requests Lambda makes with the
// execution role (and the caller's update), evaluated, labelled and capped by the boundary, with
// the exact decision a careful reading of AWS's evaluation logic gives for each action.
import { describe, expect, it } from 'vitest';
import {
  executionRoleRequests,
  type RequestedVpcConfig,
  updateFunctionRequest,
} from '../../src/core/lambda-requests.js';
import {
  type ActionCheck,
  type CheckDecision,
  capByBoundary,
  fromPolicies,
} from '../../src/core/permissions.js';
import { evaluateRequests, type NamedPolicy, parsePolicyDocument } from '../../src/core/policy-eval.js';
import type { RequestFacts } from '../../src/core/request-facts.js';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-api-role`;
const EC2 = `arn:aws:ec2:us-east-1:${ACCOUNT}`;
const VPC_ARN = `${EC2}:vpc/vpc-0123`;

const CREATE = 'ec2:CreateNetworkInterface';
const DESCRIBE_ENI = 'ec2:DescribeNetworkInterfaces';
const DELETE = 'ec2:DeleteNetworkInterface';
const DESCRIBE_SUBNETS = 'ec2:DescribeSubnets';
const ASSIGN = 'ec2:AssignPrivateIpAddresses';
const UNASSIGN = 'ec2:UnassignPrivateIpAddresses';
const SIX = [CREATE, DESCRIBE_ENI, DELETE, DESCRIBE_SUBNETS, ASSIGN, UNASSIGN];
const DESCRIBES = [DESCRIBE_ENI, DESCRIBE_SUBNETS];
const ON_ENIS = [CREATE, DELETE, ASSIGN, UNASSIGN];

// Default versions as AWS publishes them (AWS managed policy reference).
const VPC_ACCESS_V3 =
  '{ "Version" : "2012-10-17", "Statement" : [ { "Sid" : "AWSLambdaVPCAccessExecutionPermissions", "Effect" : "Allow", "Action" : [ "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses" ], "Resource" : "*" } ] }';
const ENI_MANAGEMENT_V2 =
  '{ "Version" : "2012-10-17", "Statement" : [ { "Effect" : "Allow", "Action" : [ "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses" ], "Resource" : "*" } ] }';
const EC2_FULL_ACCESS =
  '{"Version":"2012-10-17","Statement":[{"Action":"ec2:*","Effect":"Allow","Resource":"*"},{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"},{"Effect":"Allow","Action":"cloudwatch:*","Resource":"*"},{"Effect":"Allow","Action":"autoscaling:*","Resource":"*"},{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":["autoscaling.amazonaws.com","ec2scheduled.amazonaws.com","elasticloadbalancing.amazonaws.com","spot.amazonaws.com","spotfleet.amazonaws.com","transitgateway.amazonaws.com"]}}}]}';

const managed = (name: string, json: string): NamedPolicy => ({
  name,
  arn: `arn:aws:iam::aws:policy/${name}`,
  kind: 'managed',
  document: parsePolicyDocument(encodeURIComponent(json), name),
});
const inline = (name: string, ...Statement: object[]): NamedPolicy => ({
  name,
  kind: 'inline',
  document: parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement }), name),
});

const VPC_ACCESS = managed('AWSLambdaVPCAccessExecutionRole', VPC_ACCESS_V3);
const describeAll = { Effect: 'Allow', Action: DESCRIBES, Resource: '*' };

const FACTS: RequestFacts = {
  partition: 'aws',
  region: 'us-east-1',
  account: ACCOUNT,
  principal: { arn: ROLE, kind: 'role', tags: { team: 'orders' } },
  subnets: [
    { id: 'subnet-0a1', ownerId: ACCOUNT, vpcId: 'vpc-0123', tags: { tier: 'private' } },
    { id: 'subnet-0b2', ownerId: ACCOUNT, vpcId: 'vpc-0123', tags: { tier: 'private' } },
  ],
  securityGroups: [{ id: 'sg-0c3', ownerId: ACCOUNT, vpcId: 'vpc-0123', tags: {} }],
};
// check-perms without --subnets for a function not in a VPC: any subnet, any group.
const ANY_SUBNET: RequestFacts = { ...FACTS, subnets: null, securityGroups: null };
const UNREAD_TAGS: RequestFacts = { ...FACTS, principal: { arn: ROLE, kind: 'role' } };

type Expected = Partial<Record<string, CheckDecision>>;
const six = (decision: CheckDecision, others: Expected = {}): Expected => ({
  ...Object.fromEntries(SIX.map((a) => [a, decision])),
  ...others,
});
const only = (actions: string[], decision: CheckDecision, rest: CheckDecision): Expected =>
  six(rest, Object.fromEntries(actions.map((a) => [a, decision])));

interface Scenario {
  name: string;
  policies: NamedPolicy[];
  boundary?: NamedPolicy;
  facts?: RequestFacts;
  expected: Expected;
  /** Per action: what the detail (or decidedBy) must say. */
  says?: Record<string, RegExp>;
}

const scenarios: Scenario[] = [
  { name: 'AWSLambdaVPCAccessExecutionRole v3', policies: [VPC_ACCESS], expected: six('allowed') },
  {
    name: 'AWSLambdaENIManagementAccess lacks ec2:DescribeSubnets',
    policies: [managed('AWSLambdaENIManagementAccess', ENI_MANAGEMENT_V2)],
    expected: six('allowed', { [DESCRIBE_SUBNETS]: 'implicitDeny' }),
  },
  {
    name: 'AmazonEC2FullAccess (ec2:*)',
    policies: [managed('AmazonEC2FullAccess', EC2_FULL_ACCESS)],
    expected: six('allowed'),
  },
  {
    name: 'region-scoped ARNs for every resource type Lambda uses',
    policies: [
      inline(
        'scoped',
        {
          Effect: 'Allow',
          Action: CREATE,
          Resource: [`${EC2}:subnet/*`, `${EC2}:security-group/*`, `${EC2}:network-interface/*`],
        },
        { Effect: 'Allow', Action: [DELETE, ASSIGN, UNASSIGN], Resource: `${EC2}:network-interface/*` },
        describeAll,
      ),
    ],
    expected: six('allowed'),
  },
  {
    name: 'subnet ARNs only: the new interface and the groups are not covered',
    policies: [
      inline('subnets-only', { Effect: 'Allow', Action: SIX, Resource: `${EC2}:subnet/*` }, describeAll),
    ],
    expected: only(DESCRIBES, 'allowed', 'implicitDeny'),
    says: { [CREATE]: /no statement allows it on .*security-group\/sg-0c3.*network-interface\/\*/ },
  },
  {
    name: 'arn:aws:ec2:us-east-1:123456789012:* covers every resource but not the Describe actions',
    policies: [inline('account-wide', { Effect: 'Allow', Action: SIX, Resource: `${EC2}:*` })],
    expected: only(DESCRIBES, 'implicitDeny', 'allowed'),
    says: { [DESCRIBE_ENI]: /no statement allows it on \*/ },
  },
  {
    name: 'ARNs of another region',
    policies: [
      inline(
        'eu-only',
        { Effect: 'Allow', Action: SIX, Resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:*` },
        describeAll,
      ),
    ],
    expected: only(DESCRIBES, 'allowed', 'implicitDeny'),
  },
  {
    name: 'ARNs of another account',
    policies: [
      inline('other', { Effect: 'Allow', Action: 'ec2:*', Resource: 'arn:aws:ec2:*:210987654321:*' }),
    ],
    expected: six('implicitDeny'),
  },
  {
    name: 'a Describe action on an ARN pattern is denied',
    policies: [inline('arn-describe', { Effect: 'Allow', Action: SIX, Resource: 'arn:aws:ec2:*:*:*' })],
    expected: only(DESCRIBES, 'implicitDeny', 'allowed'),
  },
  {
    name: 'an S3 ARN under Action "*" grants no EC2 action',
    policies: [inline('bucket', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::orders-bucket/*' })],
    expected: six('implicitDeny'),
  },
  {
    name: 'NotResource security-group/* leaves CreateNetworkInterface uncovered',
    policies: [
      inline('no-groups', { Effect: 'Allow', Action: 'ec2:*', NotResource: `${EC2}:security-group/*` }),
    ],
    expected: six('allowed', { [CREATE]: 'implicitDeny' }),
  },
  {
    name: 'NotResource of one subnet: denied on it, open for any subnet',
    policies: [
      inline('not-a1', { Effect: 'Allow', Action: 'ec2:*', NotResource: `${EC2}:subnet/subnet-0a1` }),
    ],
    expected: six('allowed', { [CREATE]: 'implicitDeny' }),
  },
  {
    name: 'NotResource of one subnet, for any subnet',
    facts: ANY_SUBNET,
    policies: [
      inline('not-a1', { Effect: 'Allow', Action: 'ec2:*', NotResource: `${EC2}:subnet/subnet-0a1` }),
    ],
    expected: six('allowed', { [CREATE]: 'conditional' }),
    says: { [CREATE]: /only on some resources: which subnet/ },
  },
  {
    name: 'an Allow naming the function subnets, for any subnet',
    facts: ANY_SUBNET,
    policies: [
      inline(
        'two-subnets',
        {
          Effect: 'Allow',
          Action: CREATE,
          Resource: [`${EC2}:subnet/subnet-0a1`, `${EC2}:security-group/*`, `${EC2}:network-interface/*`],
        },
        describeAll,
      ),
    ],
    expected: six('implicitDeny', {
      [CREATE]: 'conditional',
      [DESCRIBE_ENI]: 'allowed',
      [DESCRIBE_SUBNETS]: 'allowed',
    }),
    says: { [CREATE]: /only on some resources: which subnet/ },
  },
  {
    name: 'Deny NotAction logs:* denies every EC2 action',
    policies: [
      VPC_ACCESS,
      inline('logs-only', { Sid: 'LogsOnly', Effect: 'Deny', NotAction: 'logs:*', Resource: '*' }),
    ],
    expected: six('explicitDeny'),
    says: { [CREATE]: /logs-only \(LogsOnly\)/ },
  },
  {
    name: 'Deny NotAction ec2:Describe*: only the Describe actions stay allowed',
    policies: [
      VPC_ACCESS,
      inline('read-only', { Effect: 'Deny', NotAction: ['ec2:Describe*', 'logs:*'], Resource: '*' }),
    ],
    expected: only(DESCRIBES, 'allowed', 'explicitDeny'),
  },
  {
    name: 'Deny outside an IP range: Lambda calls from its own addresses, not known',
    policies: [
      VPC_ACCESS,
      inline('office-only', {
        Sid: 'OfficeOnly',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
      }),
    ],
    expected: six('conditional'),
    says: { [CREATE]: /a Deny \(office-only \(OfficeOnly\)\) applies under a condition on aws:SourceIp/ },
  },
  {
    name: 'Deny outside an IP range unless via an AWS service: still the role, still open',
    policies: [
      VPC_ACCESS,
      inline('office-only', {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] },
          Bool: { 'aws:ViaAWSService': 'false' },
        },
      }),
    ],
    expected: six('conditional'),
  },
  {
    name: 'Allow only in the function region',
    policies: [
      inline('us-east-1', {
        Effect: 'Allow',
        Action: SIX,
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      }),
    ],
    expected: six('allowed'),
  },
  {
    name: 'Allow only in another region',
    policies: [
      inline('eu', {
        Effect: 'Allow',
        Action: SIX,
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      }),
    ],
    expected: six('implicitDeny'),
  },
  {
    name: 'a region fence that includes the function region',
    policies: [
      VPC_ACCESS,
      inline('fence', {
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } },
      }),
    ],
    expected: six('allowed'),
  },
  {
    name: 'a region fence that excludes the function region',
    policies: [
      VPC_ACCESS,
      inline('fence', {
        Sid: 'EuOnly',
        Effect: 'Deny',
        Action: 'ec2:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'ec2:Region': 'eu-west-1' } },
      }),
    ],
    expected: six('explicitDeny'),
    says: { [DELETE]: /fence \(EuOnly\)/ },
  },
  ...(['orders', 'payments'] as const).map(
    (team): Scenario => ({
      name: `Deny unless aws:PrincipalTag/team is orders, for a role tagged ${team}`,
      facts: { ...FACTS, principal: { arn: ROLE, kind: 'role', tags: { team } } },
      policies: [
        VPC_ACCESS,
        inline('team-only', {
          Effect: 'Deny',
          Action: 'ec2:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'orders' } },
        }),
      ],
      expected: six(team === 'orders' ? 'allowed' : 'explicitDeny'),
    }),
  ),
  {
    name: 'Deny unless aws:PrincipalTag/team is orders, tags not read',
    facts: UNREAD_TAGS,
    policies: [
      VPC_ACCESS,
      inline('team-only', {
        Effect: 'Deny',
        Action: 'ec2:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'orders' } },
      }),
    ],
    expected: six('conditional'),
    says: { [CREATE]: /applies under a condition on aws:PrincipalTag\/team/ },
  },
  {
    name: 'Deny for any principal but the orders roles (aws:PrincipalArn, aws:PrincipalAccount)',
    policies: [
      VPC_ACCESS,
      inline('orders-roles', {
        Effect: 'Deny',
        Action: 'ec2:*',
        Resource: '*',
        Condition: {
          StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/orders-*' },
          StringEquals: { 'aws:PrincipalAccount': ACCOUNT },
        },
      }),
    ],
    expected: six('allowed'),
  },
  {
    name: '${aws:username} in Resource never matches a role',
    policies: [
      inline('per-user', {
        Effect: 'Allow',
        Action: 'ec2:*',
        Resource: [`${EC2}:*/\${aws:username}-*`, 'arn:aws:ec2:*:*:network-interface/${aws:username}'],
      }),
    ],
    expected: six('implicitDeny'),
  },
  {
    name: 'a Deny on ${aws:username} resources never applies to a role',
    policies: [
      VPC_ACCESS,
      inline('per-user-deny', {
        Effect: 'Deny',
        Action: 'ec2:*',
        Resource: 'arn:aws:ec2:*:*:*/${aws:username}',
      }),
    ],
    expected: six('allowed'),
  },
  {
    name: 'Allow in the function VPC only (ec2:Vpc on every resource)',
    policies: [
      inline(
        'in-vpc',
        { Effect: 'Allow', Action: ON_ENIS, Resource: '*', Condition: { ArnEquals: { 'ec2:Vpc': VPC_ARN } } },
        describeAll,
      ),
    ],
    expected: six('allowed'),
  },
  {
    name: 'Allow in another VPC only',
    policies: [
      inline(
        'other-vpc',
        {
          Effect: 'Allow',
          Action: ON_ENIS,
          Resource: '*',
          Condition: { StringEquals: { 'ec2:Vpc': `${EC2}:vpc/vpc-0999` } },
        },
        describeAll,
      ),
    ],
    expected: only(DESCRIBES, 'allowed', 'implicitDeny'),
  },
  {
    name: 'Allow in one VPC, for any subnet: depends on ec2:Vpc',
    facts: ANY_SUBNET,
    policies: [
      inline(
        'in-vpc',
        { Effect: 'Allow', Action: ON_ENIS, Resource: '*', Condition: { ArnEquals: { 'ec2:Vpc': VPC_ARN } } },
        describeAll,
      ),
    ],
    expected: only(DESCRIBES, 'allowed', 'conditional'),
    says: { [DELETE]: /allowed only under a condition on ec2:Vpc/ },
  },
  {
    name: 'Deny outside the VPC also denies the Describe actions, which carry no ec2:Vpc',
    policies: [
      VPC_ACCESS,
      inline('vpc-fence', {
        Effect: 'Deny',
        Action: 'ec2:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'ec2:Vpc': VPC_ARN } },
      }),
    ],
    expected: only(DESCRIBES, 'explicitDeny', 'allowed'),
  },
  {
    name: 'subnets tagged tier=private (ec2:ResourceTag), interfaces and groups by ARN',
    policies: [
      inline(
        'private-subnets',
        {
          Effect: 'Allow',
          Action: CREATE,
          Resource: `${EC2}:subnet/*`,
          Condition: { StringEquals: { 'ec2:ResourceTag/tier': 'private' } },
        },
        {
          Effect: 'Allow',
          Action: CREATE,
          Resource: [`${EC2}:security-group/*`, `${EC2}:network-interface/*`],
        },
      ),
    ],
    expected: six('implicitDeny', { [CREATE]: 'allowed' }),
  },
  {
    name: 'subnets tagged tier=public only',
    policies: [
      inline(
        'public-subnets',
        {
          Effect: 'Allow',
          Action: CREATE,
          Resource: `${EC2}:subnet/*`,
          Condition: { StringEquals: { 'aws:ResourceTag/tier': 'public' } },
        },
        {
          Effect: 'Allow',
          Action: CREATE,
          Resource: [`${EC2}:security-group/*`, `${EC2}:network-interface/*`],
        },
      ),
    ],
    expected: six('implicitDeny'),
  },
  {
    name: 'Deny without MFA (BoolIfExists): a role session has none, either way',
    policies: [
      VPC_ACCESS,
      inline('mfa', {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      }),
    ],
    expected: six('explicitDeny'),
  },
  {
    name: 'Allow with MFA only: never for Lambda',
    policies: [
      inline('mfa-allow', {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    ],
    expected: six('implicitDeny'),
  },
  {
    name: 'Deny when MFA is "false" (Bool): depends on whether the key is there',
    policies: [
      VPC_ACCESS,
      inline('mfa-bool', {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      }),
    ],
    expected: six('conditional'),
    says: { [CREATE]: /aws:MultiFactorAuthPresent/ },
  },
  {
    name: 'Deny after a date (aws:CurrentTime): depends on when Lambda calls',
    policies: [
      VPC_ACCESS,
      inline('sunset', {
        Effect: 'Deny',
        Action: 'ec2:*',
        Resource: '*',
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
      }),
    ],
    expected: six('conditional'),
    says: { [CREATE]: /aws:CurrentTime/ },
  },
  {
    name: 'a Deny on one named interface: depends on which interface',
    policies: [
      VPC_ACCESS,
      inline('protect', {
        Effect: 'Deny',
        Action: DELETE,
        Resource: `${EC2}:network-interface/eni-0123456789abcdef0`,
      }),
    ],
    expected: six('allowed', { [DELETE]: 'conditional' }),
    says: { [DELETE]: /a Deny \(protect\) applies to some resources only: which network interface/ },
  },
  {
    name: 'a permissions boundary that allows only CloudWatch Logs',
    policies: [VPC_ACCESS],
    boundary: managed(
      'LogsOnlyBoundary',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}',
    ),
    expected: six('implicitDeny'),
    says: { [CREATE]: /^permissions boundary \| the permissions boundary does not allow it$/ },
  },
  {
    name: 'a permissions boundary with an explicit Deny',
    policies: [VPC_ACCESS],
    boundary: managed(
      'Boundary',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"KeepEnis","Effect":"Deny","Action":"ec2:DeleteNetworkInterface","Resource":"*"}]}',
    ),
    expected: six('allowed', { [DELETE]: 'explicitDeny' }),
    says: { [DELETE]: /^permissions boundary: Boundary \(KeepEnis\) \| explicitly denied on / },
  },
  {
    name: 'a boundary allowing by principal tag, tags not read: conditional, naming the boundary',
    facts: UNREAD_TAGS,
    policies: [VPC_ACCESS],
    boundary: managed(
      'TeamBoundary',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"orders"}}}]}',
    ),
    expected: six('conditional'),
    says: { [CREATE]: /permissions boundary: allowed only under a condition on aws:PrincipalTag\/team/ },
  },
  {
    name: 'the same boundary with the tags read',
    policies: [VPC_ACCESS],
    boundary: managed(
      'TeamBoundary',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"orders"}}}]}',
    ),
    expected: six('allowed'),
  },
  {
    name: 'a boundary cannot grant what the identity policies lack',
    policies: [managed('AWSLambdaENIManagementAccess', ENI_MANAGEMENT_V2)],
    boundary: managed(
      'Everything',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    ),
    expected: six('allowed', { [DESCRIBE_SUBNETS]: 'implicitDeny' }),
  },
  {
    name: 'a boundary of ec2:Describe* caps an identity conditional answer to a denial',
    facts: UNREAD_TAGS,
    policies: [
      inline('tagged', {
        Effect: 'Allow',
        Action: 'ec2:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'orders' } },
      }),
    ],
    boundary: managed(
      'ReadOnly',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}',
    ),
    expected: only(DESCRIBES, 'conditional', 'implicitDeny'),
  },
  {
    name: 'a policy without Version: ${…} is plain text',
    policies: [
      {
        name: 'old',
        kind: 'inline',
        document: parsePolicyDocument(
          '{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*:*:*/${aws:username}"},{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}',
        ),
      },
    ],
    expected: only(DESCRIBES, 'allowed', 'implicitDeny'),
  },
];

function checksOf(s: Scenario): ActionCheck[] {
  const requests = executionRoleRequests(s.facts ?? FACTS);
  const identity = fromPolicies(evaluateRequests(s.policies, requests));
  return s.boundary ? capByBoundary(identity, evaluateRequests([s.boundary], requests)) : identity;
}

describe('the execution role, from its policies', () => {
  it.each(scenarios)('$name', (s) => {
    const checks = checksOf(s);
    expect(Object.fromEntries(checks.map((c) => [c.action, c.decision]))).toEqual(s.expected);
    for (const [action, pattern] of Object.entries(s.says ?? {})) {
      const c = checks.find((x) => x.action === action);
      expect(`${c?.decidedBy ?? ''} | ${c?.detail ?? ''}`).toMatch(pattern);
    }
  });

  it('names the keys of every conditional answer', () => {
    for (const s of scenarios) {
      for (const c of checksOf(s).filter((x) => x.decision === 'conditional')) {
        expect(c.detail, `${s.name}: ${c.action}`).toMatch(/(aws|ec2):|which /);
      }
    }
  });
});

describe("the caller's lambda:UpdateFunctionConfiguration", () => {
  const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`;
  const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const caller: RequestFacts = { ...FACTS, principal: { arn: USER, kind: 'user', tags: {} } };
  const approvedVpcOnly = inline(
    'approved-vpcs',
    {
      Effect: 'Allow',
      Action: ['lambda:GetFunction', 'lambda:UpdateFunctionConfiguration'],
      Resource: 'arn:aws:lambda:*:*:function:*',
    },
    {
      Sid: 'ApprovedVpcs',
      Effect: 'Deny',
      Action: 'lambda:UpdateFunctionConfiguration',
      Resource: '*',
      Condition: { 'ForAnyValue:StringNotEquals': { 'lambda:VpcIds': ['vpc-0123'] } },
    },
  );
  const config = (vpcIds: string[]): RequestedVpcConfig => ({
    subnetIds: ['subnet-0a1'],
    securityGroupIds: ['sg-0c3'],
    vpcIds,
  });
  const decide = (
    policies: NamedPolicy[],
    arn: string | null,
    c: RequestedVpcConfig | null,
    facts = caller,
  ) => fromPolicies(evaluateRequests(policies, [updateFunctionRequest(facts, arn, c)]))[0];

  it.each([
    ['the approved VPC', config(['vpc-0123']), 'allowed'],
    ['another VPC', config(['vpc-0999']), 'explicitDeny'],
    ['no configuration given', null, 'conditional'],
  ] as const)('lambda:VpcIds with %s', (_label, c, decision) => {
    expect(decide([approvedVpcOnly], FN, c)?.decision).toBe(decision);
  });

  it('an Allow on the function ARN, for a function whose ARN is not known, depends on which function', () => {
    const scoped = inline('one-fn', {
      Effect: 'Allow',
      Action: 'lambda:UpdateFunctionConfiguration',
      Resource: FN,
    });
    expect(decide([scoped], FN, null)?.decision).toBe('allowed');
    expect(decide([scoped], null, null)).toMatchObject({
      decision: 'conditional',
      detail: 'only on some resources: which function',
    });
  });

  it('ForAllValues on the subnets: every requested subnet must be approved', () => {
    const subnets = inline('subnets', {
      Effect: 'Allow',
      Action: 'lambda:UpdateFunctionConfiguration',
      Resource: '*',
      Condition: { 'ForAllValues:StringEquals': { 'lambda:SubnetIds': ['subnet-0a1', 'subnet-0b2'] } },
    });
    expect(decide([subnets], FN, config(['vpc-0123']))?.decision).toBe('allowed');
    expect(
      decide([subnets], FN, {
        subnetIds: ['subnet-0a1', 'subnet-0zz'],
        securityGroupIds: ['sg-0c3'],
        vpcIds: [],
      })?.decision,
    ).toBe('implicitDeny');
  });

  it("a human caller's source IP is not known: a Deny on it stays open", () => {
    const ip = inline('office', {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    });
    expect(decide([approvedVpcOnly, ip], FN, config(['vpc-0123']))).toMatchObject({
      decision: 'conditional',
      detail: expect.stringContaining('aws:SourceIp'),
    });
  });

  it('${aws:username} matches an IAM user caller', () => {
    const own = inline('own-functions', {
      Effect: 'Allow',
      Action: 'lambda:UpdateFunctionConfiguration',
      Resource: 'arn:aws:lambda:*:*:function:${aws:username}-*',
    });
    expect(decide([own], `arn:aws:lambda:us-east-1:${ACCOUNT}:function:alice-api`, null)?.decision).toBe(
      'allowed',
    );
    expect(decide([own], FN, null)?.decision).toBe('implicitDeny');
  });
});

describe('capByBoundary, rule by rule', () => {
  const identity = (decision: CheckDecision, detail: string | null = null): ActionCheck => ({
    action: CREATE,
    required: 'hard',
    decision,
    method: 'policies',
    decidedBy: decision === 'unknown' ? null : 'identity',
    detail,
  });
  const boundaryOf = (...Statement: object[]) =>
    evaluateRequests([inline('Boundary', ...Statement)], executionRoleRequests(UNREAD_TAGS));
  const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
  const onlyLogs = { Effect: 'Allow', Action: 'logs:*', Resource: '*' };
  const denyCreate = { Sid: 'NoEnis', Effect: 'Deny', Action: CREATE, Resource: '*' };
  const byTag = {
    Effect: 'Allow',
    Action: 'ec2:*',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/team': 'orders' } },
  };

  it.each([
    ['allowed', [allowAll], 'allowed', 'identity', null],
    [
      'allowed',
      [onlyLogs],
      'implicitDeny',
      'permissions boundary',
      'the permissions boundary does not allow it',
    ],
    [
      'conditional',
      [onlyLogs],
      'implicitDeny',
      'permissions boundary',
      'the permissions boundary does not allow it',
    ],
    [
      'unknown',
      [onlyLogs],
      'implicitDeny',
      'permissions boundary',
      'the permissions boundary does not allow it',
    ],
    [
      'implicitDeny',
      [onlyLogs],
      'implicitDeny',
      'permissions boundary',
      'the permissions boundary does not allow it; the identity policies do not allow it either',
    ],
    ['implicitDeny', [allowAll], 'implicitDeny', 'identity', null],
    [
      'allowed',
      [allowAll, denyCreate],
      'explicitDeny',
      'permissions boundary: Boundary (NoEnis)',
      /explicitly denied on/,
    ],
    [
      'implicitDeny',
      [allowAll, denyCreate],
      'explicitDeny',
      'permissions boundary: Boundary (NoEnis)',
      /explicitly denied/,
    ],
    ['explicitDeny', [onlyLogs], 'explicitDeny', 'identity', null],
    [
      'allowed',
      [byTag],
      'conditional',
      'permissions boundary',
      'permissions boundary: allowed only under a condition on aws:PrincipalTag/team',
    ],
    ['unknown', [byTag], 'unknown', null, null],
  ] as const)('identity %s, boundary %j → %s', (given, statements, decision, decidedBy, detail) => {
    const [capped] = capByBoundary([identity(given)], boundaryOf(...statements));
    expect(capped).toMatchObject({ decision, decidedBy });
    if (detail instanceof RegExp) expect(capped?.detail).toMatch(detail);
    else expect(capped?.detail).toBe(detail);
  });

  it('keeps what left the identity answer open and adds the boundary to it', () => {
    const [capped] = capByBoundary(
      [identity('conditional', 'a Deny (x) applies under a condition on aws:SourceIp')],
      boundaryOf(byTag),
    );
    expect(capped).toMatchObject({
      decision: 'conditional',
      detail:
        'a Deny (x) applies under a condition on aws:SourceIp; permissions boundary: allowed only under a condition on aws:PrincipalTag/team',
    });
  });

  it('an action the boundary was not evaluated for is unknown, never allowed', () => {
    expect(capByBoundary([identity('allowed')], [])[0]).toMatchObject({
      decision: 'unknown',
      decidedBy: null,
    });
  });
});
