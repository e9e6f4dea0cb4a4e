import { describe, expect, it } from 'vitest';
import {
  assessEni,
  type FunctionVersionNetwork,
  isLambdaEni,
  LAMBDA_ENI_RELEASE_MS,
  type NetworkInterfaceInfo,
  planEniRelease,
  publishedVersionsInVpc,
  serves,
  usersOf,
  versionListingPlan,
} from '../../src/core/enis.js';
import { sameSet } from '../../src/core/sets.js';

const S1 = 'subnet-0a1b2c3d4e5f60011';
const S2 = 'subnet-0a1b2c3d4e5f60012';
const SG_A = 'sg-0a1b2c3d4e5f60081';
const SG_B = 'sg-0a1b2c3d4e5f60082';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

const eni = (over: Partial<NetworkInterfaceInfo> = {}): NetworkInterfaceInfo => ({
  id: 'eni-0a1b2c3d4e5f60101',
  subnetId: S1,
  availabilityZone: 'us-east-1a',
  vpcId: 'vpc-0a1b2c3d4e5f60001',
  privateIp: '10.0.1.17',
  status: 'in-use',
  securityGroupIds: [SG_A, SG_B],
  description: 'AWS Lambda VPC ENI-orders-api-5f0c3e2a',
  interfaceType: 'lambda',
  createdAt: minutesAgo(60),
  ...over,
});
const fn = (
  functionName: string,
  version: string,
  subnetIds: string[],
  securityGroupIds: string[],
): FunctionVersionNetwork => ({ functionName, version, subnetIds, securityGroupIds });

describe('security-group sets', () => {
  it('match whatever the order, and not as subsets', () => {
    expect(sameSet([SG_A, SG_B], [SG_B, SG_A])).toBe(true);
    expect(sameSet([SG_A, SG_B], [SG_A])).toBe(false);
    expect(sameSet([SG_A], [SG_A, SG_B])).toBe(false);
    expect(sameSet([SG_A, SG_A], [SG_A])).toBe(true);
  });

  it('an interface serves a configuration only in one of its subnets with exactly its groups', () => {
    expect(serves(eni(), { subnetIds: [S2, S1], securityGroupIds: [SG_B, SG_A] })).toBe(true);
    expect(serves(eni(), { subnetIds: [S2], securityGroupIds: [SG_A, SG_B] })).toBe(false);
    expect(serves(eni(), { subnetIds: [S1], securityGroupIds: [SG_A] })).toBe(false);
  });
});

describe('who keeps an interface alive', () => {
  it('an interface shared by two functions lists both', () => {
    const versions = [
      fn('orders-api', '$LATEST', [S1, S2], [SG_A, SG_B]),
      fn('reports-job', '$LATEST', [S1], [SG_B, SG_A]),
      fn('other', '$LATEST', [S1], [SG_A]),
      fn('outside', '$LATEST', [], []),
    ];
    expect(usersOf(eni(), versions).map((v) => v.functionName)).toEqual(['orders-api', 'reports-job']);
    expect(assessEni(eni(), versions, { now: NOW, region: 'us-east-1' })).toMatchObject({
      verdict: 'in-use',
      deleteCommand: null,
    });
  });

  it('a published version holds an interface after $LATEST left', () => {
    const versions = [fn('orders-api', '$LATEST', [], []), fn('orders-api', '3', [S1], [SG_A, SG_B])];
    const a = assessEni(eni({ createdAt: minutesAgo(600) }), versions, { now: NOW, region: 'us-east-1' });
    expect(a.verdict).toBe('in-use');
    expect(a.usedBy).toEqual([versions[1]]);
    expect(publishedVersionsInVpc('orders-api', versions)).toEqual([versions[1]]);
  });

  it('an unused interface is stranded only once older than the deletion window, with the delete command', () => {
    const young = assessEni(eni({ createdAt: minutesAgo(5) }), [], { now: NOW, region: 'eu-west-1' });
    expect(young).toMatchObject({ verdict: 'unused', deleteCommand: null, ageMs: 5 * 60_000 });
    const old = assessEni(eni({ createdAt: minutesAgo(LAMBDA_ENI_RELEASE_MS / 60_000 + 1) }), [], {
      now: NOW,
      region: 'eu-west-1',
    });
    expect(old.verdict).toBe('stranded');
    expect(old.deleteCommand).toBe(
      'aws ec2 delete-network-interface --network-interface-id eni-0a1b2c3d4e5f60101 --region eu-west-1',
    );
  });

  it('an unused interface of unknown age is not called stranded', () => {
    expect(assessEni(eni({ createdAt: null }), [], { now: NOW, region: 'us-east-1' }).verdict).toBe('unused');
  });

  it('never judges an interface that is not Lambda’s', () => {
    const other = eni({
      interfaceType: 'interface',
      description: 'ELB app/my-lb',
      createdAt: minutesAgo(9999),
    });
    expect(isLambdaEni(other)).toBe(false);
    expect(isLambdaEni(eni({ interfaceType: 'interface' }))).toBe(true);
    const a = assessEni(other, [fn('orders-api', '$LATEST', [S1], [SG_A, SG_B])], {
      now: NOW,
      region: 'us-east-1',
    });
    expect(a).toMatchObject({ verdict: 'not-lambda', usedBy: [], deleteCommand: null });
  });
});

describe('planEniRelease: what a detach should free', () => {
  const leaving = [fn('orders-api', '$LATEST', [S1, S2], [SG_A, SG_B])];
  const onlyMine = eni({ id: 'eni-0000000000000000a', subnetId: S2 });
  const shared = eni({ id: 'eni-0000000000000000b', subnetId: S1 });
  const elsewhere = eni({ id: 'eni-0000000000000000c', subnetId: S1, securityGroupIds: [SG_A] });

  it('waits for the interfaces only the leaving function used; keeps those others use', () => {
    const versions = [
      ...leaving, // the listing was taken before the detach: $LATEST still shows the old network
      fn('reports-job', '$LATEST', [S1], [SG_B, SG_A]),
    ];
    const plan = planEniRelease([onlyMine, shared, elsewhere], leaving, versions);
    expect(plan.awaited.map((e) => e.id)).toEqual([onlyMine.id]);
    expect(plan.kept).toEqual([{ eni: shared, usedBy: [versions[1]] }]);
  });

  it("counts the function's own published versions as users", () => {
    const versions = [...leaving, fn('orders-api', '1', [S1, S2], [SG_B, SG_A])];
    const plan = planEniRelease([onlyMine, shared], leaving, versions);
    expect(plan.awaited).toEqual([]);
    expect(plan.kept.map((k) => k.eni.id)).toEqual([onlyMine.id, shared.id]);
  });

  it('two functions detached together free the interface they shared', () => {
    const both = [...leaving, fn('reports-job', '$LATEST', [S1], [SG_A, SG_B])];
    expect(planEniRelease([shared], both, both).awaited).toEqual([shared]);
  });
});

describe('versionListingPlan', () => {
  it.each([
    [1, 'perTarget'],
    [19, 'perTarget'],
    [20, { accountPages: 2 }],
    [30, { accountPages: 3 }],
    [1000, { accountPages: 100 }],
  ] as const)('%i targets: %j', (targets, plan) => {
    expect(versionListingPlan(targets)).toEqual(plan);
  });
});
