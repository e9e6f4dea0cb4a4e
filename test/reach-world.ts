// EC2 and RDS for aws-sdk-client-mock, answering from the path engine's fixture VPC
// (test/unit/path-fixture.ts) as the APIs do: ID filters return what exists, lists by vpc-id.
import {
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type Filter,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import {
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError, ec2Mock, serve, trackAwsMock } from './aws-mocks.js';
import { denied } from './ec2-world.js';
import { DB, SG_DB, VPC, type World } from './unit/path-fixture.js';

export const rdsMock = trackAwsMock(mockClient(RDSClient));

const values = (filters: Filter[] | undefined, name: string) =>
  filters?.find((f) => f.Name === name)?.Values ?? [];

/**
 * Answers every EC2 describe `reach` makes from `w`. `deny`: EC2 actions (without `ec2:`)
 * answered with UnauthorizedOperation instead.
 */
export function serveReachWorld(w: World, deny: readonly string[] = []): void {
  serve(() => {
    const on = (
      // biome-ignore lint/suspicious/noExplicitAny: one helper for the inputs and outputs of every describe command.
      command: any,
      action: string,
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      answer: (input: any) => object,
    ) => {
      const stub = ec2Mock.on(command);
      if (deny.includes(action)) stub.rejects(denied(action));
      else stub.callsFake(answer);
    };
    const inVpc = <T extends { VpcId?: string | undefined }>(xs: T[], f: Filter[] | undefined) =>
      xs.filter((x) => values(f, 'vpc-id').includes(x.VpcId ?? ''));
    on(DescribeSubnetsCommand, 'DescribeSubnets', ({ Filters }) => ({
      Subnets: w.subnets.filter((s) => values(Filters, 'subnet-id').includes(s.SubnetId ?? '')),
    }));
    on(DescribeSecurityGroupsCommand, 'DescribeSecurityGroups', ({ Filters }) => ({
      SecurityGroups: w.securityGroups.filter((g) => values(Filters, 'group-id').includes(g.GroupId ?? '')),
    }));
    on(DescribeVpcsCommand, 'DescribeVpcs', ({ Filters }) => ({
      Vpcs: inVpc([{ VpcId: VPC, CidrBlock: '10.0.0.0/16', InstanceTenancy: 'default' }], Filters),
    }));
    on(DescribeRouteTablesCommand, 'DescribeRouteTables', ({ Filters }) => ({
      RouteTables: inVpc(w.routeTables, Filters),
    }));
    on(DescribeVpcEndpointsCommand, 'DescribeVpcEndpoints', ({ Filters }) => ({
      VpcEndpoints: inVpc(w.vpcEndpoints, Filters),
    }));
    on(DescribeNatGatewaysCommand, 'DescribeNatGateways', () => ({ NatGateways: w.natGateways }));
    on(DescribeInternetGatewaysCommand, 'DescribeInternetGateways', () => ({
      InternetGateways: w.internetGateways,
    }));
    on(DescribeEgressOnlyInternetGatewaysCommand, 'DescribeEgressOnlyInternetGateways', () => ({
      EgressOnlyInternetGateways: w.egressOnlyInternetGateways,
    }));
    on(DescribeNetworkAclsCommand, 'DescribeNetworkAcls', ({ Filters }) => ({
      NetworkAcls: inVpc(w.networkAcls, Filters),
    }));
    on(DescribeVpcAttributeCommand, 'DescribeVpcAttribute', (input) => {
      const a = w.vpcAttributes.find((x) => x.VpcId === input.VpcId);
      return input.Attribute === 'enableDnsSupport'
        ? { VpcId: input.VpcId, EnableDnsSupport: a?.EnableDnsSupport }
        : { VpcId: input.VpcId, EnableDnsHostnames: a?.EnableDnsHostnames };
    });
    on(DescribeNetworkInterfacesCommand, 'DescribeNetworkInterfaces', ({ Filters }) => {
      const ips = values(Filters, 'addresses.private-ip-address');
      const ids = values(Filters, 'network-interface-id');
      const groups = values(Filters, 'group-id');
      return {
        NetworkInterfaces: w.networkInterfaces.filter(
          (n) =>
            (n.PrivateIpAddresses ?? []).some((a) => ips.includes(a.PrivateIpAddress ?? '')) ||
            ids.includes(n.NetworkInterfaceId ?? '') ||
            (n.Groups ?? []).some((g) => groups.includes(g.GroupId ?? '')),
        ),
      };
    });
    on(DescribeManagedPrefixListsCommand, 'DescribeManagedPrefixLists', ({ Filters }) => ({
      PrefixLists: w.prefixLists
        .filter((p) => values(Filters, 'prefix-list-id').includes(p.PrefixListId ?? ''))
        .map(({ Entries: _entries, ...p }) => p),
    }));
    on(GetManagedPrefixListEntriesCommand, 'GetManagedPrefixListEntries', (input) => ({
      Entries: w.prefixLists.find((p) => p.PrefixListId === input.PrefixListId)?.Entries ?? [],
    }));
  });
}

export const ORDERS_DB: DBInstance = {
  DBInstanceIdentifier: 'orders-db',
  Engine: 'postgres',
  DBInstanceStatus: 'available',
  Endpoint: { Address: 'orders-db.abc123xyz.eu-west-1.rds.amazonaws.com', Port: 5432 },
  VpcSecurityGroups: [{ VpcSecurityGroupId: SG_DB, Status: 'active' }],
  DBSubnetGroup: {
    DBSubnetGroupName: 'orders',
    VpcId: VPC,
    Subnets: [{ SubnetIdentifier: DB, SubnetStatus: 'Active' }],
  },
};

/** RDS knows `instances` by identifier; no cluster exists (asked for unless `clusters: false`). */
export function serveRds(instances: DBInstance[] = [ORDERS_DB], o = { clusters: true }): void {
  rdsMock.on(DescribeDBInstancesCommand).callsFake(({ DBInstanceIdentifier }) => {
    const found = instances.filter((i) => i.DBInstanceIdentifier === DBInstanceIdentifier);
    if (found.length === 0) throw awsError('DBInstanceNotFoundFault', 404);
    return { DBInstances: found };
  });
  if (o.clusters) rdsMock.on(DescribeDBClustersCommand).rejects(awsError('DBClusterNotFoundFault', 404));
}
