// The services' path reads against the fake: the SDK parses what the fake answers, and the
// batching holds over the wire (one request per type, counted in the fake's log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeNetwork } from '../../src/services/network.js';
import { describeDatabase } from '../../src/services/rds.js';
import { clients } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { REACH_IDS as I, reach } from './scenarios.js';

let fake: FakeAws;
let aws: ReturnType<typeof clients>;
beforeAll(async () => {
  fake = await startFakeAws({ scenario: reach() });
  aws = clients(fake.url);
});
afterAll(() => fake.close());

const counts = () => {
  const out: Record<string, number> = {};
  for (const r of fake.requests) out[r.operation] = (out[r.operation] ?? 0) + 1;
  return out;
};

describe('reach reads against the fake', () => {
  it('an RDS instance by hostname, then the network between it and the function', async () => {
    fake.requests.length = 0;
    const db = await describeDatabase(aws.rds, I.dbHostname);
    expect(db.instances.map((d) => d.DBInstanceIdentifier)).toEqual([I.db]);
    const target = db.instances[0];
    const facts = await describeNetwork(aws.ec2, {
      subnetIds: [I.appSubnetA, I.appSubnetB],
      securityGroupIds: [I.sgFn],
      ipv6: false,
      paths: {
        subnetIds: target?.DBSubnetGroup?.Subnets?.map((s) => s.SubnetIdentifier ?? ''),
        securityGroupIds: target?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId ?? ''),
        privateIpAddresses: [I.cacheIp],
      },
    });
    expect(counts()).toEqual({
      DescribeDBInstances: 1,
      DescribeNetworkInterfaces: 1,
      DescribeSubnets: 2,
      DescribeSecurityGroups: 2,
      DescribeVpcs: 1,
      DescribeRouteTables: 1,
      DescribeVpcEndpoints: 1,
      DescribeNatGateways: 1,
      DescribeInternetGateways: 1,
      DescribeNetworkAcls: 1,
      DescribeVpcAttribute: 2,
      DescribeManagedPrefixLists: 1,
      GetManagedPrefixListEntries: 2,
    });
    expect(facts.deniedActions).toEqual([]);
    const p = facts.paths;
    expect(p?.networkAcls.map((a) => a.NetworkAclId)).toEqual([`acl-${I.vpc.slice(4)}`, I.appAcl, I.dbAcl]);
    expect(p?.prefixLists.map((l) => l.PrefixListName)).toEqual([
      'com.amazonaws.us-east-1.s3',
      'corp-networks',
    ]);
    expect(p?.prefixListEntries[I.corpPrefixList]?.map((e) => e.Cidr)).toEqual([
      '192.168.0.0/16',
      '172.16.0.0/12',
    ]);
    expect(p?.vpcDnsAttributes).toEqual([
      { VpcId: I.vpc, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } },
    ]);
    expect(p?.networkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([I.cacheEni]);
    expect(facts.subnets.map((s) => s.SubnetId).sort()).toEqual(
      [I.appSubnetA, I.appSubnetB, I.dbSubnetA, I.dbSubnetB, I.publicSubnet].sort(),
    );
    expect(facts.securityGroups.map((g) => g.GroupId)).toEqual([I.sgFn, I.sgDb, I.sgCache, I.sgEndpoint]);
  });

  it('a cluster by its reader endpoint, and denied reads recorded over the wire', async () => {
    fake.state.denyAction('ec2:DescribeNetworkAcls', 'rds:DescribeDBSubnetGroups');
    try {
      const db = await describeDatabase(
        aws.rds,
        `${I.cluster}.cluster-ro-c9akciq32b5x.us-east-1.rds.amazonaws.com`,
      );
      expect(db.clusters.map((c) => [c.DBClusterIdentifier, c.Port])).toEqual([[I.cluster, 5432]]);
      expect(db.deniedActions).toEqual(['rds:DescribeDBSubnetGroups']);
      const facts = await describeNetwork(aws.ec2, {
        subnetIds: [I.appSubnetA],
        securityGroupIds: [I.sgFn],
        ipv6: false,
        paths: {},
      });
      expect(facts.deniedActions).toEqual(['ec2:DescribeNetworkAcls']);
      expect(facts.paths?.networkAcls).toEqual([]);
    } finally {
      fake.state.deniedActions = [];
    }
  });
});
