import { describe, expect, it } from 'vitest';
import {
  type ActionDecision,
  type Decision,
  EXECUTION_ROLE_ACTIONS,
  evaluateActions,
  minimalExecutionRolePolicy,
  type NamedPolicy,
  PolicyDocumentError,
  parsePolicyDocument,
  VPC_ACCESS_MANAGED_POLICY_ARN,
} from '../../src/core/policy-eval.js';

// Default versions as AWS publishes them (AWS managed policy reference), typed out verbatim.
const VPC_ACCESS_V3 =
  '{ "Version" : "2012-10-17", "Statement" : [ { "Sid" : "AWSLambdaVPCAccessExecutionPermissions", "Effect" : "Allow", "Action" : [ "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses" ], "Resource" : "*" } ] }';
const ENI_MANAGEMENT_V2 =
  '{ "Version" : "2012-10-17", "Statement" : [ { "Effect" : "Allow", "Action" : [ "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses" ], "Resource" : "*" } ] }';
const BASIC_EXECUTION_V1 =
  '{ "Version" : "2012-10-17", "Statement" : [ { "Effect" : "Allow", "Action" : [ "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents" ], "Resource" : "*" } ] }';

const CREATE = 'ec2:CreateNetworkInterface';
const DESCRIBE_ENI = 'ec2:DescribeNetworkInterfaces';
const DELETE = 'ec2:DeleteNetworkInterface';
const DESCRIBE_SUBNETS = 'ec2:DescribeSubnets';
const ASSIGN = 'ec2:AssignPrivateIpAddresses';
const UNASSIGN = 'ec2:UnassignPrivateIpAddresses';
const SIX = [CREATE, DESCRIBE_ENI, DELETE, DESCRIBE_SUBNETS, ASSIGN, UNASSIGN];

// Managed documents arrive URL-encoded from iam:GetPolicyVersion, inline ones from iam:GetRolePolicy.
function managed(name: string, json: string): NamedPolicy {
  return {
    name,
    arn: `arn:aws:iam::aws:policy/service-role/${name}`,
    kind: 'managed',
    document: parsePolicyDocument(encodeURIComponent(json), name),
  };
}

function inline(name: string, doc: object, encode = false): NamedPolicy {
  const json = JSON.stringify(doc, null, 2);
  return {
    name,
    kind: 'inline',
    document: parsePolicyDocument(encode ? encodeURIComponent(json) : json, name),
  };
}

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

// "Effect policy#sid (reason)" keeps every field of a match in one exact, readable string.
function summarize(results: ActionDecision[]): Array<[string, Decision, string[]]> {
  return results.map((r) => [
    r.action,
    r.decision,
    r.matched.map(
      (m) =>
        `${m.effect} ${m.policy}${m.sid === undefined ? '' : `#${m.sid}`}${m.conditional ? ` (${m.reason})` : ''}`,
    ),
  ]);
}

type Row = [string, Decision, string[]];
const rows = (actions: string[], decision: Decision, matched: string[]): Row[] =>
  actions.map((a) => [a, decision, matched]);

const VPC = managed('AWSLambdaVPCAccessExecutionRole', VPC_ACCESS_V3);
const VPC_MATCH = 'Allow AWSLambdaVPCAccessExecutionRole#AWSLambdaVPCAccessExecutionPermissions';
const REGION_CONDITION = { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } };

interface Case {
  name: string;
  policies: NamedPolicy[];
  actions?: string[];
  expected: Row[];
}

const cases: Case[] = [
  {
    name: 'AWSLambdaVPCAccessExecutionRole v3 grants all six',
    policies: [VPC],
    expected: rows(SIX, 'allowed', [VPC_MATCH]),
  },
  {
    name: 'AWSLambdaENIManagementAccess lacks ec2:DescribeSubnets',
    policies: [managed('AWSLambdaENIManagementAccess', ENI_MANAGEMENT_V2)],
    expected: SIX.map(
      (a): Row =>
        a === DESCRIBE_SUBNETS
          ? [a, 'implicitDeny', []]
          : [a, 'allowed', ['Allow AWSLambdaENIManagementAccess']],
    ),
  },
  {
    name: 'AWSLambdaBasicExecutionRole has no EC2 at all',
    policies: [managed('AWSLambdaBasicExecutionRole', BASIC_EXECUTION_V1)],
    actions: [...SIX, 'logs:PutLogEvents'],
    expected: [
      ...rows(SIX, 'implicitDeny', []),
      ['logs:PutLogEvents', 'allowed', ['Allow AWSLambdaBasicExecutionRole']],
    ],
  },
  {
    name: 'ec2:* covers EC2 only',
    policies: [inline('ec2-all', doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }))],
    actions: [CREATE, 'iam:PassRole'],
    expected: [
      [CREATE, 'allowed', ['Allow ec2-all']],
      ['iam:PassRole', 'implicitDeny', []],
    ],
  },
  {
    name: 'ec2:Describe* covers only the two Describe actions',
    policies: [inline('ec2-read', doc({ Effect: 'Allow', Action: ['ec2:Describe*'], Resource: '*' }))],
    expected: SIX.map(
      (a): Row =>
        a.startsWith('ec2:Describe') ? [a, 'allowed', ['Allow ec2-read']] : [a, 'implicitDeny', []],
    ),
  },
  {
    name: '? matches exactly one character and matching ignores case',
    policies: [
      inline(
        'odd',
        doc({
          Effect: 'Allow',
          Action: ['EC2:createNETWORKinterface', 'ec2:?ssignPrivateIpAddresses'],
          Resource: '*',
        }),
      ),
    ],
    actions: [CREATE, ASSIGN, UNASSIGN],
    expected: [
      [CREATE, 'allowed', ['Allow odd']],
      [ASSIGN, 'allowed', ['Allow odd']],
      [UNASSIGN, 'implicitDeny', []],
    ],
  },
  {
    name: 'AdministratorAccess (Action "*") grants everything',
    policies: [
      managed(
        'AdministratorAccess',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      ),
    ],
    expected: rows(SIX, 'allowed', ['Allow AdministratorAccess']),
  },
  {
    name: 'an explicit Deny overrides the managed Allow, and every match is recorded',
    policies: [
      VPC,
      inline('no-delete', doc({ Sid: 'KeepEnis', Effect: 'Deny', Action: DELETE, Resource: '*' })),
    ],
    expected: SIX.map(
      (a): Row =>
        a === DELETE
          ? [a, 'explicitDeny', [VPC_MATCH, 'Deny no-delete#KeepEnis']]
          : [a, 'allowed', [VPC_MATCH]],
    ),
  },
  {
    name: 'Allow NotAction iam:* grants EC2 but not IAM',
    policies: [
      inline('power-user', doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })),
    ],
    actions: [CREATE, 'iam:PassRole'],
    expected: [
      [CREATE, 'allowed', ['Allow power-user']],
      ['iam:PassRole', 'implicitDeny', []],
    ],
  },
  {
    name: 'Deny NotAction logs:* denies every EC2 action',
    policies: [VPC, inline('logs-only', doc({ Effect: 'Deny', NotAction: 'logs:*', Resource: '*' }))],
    actions: [CREATE, 'logs:PutLogEvents'],
    expected: [
      [CREATE, 'explicitDeny', [VPC_MATCH, 'Deny logs-only']],
      ['logs:PutLogEvents', 'allowed', [VPC_MATCH]],
    ],
  },
  {
    name: 'Deny NotAction that lists ec2:* leaves EC2 alone',
    policies: [VPC, inline('guard', doc({ Effect: 'Deny', NotAction: ['ec2:*', 'logs:*'], Resource: '*' }))],
    actions: [CREATE],
    expected: [[CREATE, 'allowed', [VPC_MATCH]]],
  },
  {
    name: 'an Allow under aws:RequestedRegion is conditional',
    policies: [
      inline('eu-only', doc({ Effect: 'Allow', Action: SIX, Resource: '*', Condition: REGION_CONDITION })),
    ],
    expected: rows(SIX, 'conditional', ['Allow eu-only (condition)']),
  },
  {
    name: 'a conditional Allow next to an unconditional one is irrelevant',
    policies: [
      inline(
        'eu-only',
        doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: REGION_CONDITION }),
      ),
      VPC,
    ],
    actions: [CREATE],
    expected: [[CREATE, 'allowed', ['Allow eu-only (condition)', VPC_MATCH]]],
  },
  {
    name: 'an empty Condition block is no condition',
    policies: [inline('empty-cond', doc({ Effect: 'Allow', Action: CREATE, Resource: '*', Condition: {} }))],
    actions: [CREATE],
    expected: [[CREATE, 'allowed', ['Allow empty-cond']]],
  },
  {
    name: 'a Deny with a Condition makes even a granted action conditional',
    policies: [
      VPC,
      inline(
        'deny-outside-eu',
        doc({
          Sid: 'RegionFence',
          Effect: 'Deny',
          Action: 'ec2:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
        }),
      ),
    ],
    actions: [CREATE, 'logs:PutLogEvents'],
    expected: [
      [CREATE, 'conditional', [VPC_MATCH, 'Deny deny-outside-eu#RegionFence (condition)']],
      ['logs:PutLogEvents', 'allowed', [VPC_MATCH]],
    ],
  },
  {
    name: 'an unconditional Deny decides even next to a conditional Deny',
    policies: [
      inline('fence', doc({ Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: REGION_CONDITION })),
      inline('hard-no', doc({ Effect: 'Deny', Action: CREATE, Resource: '*' })),
      VPC,
    ],
    actions: [CREATE],
    expected: [[CREATE, 'explicitDeny', ['Deny fence (condition)', 'Deny hard-no', VPC_MATCH]]],
  },
  {
    name: 'an Allow limited to specific EC2 ARNs does not grant Resource "*"',
    policies: [
      inline(
        'subnet-scoped',
        doc({
          Effect: 'Allow',
          Action: [CREATE, DESCRIBE_ENI],
          Resource: [
            'arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0abc1234def567890',
            'arn:aws:ec2:eu-west-1:123456789012:network-interface/*',
          ],
        }),
      ),
    ],
    actions: [CREATE, DESCRIBE_ENI, DELETE],
    expected: [
      [CREATE, 'conditional', ['Allow subnet-scoped (resource)']],
      [DESCRIBE_ENI, 'conditional', ['Allow subnet-scoped (resource)']],
      [DELETE, 'implicitDeny', []],
    ],
  },
  {
    // With no resource known, any ARN pattern may match: evaluateRequests with the real ARNs decides.
    name: 'with no resource known, an ARN pattern other than "*" leaves the answer open',
    policies: [
      inline('bucket-admin', doc({ Effect: 'Allow', Action: '*', Resource: ['arn:aws:s3:::my-bucket/*'] })),
    ],
    actions: [CREATE, 's3:GetObject'],
    expected: [
      [CREATE, 'conditional', ['Allow bucket-admin (resource)']],
      ['s3:GetObject', 'conditional', ['Allow bucket-admin (resource)']],
    ],
  },
  {
    name: 'a Deny on specific ARNs makes the result conditional',
    policies: [
      VPC,
      inline(
        'protect-eni',
        doc({
          Effect: 'Deny',
          Action: DELETE,
          Resource: 'arn:aws:ec2:*:*:network-interface/eni-0123456789abcdef0',
        }),
      ),
    ],
    actions: [DELETE],
    expected: [[DELETE, 'conditional', [VPC_MATCH, 'Deny protect-eni (resource)']]],
  },
  {
    name: 'NotResource: "*" applies nowhere, any ARN leaves it open when no resource is known',
    policies: [
      inline('nowhere', doc({ Effect: 'Deny', Action: 'ec2:*', NotResource: '*' })),
      inline(
        'not-s3',
        doc({ Effect: 'Allow', Action: 'ec2:Describe*', NotResource: ['arn:aws:s3:::my-bucket'] }),
      ),
      inline(
        'not-enis',
        doc({ Effect: 'Allow', Action: CREATE, NotResource: 'arn:aws:ec2:*:*:network-interface/*' }),
      ),
    ],
    actions: [DESCRIBE_SUBNETS, CREATE],
    expected: [
      [DESCRIBE_SUBNETS, 'conditional', ['Allow not-s3 (resource)']],
      [CREATE, 'conditional', ['Allow not-enis (resource)']],
    ],
  },
  {
    name: 'a single-object Statement with a string Action',
    policies: [
      managed(
        'SingleStatement',
        '{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"ec2:CreateNetworkInterface","Resource":"*"}}',
      ),
    ],
    actions: [CREATE, DELETE],
    expected: [
      [CREATE, 'allowed', ['Allow SingleStatement#One']],
      [DELETE, 'implicitDeny', []],
    ],
  },
  {
    name: 'no policies at all',
    policies: [],
    expected: rows(SIX, 'implicitDeny', []),
  },
  {
    name: 'minimalExecutionRolePolicy() grants exactly the six',
    policies: [
      { name: 'lambda-vpc', kind: 'inline', document: minimalExecutionRolePolicy() },
      inline('again-encoded', minimalExecutionRolePolicy(), true),
    ],
    actions: [...SIX, 'ec2:DescribeVpcs'],
    expected: [
      ...rows(SIX, 'allowed', [
        'Allow lambda-vpc#LambdaVpcNetworkInterfaces',
        'Allow again-encoded#LambdaVpcNetworkInterfaces',
      ]),
      ['ec2:DescribeVpcs', 'implicitDeny', []],
    ],
  },
];

describe('evaluateActions', () => {
  it.each(cases)('$name', ({ policies, actions, expected }) => {
    expect(summarize(evaluateActions(policies, actions ?? SIX))).toEqual(expected);
  });

  it('reports a conditional match with its reason and no sid when the statement has none', () => {
    const [result] = evaluateActions(
      [
        inline(
          'eu-only',
          doc({ Effect: 'Allow', Action: CREATE, Resource: '*', Condition: REGION_CONDITION }),
        ),
      ],
      [CREATE],
    );
    expect(result).toEqual({
      action: CREATE,
      decision: 'conditional',
      matched: [
        {
          policy: 'eu-only',
          effect: 'Allow',
          conditional: true,
          reason: 'condition',
          dependsOn: ['aws:RequestedRegion'],
        },
      ],
      dependsOn: ['aws:RequestedRegion'],
    });
  });
});

describe('parsePolicyDocument', () => {
  const expectedVpc = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSLambdaVPCAccessExecutionPermissions',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          CREATE,
          DESCRIBE_ENI,
          DESCRIBE_SUBNETS,
          DELETE,
          ASSIGN,
          UNASSIGN,
        ],
        Resource: '*',
      },
    ],
  };
  const withPercent =
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/quota":"100%"}}}]}';

  it.each([
    ['URL-encoded (encodeURIComponent)', encodeURIComponent(VPC_ACCESS_V3)],
    ['plain JSON', VPC_ACCESS_V3],
    ['plain JSON with leading whitespace', `\n  ${VPC_ACCESS_V3}`],
    ['form-encoded, spaces as +', encodeURIComponent(VPC_ACCESS_V3).replace(/%20/g, '+')],
  ])('reads %s', (_label, raw) => {
    expect(parsePolicyDocument(raw)).toEqual(expectedVpc);
  });

  it('keeps an encoded + literal and a plain % literal', () => {
    const plus =
      '{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a+b"}}}]}';
    expect(parsePolicyDocument(encodeURIComponent(plus)).Statement[0]?.Condition).toEqual({
      StringEquals: { 'aws:PrincipalTag/team': 'a+b' },
    });
    expect(parsePolicyDocument(withPercent).Statement[0]?.Condition).toEqual({
      StringLike: { 'aws:PrincipalTag/quota': '100%' },
    });
  });

  it('wraps a single Statement object in an array and drops elements it does not use', () => {
    const parsed = parsePolicyDocument(
      '{"Statement":{"Effect":"Deny","Principal":"*","NotAction":"iam:*","NotResource":["arn:aws:s3:::b"]}}',
    );
    expect(parsed).toEqual({
      Statement: [{ Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:s3:::b'] }],
    });
  });

  it.each([
    ['not JSON', 'this is not a policy', /Policy "broken": not valid JSON, plain or URL-encoded/],
    [
      'truncated URL-encoded JSON',
      encodeURIComponent(VPC_ACCESS_V3).slice(0, 40),
      /Policy "broken": not valid JSON/,
    ],
    ['a malformed percent escape', '%7B%2', /Policy "broken": not valid JSON/],
    ['an empty string', '', /Policy "broken": not valid JSON/],
    ['a JSON array', '[]', /Policy "broken": the document is not a JSON object/],
    ['no Statement', '{"Version":"2012-10-17"}', /Policy "broken": it has no Statement/],
    [
      'a lower-case Effect',
      '{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}',
      /Statement 1 has Effect "allow"/,
    ],
    [
      'Action and NotAction together',
      '{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}]}',
      /Statement 1 has both Action and NotAction/,
    ],
    [
      'no Action',
      '{"Statement":[{"Effect":"Allow","Resource":"*"}]}',
      /Statement 1 has no Action or NotAction/,
    ],
    [
      'a numeric Resource',
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":[1]}]}',
      /Statement 1: Resource must be a string or an array of strings/,
    ],
    [
      'an empty NotAction (which would otherwise grant everything)',
      '{"Statement":[{"Effect":"Allow","NotAction":[],"Resource":"*"}]}',
      /Statement 1: NotAction is an empty list/,
    ],
    [
      'an empty NotResource',
      '{"Statement":[{"Effect":"Allow","Action":"*","NotResource":[]}]}',
      /Statement 1: NotResource is an empty list/,
    ],
    [
      'a string Condition',
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}]}',
      /Statement 1: Condition must be an object/,
    ],
  ])('rejects %s, naming the policy', (_label, raw, message) => {
    let caught: unknown;
    try {
      parsePolicyDocument(raw, 'broken');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyDocumentError);
    expect((caught as PolicyDocumentError).policyName).toBe('broken');
    expect((caught as Error).message).toMatch(message);
  });

  it('still explains the failure without a policy name', () => {
    expect(() => parsePolicyDocument('{nope')).toThrow(/^Policy document: not valid JSON/);
  });
});

describe('constants', () => {
  it('lists the six execution-role actions with their requirement level', () => {
    expect(EXECUTION_ROLE_ACTIONS).toEqual([
      { action: CREATE, required: 'hard' },
      { action: DESCRIBE_ENI, required: 'hard' },
      { action: DELETE, required: 'hard' },
      { action: DESCRIBE_SUBNETS, required: 'current' },
      { action: ASSIGN, required: 'current' },
      { action: UNASSIGN, required: 'current' },
    ]);
  });

  it('names the AWS managed VPC policy', () => {
    expect(VPC_ACCESS_MANAGED_POLICY_ARN).toBe(
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    );
  });

  it('emits the exact minimal policy JSON, a fresh copy each time', () => {
    expect(JSON.stringify(minimalExecutionRolePolicy())).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"LambdaVpcNetworkInterfaces","Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DeleteNetworkInterface","ec2:DescribeSubnets","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}',
    );
    expect(minimalExecutionRolePolicy()).not.toBe(minimalExecutionRolePolicy());
  });
});
