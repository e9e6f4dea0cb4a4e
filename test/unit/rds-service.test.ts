import {
  type DBCluster,
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDatabase } from '../../src/services/rds.js';
import { awsError, resetAwsMocks, trackAwsMock, verifyAwsMocks } from '../aws-mocks.js';

const rdsMock = trackAwsMock(mockClient(RDSClient));
beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);
const rds = () => new RDSClient({ region: 'eu-west-1' });

const HOST = 'orders-db.abc123xyz.eu-west-1.rds.amazonaws.com';
const instance: DBInstance = {
  DBInstanceIdentifier: 'orders-db',
  DBInstanceStatus: 'available',
  Endpoint: { Address: HOST, Port: 5432 },
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db', Status: 'active' }],
  DBSubnetGroup: {
    DBSubnetGroupName: 'db-subnets',
    VpcId: 'vpc-1',
    Subnets: [{ SubnetIdentifier: 'subnet-a' }, { SubnetIdentifier: 'subnet-b' }],
  },
  PubliclyAccessible: false,
};
const cluster: DBCluster = {
  DBClusterIdentifier: 'orders',
  Endpoint: 'orders.cluster-abc123xyz.eu-west-1.rds.amazonaws.com',
  ReaderEndpoint: 'orders.cluster-ro-abc123xyz.eu-west-1.rds.amazonaws.com',
  CustomEndpoints: ['reports.cluster-custom-abc123xyz.eu-west-1.rds.amazonaws.com'],
  Port: 3306,
  DBSubnetGroup: 'db-subnets',
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db', Status: 'active' }],
};
const subnetGroup = { DBSubnetGroupName: 'db-subnets', Subnets: [{ SubnetIdentifier: 'subnet-a' }] };
const notFound = (name: string) => awsError(name, 404);

describe('describeDatabase', () => {
  it('an identifier asks for an instance and a cluster of that name, in parallel', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' })
      .resolves({ DBInstances: [instance] });
    rdsMock.on(DescribeDBClustersCommand).rejects(notFound('DBClusterNotFoundFault'));
    const facts = await describeDatabase(rds(), 'orders-db');
    expect(facts).toEqual({ instances: [instance], clusters: [], subnetGroups: [], deniedActions: [] });
    expect(rdsMock.commandCalls(DescribeDBClustersCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: 'orders-db',
    });
    expect(rdsMock.calls()).toHaveLength(2);
  });

  it('a cluster comes with its DB subnet group (DescribeDBClusters names it only)', async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
    rdsMock
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' })
      .resolves({ DBClusters: [cluster] });
    rdsMock
      .on(DescribeDBSubnetGroupsCommand, { DBSubnetGroupName: 'db-subnets' })
      .resolves({ DBSubnetGroups: [subnetGroup] });
    const facts = await describeDatabase(rds(), 'orders');
    expect(facts.clusters).toEqual([cluster]);
    expect(facts.subnetGroups).toEqual([subnetGroup]);
    expect(facts.instances).toEqual([]);
  });

  it('neither found: empty lists, no error', async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
    rdsMock.on(DescribeDBClustersCommand).rejects(notFound('DBClusterNotFoundFault'));
    expect(await describeDatabase(rds(), 'nope')).toEqual({
      instances: [],
      clusters: [],
      subnetGroups: [],
      deniedActions: [],
    });
  });

  it('an instance endpoint asks for that instance only and checks the address', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' })
      .resolves({ DBInstances: [instance] });
    const facts = await describeDatabase(rds(), HOST.toUpperCase());
    expect(facts.instances).toEqual([instance]);
    expect(rdsMock.calls()).toHaveLength(1);
    // Same identifier, another account's or region's endpoint: not this database.
    const other = await describeDatabase(rds(), 'orders-db.zzz999.eu-west-1.rds.amazonaws.com');
    expect(other.instances).toEqual([]);
  });

  it.each([
    ['writer', cluster.Endpoint],
    ['reader', cluster.ReaderEndpoint],
  ])('a cluster %s endpoint asks for that cluster only', async (_kind, host) => {
    rdsMock
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' })
      .resolves({ DBClusters: [cluster] });
    rdsMock.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [subnetGroup] });
    const facts = await describeDatabase(rds(), host ?? '');
    expect(facts.clusters).toEqual([cluster]);
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
  });

  it('a custom endpoint or any other hostname lists the instances and clusters and compares addresses', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [instance], Marker: 'm2' })
      .resolves({
        DBInstances: [{ ...instance, DBInstanceIdentifier: 'x', Endpoint: { Address: 'x.h.r' } }],
      });
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster] });
    rdsMock.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [subnetGroup] });
    const facts = await describeDatabase(
      rds(),
      'reports.cluster-custom-abc123xyz.eu-west-1.rds.amazonaws.com',
    );
    expect(facts.clusters).toEqual([cluster]);
    expect(facts.instances).toEqual([]);
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)[1]?.args[0].input.Marker).toBe('m2');
  });

  it('an ARN names the kind', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' })
      .resolves({ DBInstances: [instance] });
    const facts = await describeDatabase(rds(), 'arn:aws:rds:eu-west-1:123456789012:db:orders-db');
    expect(facts.instances).toEqual([instance]);
    expect(rdsMock.commandCalls(DescribeDBClustersCommand)).toHaveLength(0);
  });

  it.each([
    ['DescribeDBInstances', 'AccessDenied'],
    ['DescribeDBClusters', 'AccessDeniedException'],
  ])('a denied %s is recorded, the other read still answers', async (action, name) => {
    const [deny, allow] =
      action === 'DescribeDBInstances'
        ? [DescribeDBInstancesCommand, DescribeDBClustersCommand]
        : [DescribeDBClustersCommand, DescribeDBInstancesCommand];
    rdsMock.on(deny as typeof DescribeDBInstancesCommand).rejects(awsError(name));
    rdsMock
      .on(allow as typeof DescribeDBInstancesCommand)
      .rejects(
        notFound(action === 'DescribeDBInstances' ? 'DBClusterNotFoundFault' : 'DBInstanceNotFoundFault'),
      );
    const facts = await describeDatabase(rds(), 'orders-db');
    expect(facts.deniedActions).toEqual([`rds:${action}`]);
    expect(facts.instances).toEqual([]);
  });

  it('a denied DescribeDBSubnetGroups is recorded; the cluster is still returned', async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster] });
    rdsMock.on(DescribeDBSubnetGroupsCommand).rejects(awsError('AccessDenied'));
    const facts = await describeDatabase(rds(), 'orders');
    expect(facts.deniedActions).toEqual(['rds:DescribeDBSubnetGroups']);
    expect(facts.clusters).toEqual([cluster]);
    expect(facts.subnetGroups).toEqual([]);
  });

  it('passes other errors on', async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('InvalidParameterValue', 400));
    rdsMock.on(DescribeDBClustersCommand).rejects(notFound('DBClusterNotFoundFault'));
    await expect(describeDatabase(rds(), 'orders-db')).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });
});
