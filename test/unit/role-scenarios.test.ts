// Execution-role scenarios with the answer a careful reader of AWS's policy evaluation logic
// gives for each of the six EC2 actions, for the requests Lambda makes with the role. They are
// written from the documents and AWS's rules, not from the evaluator's output, and measure it:
// no "allowed" where the truth is not allowed, and every decidable answer decided.
import { describe, expect, it } from 'vitest';
import { executionRoleRequests } from '../../src/core/lambda-requests.js';
import { type ActionCheck, capByBoundary, fromPolicies } from '../../src/core/permissions.js';
import {
  EXECUTION_ROLE_ACTIONS,
  evaluateRequests,
  type NamedPolicy,
  parsePolicyDocument,
} from '../../src/core/policy-eval.js';
import type { RequestFacts } from '../../src/core/request-facts.js';
import { AWS_MANAGED_POLICIES, VPC_ACCESS_POLICY_ARN } from '../fake-aws/policies.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-role`;
const EC2 = `arn:aws:ec2:${REGION}:${ACCOUNT}`;
const VPC_ARN = `${EC2}:vpc/vpc-0c1`;

const KNOWN_NETWORK: RequestFacts = {
  partition: 'aws',
  region: REGION,
  account: ACCOUNT,
  principal: { arn: ROLE, kind: 'role', tags: { team: 'payments', env: 'prod' } },
  subnets: [{ id: 'subnet-0a1', ownerId: ACCOUNT, vpcId: 'vpc-0c1', tags: { team: 'payments' } }],
  securityGroups: [{ id: 'sg-0b1', ownerId: ACCOUNT, vpcId: 'vpc-0c1', tags: { team: 'payments' } }],
};
const ANY_NETWORK: RequestFacts = { ...KNOWN_NETWORK, subnets: null, securityGroups: null };

const SIX = EXECUTION_ROLE_ACTIONS.map((a) => a.action);
const [CREATE, DESCRIBE_ENIS, DELETE, , ASSIGN, UNASSIGN] = SIX as [
  string,
  string,
  string,
  string,
  string,
  string,
];

// One letter per action, in EXECUTION_ROLE_ACTIONS' order (Create, DescribeNetworkInterfaces,
// Delete, DescribeSubnets, Assign, Unassign): A allowed, D implicit deny, X explicit deny,
// C depends on something the request facts cannot tell.
type Truth = 'A' | 'D' | 'X' | 'C';
const LETTER = { allowed: 'A', implicitDeny: 'D', explicitDeny: 'X', conditional: 'C' } as const;

type Statement = Record<string, unknown>;
interface Scenario {
  name: string;
  identity: Statement[][];
  boundary?: Statement[];
  /** Documents without `Version: "2012-10-17"` (policy variables are then literal text). */
  legacyVersion?: boolean;
  facts?: RequestFacts;
  truth: string;
}

// AWSLambdaVPCAccessExecutionRole v3 as AWS publishes it: one copy, the fake IAM's.
const VPC_ACCESS = managedStatement(VPC_ACCESS_POLICY_ARN, 'v3');
function managedStatement(arn: string, version: string): Statement {
  const statements = AWS_MANAGED_POLICIES.find((p) => p.Arn === arn)?.Versions[version]?.Statement;
  const statement = Array.isArray(statements) ? statements[0] : statements;
  if (!statement) throw new Error(`no ${arn} ${version} in the fake's managed policies`);
  return statement as unknown as Statement;
}
const ENI_MANAGEMENT: Statement = {
  Effect: 'Allow',
  Action: [CREATE, DESCRIBE_ENIS, DELETE, ASSIGN, UNASSIGN],
  Resource: '*',
};
const LOGS_ONLY: Statement = {
  Effect: 'Allow',
  Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: '*',
};
const allow = (Action: unknown, Resource: unknown = '*', Condition?: unknown): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
const deny = (Action: unknown, Resource: unknown = '*', Condition?: unknown): Statement => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
/** `${key}` as policy text: IAM's variable syntax, which is also JavaScript's. */
const policyVariable = (key: string) => `\${${key}}`;
const vpcAccessWhen = (Condition: unknown): Statement => ({ ...VPC_ACCESS, Condition });
const SCOPED_CREATE = [`${EC2}:subnet/*`, `${EC2}:security-group/*`, `${EC2}:network-interface/*`];
const describeBoth = allow(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
const eniActions = allow([DELETE, ASSIGN, UNASSIGN], `${EC2}:network-interface/*`);

const scenarios: Scenario[] = [
  // Managed and broad policies
  { name: 'AWSLambdaVPCAccessExecutionRole', identity: [[VPC_ACCESS]], truth: 'AAAAAA' },
  {
    name: 'AWSLambdaENIManagementAccess lacks DescribeSubnets',
    identity: [[ENI_MANAGEMENT]],
    truth: 'AAADAA',
  },
  { name: 'AWSLambdaBasicExecutionRole has no EC2', identity: [[LOGS_ONLY]], truth: 'DDDDDD' },
  { name: 'ec2:* on *', identity: [[allow('ec2:*')]], truth: 'AAAAAA' },
  { name: 'AdministratorAccess', identity: [[allow('*')]], truth: 'AAAAAA' },
  { name: 'ec2:Describe* only', identity: [[allow('ec2:Describe*')]], truth: 'DADADD' },
  { name: 'ec2:*NetworkInterface*', identity: [[allow('ec2:*NetworkInterface*')]], truth: 'AAADDD' },
  {
    name: 'case-insensitive actions and ?',
    identity: [[allow(['EC2:createNETWORKinterface', 'ec2:?ssignPrivateIpAddresses'])]],
    truth: 'ADDDAD',
  },
  {
    name: 'NotAction iam:* on *',
    identity: [[{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]],
    truth: 'AAAAAA',
  },
  {
    name: 'two policies split the actions',
    identity: [[ENI_MANAGEMENT], [allow('ec2:DescribeSubnets')]],
    truth: 'AAAAAA',
  },
  // Explicit denies
  { name: 'a Deny of DeleteNetworkInterface', identity: [[VPC_ACCESS], [deny(DELETE)]], truth: 'AAXAAA' },
  { name: 'a Deny of ec2:Describe*', identity: [[VPC_ACCESS, deny('ec2:Describe*')]], truth: 'AXAXAA' },
  {
    name: 'a Deny of everything but logs (NotAction)',
    identity: [[VPC_ACCESS, { Effect: 'Deny', NotAction: 'logs:*', Resource: '*' }]],
    truth: 'XXXXXX',
  },
  {
    name: 'a Deny of everything but EC2 (NotAction)',
    identity: [[VPC_ACCESS, { Effect: 'Deny', NotAction: 'ec2:*', Resource: '*' }]],
    truth: 'AAAAAA',
  },
  {
    name: "a Deny of Create in the function's subnet",
    identity: [[VPC_ACCESS, deny(CREATE, `arn:aws:ec2:*:*:subnet/subnet-0a1`)]],
    truth: 'XAAAAA',
  },
  {
    name: 'a Deny of Create in another subnet',
    identity: [[VPC_ACCESS, deny(CREATE, `arn:aws:ec2:*:*:subnet/subnet-999`)]],
    truth: 'AAAAAA',
  },
  {
    name: 'a Deny of Create on security groups',
    identity: [[VPC_ACCESS, deny(CREATE, `arn:aws:ec2:*:*:security-group/*`)]],
    truth: 'XAAAAA',
  },
  // Resources
  { name: 'region and account wildcard ARN', identity: [[allow(SIX, `${EC2}:*`)]], truth: 'ADADAA' },
  {
    name: 'arn:aws:ec2:*:*:* grants no Describe',
    identity: [[allow(SIX, 'arn:aws:ec2:*:*:*')]],
    truth: 'ADADAA',
  },
  { name: 'another region', identity: [[allow(SIX, `arn:aws:ec2:eu-west-1:${ACCOUNT}:*`)]], truth: 'DDDDDD' },
  {
    name: 'another account',
    identity: [[allow(SIX, 'arn:aws:ec2:us-east-1:210987654321:*')]],
    truth: 'DDDDDD',
  },
  { name: 'subnet ARNs only', identity: [[allow(SIX, 'arn:aws:ec2:*:*:subnet/*')]], truth: 'DDDDDD' },
  { name: 'an S3 ARN under Action *', identity: [[allow('*', 'arn:aws:s3:::bucket/*')]], truth: 'DDDDDD' },
  {
    name: 'least privilege by resource type',
    identity: [[allow(CREATE, SCOPED_CREATE), describeBoth, eniActions]],
    truth: 'AAAAAA',
  },
  {
    name: 'Create without the network-interface ARN',
    identity: [[allow(CREATE, SCOPED_CREATE.slice(0, 2)), describeBoth, eniActions]],
    truth: 'DAAAAA',
  },
  {
    name: 'Create with another security group only',
    identity: [
      [
        allow(CREATE, [`${EC2}:subnet/*`, `${EC2}:security-group/sg-999`, `${EC2}:network-interface/*`]),
        describeBoth,
        eniActions,
      ],
    ],
    truth: 'DAAAAA',
  },
  {
    name: 'Create with the exact subnet and group',
    identity: [
      [
        allow(CREATE, [
          `${EC2}:subnet/subnet-0a1`,
          `${EC2}:security-group/sg-0b1`,
          `${EC2}:network-interface/*`,
        ]),
        describeBoth,
        eniActions,
      ],
    ],
    truth: 'AAAAAA',
  },
  {
    name: 'NotResource excludes subnets',
    identity: [[{ Effect: 'Allow', Action: 'ec2:*', NotResource: 'arn:aws:ec2:*:*:subnet/*' }]],
    truth: 'DAAAAA',
  },
  {
    name: `${policyVariable('aws:username')} in Resource never matches a role`,
    identity: [
      [
        describeBoth,
        allow(
          [CREATE, DELETE, ASSIGN, UNASSIGN],
          `arn:aws:ec2:*:*:network-interface/${policyVariable('aws:username')}`,
        ),
      ],
    ],
    truth: 'DADADD',
  },
  {
    name: 'a policy variable in a legacy document is literal text',
    legacyVersion: true,
    identity: [[allow(SIX, policyVariable('aws:username'))]],
    truth: 'DDDDDD',
  },
  {
    name: `${policyVariable('aws:PrincipalAccount')} in Resource`,
    identity: [
      [
        allow(CREATE, [`arn:aws:ec2:*:${policyVariable('aws:PrincipalAccount')}:*`]),
        describeBoth,
        eniActions,
      ],
    ],
    truth: 'AAAAAA',
  },
  // Global condition keys of the request
  {
    name: 'allowed only in us-east-1',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:RequestedRegion': REGION } })]],
    truth: 'AAAAAA',
  },
  {
    name: 'allowed only in eu-west-1',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } })]],
    truth: 'DDDDDD',
  },
  {
    name: 'denied outside two regions (ours among them)',
    identity: [
      [VPC_ACCESS, deny('*', '*', { StringNotEquals: { 'aws:RequestedRegion': [REGION, 'us-west-2'] } })],
    ],
    truth: 'AAAAAA',
  },
  {
    name: 'denied outside eu-west-1',
    identity: [[VPC_ACCESS, deny('*', '*', { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } })]],
    truth: 'XXXXXX',
  },
  {
    name: 'allowed for our account',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT } })]],
    truth: 'AAAAAA',
  },
  {
    name: 'allowed for orders-* roles',
    identity: [[vpcAccessWhen({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/orders-*` } })]],
    truth: 'AAAAAA',
  },
  {
    name: 'allowed for other-* roles',
    identity: [[vpcAccessWhen({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/other-*' } })]],
    truth: 'DDDDDD',
  },
  {
    name: 'allowed for assumed roles',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:PrincipalType': 'AssumedRole' } })]],
    truth: 'AAAAAA',
  },
  {
    name: 'allowed for team payments (tag)',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:PrincipalTag/team': 'payments' } })]],
    truth: 'AAAAAA',
  },
  {
    name: 'allowed for team billing (tag)',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:PrincipalTag/team': 'billing' } })]],
    truth: 'DDDDDD',
  },
  {
    name: 'allowed when a tag the role lacks matches',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:PrincipalTag/owner': 'alice' } })]],
    truth: 'DDDDDD',
  },
  {
    name: 'denied unless env is prod (it is)',
    identity: [[VPC_ACCESS, deny('ec2:*', '*', { StringNotEquals: { 'aws:PrincipalTag/env': 'prod' } })]],
    truth: 'AAAAAA',
  },
  {
    name: 'denied when the role has no cost-center tag',
    identity: [[VPC_ACCESS, deny('ec2:*', '*', { Null: { 'aws:PrincipalTag/cost-center': 'true' } })]],
    truth: 'XXXXXX',
  },
  // Keys of a request a service signs with the role. aws:SourceIp is present: EC2 sees an
  // address of Lambda's (AWS: a Deny on aws:SourceIp also denies a service acting with a service
  // role), but not which, so what an IP condition decides is open. Whether the session carries
  // aws:MultiFactorAuthPresent "false" or not at all is not documented either.
  {
    name: "a Deny from outside 10.0.0.0/8 (aws:SourceIp is an address of Lambda's)",
    identity: [[VPC_ACCESS, deny('*', '*', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })]],
    truth: 'CCCCCC',
  },
  {
    name: 'a Deny from 203.0.113.0/24',
    identity: [[VPC_ACCESS, deny('*', '*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })]],
    truth: 'CCCCCC',
  },
  {
    name: 'allowed only from 10.0.0.0/8',
    identity: [[vpcAccessWhen({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })]],
    truth: 'CCCCCC',
  },
  {
    name: 'a Deny without MFA (Bool on an absent key fails)',
    identity: [[VPC_ACCESS, deny('*', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } })]],
    truth: 'CCCCCC',
  },
  {
    name: 'a Deny without MFA (BoolIfExists holds)',
    identity: [[VPC_ACCESS, deny('*', '*', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })]],
    truth: 'XXXXXX',
  },
  {
    name: 'a Deny when MFA is missing (Null)',
    identity: [[VPC_ACCESS, deny('*', '*', { Null: { 'aws:MultiFactorAuthPresent': 'true' } })]],
    truth: 'CCCCCC',
  },
  {
    name: 'allowed only with recent MFA',
    identity: [[vpcAccessWhen({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })]],
    truth: 'DDDDDD',
  },
  {
    name: 'allowed only from a VPC',
    identity: [[vpcAccessWhen({ StringEquals: { 'aws:SourceVpc': 'vpc-0c1' } })]],
    truth: 'DDDDDD',
  },
  {
    name: 'a Deny outside a VPC endpoint (IfExists)',
    identity: [[VPC_ACCESS, deny('*', '*', { StringNotEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } })]],
    truth: 'XXXXXX',
  },
  {
    name: 'a Deny outside a VPC endpoint (plain)',
    identity: [[VPC_ACCESS, deny('*', '*', { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } })]],
    truth: 'XXXXXX',
  },
  // Keys of the resources
  {
    name: 'Create allowed only in our VPC',
    identity: [[allow(CREATE, '*', { ArnEquals: { 'ec2:Vpc': VPC_ARN } }), describeBoth, eniActions]],
    truth: 'AAAAAA',
  },
  {
    name: 'Create allowed only in another VPC',
    identity: [
      [allow(CREATE, '*', { ArnEquals: { 'ec2:Vpc': `${EC2}:vpc/vpc-999` } }), describeBoth, eniActions],
    ],
    truth: 'DAAAAA',
  },
  {
    name: 'a Deny of Create outside our VPC',
    identity: [[VPC_ACCESS, deny(CREATE, '*', { ArnNotEquals: { 'ec2:Vpc': VPC_ARN } })]],
    truth: 'AAAAAA',
  },
  // Caller-independent unknowns: the answer depends on what the facts cannot tell
  {
    name: 'allowed for one session id (aws:userid)',
    identity: [[vpcAccessWhen({ StringLike: { 'aws:userid': 'AROA*:orders' } })]],
    truth: 'CCCCCC',
  },
  // Boundaries
  {
    name: 'a boundary that allows only logs',
    identity: [[VPC_ACCESS]],
    boundary: [LOGS_ONLY],
    truth: 'DDDDDD',
  },
  { name: 'a boundary of ec2:*', identity: [[VPC_ACCESS]], boundary: [allow('ec2:*')], truth: 'AAAAAA' },
  {
    name: 'a boundary that denies DeleteNetworkInterface',
    identity: [[VPC_ACCESS]],
    boundary: [allow('*'), deny(DELETE)],
    truth: 'AAXAAA',
  },
  {
    name: 'a boundary for us-east-1',
    identity: [[VPC_ACCESS]],
    boundary: [allow('*', '*', { StringEquals: { 'aws:RequestedRegion': REGION } })],
    truth: 'AAAAAA',
  },
  {
    name: 'a boundary for eu-west-1',
    identity: [[VPC_ACCESS]],
    boundary: [allow('*', '*', { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } })],
    truth: 'DDDDDD',
  },
  {
    name: 'a boundary cannot grant what identity lacks',
    identity: [[LOGS_ONLY]],
    boundary: [allow('*')],
    truth: 'DDDDDD',
  },
  // A shared VPC: the subnet (and its VPC) belong to the owner account, the function's account
  // creates the interface.
  {
    name: "shared VPC: an ARN of our account does not cover the owner's subnet",
    facts: {
      ...KNOWN_NETWORK,
      subnets: [{ id: 'subnet-0a1', ownerId: '210987654321', vpcId: 'vpc-0c1', tags: {} }],
    },
    identity: [[allow(SIX, `${EC2}:*`), describeBoth]],
    truth: 'DAAAAA',
  },
  {
    name: 'subnet owner not read: an ARN naming our account depends on it',
    facts: { ...KNOWN_NETWORK, subnets: [{ id: 'subnet-0a1', vpcId: 'vpc-0c1', tags: {} }] },
    identity: [[allow(SIX, `${EC2}:*`), describeBoth]],
    truth: 'CAAAAA',
  },
  {
    name: 'subnet owner not read: an ARN with any account still decides',
    facts: { ...KNOWN_NETWORK, subnets: [{ id: 'subnet-0a1', vpcId: 'vpc-0c1', tags: {} }] },
    identity: [[allow(SIX, 'arn:aws:ec2:us-east-1:*:*'), describeBoth]],
    truth: 'AAAAAA',
  },
  // Policy text that must not grant by accident

  {
    // AWS: a variable with no value "might cause the entire statement to be invalid".
    name: 'NotResource with a variable that has no value grants nothing for sure',
    identity: [
      [
        {
          Effect: 'Allow',
          Action: 'ec2:*',
          NotResource: `arn:aws:ec2:*:*:subnet/${policyVariable('aws:username')}`,
        },
      ],
    ],
    truth: 'CCCCCC',
  },
  // Any subnet: the function is not in a VPC and none were given. Which account owns the subnet
  // is then not known either (a shared VPC's subnets are its owner's), so an ARN naming the
  // account depends on it.
  {
    name: 'any subnet: resource types with wildcards',
    facts: ANY_NETWORK,
    identity: [[allow(CREATE, SCOPED_CREATE), describeBoth, eniActions]],
    truth: 'CAAAAA',
  },
  {
    name: 'any subnet: one subnet ARN decides',
    facts: ANY_NETWORK,
    identity: [
      [
        allow(CREATE, [`${EC2}:subnet/subnet-0a1`, `${EC2}:security-group/*`, `${EC2}:network-interface/*`]),
        describeBoth,
        eniActions,
      ],
    ],
    truth: 'CAAAAA',
  },
];

function named(statements: Statement[], name: string, legacy = false): NamedPolicy {
  const json = JSON.stringify({ ...(legacy ? {} : { Version: '2012-10-17' }), Statement: statements });
  return { name, kind: 'inline', document: parsePolicyDocument(json, name) };
}

function evaluate(s: Scenario): ActionCheck[] {
  const requests = executionRoleRequests(s.facts ?? KNOWN_NETWORK);
  const identity = s.identity.map((st, i) => named(st, `policy-${i + 1}`, s.legacyVersion));
  const checks = fromPolicies(evaluateRequests(identity, requests));
  return s.boundary
    ? capByBoundary(checks, evaluateRequests([named(s.boundary, 'boundary')], requests))
    : checks;
}

const letters = (checks: ActionCheck[]) =>
  SIX.map((action) => {
    const d = checks.find((c) => c.action === action)?.decision;
    return d !== undefined && d in LETTER ? LETTER[d as keyof typeof LETTER] : '?';
  }).join('');

describe('execution-role scenarios: the answers AWS would give', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_, s) => {
    expect(letters(evaluate(s))).toBe(s.truth);
  });

  it('counts no false "allowed" and decides every decidable answer', () => {
    let falseAllowed = 0;
    let decidable = 0;
    let decided = 0;
    for (const s of scenarios) {
      const got = letters(evaluate(s));
      [...s.truth].forEach((truth, i) => {
        const answer = got[i] as Truth | '?';
        if (answer === 'A' && truth !== 'A') falseAllowed++;
        if (truth === 'C') return;
        decidable++;
        if (answer !== 'C' && answer !== '?') decided++;
      });
    }
    expect(scenarios.length * 6).toBeGreaterThanOrEqual(384);
    expect(falseAllowed).toBe(0);
    expect(decided / decidable).toBeGreaterThanOrEqual(0.95);
  });
});
