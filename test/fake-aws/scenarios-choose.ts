// The "choose" world: VPCs for `attach --vpc`, name:/tag: selectors, `--like` and the ENI budget
// (issue 16). eu-west-1; every subnet's verdict follows from its route table (docs/fake-aws.md).
import { awsManagedPrefixLists } from './ec2-acls.js';
import { VPC_ACCESS_POLICY_ARN } from './policies.js';
import type { IpPermissionSpec, NetworkInterfaceSpec, Scenario, SubnetSpec } from './types.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ALL_EGRESS: IpPermissionSpec = { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] };

const chooseId = (prefix: string, n: number) => `${prefix}-0c4005e${String(n).padStart(10, '0')}`;

export const CHOOSE_IDS = {
  region: REGION,
  prodVpc: chooseId('vpc', 1),
  prodCidr: '10.20.0.0/16',
  privateA: chooseId('subnet', 11),
  privateB: chooseId('subnet', 12),
  privateC: chooseId('subnet', 13),
  privateA2: chooseId('subnet', 14),
  publicA: chooseId('subnet', 21),
  isolatedA: chooseId('subnet', 31),
  isolatedB: chooseId('subnet', 32),
  igw: chooseId('igw', 41),
  nat: chooseId('nat', 42),
  mainRouteTable: chooseId('rtb', 50),
  privateRouteTable: chooseId('rtb', 51),
  publicRouteTable: chooseId('rtb', 52),
  isolatedRouteTable: chooseId('rtb', 53),
  s3Endpoint: chooseId('vpce', 61),
  secretsEndpoint: chooseId('vpce', 62),
  /** The region's AWS-managed S3 list, which the S3 gateway endpoint's route names. */
  s3PrefixList: awsManagedPrefixLists(REGION)[0]?.PrefixListId ?? '',
  sgLambdaEgress: chooseId('sg', 71),
  sgDb: chooseId('sg', 72),
  sgProdDefault: chooseId('sg', 73),
  sgEndpoint: chooseId('sg', 74),
  /** orders-api's two Lambda interfaces: (private-a, [lambda-egress]) and (private-b, [lambda-egress]). */
  ordersEniA: chooseId('eni', 81),
  ordersEniB: chooseId('eni', 82),

  singleAzVpc: chooseId('vpc', 101),
  singleAzPrivate: chooseId('subnet', 111),
  singleAzPublic: chooseId('subnet', 112),
  singleAzIgw: chooseId('igw', 141),
  singleAzNat: chooseId('nat', 142),
  singleAzPrivateRouteTable: chooseId('rtb', 151),
  singleAzPublicRouteTable: chooseId('rtb', 152),
  sgSingleAzEgress: chooseId('sg', 171),
  sgSingleAzDefault: chooseId('sg', 172),

  dupVpc1: chooseId('vpc', 201),
  dupVpc2: chooseId('vpc', 202),
  sgDup1Default: chooseId('sg', 271),
  sgDup2Default: chooseId('sg', 272),

  role: 'choose-fn-role',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/choose-fn-role`,
  /** In prod: private-a and private-b, lambda-egress. */
  ordersApi: 'orders-api',
  /** Not in a VPC. */
  newFn: 'new-fn',
  otherFn: 'other-fn',
} as const;

/** A VPC's default group as AWS creates it: all traffic from its own members, all traffic out. */
const defaultGroup = (GroupId: string, VpcId: string) => ({
  GroupId,
  GroupName: 'default',
  Description: 'default VPC security group',
  VpcId,
  IpPermissions: [{ IpProtocol: '-1', GroupIds: [GroupId] }],
  IpPermissionsEgress: [ALL_EGRESS],
});

/**
 * - VPC `prod` (10.20.0.0/16, DNS support and hostnames on) over eu-west-1a/b/c (euw1-az1/2/3):
 *   private subnets routed 0.0.0.0/0 to an available public NAT gateway, `prod-private-a`
 *   (4000 free), `prod-private-a2` (AZ a, 900 free), `prod-private-b` (250), `prod-private-c`
 *   (12: nearly full), tagged `tier=private`; `prod-public-a` (`tier=public`, 0.0.0.0/0 to the
 *   internet gateway, holds the NAT gateway); `prod-isolated-a`/`-b` (`tier=isolated`, no default
 *   route; S3 through a gateway endpoint on their route table, secretsmanager through an interface
 *   endpoint with private DNS in both, whose group admits tcp 443 from the VPC). Groups:
 *   `lambda-egress` (all out), `db` (tcp 5432 from lambda-egress), `secretsmanager-endpoint`, and
 *   the VPC's `default`. Default NACLs. `orders-api` is attached to private-a and private-b with
 *   lambda-egress, and has the two Lambda network interfaces of those combinations.
 * - VPC `single-az` (10.30.0.0/16): one AZ, one private subnet behind a NAT gateway in its one
 *   public subnet, the group `single-az-egress`.
 * - Two VPCs named `dup` (10.40.0.0/16, 10.41.0.0/16), with nothing but their default groups.
 * - `orders-api`, `new-fn`, `other-fn` share a role with AWSLambdaVPCAccessExecutionRole.
 */
export function choose(): Scenario {
  const I = CHOOSE_IDS;
  const subnet = (
    SubnetId: string,
    VpcId: string,
    AvailabilityZone: string,
    CidrBlock: string,
    free: number,
    Name: string,
    tier?: string,
  ): SubnetSpec => ({
    SubnetId,
    VpcId,
    AvailabilityZone,
    CidrBlock,
    AvailableIpAddressCount: free,
    Tags: tier ? { Name, tier } : { Name },
  });
  const lambdaEni = (NetworkInterfaceId: string, SubnetId: string, ip: string, uuid: string) =>
    ({
      NetworkInterfaceId,
      SubnetId,
      Description: `AWS Lambda VPC ENI-orders-api-${uuid}`,
      InterfaceType: 'lambda',
      RequesterManaged: true,
      RequesterId: 'AROAEXAMPLELAMBDA0001:lambda',
      GroupIds: [I.sgLambdaEgress],
      Status: 'in-use',
      PrivateIpAddress: ip,
      AttachTime: '2026-11-02T10:00:00.000Z',
    }) satisfies NetworkInterfaceSpec;
  return {
    region: REGION,
    accountId: ACCOUNT,
    vpcs: [
      {
        VpcId: I.prodVpc,
        CidrBlock: I.prodCidr,
        // Private DNS on an interface endpoint needs DNS hostnames as well as DNS support.
        EnableDnsHostnames: true,
        Tags: { Name: 'prod', env: 'prod' },
      },
      { VpcId: I.singleAzVpc, CidrBlock: '10.30.0.0/16', Tags: { Name: 'single-az' } },
      { VpcId: I.dupVpc1, CidrBlock: '10.40.0.0/16', Tags: { Name: 'dup' } },
      { VpcId: I.dupVpc2, CidrBlock: '10.41.0.0/16', Tags: { Name: 'dup' } },
    ],
    subnets: [
      subnet(I.privateA, I.prodVpc, 'eu-west-1a', '10.20.0.0/20', 4000, 'prod-private-a', 'private'),
      subnet(I.privateB, I.prodVpc, 'eu-west-1b', '10.20.16.0/20', 250, 'prod-private-b', 'private'),
      subnet(I.privateC, I.prodVpc, 'eu-west-1c', '10.20.32.0/24', 12, 'prod-private-c', 'private'),
      subnet(I.privateA2, I.prodVpc, 'eu-west-1a', '10.20.36.0/22', 900, 'prod-private-a2', 'private'),
      {
        ...subnet(I.publicA, I.prodVpc, 'eu-west-1a', '10.20.100.0/24', 248, 'prod-public-a', 'public'),
        MapPublicIpOnLaunch: true,
      },
      subnet(I.isolatedA, I.prodVpc, 'eu-west-1a', '10.20.200.0/24', 245, 'prod-isolated-a', 'isolated'),
      subnet(I.isolatedB, I.prodVpc, 'eu-west-1b', '10.20.201.0/24', 245, 'prod-isolated-b', 'isolated'),
      subnet(I.singleAzPrivate, I.singleAzVpc, 'eu-west-1a', '10.30.1.0/24', 240, 'single-az-private'),
      {
        ...subnet(I.singleAzPublic, I.singleAzVpc, 'eu-west-1a', '10.30.100.0/24', 250, 'single-az-public'),
        MapPublicIpOnLaunch: true,
      },
    ],
    securityGroups: [
      {
        GroupId: I.sgLambdaEgress,
        GroupName: 'lambda-egress',
        Description: 'Lambda functions: all outbound traffic',
        VpcId: I.prodVpc,
        IpPermissionsEgress: [ALL_EGRESS],
        Tags: { Name: 'lambda-egress' },
      },
      {
        GroupId: I.sgDb,
        GroupName: 'db',
        Description: 'Postgres: from the Lambda functions',
        VpcId: I.prodVpc,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, GroupIds: [I.sgLambdaEgress] }],
        IpPermissionsEgress: [ALL_EGRESS],
        Tags: { Name: 'db' },
      },
      {
        GroupId: I.sgEndpoint,
        GroupName: 'secretsmanager-endpoint',
        Description: 'Interface endpoints: HTTPS from the VPC',
        VpcId: I.prodVpc,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [I.prodCidr] }],
        IpPermissionsEgress: [ALL_EGRESS],
      },
      defaultGroup(I.sgProdDefault, I.prodVpc),
      {
        GroupId: I.sgSingleAzEgress,
        GroupName: 'single-az-egress',
        Description: 'Lambda functions: all outbound traffic',
        VpcId: I.singleAzVpc,
        IpPermissionsEgress: [ALL_EGRESS],
        Tags: { Name: 'single-az-egress' },
      },
      defaultGroup(I.sgSingleAzDefault, I.singleAzVpc),
      defaultGroup(I.sgDup1Default, I.dupVpc1),
      defaultGroup(I.sgDup2Default, I.dupVpc2),
    ],
    internetGateways: [
      { InternetGatewayId: I.igw, Attachments: [{ VpcId: I.prodVpc }] },
      { InternetGatewayId: I.singleAzIgw, Attachments: [{ VpcId: I.singleAzVpc }] },
    ],
    natGateways: [
      { NatGatewayId: I.nat, SubnetId: I.publicA, VpcId: I.prodVpc },
      { NatGatewayId: I.singleAzNat, SubnetId: I.singleAzPublic, VpcId: I.singleAzVpc },
    ],
    routeTables: [
      // Every prod subnet is associated explicitly; the main table has the local route only.
      { RouteTableId: I.mainRouteTable, VpcId: I.prodVpc, Routes: [], Associations: [{ Main: true }] },
      {
        RouteTableId: I.privateRouteTable,
        VpcId: I.prodVpc,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: I.nat }],
        Associations: [I.privateA, I.privateB, I.privateC, I.privateA2].map((SubnetId) => ({ SubnetId })),
        Tags: { Name: 'prod-private' },
      },
      {
        RouteTableId: I.publicRouteTable,
        VpcId: I.prodVpc,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: I.igw }],
        Associations: [{ SubnetId: I.publicA }],
        Tags: { Name: 'prod-public' },
      },
      {
        RouteTableId: I.isolatedRouteTable,
        VpcId: I.prodVpc,
        Routes: [{ DestinationPrefixListId: I.s3PrefixList, GatewayId: I.s3Endpoint }],
        Associations: [{ SubnetId: I.isolatedA }, { SubnetId: I.isolatedB }],
        Tags: { Name: 'prod-isolated' },
      },
      {
        RouteTableId: I.singleAzPrivateRouteTable,
        VpcId: I.singleAzVpc,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: I.singleAzNat }],
        Associations: [{ Main: true }, { SubnetId: I.singleAzPrivate }],
      },
      {
        RouteTableId: I.singleAzPublicRouteTable,
        VpcId: I.singleAzVpc,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: I.singleAzIgw }],
        Associations: [{ SubnetId: I.singleAzPublic }],
      },
    ],
    vpcEndpoints: [
      {
        VpcEndpointId: I.s3Endpoint,
        VpcEndpointType: 'Gateway',
        VpcId: I.prodVpc,
        ServiceName: `com.amazonaws.${REGION}.s3`,
        RouteTableIds: [I.isolatedRouteTable],
      },
      {
        VpcEndpointId: I.secretsEndpoint,
        VpcEndpointType: 'Interface',
        VpcId: I.prodVpc,
        ServiceName: `com.amazonaws.${REGION}.secretsmanager`,
        SubnetIds: [I.isolatedA, I.isolatedB],
        GroupIds: [I.sgEndpoint],
        PrivateDnsEnabled: true,
      },
    ],
    networkInterfaces: [
      lambdaEni(I.ordersEniA, I.privateA, '10.20.3.41', '6a1f0e52-3c7d-4b19-8e2a-5d90c4b7f311'),
      lambdaEni(I.ordersEniB, I.privateB, '10.20.17.58', '0d2b9c84-7e15-4f63-a0b8-2c6e1f9d4a72'),
    ],
    roles: [{ RoleName: I.role, AttachedPolicyArns: [VPC_ACCESS_POLICY_ARN] }],
    functions: [
      {
        FunctionName: I.ordersApi,
        Role: I.roleArn,
        Description: 'Orders HTTP API',
        MemorySize: 512,
        VpcConfig: { SubnetIds: [I.privateA, I.privateB], SecurityGroupIds: [I.sgLambdaEgress] },
      },
      { FunctionName: I.newFn, Role: I.roleArn },
      { FunctionName: I.otherFn, Role: I.roleArn },
    ],
  };
}
