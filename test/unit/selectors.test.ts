import { describe, expect, it } from 'vitest';
import {
  parseResourceList,
  parseSelector,
  parseVpcSelector,
  resolveList,
  selectorFilter,
  selectorMatches,
  wildcardMatches,
} from '../../src/core/selectors.js';
import { CliError } from '../../src/errors.js';

const usage = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return (e as CliError).message;
  }
  throw new Error('expected a usage error');
};

describe('parsing', () => {
  it.each([
    ['name:prod', { kind: 'name', value: 'prod' }],
    ['tag:tier=private', { kind: 'tag', key: 'tier', value: 'private' }],
    ['tag:tier', { kind: 'tag', key: 'tier', value: undefined }],
    ['tag:k=', { kind: 'tag', key: 'k', value: '' }],
    ['tag:a=b=c', { kind: 'tag', key: 'a', value: 'b=c' }],
    ['name:', undefined],
    ['tag:', undefined],
    ['tag:=x', undefined],
    ['prod', undefined],
  ])('%s', (text, want) => expect(parseSelector(text)).toEqual(want));

  it('--vpc takes an ID or a selector, anything else is a usage error', () => {
    expect(parseVpcSelector('vpc-0a1b2c3d4e5f60001')).toEqual({ kind: 'id', id: 'vpc-0a1b2c3d4e5f60001' });
    expect(parseVpcSelector(' name:prod ')).toEqual({ kind: 'name', value: 'prod' });
    expect(usage(() => parseVpcSelector('prod'))).toContain(
      '--vpc prod: not a VPC ID, name:VALUE or tag:KEY=VALUE',
    );
    expect(usage(() => parseVpcSelector('vpc-xyz'))).toContain('not a VPC ID');
  });

  it('a list mixes IDs and selectors, drops duplicate IDs with a note, and counts IDs against the limit', () => {
    const list = parseResourceList(
      ['subnet-0a1b2c3d4e5f60011,tag:tier=private', 'subnet-0a1b2c3d4e5f60011'],
      'subnet',
    );
    expect(list.ids).toEqual(['subnet-0a1b2c3d4e5f60011']);
    expect(list.selectors).toEqual([{ kind: 'tag', key: 'tier', value: 'private' }]);
    expect(list.notes).toEqual(['Removed 1 duplicate subnet ID from --subnets.']);
    expect(usage(() => parseResourceList(['subnet-bad'], 'subnet'))).toBe(
      "'subnet-bad' is not a valid subnet ID (expected e.g. subnet-0123456789abcdef0).",
    );
    expect(usage(() => parseResourceList(['lambda'], 'securityGroup'))).toContain(
      'name:VALUE or tag:KEY=VALUE (--sg)',
    );
    const six = Array.from({ length: 6 }, (_, i) => `sg-0a1b2c3d4e5f6008${i}`).join(',');
    expect(usage(() => parseResourceList([six], 'securityGroup'))).toContain('Lambda allows at most 5');
  });
});

describe('matching', () => {
  it('wildcards as EC2 filters: * and ?, case-sensitive', () => {
    expect(wildcardMatches('prod-*', 'prod-private-a')).toBe(true);
    expect(wildcardMatches('prod-?', 'prod-a')).toBe(true);
    expect(wildcardMatches('prod-?', 'prod-ab')).toBe(false);
    expect(wildcardMatches('Prod', 'prod')).toBe(false);
    expect(wildcardMatches('a.b', 'axb')).toBe(false);
  });

  it("name: is the Name tag, and a security group's group name", () => {
    const sel = { kind: 'name', value: 'lambda-egress' } as const;
    expect(selectorMatches(sel, { Tags: [{ Key: 'Name', Value: 'lambda-egress' }] })).toBe(true);
    expect(selectorMatches(sel, { GroupName: 'lambda-egress', Tags: [] })).toBe(true);
    expect(selectorMatches(sel, { GroupName: 'other', Tags: [{ Key: 'Name', Value: 'x' }] })).toBe(false);
    expect(
      selectorMatches({ kind: 'tag', key: 'tier', value: undefined }, { Tags: [{ Key: 'tier', Value: '' }] }),
    ).toBe(true);
    expect(selectorMatches({ kind: 'tag', key: 'tier', value: 'private' }, { Tags: [] })).toBe(false);
  });

  it('the server-side filter of each selector', () => {
    expect(selectorFilter({ kind: 'name', value: 'prod' })).toEqual({ Name: 'tag:Name', Values: ['prod'] });
    expect(selectorFilter({ kind: 'tag', key: 'env', value: 'p*' })).toEqual({
      Name: 'tag:env',
      Values: ['p*'],
    });
    expect(selectorFilter({ kind: 'tag', key: 'env', value: undefined })).toEqual({
      Name: 'tag-key',
      Values: ['env'],
    });
  });
});

describe('resolving a list against the VPC', () => {
  const subnets = [
    { SubnetId: 'subnet-0a1b2c3d4e5f60011', Tags: [{ Key: 'tier', Value: 'private' }] },
    { SubnetId: 'subnet-0a1b2c3d4e5f60012', Tags: [{ Key: 'tier', Value: 'private' }] },
    {
      SubnetId: 'subnet-0a1b2c3d4e5f60021',
      Tags: [
        { Key: 'tier', Value: 'public' },
        { Key: 'Name', Value: 'pub' },
      ],
    },
  ];
  const where = { kind: 'subnet', vpcId: 'vpc-0a1b2c3d4e5f60001' } as const;
  const id = (s: { SubnetId: string }) => s.SubnetId;

  it('IDs and every match of each selector, once each', () => {
    const list = parseResourceList(['subnet-0a1b2c3d4e5f60011,tag:tier=private'], 'subnet');
    expect(resolveList(list, subnets, id, where)).toEqual([
      'subnet-0a1b2c3d4e5f60011',
      'subnet-0a1b2c3d4e5f60012',
    ]);
  });

  it('a selector matching nothing names what the VPC has', () => {
    const message = usage(() =>
      resolveList(parseResourceList(['tag:tier=isolated'], 'subnet'), subnets, id, where),
    );
    expect(message).toBe('--subnets tag:tier=isolated matches no subnet in vpc-0a1b2c3d4e5f60001.');
  });

  it('an ID outside the VPC is named', () => {
    const message = usage(() =>
      resolveList(parseResourceList(['subnet-0a1b2c3d4e5f60099'], 'subnet'), subnets, id, where),
    );
    expect(message).toContain('subnet-0a1b2c3d4e5f60099 is not in vpc-0a1b2c3d4e5f60001');
  });
});
