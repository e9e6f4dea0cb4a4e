import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { type EniBudgetInput, eniBudget } from '../../src/core/eni-budget.js';
import type { NetworkInterfaceInfo } from '../../src/core/enis.js';
import { renderEniBudget } from '../../src/output/render-eni-budget.js';

const VPC = 'vpc-1';
const A = 'subnet-a';
const B = 'subnet-b';
const C = 'subnet-c';

const eni = (over: Partial<NetworkInterfaceInfo>): NetworkInterfaceInfo => ({
  id: 'eni-x',
  subnetId: A,
  availabilityZone: 'us-east-1a',
  vpcId: VPC,
  privateIp: '10.0.0.10',
  status: 'in-use',
  securityGroupIds: ['sg-1'],
  description: 'Primary network interface',
  interfaceType: 'interface',
  createdAt: null,
  ...over,
});
const lambdaEni = (subnetId: string, groups: string[]) =>
  eni({
    subnetId,
    securityGroupIds: groups,
    interfaceType: 'lambda',
    description: 'AWS Lambda VPC ENI-fn-1',
  });
/** `n` interfaces of instances in another VPC: what fills the Region's quota. */
const others = (n: number) =>
  Array.from({ length: n }, (_, i) => eni({ id: `eni-${i}`, vpcId: 'vpc-other' }));

const input = (over: Partial<EniBudgetInput>): EniBudgetInput => ({
  vpcId: VPC,
  region: 'eu-west-1',
  subnetIds: [A, B],
  securityGroupIds: ['sg-2', 'sg-1'],
  interfaces: { list: [] },
  quota: { value: 5000, source: 'applied' },
  ...over,
});

describe('eniBudget', () => {
  it.each([
    {
      name: 'no Lambda interface yet: one new per subnet',
      list: [],
      created: 2,
      shared: 0,
    },
    {
      name: 'one combination exists, the group order aside: it is shared',
      list: [lambdaEni(A, ['sg-1', 'sg-2'])],
      created: 1,
      shared: 1,
    },
    {
      name: 'the same subnet with another group set is another combination',
      list: [lambdaEni(A, ['sg-1']), lambdaEni(B, ['sg-1', 'sg-2', 'sg-3'])],
      created: 2,
      shared: 0,
    },
    {
      name: "an instance's interface on the same subnet and groups is not Lambda's",
      list: [eni({ subnetId: A, securityGroupIds: ['sg-1', 'sg-2'] })],
      created: 2,
      shared: 0,
    },
    {
      name: 'both exist: nothing new',
      list: [lambdaEni(A, ['sg-2', 'sg-1']), lambdaEni(B, ['sg-1', 'sg-2'])],
      created: 0,
      shared: 2,
    },
  ])('$name', ({ list, created, shared }) => {
    const r = eniBudget(input({ interfaces: { list } }));
    expect([r.newInterfaces, r.sharedInterfaces]).toEqual([created, shared]);
    expect(r.interfacesAfter).toBe(list.length + created);
    expect(r.combinations.map((c) => c.securityGroupIds)).toEqual([
      ['sg-1', 'sg-2'],
      ['sg-1', 'sg-2'],
    ]);
  });

  it('a subnet named twice is one combination', () => {
    const r = eniBudget(input({ subnetIds: [A, A, B] }));
    expect(r.combinations.map((c) => c.subnetId)).toEqual([A, B]);
    expect(r.newInterfaces).toBe(2);
  });

  it("counts the VPC's interfaces, Lambda's among them (a stranded one by its description), and the Region's", () => {
    const stranded = eni({
      subnetId: C,
      interfaceType: 'interface',
      description: 'AWS Lambda VPC ENI-old-fn',
    });
    const list = [lambdaEni(A, ['sg-1', 'sg-2']), stranded, eni({ subnetId: C }), ...others(3)];
    const r = eniBudget(input({ interfaces: { list } }));
    expect([r.interfacesInVpc, r.lambdaInterfacesInVpc, r.interfacesInRegion]).toEqual([3, 2, 6]);
    expect(r.text).toBe(
      "1 new (subnet-b with sg-1, sg-2), 1 shared; 3 in vpc-1 (2 Lambda's); 7 of 5,000 in eu-west-1 after the change (L-DF5E4CA3)",
    );
  });

  it.each([
    { name: 'below 90 %', region: 4497, quota: 5000, level: 'below', warns: '' },
    {
      name: 'exactly 90 % after the change',
      region: 4498,
      quota: 5000,
      level: 'near',
      warns: 'at or above 90 %',
    },
    {
      name: 'exactly at the quota: near, not over',
      region: 4998,
      quota: 5000,
      level: 'near',
      warns: 'at or above 90 %',
    },
    { name: 'one past the quota', region: 4999, quota: 5000, level: 'over', warns: 'EniLimitExceeded' },
    // Nothing new: the update cannot be the one that goes past it, but the Region is full.
    {
      name: 'over already, nothing new',
      region: 5100,
      quota: 5000,
      level: 'near',
      warns: 'at or above 90 %',
      both: true,
    },
  ])('$name → $level', ({ region, quota, level, warns, both }) => {
    const list = [
      ...(both ? [lambdaEni(A, ['sg-1', 'sg-2']), lambdaEni(B, ['sg-1', 'sg-2'])] : []),
      ...others(region - (both ? 2 : 0)),
    ];
    const r = eniBudget(input({ interfaces: { list }, quota: { value: quota, source: 'applied' } }));
    expect(r.level).toBe(level);
    if (warns === '') expect(r.warnings).toEqual([]);
    else {
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toContain(warns);
      expect(r.warnings[0]).toContain(
        'aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-DF5E4CA3',
      );
      expect(r.warnings[0]).toContain('--region eu-west-1');
    }
  });

  it('the quota unknown: counts kept, the level unknown, no warning, the reason in the text', () => {
    const r = eniBudget(
      input({
        interfaces: { list: others(4999) },
        quota: { skippedReason: 'no permission for servicequotas:GetServiceQuota' },
      }),
    );
    expect(r.quota).toEqual({
      quotaCode: 'L-DF5E4CA3',
      value: null,
      source: null,
      skippedReason: 'no permission for servicequotas:GetServiceQuota',
    });
    expect([r.newInterfaces, r.interfacesAfter, r.level, r.warnings]).toEqual([2, 5001, 'unknown', []]);
    expect(r.text).toContain(
      '5,001 in eu-west-1 after the change; quota L-DF5E4CA3 unknown: no permission for servicequotas:GetServiceQuota',
    );
  });

  it('the interfaces unknown: null counts (never 0), exists null, the reason named', () => {
    const r = eniBudget(
      input({ interfaces: { skippedReason: 'no permission for ec2:DescribeNetworkInterfaces' } }),
    );
    expect(r.combinations.map((c) => c.exists)).toEqual([null, null]);
    expect([
      r.newInterfaces,
      r.sharedInterfaces,
      r.interfacesInVpc,
      r.lambdaInterfacesInVpc,
      r.interfacesInRegion,
      r.interfacesAfter,
    ]).toEqual([null, null, null, null, null, null]);
    expect(r.interfacesSkippedReason).toBe('no permission for ec2:DescribeNetworkInterfaces');
    expect(r.level).toBe('unknown');
    expect(r.text).toBe(
      'new ones unknown: no permission for ec2:DescribeNetworkInterfaces; quota 5,000 in eu-west-1 (L-DF5E4CA3)',
    );
  });

  it('both unknown', () => {
    const r = eniBudget(
      input({
        interfaces: { skippedReason: 'EC2 listing failed: boom' },
        quota: { skippedReason: 'Service Quotas read failed: boom' },
      }),
    );
    expect(r.text).toBe(
      'new ones unknown: EC2 listing failed: boom; quota L-DF5E4CA3 unknown: Service Quotas read failed: boom',
    );
  });

  it("AWS's default quota says so", () => {
    const r = eniBudget(input({ quota: { value: 5000, source: 'default' } }));
    expect(r.text).toContain('2 of 5,000 in eu-west-1 after the change (L-DF5E4CA3, AWS default)');
  });
});

describe('renderEniBudget', () => {
  const report = eniBudget(input({}));
  it('one line, the label in bold on a colour terminal', () => {
    expect(renderEniBudget(report, new Chalk({ level: 1 }))).toBe(
      `\u001b[1mNetwork interfaces:\u001b[22m ${report.text}`,
    );
  });
  it('plain without colour (NO_COLOR)', () => {
    expect(renderEniBudget(report, new Chalk({ level: 0 }))).toBe(`Network interfaces: ${report.text}`);
  });
  it('an unknown budget is dimmed', () => {
    const unknown = eniBudget(
      input({ quota: { skippedReason: 'no permission for servicequotas:GetServiceQuota' } }),
    );
    expect(renderEniBudget(unknown, new Chalk({ level: 1 }))).toContain(`\u001b[2m${unknown.text}\u001b[22m`);
  });
});
