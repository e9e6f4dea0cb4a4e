import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clients, failure } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { REACH_IDS as I, reach } from './scenarios.js';

let fake: FakeAws;
let rds: ReturnType<typeof clients>['rds'];
beforeAll(async () => {
  const scenario = reach();
  scenario.dbInstances?.push({
    DBInstanceIdentifier: 'Reports-DB',
    Engine: 'mysql',
    DBInstanceStatus: 'creating',
    DBSubnetGroupName: I.dbSubnetGroup,
    VpcSecurityGroupIds: [I.sgDb],
    PubliclyAccessible: true,
  });
  fake = await startFakeAws({ scenario });
  rds = clients(fake.url).rds;
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.state.deniedActions = [];
});

describe('RDS (awsQuery 2014-10-31)', () => {
  it('DescribeDBInstances by identifier: endpoint, groups, the subnet group with its subnets', async () => {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: I.db }));
    expect(out.DBInstances).toHaveLength(1);
    const db = out.DBInstances?.[0];
    expect(db).toMatchObject({
      DBInstanceIdentifier: I.db,
      Engine: 'postgres',
      DBInstanceStatus: 'available',
      Endpoint: { Address: I.dbHostname, Port: 5432, HostedZoneId: 'Z2R2ITUGPM61AM' },
      VpcSecurityGroups: [{ VpcSecurityGroupId: I.sgDb, Status: 'active' }],
      PubliclyAccessible: false,
      AvailabilityZone: 'us-east-1a',
      DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${I.db}`,
    });
    expect(db?.DBSubnetGroup).toMatchObject({
      DBSubnetGroupName: I.dbSubnetGroup,
      VpcId: I.vpc,
      SubnetGroupStatus: 'Complete',
      Subnets: [
        {
          SubnetIdentifier: I.dbSubnetA,
          SubnetAvailabilityZone: { Name: 'us-east-1a' },
          SubnetStatus: 'Active',
        },
        {
          SubnetIdentifier: I.dbSubnetB,
          SubnetAvailabilityZone: { Name: 'us-east-1b' },
          SubnetStatus: 'Active',
        },
      ],
    });
    expect(fake.requests[0]).toMatchObject({
      service: 'rds',
      operation: 'DescribeDBInstances',
      status: 200,
      params: { DBInstanceIdentifier: I.db },
    });
  });

  it('identifiers are case-insensitive, stored lower-case; ARNs work; no endpoint while creating', async () => {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'REPORTS-db' }));
    expect(out.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'reports-db',
      DBInstanceStatus: 'creating',
      PubliclyAccessible: true,
    });
    expect(out.DBInstances?.[0]?.Endpoint).toBeUndefined();
    const byArn = await rds.send(
      new DescribeDBInstancesCommand({
        DBInstanceIdentifier: `arn:aws:rds:us-east-1:123456789012:db:${I.db}`,
      }),
    );
    expect(byArn.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual([I.db]);
  });

  it('all instances, or those of a cluster through a filter', async () => {
    const all = await rds.send(new DescribeDBInstancesCommand({}));
    expect(all.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual([
      I.db,
      I.clusterWriter,
      'reports-db',
    ]);
    const members = await rds.send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [I.cluster] }] }),
    );
    expect(
      members.DBInstances?.map((d) => [d.DBInstanceIdentifier, d.DBClusterIdentifier, d.Endpoint?.Port]),
    ).toEqual([[I.clusterWriter, I.cluster, 5432]]);
    expect(fake.requests[1]?.params).toEqual({
      Filters: { Filter: [{ Name: 'db-cluster-id', Values: { Value: [I.cluster] } }] },
    });
    const badFilter = await failure(
      rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })),
    );
    expect(badFilter.name).toBe('InvalidParameterValue');
  });

  it('DescribeDBClusters: writer and reader endpoints, port, groups, the subnet group by name', async () => {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: I.cluster }));
    expect(out.DBClusters?.[0]).toMatchObject({
      DBClusterIdentifier: I.cluster,
      Engine: 'aurora-postgresql',
      Status: 'available',
      Endpoint: `${I.cluster}.cluster-c9akciq32b5x.us-east-1.rds.amazonaws.com`,
      ReaderEndpoint: `${I.cluster}.cluster-ro-c9akciq32b5x.us-east-1.rds.amazonaws.com`,
      Port: 5432,
      DBSubnetGroup: I.dbSubnetGroup,
      VpcSecurityGroups: [{ VpcSecurityGroupId: I.sgDb, Status: 'active' }],
      DBClusterMembers: [{ DBInstanceIdentifier: I.clusterWriter, IsClusterWriter: true }],
      AvailabilityZones: ['us-east-1a', 'us-east-1b'],
    });
    const groups = await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: I.dbSubnetGroup }));
    expect(groups.DBSubnetGroups?.[0]?.Subnets?.map((s) => s.SubnetIdentifier)).toEqual([
      I.dbSubnetA,
      I.dbSubnetB,
    ]);
  });

  it('not found: DBInstanceNotFound, DBClusterNotFoundFault, DBSubnetGroupNotFoundFault, all 404', async () => {
    const db = await failure(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect([db.name, db.$metadata.httpStatusCode, db.message]).toEqual([
      'DBInstanceNotFoundFault',
      404,
      'DBInstance nope not found.',
    ]);
    expect(fake.requests[0]?.errorCode).toBe('DBInstanceNotFound');
    const cluster = await failure(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })));
    expect([cluster.name, cluster.$metadata.httpStatusCode, cluster.message]).toEqual([
      'DBClusterNotFoundFault',
      404,
      'DBCluster nope not found.',
    ]);
    const group = await failure(rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: 'nope' })));
    expect(group.name).toBe('DBSubnetGroupNotFoundFault');
  });

  it('a denied read is AccessDenied (403) naming the action', async () => {
    fake.state.denyAction('rds:Describe*');
    const denied = await failure(rds.send(new DescribeDBInstancesCommand({})));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(denied.message).toContain('is not authorized to perform: rds:DescribeDBInstances on resource');
  });

  it('pages with MaxRecords and Marker (20 to 100)', async () => {
    const bad = await failure(rds.send(new DescribeDBInstancesCommand({ MaxRecords: 5 })));
    expect(bad.name).toBe('InvalidParameterValue');
    const out = await rds.send(new DescribeDBInstancesCommand({ MaxRecords: 20 }));
    expect(out.DBInstances).toHaveLength(3);
    expect(out.Marker).toBeUndefined();
  });
});
