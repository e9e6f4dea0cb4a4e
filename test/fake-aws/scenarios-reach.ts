// The layouts `reach` tests start from: every path working, and one path broken per target.
import { VPC_ACCESS_POLICY_ARN } from './policies.js';
import type { IpPermissionSpec, Scenario } from './types.js';

const ACCOUNT = '123456789012';
const ALL_EGRESS: IpPermissionSpec = { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] };

const reachId = (prefix: string, n: number) => `${prefix}-0ac0ffee${String(n).padStart(9, '0')}`;

export const REACH_IDS = {
  vpc: reachId('vpc', 1),
  publicSubnet: reachId('subnet', 11),
  appSubnetA: reachId('subnet', 21),
  appSubnetB: reachId('subnet', 22),
  dbSubnetA: reachId('subnet', 31),
  dbSubnetB: reachId('subnet', 32),
  igw: reachId('igw', 41),
  nat: reachId('nat', 42),
  publicRouteTable: reachId('rtb', 51),
  appRouteTable: reachId('rtb', 52),
  dbRouteTable: reachId('rtb', 53),
  appAcl: reachId('acl', 61),
  dbAcl: reachId('acl', 62),
  sgFn: reachId('sg', 71),
  sgDb: reachId('sg', 72),
  sgEndpoint: reachId('sg', 73),
  sgCache: reachId('sg', 74),
  s3Endpoint: reachId('vpce', 81),
  secretsEndpoint: reachId('vpce', 82),
  corpPrefixList: reachId('pl', 91),
  cacheEni: reachId('eni', 95),
  cacheIp: '10.20.31.17',
  s3PrefixList: 'pl-63a5400a',
  dbSubnetGroup: 'orders-db-subnets',
  db: 'orders-db',
  dbHostname: 'orders-db.c9akciq32b5x.us-east-1.rds.amazonaws.com',
  cluster: 'orders-cluster',
  clusterWriter: 'orders-cluster-1',
  role: 'orders-api-role',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/orders-api-role`,
  fn: 'orders-api',
} as const;

/**
 * A three-tier VPC for `reach` (10.20.0.0/16, DNS support and hostnames on), where every path
 * the function (`orders-api`, attached to the app subnets with sg-fn) may take works:
 * - app subnets A/B (10.20.21.0/24, 10.20.22.0/24): 0.0.0.0/0 to a public NAT gateway, S3 through a
 *   gateway endpoint (prefix-list route), secretsmanager through an interface endpoint with private
 *   DNS whose group admits tcp 443 from the VPC; their NACL allows all out and, in, the VPC plus
 *   the ephemeral ports 1024-65535 from anywhere (return traffic);
 * - public subnet (10.20.1.0/24) with the NAT gateway, 0.0.0.0/0 to the internet gateway, default NACL;
 * - DB subnets A/B (10.20.31.0/24, 10.20.32.0/24), local routes only, a NACL that admits tcp 5432
 *   and 6379 from the app subnets and answers them on the ephemeral ports; they hold `orders-db`
 *   (postgres, sg-db: tcp 5432 from sg-fn), the Aurora cluster `orders-cluster` (same group) and a
 *   cache's network interface at 10.20.31.17 (sg-cache: tcp 6379 from sg-fn);
 * - sg-fn: all egress; a customer prefix list `corp-networks` (192.168.0.0/16, 172.16.0.0/12) is
 *   allowed in by sg-db on 5432, for "prefix list in an ingress rule" cases.
 * reachBroken() breaks one path per target.
 */
export function reach(): Scenario {
  const I = REACH_IDS;
  const subnet = (SubnetId: string, AvailabilityZone: string, CidrBlock: string, Name: string) => ({
    SubnetId,
    VpcId: I.vpc,
    AvailabilityZone,
    CidrBlock,
    AvailableIpAddressCount: 250,
    Tags: { Name },
  });
  const tcp = (port: number, from: Partial<IpPermissionSpec>): IpPermissionSpec => ({
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    ...from,
  });
  const appCidrs = ['10.20.21.0/24', '10.20.22.0/24'];
  return {
    vpcs: [
      {
        VpcId: I.vpc,
        CidrBlock: '10.20.0.0/16',
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
        Tags: { Name: 'orders' },
      },
    ],
    subnets: [
      subnet(I.publicSubnet, 'us-east-1a', '10.20.1.0/24', 'public-a'),
      subnet(I.appSubnetA, 'us-east-1a', '10.20.21.0/24', 'app-a'),
      subnet(I.appSubnetB, 'us-east-1b', '10.20.22.0/24', 'app-b'),
      subnet(I.dbSubnetA, 'us-east-1a', '10.20.31.0/24', 'db-a'),
      subnet(I.dbSubnetB, 'us-east-1b', '10.20.32.0/24', 'db-b'),
    ],
    internetGateways: [{ InternetGatewayId: I.igw, Attachments: [{ VpcId: I.vpc }] }],
    natGateways: [{ NatGatewayId: I.nat, SubnetId: I.publicSubnet, VpcId: I.vpc }],
    routeTables: [
      {
        RouteTableId: I.publicRouteTable,
        VpcId: I.vpc,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: I.igw }],
        Associations: [{ Main: true }, { SubnetId: I.publicSubnet }],
      },
      {
        RouteTableId: I.appRouteTable,
        VpcId: I.vpc,
        Routes: [
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: I.nat },
          { DestinationPrefixListId: I.s3PrefixList, GatewayId: I.s3Endpoint },
        ],
        Associations: [{ SubnetId: I.appSubnetA }, { SubnetId: I.appSubnetB }],
      },
      {
        RouteTableId: I.dbRouteTable,
        VpcId: I.vpc,
        Routes: [],
        Associations: [{ SubnetId: I.dbSubnetA }, { SubnetId: I.dbSubnetB }],
      },
    ],
    networkAcls: [
      {
        NetworkAclId: I.appAcl,
        VpcId: I.vpc,
        SubnetIds: [I.appSubnetA, I.appSubnetB],
        Entries: [
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.20.0.0/16' },
          {
            RuleNumber: 200,
            Protocol: '6',
            RuleAction: 'allow',
            Egress: false,
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 1024, To: 65535 },
          },
        ],
      },
      {
        NetworkAclId: I.dbAcl,
        VpcId: I.vpc,
        SubnetIds: [I.dbSubnetA, I.dbSubnetB],
        Entries: appCidrs.flatMap((CidrBlock, i) => [
          {
            RuleNumber: 100 + i * 10,
            Protocol: '6',
            RuleAction: 'allow' as const,
            Egress: false,
            CidrBlock,
            PortRange: { From: 5432, To: 5432 },
          },
          {
            RuleNumber: 105 + i * 10,
            Protocol: '6',
            RuleAction: 'allow' as const,
            Egress: false,
            CidrBlock,
            PortRange: { From: 6379, To: 6379 },
          },
          {
            RuleNumber: 100 + i * 10,
            Protocol: '6',
            RuleAction: 'allow' as const,
            Egress: true,
            CidrBlock,
            PortRange: { From: 1024, To: 65535 },
          },
        ]),
      },
    ],
    prefixLists: [
      {
        PrefixListId: I.corpPrefixList,
        PrefixListName: 'corp-networks',
        MaxEntries: 10,
        Entries: [
          { Cidr: '192.168.0.0/16', Description: 'office' },
          { Cidr: '172.16.0.0/12', Description: 'vpn' },
        ],
      },
    ],
    securityGroups: [
      {
        GroupId: I.sgFn,
        GroupName: 'orders-api',
        Description: 'orders-api function',
        VpcId: I.vpc,
        IpPermissionsEgress: [ALL_EGRESS],
      },
      {
        GroupId: I.sgDb,
        GroupName: 'orders-db',
        Description: 'orders database',
        VpcId: I.vpc,
        IpPermissions: [tcp(5432, { GroupIds: [I.sgFn] }), tcp(5432, { PrefixListIds: [I.corpPrefixList] })],
        IpPermissionsEgress: [ALL_EGRESS],
      },
      {
        GroupId: I.sgEndpoint,
        GroupName: 'endpoints',
        Description: 'interface endpoints',
        VpcId: I.vpc,
        IpPermissions: [tcp(443, { IpRanges: ['10.20.0.0/16'] })],
        IpPermissionsEgress: [ALL_EGRESS],
      },
      {
        GroupId: I.sgCache,
        GroupName: 'orders-cache',
        Description: 'orders cache',
        VpcId: I.vpc,
        IpPermissions: [tcp(6379, { GroupIds: [I.sgFn] })],
        IpPermissionsEgress: [ALL_EGRESS],
      },
    ],
    vpcEndpoints: [
      {
        VpcEndpointId: I.s3Endpoint,
        VpcEndpointType: 'Gateway',
        VpcId: I.vpc,
        ServiceName: 'com.amazonaws.us-east-1.s3',
        RouteTableIds: [I.appRouteTable],
      },
      {
        VpcEndpointId: I.secretsEndpoint,
        VpcEndpointType: 'Interface',
        VpcId: I.vpc,
        ServiceName: 'com.amazonaws.us-east-1.secretsmanager',
        SubnetIds: [I.appSubnetA, I.appSubnetB],
        GroupIds: [I.sgEndpoint],
        PrivateDnsEnabled: true,
      },
    ],
    networkInterfaces: [
      {
        NetworkInterfaceId: I.cacheEni,
        SubnetId: I.dbSubnetA,
        Description: 'ElastiCache orders-cache-0001-001',
        InterfaceType: 'interface',
        RequesterManaged: true,
        RequesterId: 'amazon-elasticache',
        GroupIds: [I.sgCache],
        Status: 'in-use',
        PrivateIpAddress: I.cacheIp,
        AttachTime: '2024-01-15T09:30:00.000Z',
      },
    ],
    dbSubnetGroups: [
      { DBSubnetGroupName: I.dbSubnetGroup, VpcId: I.vpc, SubnetIds: [I.dbSubnetA, I.dbSubnetB] },
    ],
    dbInstances: [
      {
        DBInstanceIdentifier: I.db,
        Engine: 'postgres',
        DBSubnetGroupName: I.dbSubnetGroup,
        VpcSecurityGroupIds: [I.sgDb],
      },
      {
        DBInstanceIdentifier: I.clusterWriter,
        DBClusterIdentifier: I.cluster,
        DBInstanceClass: 'db.r6g.large',
        DBSubnetGroupName: I.dbSubnetGroup,
        VpcSecurityGroupIds: [I.sgDb],
        AvailabilityZone: 'us-east-1b',
      },
    ],
    dbClusters: [
      {
        DBClusterIdentifier: I.cluster,
        Engine: 'aurora-postgresql',
        DBSubnetGroupName: I.dbSubnetGroup,
        VpcSecurityGroupIds: [I.sgDb],
      },
    ],
    roles: [{ RoleName: I.role, AttachedPolicyArns: [VPC_ACCESS_POLICY_ARN] }],
    functions: [
      {
        FunctionName: I.fn,
        Role: I.roleArn,
        VpcConfig: { SubnetIds: [I.appSubnetA, I.appSubnetB], SecurityGroupIds: [I.sgFn] },
      },
    ],
  };
}

/**
 * reach() with one path broken per target, each silently (nothing a route-table check sees):
 * - internet (and S3, through its public addresses): the app NACL's rule 200, which admitted the
 *   return traffic on 1024-65535, now denies it (the VPC-internal rule 100 still comes first);
 * - secretsmanager: the endpoint's group admits nothing, and the VPC has DNS hostnames off;
 * - orders-db / orders-cluster: sg-db admits tcp 5432 from 10.99.0.0/16 only (not sg-fn, not the subnets);
 * - the cache at 10.20.31.17 stays reachable (a control).
 */
export function reachBroken(): Scenario {
  const I = REACH_IDS;
  const s = reach();
  const appAcl = s.networkAcls?.find((a) => a.NetworkAclId === I.appAcl);
  const rule200 = appAcl?.Entries.find((e) => e.RuleNumber === 200 && !e.Egress);
  if (rule200) rule200.RuleAction = 'deny';
  const vpc = s.vpcs?.[0];
  if (vpc) vpc.EnableDnsHostnames = false;
  for (const g of s.securityGroups ?? []) {
    if (g.GroupId === I.sgEndpoint) g.IpPermissions = [];
    if (g.GroupId === I.sgDb)
      g.IpPermissions = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: ['10.99.0.0/16'] }];
  }
  return s;
}
