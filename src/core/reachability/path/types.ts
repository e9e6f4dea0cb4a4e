/**
 * What the path engine takes and gives. The inputs are the EC2 describe results (structural
 * copies of the SDK shapes, in ../types.ts) plus the targets; the output is, per target, a
 * verdict and the path from each of the function's subnets, hop by hop, each hop naming its
 * evidence and, when it fails, the fix.
 */

import type {
  Ec2EgressOnlyInternetGateway,
  Ec2InternetGateway,
  Ec2ManagedPrefixList,
  Ec2NatGateway,
  Ec2NetworkAcl,
  Ec2NetworkInterface,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Ec2VpcAttributes,
  Ec2VpcEndpoint,
} from '../types.js';

export type Protocol = 'tcp' | 'udp';

interface TargetTraffic {
  /** Default tcp. */
  protocol?: Protocol | undefined;
}

/**
 * What the function should reach. Each kind says what the engine may assume: an address target
 * is one host, a group target is every network interface in the group (all must be reachable,
 * since any of them may answer), a resource is a database-like thing that may live in any of its
 * subnets (a failover moves it), a service is whatever its hostname resolves to from inside the VPC.
 */
export type Target =
  | (TargetTraffic & {
      kind: 'internet';
      /** Default 443. */
      port?: number | undefined;
      /** 'ipv6' is the dual-stack path: its own route (::/0), its own NACL entries and rules. */
      family?: 'ipv4' | 'ipv6' | undefined;
    })
  | (TargetTraffic & {
      kind: 'service';
      /** Short name as in endpoint service names: 's3', 'dynamodb', 'secretsmanager', 'ecr.api'. */
      service: string;
      /** Default: the input's region. Endpoints serve their own region only. */
      region?: string | undefined;
      /** Default 443. */
      port?: number | undefined;
    })
  | (TargetTraffic & {
      kind: 'address';
      address: string;
      port: number;
      /** The interface holding the address when the caller knows it; else looked up in networkInterfaces. */
      networkInterface?: Ec2NetworkInterface | undefined;
    })
  | (TargetTraffic & { kind: 'security-group'; groupId: string; port: number })
  | (TargetTraffic & {
      kind: 'resource';
      /** For the label: 'rds:orders-db'. */
      name: string;
      port: number;
      /** The groups guarding it (an RDS instance's VpcSecurityGroups). */
      groupIds: readonly string[];
      /** Where it may live (the DB subnet group): each one is checked unless `addresses` pins it. */
      subnetIds: readonly string[];
      /** Its current addresses, when resolved; their interfaces (or subnets' CIDRs) give the subnet. */
      addresses?: readonly string[] | undefined;
    });

export interface TraceInput {
  region: string;
  /** The function's network configuration, attached or planned. */
  function: {
    subnetIds: readonly string[];
    securityGroupIds: readonly string[];
    ipv6DualStack?: boolean | undefined;
  };
  targets: readonly Target[];
  /** The function's subnets, and those of the targets, NAT gateways and interface endpoints. */
  subnets: readonly Ec2Subnet[];
  /** The function's groups and the targets' and interface endpoints' groups, with both rule lists. */
  securityGroups: readonly Ec2SecurityGroup[];
  /** All route tables of the VPC, so that the main table and the NAT's table are known. */
  routeTables: readonly Ec2RouteTable[];
  /** All network ACLs of the VPC: the default one serves subnets without an association. */
  networkAcls: readonly Ec2NetworkAcl[];
  /** Prefix lists named by routes and rules, with their entries. */
  prefixLists: readonly Ec2ManagedPrefixList[];
  natGateways: readonly Ec2NatGateway[];
  vpcEndpoints: readonly Ec2VpcEndpoint[];
  /** Interfaces holding target addresses, members of target groups, interface endpoints' interfaces. */
  networkInterfaces: readonly Ec2NetworkInterface[];
  vpcAttributes: readonly Ec2VpcAttributes[];
  /** Optional corroboration: a route to a gateway not attached to the VPC fails. */
  internetGateways?: readonly Ec2InternetGateway[] | undefined;
  egressOnlyInternetGateways?: readonly Ec2EgressOnlyInternetGateway[] | undefined;
  /**
   * EC2 actions whose read was denied (e.g. 'ec2:DescribeNetworkAcls'), as analyzeNetwork takes
   * them: the hops that need one are `unknown` and name it, never skipped.
   */
  deniedReads?: readonly string[] | undefined;
}

export type Verdict = 'reachable' | 'unreachable' | 'unknown';

export type HopStatus = 'pass' | 'fail' | 'unknown';

export type HopKind =
  | 'subnet'
  | 'sg-egress'
  | 'nacl-outbound'
  | 'route'
  | 'target'
  | 'nacl-inbound'
  | 'sg-ingress'
  | 'nacl-return-outbound'
  | 'nacl-return-inbound'
  | 'nat-gateway'
  | 'nat-route'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'gateway-endpoint'
  | 'interface-endpoint'
  | 'dns'
  | 'endpoint-policy'
  | 'next-hop';

export interface Hop {
  kind: HopKind;
  status: HopStatus;
  /** The resource that decided: sg-…, acl-…, rtb-…, nat-…, vpce-…, eni-…, igw-… */
  resource?: string;
  /** The subnet whose ACL or route table this is, when it is not the function's own. */
  subnetId?: string;
  /** Which of several destinations this hop leads to (a group member, an endpoint's subnet). */
  toward?: string;
  /** One line: what was checked and what decided it. */
  detail: string;
  /** The rules and routes that decided: 'rule 100 allow tcp 443 0.0.0.0/0', '0.0.0.0/0 → nat-…'. */
  evidence: string[];
  /** Reads that were denied or data that is absent, for `unknown` hops. */
  missing?: string[];
  /** For a failed hop: the command (or step) that makes it pass. */
  fix?: string;
}

export interface SubnetPath {
  subnetId: string;
  family: 'ipv4' | 'ipv6';
  verdict: Verdict;
  hops: Hop[];
}

export interface TargetVerdict {
  target: Target;
  /** 'internet tcp/443', 's3', '10.0.5.17 tcp/6379', 'sg-0abc tcp/5432', 'rds:orders-db tcp/5432'. */
  label: string;
  protocol: Protocol;
  port: number;
  /** reachable: every subnet, every hop proved; unreachable: some hop fails; unknown: else. */
  verdict: Verdict;
  /** The deciding hop, prefixed with its subnet, or what was proved. */
  reason: string;
  subnets: SubnetPath[];
  /** What the verdict does not cover (a restrictive endpoint policy, the remote host's own firewall). */
  notes: string[];
}
