import { describe, expect, it } from 'vitest';
import {
  assertSamePartition,
  parseDuration,
  parseFunctionRef,
  parseIdList,
  partitionOf,
  requireUnqualified,
  validateEndpointUrl,
  validateRegion,
} from '../../src/core/validate.js';
import { CliError } from '../../src/errors.js';

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
};

describe('parseFunctionRef', () => {
  it.each([
    ['my-fn', { id: 'my-fn', name: 'my-fn' }],
    ['my-fn:prod', { id: 'my-fn', name: 'my-fn', qualifier: 'prod' }],
    [
      '123456789012:function:my-fn',
      { id: '123456789012:function:my-fn', name: 'my-fn', accountId: '123456789012' },
    ],
    [
      'arn:aws:lambda:eu-west-1:123456789012:function:my-fn:7',
      {
        id: 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn',
        name: 'my-fn',
        region: 'eu-west-1',
        partition: 'aws',
        accountId: '123456789012',
        qualifier: '7',
      },
    ],
    [
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f_1',
      {
        id: 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f_1',
        name: 'f_1',
        region: 'us-gov-west-1',
        partition: 'aws-us-gov',
        accountId: '123456789012',
      },
    ],
  ])('parses %s', (input, expected) => {
    expect(parseFunctionRef(input)).toEqual(expected);
  });

  it.each(['', 'my fn', 'a'.repeat(65), 'arn:aws:lambda:us-east-1:12345:function:x'])(
    'rejects %j',
    (input) => {
      expect(usage(() => parseFunctionRef(input))).toMatch(/is not a Lambda function name or ARN/);
    },
  );

  it('lets attach/detach through only for $LATEST', () => {
    expect(requireUnqualified(parseFunctionRef('my-fn:$LATEST'), 'attach')).toEqual({
      id: 'my-fn',
      name: 'my-fn',
    });
    expect(usage(() => requireUnqualified(parseFunctionRef('my-fn:3'), 'attach'))).toMatch(
      /\$LATEST only.*'my-fn:3'/,
    );
    expect(usage(() => requireUnqualified(parseFunctionRef('my-fn:live'), 'detach'))).toMatch(
      /detach changes \$LATEST only/,
    );
  });
});

describe('an argument shaped like another AWS resource is not a function', () => {
  it.each([
    ['subnet-0bbb', 'a subnet ID'],
    ['subnet-0123456789abcdef1', 'a subnet ID'],
    ['sg-0123456789abcdef0', 'a security group ID'],
    ['vpc-0a1b2c3d', 'a VPC ID'],
    ['vpce-0123456789abcdef0', 'a VPC endpoint ID'],
    ['eni-0123456789abcdef0', 'a network interface ID'],
    ['rtb-0123456789abcdef0', 'a route table ID'],
    ['igw-0123456789abcdef0', 'an internet gateway ID'],
    ['nat-0123456789abcdef0', 'a NAT gateway ID'],
    ['acl-0123456789abcdef0', 'a network ACL ID'],
    ['pl-0123456789abcdef0', 'a prefix list ID'],
    ['arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123456789abcdef1', 'an ARN of ec2'],
    ['arn:aws:s3:::bucket', 'an ARN of s3'],
    ['arn:aws:iam::123456789012:role/my-role', 'an ARN of iam'],
    ['arn:aws:lambda:us-east-1:123456789012:layer:deps:3', 'an ARN of a Lambda layer'],
  ])('refuses %s as %s', (input, label) => {
    expect(usage(() => parseFunctionRef(input))).toBe(
      `'${input}' looks like ${label}, not a Lambda function.`,
    );
  });

  it('names that merely begin like one, and ARNs of such functions, are functions', () => {
    expect(parseFunctionRef('subnet-router').name).toBe('subnet-router');
    expect(parseFunctionRef('sg-sync').name).toBe('sg-sync');
    expect(parseFunctionRef('vpc-0bbb-cleanup').name).toBe('vpc-0bbb-cleanup');
    expect(parseFunctionRef('123456789012:function:subnet-0bbb').name).toBe('subnet-0bbb');
  });
});

describe('parseIdList', () => {
  it('splits, trims and removes duplicates with a note', () => {
    expect(
      parseIdList(['subnet-0123456789abcdef0, subnet-01234567', 'subnet-0123456789abcdef0'], 'subnet'),
    ).toEqual({
      ids: ['subnet-0123456789abcdef0', 'subnet-01234567'],
      notes: ['Removed 1 duplicate subnet ID from --subnets.'],
    });
  });

  it.each([
    [['subnet-xyz'], 'subnet', /'subnet-xyz' is not a valid subnet ID/],
    [['sg-0123456789abcdef0'], 'subnet', /is not a valid subnet ID/],
    [['subnet-0123456789ABCDEF0'], 'subnet', /is not a valid subnet ID/],
    [[','], 'subnet', /--subnets needs at least one subnet ID/],
    [['sg-1234'], 'securityGroup', /'sg-1234' is not a valid security group ID/],
  ] as const)('rejects %j as %s', (raw, kind, message) => {
    expect(usage(() => parseIdList(raw, kind))).toMatch(message);
  });

  it('enforces the limits of 16 subnets and 5 groups after removing duplicates', () => {
    const subnets = Array.from({ length: 17 }, (_, i) => `subnet-${String(i).padStart(8, '0')}`);
    expect(usage(() => parseIdList(subnets, 'subnet'))).toBe(
      '--subnets has 17 subnets; Lambda allows at most 16.',
    );
    expect(parseIdList([...subnets.slice(0, 16), subnets[0] ?? ''], 'subnet').ids).toHaveLength(16);
    const groups = Array.from({ length: 6 }, (_, i) => `sg-${String(i).padStart(8, '0')}`);
    expect(usage(() => parseIdList(groups, 'securityGroup'))).toMatch(
      /has 6 security groups; Lambda allows at most 5/,
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5m', 90_000],
  ])('%s → %i ms', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });

  it.each(['', 'soon', '5x', '-1', '0', '25h', '10m junk'])('rejects %j', (raw) => {
    expect(usage(() => parseDuration(raw))).toMatch(/--timeout/);
  });
});

describe('global flag validation', () => {
  it('accepts region codes and rejects other text', () => {
    expect(validateRegion('ap-southeast-2')).toBe('ap-southeast-2');
    expect(validateRegion('us-gov-west-1')).toBe('us-gov-west-1');
    expect(usage(() => validateRegion('US-EAST-1'))).toMatch(/not an AWS region name/);
    expect(usage(() => validateRegion('useast1'))).toMatch(/not an AWS region name/);
  });

  it('accepts http(s) endpoint URLs only', () => {
    expect(validateEndpointUrl('http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566');
    expect(usage(() => validateEndpointUrl('localhost:4566'))).toMatch(/must use http or https|is not a URL/);
    expect(usage(() => validateEndpointUrl('not a url'))).toMatch(/is not a URL/);
  });
});

describe('partitions', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    const arn = `arn:${partition}:lambda:${region}:123456789012:function:f`;
    expect(() => assertSamePartition(parseFunctionRef(arn), region, arn)).not.toThrow();
  });

  it('refuses an ARN of another partition, and says where its ARNs begin', () => {
    const arn = 'arn:aws-cn:lambda:us-east-1:123456789012:function:f';
    expect(usage(() => assertSamePartition(parseFunctionRef(arn), 'us-east-1', arn))).toBe(
      `'${arn}' is an ARN of the aws-cn partition, but the region in use, us-east-1, is in aws.`,
    );
    const gov = 'arn:aws:lambda:us-gov-east-1:123456789012:function:f';
    expect(usage(() => assertSamePartition(parseFunctionRef(gov), 'us-gov-east-1', gov))).toMatch(
      /is in aws-us-gov\.$/,
    );
  });

  it('names and partial ARNs carry no partition: nothing to check', () => {
    for (const input of ['f', '123456789012:function:f'])
      expect(() => assertSamePartition(parseFunctionRef(input), 'cn-north-1', input)).not.toThrow();
  });
});
