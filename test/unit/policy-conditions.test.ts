// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are policy text, where ${…} is a policy variable.
import { describe, expect, it } from 'vitest';
import {
  escapeGlob,
  evaluateCondition,
  globMatch,
  type KeyLookup,
  literalOf,
  type PolicyTextOptions,
  parseDate,
  substituteVariables,
  type Truth,
} from '../../src/core/policy-conditions.js';
import { type ConditionContext, lookupKey } from '../../src/core/request-facts.js';

// What a request context is known to hold. A key the fixture does not list is a mistake in the
// test, not an unknown value, so the lookup refuses it.
interface Facts {
  values?: Record<string, string[]>;
  absent?: string[];
  unknown?: string[];
}

function lookupFrom(facts: Facts): KeyLookup {
  const lower = (k: string) => k.toLowerCase();
  const context: ConditionContext = {
    values: Object.fromEntries(Object.entries(facts.values ?? {}).map(([k, v]) => [lower(k), v])),
    absent: (facts.absent ?? []).map(lower),
    absentPrefixes: [],
  };
  const unknown = new Set((facts.unknown ?? []).map(lower));
  return (key) => {
    const value = lookupKey(key, context);
    if (value.kind === 'unknown' && !unknown.has(lower(key))) throw new Error(`fixture does not list ${key}`);
    return value;
  };
}

const merge = (a: Facts, b: Facts): Facts => ({
  values: { ...a.values, ...b.values },
  absent: [...(a.absent ?? []), ...(b.absent ?? [])],
  unknown: [...(a.unknown ?? []), ...(b.unknown ?? [])],
});

const ROLE = 'arn:aws:iam::123456789012:role/app-role';
const VPC = 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d';

// Lambda calling EC2 with the execution role: no source IP, VPC or MFA, the role's tags read.
const LAMBDA: Facts = {
  values: {
    'aws:RequestedRegion': ['us-east-1'],
    'aws:PrincipalArn': [ROLE],
    'aws:PrincipalAccount': ['123456789012'],
    'aws:PrincipalTag/team': ['payments'],
    'aws:CurrentTime': ['2026-12-03T12:00:00Z'],
    'aws:EpochTime': ['1796299200'],
    'ec2:Vpc': [VPC],
    'ec2:ResourceTag/team': ['payments'],
  },
  absent: [
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:MultiFactorAuthPresent',
    'aws:MultiFactorAuthAge',
    'aws:username',
    'aws:PrincipalTag/owner',
    'ec2:ResourceTag/owner',
  ],
  unknown: ['aws:PrincipalTag/cost-center', 'ec2:ResourceTag/env'],
};

// An IAM user calling Lambda from an office address with MFA, configuring two subnets.
const CALLER: Facts = {
  values: {
    'aws:username': ['alice'],
    'aws:PrincipalArn': ['arn:aws:iam::123456789012:user/alice'],
    'aws:SourceIp': ['203.0.113.5'],
    'aws:MultiFactorAuthPresent': ['true'],
    'aws:MultiFactorAuthAge': ['300'],
    'lambda:SubnetIds': ['subnet-0aaa', 'subnet-0bbb'],
    'lambda:VpcIds': ['vpc-0a1b2c3d'],
  },
  absent: ['aws:SourceVpce'],
  unknown: ['lambda:SecurityGroupIds'],
};

interface Case {
  name: string;
  condition: Record<string, unknown>;
  facts: Facts;
  result: Truth;
  unknownKeys?: string[];
  options?: PolicyTextOptions;
}

function check(cases: Case[]) {
  it.each(cases)('$name', ({ condition, facts, result, unknownKeys = [], options }) => {
    expect(evaluateCondition(condition, lookupFrom(facts), options)).toEqual({ result, unknownKeys });
  });
}

describe('evaluateCondition: string operators', () => {
  check([
    {
      name: 'StringEquals matches exactly',
      condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringEquals is case-sensitive',
      condition: { StringEquals: { 'aws:RequestedRegion': 'US-EAST-1' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringEquals: any of the policy values (OR)',
      condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringEquals: none of the policy values',
      condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringEquals takes * literally',
      condition: { StringEquals: { 'aws:RequestedRegion': 'us-*' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringNotEquals: the value is the one excluded',
      condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringNotEquals: another value',
      condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringNotEquals over a list is NOR: one equal value fails it',
      condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringNotEquals over a list is NOR: no equal value passes it',
      condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringEqualsIgnoreCase ignores case',
      condition: { StringEqualsIgnoreCase: { 'aws:RequestedRegion': 'US-East-1' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringNotEqualsIgnoreCase ignores case',
      condition: { StringNotEqualsIgnoreCase: { 'aws:RequestedRegion': 'US-East-1' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringLike with *',
      condition: { StringLike: { 'aws:RequestedRegion': 'us-*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringLike with ?',
      condition: { StringLike: { 'aws:RequestedRegion': 'us-?ast-1' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringLike ? is exactly one character',
      condition: { StringLike: { 'aws:RequestedRegion': 'us-east-?1' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringLike is case-sensitive',
      condition: { StringLike: { 'aws:RequestedRegion': 'US-*' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'StringLike * spans colons and slashes',
      condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*/app-*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringNotLike: the value does not match',
      condition: { StringNotLike: { 'aws:RequestedRegion': 'eu-*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'StringNotLike: the value matches',
      condition: { StringNotLike: { 'aws:RequestedRegion': ['eu-*', 'us-*'] } },
      facts: LAMBDA,
      result: false,
    },
  ]);
});

describe('evaluateCondition: numeric, date, Bool and binary operators', () => {
  const MFA_AGE = 'aws:MultiFactorAuthAge';
  check([
    {
      name: 'NumericLessThan',
      condition: { NumericLessThan: { [MFA_AGE]: '3600' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'NumericLessThan at the bound',
      condition: { NumericLessThan: { [MFA_AGE]: '300' } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'NumericLessThanEquals at the bound',
      condition: { NumericLessThanEquals: { [MFA_AGE]: '300' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'NumericGreaterThan',
      condition: { NumericGreaterThan: { [MFA_AGE]: '3600' } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'NumericGreaterThanEquals',
      condition: { NumericGreaterThanEquals: { [MFA_AGE]: '301' } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'NumericEquals with a JSON number',
      condition: { NumericEquals: { [MFA_AGE]: 300 } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'NumericEquals compares numbers, not text',
      condition: { NumericEquals: { [MFA_AGE]: '300.0' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'NumericNotEquals',
      condition: { NumericNotEquals: { [MFA_AGE]: ['100', '300'] } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'a policy value that is not a number is not read',
      condition: { NumericLessThan: { [MFA_AGE]: 'an hour' } },
      facts: CALLER,
      result: 'unknown',
      unknownKeys: [MFA_AGE],
    },
    {
      name: 'DateLessThan with an ISO 8601 time',
      condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'DateGreaterThan with a date only',
      condition: { DateGreaterThan: { 'aws:CurrentTime': '2027-01-01' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'DateEquals with epoch seconds',
      condition: { DateEquals: { 'aws:CurrentTime': '1796299200' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'DateEquals with epoch seconds on both sides',
      condition: { DateEquals: { 'aws:EpochTime': 1796299200 } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'DateEquals with a zone offset',
      condition: { DateEquals: { 'aws:CurrentTime': '2026-12-03T13:00:00+01:00' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'DateEquals: a time without a zone is UTC',
      condition: { DateEquals: { 'aws:CurrentTime': '2026-12-03T12:00:00' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'DateNotEquals',
      condition: { DateNotEquals: { 'aws:CurrentTime': '2026-12-03T12:00:00Z' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'DateLessThanEquals at the bound',
      condition: { DateLessThanEquals: { 'aws:CurrentTime': '2026-12-03T12:00:00.000Z' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'DateGreaterThanEquals',
      condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-12-03T12:00:01Z' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'a date that does not exist is not read',
      condition: { DateLessThan: { 'aws:CurrentTime': '2027-02-30' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:CurrentTime'],
    },
    {
      name: 'Bool with a string',
      condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'Bool with a JSON boolean',
      condition: { Bool: { 'aws:MultiFactorAuthPresent': true } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'Bool false against true',
      condition: { Bool: { 'aws:MultiFactorAuthPresent': false } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'Bool false against an absent key is false',
      condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'BoolIfExists false against an absent key is true',
      condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'BinaryEquals',
      condition: { BinaryEquals: { 'example:Blob': 'QmluYXJ5' } },
      facts: { values: { 'example:Blob': ['QmluYXJ5'] } },
      result: true,
    },
    {
      name: 'BinaryEquals, other bytes',
      condition: { BinaryEquals: { 'example:Blob': 'T3RoZXI=' } },
      facts: { values: { 'example:Blob': ['QmluYXJ5'] } },
      result: false,
    },
    {
      name: 'BinaryEquals, not base64',
      condition: { BinaryEquals: { 'example:Blob': 'not base64!' } },
      facts: { values: { 'example:Blob': ['QmluYXJ5'] } },
      result: 'unknown',
      unknownKeys: ['example:Blob'],
    },
  ]);
});

describe('evaluateCondition: IP address and ARN operators', () => {
  const V6: Facts = { values: { 'aws:SourceIp': ['2001:db8:1::7'] } };
  const FN: Facts = { values: { 'aws:SourceArn': ['arn:aws:lambda:us-east-1:123456789012:function:my-fn'] } };
  check([
    {
      name: 'IpAddress in an IPv4 range',
      condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'IpAddress outside the range',
      condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'IpAddress: a bare address is a /32',
      condition: { IpAddress: { 'aws:SourceIp': ['198.51.100.7', '203.0.113.5'] } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'IpAddress: a bare address is not its neighbour',
      condition: { IpAddress: { 'aws:SourceIp': '203.0.113.6' } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'NotIpAddress outside the range',
      condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'NotIpAddress inside one range',
      condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'IpAddress in an IPv6 range',
      condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      facts: V6,
      result: true,
    },
    {
      name: 'IpAddress: an IPv6 bare address is a /128',
      condition: { IpAddress: { 'aws:SourceIp': '2001:db8:1::8' } },
      facts: V6,
      result: false,
    },
    {
      name: 'IpAddress: an IPv6 address is in no IPv4 range',
      condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
      facts: V6,
      result: false,
    },
    {
      name: 'ArnLike with a wildcard in the resource',
      condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'ArnEquals matches part by part with wildcards',
      condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app-role' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'ArnLike is case-sensitive',
      condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/APP-ROLE' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'ArnLike: a * stays inside its own part',
      condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:function:my-fn' } },
      facts: FN,
      result: false,
    },
    {
      name: 'ArnLike: the resource part keeps its colons',
      condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:*:function:my-*' } },
      facts: FN,
      result: true,
    },
    {
      name: 'ArnNotLike',
      condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/other-*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'ArnNotEquals the same ARN',
      condition: { ArnNotEquals: { 'aws:PrincipalArn': ROLE } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'ArnLike: a request value that is not an ARN matches nothing',
      condition: { ArnLike: { 'aws:SourceArn': 'arn:*:*:*:*:*' } },
      facts: { values: { 'aws:SourceArn': ['my-fn'] } },
      result: false,
    },
    {
      name: 'ArnNotLike: a request value that is not an ARN matches nothing',
      condition: { ArnNotLike: { 'aws:SourceArn': 'arn:*:*:*:*:*' } },
      facts: { values: { 'aws:SourceArn': ['my-fn'] } },
      result: true,
    },
    {
      name: 'ArnLike: a pattern of fewer than six parts is not read',
      condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:*' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:PrincipalArn'],
    },
  ]);
});

describe('evaluateCondition: absent keys, IfExists and Null', () => {
  // "If the key … is not present in the request context, the values do not match and the condition
  // is false", except for the negated operators, which are then true.
  const negated: Array<[string, unknown]> = [
    ['StringNotEquals', 'vpc-1'],
    ['StringNotLike', 'vpc-*'],
    ['StringNotEqualsIgnoreCase', 'VPC-1'],
    ['ArnNotEquals', VPC],
    ['ArnNotLike', 'arn:aws:ec2:*:*:vpc/*'],
    ['NumericNotEquals', '1'],
    ['DateNotEquals', '2026-01-01'],
    ['NotIpAddress', '10.0.0.0/8'],
  ];
  const positive: Array<[string, unknown]> = [
    ['StringEquals', 'vpc-1'],
    ['StringLike', '*'],
    ['StringEqualsIgnoreCase', 'VPC-1'],
    ['ArnLike', 'arn:*:*:*:*:*'],
    ['NumericLessThan', '1'],
    ['DateLessThan', '2030-01-01'],
    ['Bool', 'true'],
    ['BinaryEquals', 'QmluYXJ5'],
    ['IpAddress', '0.0.0.0/0'],
  ];
  check([
    ...negated.map(([op, value]) => ({
      name: `${op} on an absent key is true`,
      condition: { [op]: { 'aws:SourceVpc': value } },
      facts: LAMBDA,
      result: true as const,
    })),
    ...positive.map(([op, value]) => ({
      name: `${op} on an absent key is false`,
      condition: { [op]: { 'aws:SourceVpc': value } },
      facts: LAMBDA,
      result: false as const,
    })),
    ...positive.map(([op, value]) => ({
      name: `${op}IfExists on an absent key is true`,
      condition: { [`${op}IfExists`]: { 'aws:SourceVpc': value } },
      facts: LAMBDA,
      result: true as const,
    })),
    {
      name: 'IfExists on a present key tests it',
      condition: { StringEqualsIfExists: { 'ec2:Vpc': 'arn:aws:ec2:*' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'IfExists on a present matching key',
      condition: { ArnLikeIfExists: { 'ec2:Vpc': 'arn:aws:ec2:us-east-1:*:vpc/*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'IfExists on an unknown key stays open',
      condition: { StringEqualsIfExists: { 'ec2:ResourceTag/env': 'prod' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['ec2:ResourceTag/env'],
    },
    {
      name: 'an unknown key stays open under a negated operator too',
      condition: { StringNotEquals: { 'ec2:ResourceTag/env': 'prod' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['ec2:ResourceTag/env'],
    },
    {
      name: 'Null true: the key is absent',
      condition: { Null: { 'aws:SourceVpc': 'true' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'Null true with a JSON boolean',
      condition: { Null: { 'aws:SourceVpc': true } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'Null false: the key is absent',
      condition: { Null: { 'aws:SourceVpc': 'false' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'Null false: the key is present',
      condition: { Null: { 'ec2:Vpc': 'false' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'Null true: the key is present',
      condition: { Null: { 'ec2:Vpc': 'true' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'Null on an empty list of values: absent',
      condition: { Null: { 'lambda:SubnetIds': 'true' } },
      facts: { values: { 'lambda:SubnetIds': [] } },
      result: true,
    },
    {
      name: 'Null on an unknown key',
      condition: { Null: { 'aws:PrincipalTag/cost-center': 'false' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:PrincipalTag/cost-center'],
    },
    {
      name: 'Null with a value that is not a boolean',
      condition: { Null: { 'aws:SourceVpc': 'yes' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:SourceVpc'],
    },
    {
      name: 'NullIfExists is no operator',
      condition: { NullIfExists: { 'aws:SourceVpc': 'true' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['NullIfExists'],
    },
    {
      name: 'ForAnyValue:Null is no operator',
      condition: { 'ForAnyValue:Null': { 'aws:SourceVpc': 'true' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['ForAnyValue:Null'],
    },
  ]);
});

describe('evaluateCondition: set operators and multivalued keys', () => {
  const SUBNETS = 'lambda:SubnetIds';
  const subnets = (...ids: string[]): Facts => ({ values: { [SUBNETS]: ids } });
  const NONE: Facts = { absent: [SUBNETS] };
  check([
    {
      name: 'ForAllValues: every requested subnet is approved',
      condition: {
        'ForAllValues:StringEquals': { [SUBNETS]: ['subnet-0aaa', 'subnet-0bbb', 'subnet-0ccc'] },
      },
      facts: CALLER,
      result: true,
    },
    {
      name: 'ForAllValues: one requested subnet is not approved',
      condition: { 'ForAllValues:StringEquals': { [SUBNETS]: ['subnet-0aaa', 'subnet-0ccc'] } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'ForAllValues: an absent key passes',
      condition: { 'ForAllValues:StringEquals': { [SUBNETS]: 'subnet-0aaa' } },
      facts: NONE,
      result: true,
    },
    {
      name: 'ForAllValues: an empty set passes',
      condition: { 'ForAllValues:StringEquals': { [SUBNETS]: 'subnet-0aaa' } },
      facts: subnets(),
      result: true,
    },
    {
      name: 'ForAllValues: an unknown key stays open',
      condition: { 'ForAllValues:StringEquals': { 'lambda:SecurityGroupIds': 'sg-1' } },
      facts: CALLER,
      result: 'unknown',
      unknownKeys: ['lambda:SecurityGroupIds'],
    },
    {
      name: 'ForAllValues:StringLike',
      condition: { 'ForAllValues:StringLike': { [SUBNETS]: 'subnet-0*' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'ForAllValues:StringNotEquals: no requested subnet is banned',
      condition: { 'ForAllValues:StringNotEquals': { [SUBNETS]: ['subnet-0ccc'] } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'ForAllValues:StringNotEquals: one requested subnet is banned',
      condition: { 'ForAllValues:StringNotEquals': { [SUBNETS]: ['subnet-0bbb'] } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'ForAllValues:StringEqualsIfExists on an absent key',
      condition: { 'ForAllValues:StringEqualsIfExists': { [SUBNETS]: 'subnet-0aaa' } },
      facts: NONE,
      result: true,
    },
    {
      name: 'ForAnyValue: one requested subnet matches',
      condition: { 'ForAnyValue:StringEquals': { [SUBNETS]: 'subnet-0bbb' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'ForAnyValue: none matches',
      condition: { 'ForAnyValue:StringEquals': { [SUBNETS]: 'subnet-0ccc' } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'ForAnyValue: an absent key fails',
      condition: { 'ForAnyValue:StringEquals': { [SUBNETS]: 'subnet-0aaa' } },
      facts: NONE,
      result: false,
    },
    {
      name: 'ForAnyValue: an empty set fails',
      condition: { 'ForAnyValue:StringEquals': { [SUBNETS]: 'subnet-0aaa' } },
      facts: subnets(),
      result: false,
    },
    {
      name: 'ForAnyValue:StringNotEquals: one requested subnet is not the one named',
      condition: { 'ForAnyValue:StringNotEquals': { [SUBNETS]: 'subnet-0aaa' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'ForAnyValue:StringNotEquals: every requested subnet is named',
      condition: { 'ForAnyValue:StringNotEquals': { [SUBNETS]: ['subnet-0aaa', 'subnet-0bbb'] } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'ForAnyValue:StringNotEquals on an absent key fails',
      condition: { 'ForAnyValue:StringNotEquals': { [SUBNETS]: 'subnet-0aaa' } },
      facts: NONE,
      result: false,
    },
    {
      name: 'ForAnyValue:StringEqualsIfExists on an absent key',
      condition: { 'ForAnyValue:StringEqualsIfExists': { [SUBNETS]: 'subnet-0aaa' } },
      facts: NONE,
      result: true,
    },
    {
      name: 'ForAnyValue:ArnLike',
      condition: { 'ForAnyValue:ArnLike': { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'no set operator, every value matches',
      condition: { StringEquals: { [SUBNETS]: ['subnet-0aaa', 'subnet-0bbb'] } },
      facts: CALLER,
      result: true,
    },
    {
      name: 'no set operator, no value matches',
      condition: { StringEquals: { [SUBNETS]: ['subnet-0ccc'] } },
      facts: CALLER,
      result: false,
    },
    {
      name: 'no set operator, some values match: AWS does not say',
      condition: { StringEquals: { [SUBNETS]: 'subnet-0aaa' } },
      facts: CALLER,
      result: 'unknown',
      unknownKeys: [SUBNETS],
    },
    {
      name: 'a single-valued key with a set operator',
      condition: { 'ForAllValues:StringEquals': { 'lambda:VpcIds': 'vpc-0a1b2c3d' } },
      facts: CALLER,
      result: true,
    },
  ]);
});

describe('evaluateCondition: three values, keys and operators', () => {
  check([
    { name: 'an empty block holds', condition: {}, facts: LAMBDA, result: true },
    {
      name: 'false AND unknown is false, across operators',
      condition: {
        StringEquals: { 'aws:RequestedRegion': 'eu-west-1' },
        StringLike: { 'aws:PrincipalTag/cost-center': 'cc-*' },
      },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'false AND unknown is false, across keys of one operator',
      condition: {
        StringEquals: { 'aws:PrincipalTag/cost-center': 'cc-1', 'aws:RequestedRegion': 'eu-west-1' },
      },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'true AND unknown names only the unknown key',
      condition: {
        StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
        StringLike: { 'aws:PrincipalTag/cost-center': 'cc-*' },
      },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:PrincipalTag/cost-center'],
    },
    {
      name: 'two unknown keys are both named',
      condition: {
        StringEquals: { 'aws:PrincipalTag/cost-center': 'cc-1' },
        StringLike: { 'ec2:ResourceTag/env': 'prod' },
      },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:PrincipalTag/cost-center', 'ec2:ResourceTag/env'],
    },
    {
      name: 'key names are case-insensitive',
      condition: { StringEquals: { 'AWS:REQUESTEDREGION': 'us-east-1' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'an unknown key is named as the policy writes it',
      condition: { StringEquals: { 'AWS:PrincipalTag/Cost-Center': 'cc-1' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['AWS:PrincipalTag/Cost-Center'],
    },
    {
      name: 'operator names are case-sensitive',
      condition: { stringequals: { 'aws:RequestedRegion': 'us-east-1' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['stringequals'],
    },
    {
      name: 'a misspelt operator is never true',
      condition: { StringEqual: { 'aws:RequestedRegion': 'us-east-1' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['StringEqual'],
    },
    {
      name: 'a misspelt set operator',
      condition: { 'ForAllValue:StringEquals': { 'aws:RequestedRegion': 'us-east-1' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['ForAllValue:StringEquals'],
    },
    {
      name: 'a false operator decides next to a misspelt one',
      condition: {
        StringEqual: { 'aws:RequestedRegion': 'us-east-1' },
        StringEquals: { 'aws:RequestedRegion': 'eu-west-1' },
      },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'an operator named like an Object member is no operator',
      condition: { constructor: { 'aws:RequestedRegion': 'us-east-1' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['constructor'],
    },
    {
      name: 'a key named like an Object member has no known value',
      condition: { StringNotEquals: { constructor: 'x' } },
      // The request context has no such key; it must not find Object.prototype's.
      facts: merge(LAMBDA, { unknown: ['constructor'] }),
      result: 'unknown',
      unknownKeys: ['constructor'],
    },
    {
      name: 'an operator whose value is not an object',
      condition: { StringEquals: 'us-east-1' },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['StringEquals'],
    },
    {
      name: 'an empty list of policy values is not read, even under a negated operator',
      condition: { StringNotEquals: { 'aws:RequestedRegion': [] } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:RequestedRegion'],
    },
    {
      name: 'a policy value that is not a scalar',
      condition: { StringEquals: { 'aws:RequestedRegion': { region: 'us-east-1' } } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:RequestedRegion'],
    },
  ]);
});

describe('evaluateCondition: policy variables', () => {
  const TAG = 'ec2:ResourceTag/team';
  check([
    {
      name: 'a variable with a value',
      condition: { StringEquals: { [TAG]: '${aws:PrincipalTag/team}' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'a variable with another value',
      condition: { StringEquals: { [TAG]: '${aws:PrincipalTag/team}' } },
      facts: merge(LAMBDA, { values: { [TAG]: ['ops'] } }),
      result: false,
    },
    {
      name: 'a variable inside a value',
      condition: {
        StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/app-role' },
      },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'a variable in an ARN pattern',
      condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'a variable with no value makes the comparison false',
      condition: { StringEquals: { [TAG]: '${aws:PrincipalTag/owner}' } },
      facts: LAMBDA,
      result: false,
    },
    {
      // AWS: such a variable "might cause the entire statement to be invalid"; a Deny written
      // this way may or may not apply, so the comparison is open, not a match.
      name: 'a variable with no value leaves a negated comparison open',
      condition: { StringNotEquals: { [TAG]: '${aws:PrincipalTag/owner}' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: [TAG],
    },
    {
      name: 'aws:username matches nothing for a role',
      condition: { StringLike: { 'aws:PrincipalArn': '*${aws:username}*' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: 'a variable with no value leaves the other policy values',
      condition: { StringEquals: { [TAG]: ['${aws:PrincipalTag/owner}', 'payments'] } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'a default for a variable with no value',
      condition: { StringEquals: { [TAG]: "${aws:PrincipalTag/owner, 'payments'}" } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'a default is not used when the variable has a value',
      condition: { StringEquals: { [TAG]: "${aws:PrincipalTag/team, 'ops'}" } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'a default with spaces and a doubled quote',
      condition: { StringEquals: { 'ec2:ResourceTag/owner2': "${ aws:PrincipalTag/owner , 'it''s me' }" } },
      facts: merge(LAMBDA, { values: { 'ec2:ResourceTag/owner2': ["it's me"] } }),
      result: true,
    },
    {
      name: 'a variable whose value is unknown',
      condition: { StringEquals: { [TAG]: '${aws:PrincipalTag/cost-center}' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['aws:PrincipalTag/cost-center'],
    },
    {
      name: 'an unknown variable in one value, a match in another',
      condition: { StringEquals: { [TAG]: ['${aws:PrincipalTag/cost-center}', 'payments'] } },
      facts: LAMBDA,
      result: true,
    },
    {
      name: 'an unknown variable next to a variable with no value is false',
      condition: { StringEquals: { [TAG]: '${aws:PrincipalTag/cost-center}-${aws:PrincipalTag/owner}' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: '${*} is a literal star',
      condition: { StringLike: { 'example:Name': 'a${*}b' } },
      facts: { values: { 'example:Name': ['axb'] } },
      result: false,
    },
    {
      name: '${*} matches a star',
      condition: { StringLike: { 'example:Name': 'a${*}b' } },
      facts: { values: { 'example:Name': ['a*b'] } },
      result: true,
    },
    {
      name: '${?} and ${$} in StringEquals',
      condition: { StringEquals: { 'example:Name': 'what${?} ${$}5' } },
      facts: { values: { 'example:Name': ['what? $5'] } },
      result: true,
    },
    {
      name: "a substituted value's * is literal in StringLike",
      condition: {
        StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/${aws:PrincipalTag/prefix}-*' },
      },
      facts: merge(LAMBDA, {
        values: {
          'aws:PrincipalTag/prefix': ['app*'],
          'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/apps-x'],
        },
      }),
      result: false,
    },
    {
      name: 'a multivalued key is no variable',
      condition: { StringEquals: { 'lambda:VpcIds': '${lambda:SubnetIds}' } },
      facts: CALLER,
      result: 'unknown',
      unknownKeys: ['lambda:SubnetIds'],
    },
    {
      name: 'a variable never closed is not read',
      condition: { StringEquals: { [TAG]: '${aws:PrincipalTag/team' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['${aws:PrincipalTag/team'],
    },
    {
      name: 'numeric operators take no variables',
      condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '${aws:PrincipalTag/max-age}' } },
      facts: CALLER,
      result: 'unknown',
      unknownKeys: ['aws:MultiFactorAuthAge'],
    },
    {
      name: 'a 2008-10-17 document compares ${…} as written',
      condition: { StringEquals: { 'example:Name': '${aws:username}' } },
      facts: { values: { 'example:Name': ['${aws:username}'] } },
      options: { policyVersion: '2008-10-17' },
      result: true,
    },
    {
      name: 'a document without a Version compares ${…} as written',
      condition: { StringEquals: { 'example:Name': '${aws:username}' } },
      facts: { values: { 'example:Name': ['${aws:username}'] } },
      options: { policyVersion: undefined },
      result: true,
    },
    {
      name: 'a variable with no value decides even a key whose value is unknown',
      condition: { StringEquals: { 'ec2:ResourceTag/env': '${aws:username}' } },
      facts: LAMBDA,
      result: false,
    },
    {
      name: '… but not under IfExists, where the key may be absent',
      condition: { StringEqualsIfExists: { 'ec2:ResourceTag/env': '${aws:username}' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['ec2:ResourceTag/env'],
    },
    {
      name: 'an unknown key compared with an unknown variable names both',
      condition: { StringEquals: { 'ec2:ResourceTag/env': '${aws:PrincipalTag/cost-center}' } },
      facts: LAMBDA,
      result: 'unknown',
      unknownKeys: ['ec2:ResourceTag/env', 'aws:PrincipalTag/cost-center'],
    },
    {
      name: 'a 2012-10-17 document substitutes',
      condition: { StringEquals: { 'example:Name': '${aws:username}' } },
      facts: { values: { 'example:Name': ['alice'], 'aws:username': ['alice'] } },
      options: { policyVersion: '2012-10-17' },
      result: true,
    },
  ]);
});

describe('substituteVariables (the Resource element)', () => {
  const FACTS = lookupFrom(merge(LAMBDA, { values: { 'aws:PrincipalTag/prefix': ['a*b?c\\d'] } }));
  it.each([
    {
      text: 'arn:aws:ec2:us-east-1:123456789012:subnet/*',
      want: { kind: 'value', value: 'arn:aws:ec2:us-east-1:123456789012:subnet/*' },
    },
    {
      text: 'arn:aws:ec2:*:${aws:PrincipalAccount}:subnet/*',
      want: { kind: 'value', value: 'arn:aws:ec2:*:123456789012:subnet/*' },
    },
    {
      text: 'arn:aws:s3:::bucket/${aws:PrincipalTag/prefix}/*',
      want: { kind: 'value', value: 'arn:aws:s3:::bucket/a\\*b\\?c\\\\d/*' },
    },
    { text: 'arn:aws:s3:::bucket/a\\b', want: { kind: 'value', value: 'arn:aws:s3:::bucket/a\\\\b' } },
    {
      text: 'arn:aws:s3:::bucket/${*}${?}${$}',
      want: { kind: 'value', value: 'arn:aws:s3:::bucket/\\*\\?$' },
    },
    { text: 'arn:aws:s3:::home/${aws:username}/*', want: { kind: 'noMatch' } },
    {
      text: "arn:aws:s3:::home/${aws:username, 'shared'}/*",
      want: { kind: 'value', value: 'arn:aws:s3:::home/shared/*' },
    },
    {
      text: 'arn:aws:s3:::${aws:PrincipalTag/cost-center}/${ec2:ResourceTag/env}',
      want: { kind: 'unknown', keys: ['aws:PrincipalTag/cost-center', 'ec2:ResourceTag/env'] },
    },
    { text: 'arn:aws:s3:::${aws:PrincipalTag/cost-center}/${aws:username}', want: { kind: 'noMatch' } },
    {
      text: 'arn:aws:s3:::${aws:username, shared}',
      want: { kind: 'unknown', keys: ['${aws:username, shared}'] },
    },
  ])('$text', ({ text, want }) => {
    expect(substituteVariables(text, FACTS)).toEqual(want);
  });

  it('leaves ${…} as written in a document without a Version', () => {
    expect(
      substituteVariables('arn:aws:s3:::home/${aws:username}/*', FACTS, { policyVersion: undefined }),
    ).toEqual({
      kind: 'value',
      value: 'arn:aws:s3:::home/${aws:username}/*',
    });
  });

  it('leaves ${…} as written in a document of another version', () => {
    expect(
      substituteVariables('arn:aws:s3:::home/${aws:username}/*', FACTS, { policyVersion: '2008-10-17' }),
    ).toEqual({ kind: 'value', value: 'arn:aws:s3:::home/${aws:username}/*' });
  });

  it('gives a glob whose substituted wildcards match only themselves', () => {
    const s = substituteVariables('arn:aws:s3:::bucket/${aws:PrincipalTag/prefix}/*', FACTS);
    if (s.kind !== 'value') throw new Error(`expected a value, got ${s.kind}`);
    expect(globMatch(s.value, 'arn:aws:s3:::bucket/a*b?c\\d/report.csv')).toBe(true);
    expect(globMatch(s.value, 'arn:aws:s3:::bucket/aXXbYc\\d/report.csv')).toBe(false);
  });
});

describe('globMatch', () => {
  it.each([
    { pattern: '*', value: '', ignoreCase: false, want: true },
    {
      pattern: 'arn:aws:ec2:*',
      value: 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1',
      ignoreCase: false,
      want: true,
    },
    { pattern: 'ec2:Describe*', value: 'ec2:DescribeSubnets', ignoreCase: false, want: true },
    { pattern: 'ec2:describe*', value: 'ec2:DescribeSubnets', ignoreCase: true, want: true },
    { pattern: 'ec2:describe*', value: 'ec2:DescribeSubnets', ignoreCase: false, want: false },
    {
      pattern: 'ec2:*NetworkInterface',
      value: 'ec2:CreateNetworkInterfacePermission',
      ignoreCase: false,
      want: false,
    },
    { pattern: 'a?c', value: 'abc', ignoreCase: false, want: true },
    { pattern: 'a?c', value: 'ac', ignoreCase: false, want: false },
    { pattern: 'a?', value: 'a😀', ignoreCase: false, want: true },
    { pattern: 'a*b*c', value: 'aXbYbZc', ignoreCase: false, want: true },
    { pattern: 'a*b*c', value: 'aXbYbZ', ignoreCase: false, want: false },
    { pattern: 'a\\*', value: 'a*', ignoreCase: false, want: true },
    { pattern: 'a\\*', value: 'ab', ignoreCase: false, want: false },
    { pattern: 'a\\\\', value: 'a\\', ignoreCase: false, want: true },
    { pattern: 'a\\', value: 'a\\', ignoreCase: false, want: true },
    { pattern: 'x.y', value: 'xzy', ignoreCase: false, want: false },
  ])('$pattern ~ $value (ignoreCase $ignoreCase)', ({ pattern, value, ignoreCase, want }) => {
    expect(globMatch(pattern, value, { ignoreCase })).toBe(want);
  });

  it('stays fast on a pattern that makes regular expressions backtrack', () => {
    const value = 'a'.repeat(5000);
    expect(globMatch(`${'*a'.repeat(30)}b`, value)).toBe(false);
  });

  it('escapeGlob and literalOf round-trip any text', () => {
    const text = 'a*b?c\\d${e}';
    expect(literalOf(escapeGlob(text))).toBe(text);
    expect(globMatch(escapeGlob(text), text)).toBe(true);
    expect(globMatch(escapeGlob(text), 'aXb?c\\d${e}')).toBe(false);
  });
});

describe('parseDate', () => {
  it.each([
    { text: '2026-12-03T12:00:00Z', want: Date.UTC(2026, 11, 3, 12) },
    { text: '2026-12-03T12:00:00', want: Date.UTC(2026, 11, 3, 12) },
    { text: '2026-12-03', want: Date.UTC(2026, 11, 3) },
    { text: '2026-12-03T12:00:00.250Z', want: Date.UTC(2026, 11, 3, 12, 0, 0, 250) },
    { text: '2026-12-03T07:00:00-05:00', want: Date.UTC(2026, 11, 3, 12) },
    { text: '1796299200', want: Date.UTC(2026, 11, 3, 12) },
    { text: '2026-02-29', want: undefined },
    { text: '2026-12-03T25:00:00Z', want: undefined },
    { text: 'yesterday', want: undefined },
  ])('$text', ({ text, want }) => {
    expect(parseDate(text)).toBe(want);
  });
});
