import {
  defaultIpv6Route,
  defaultRoute,
  effectiveRouteTable,
  gatewayAttached,
  isBlackhole,
  routeTarget,
} from './routes.js';
import { allowsHttps, hasEgress, httpsDestinations, summarizeEgress } from './security-groups.js';
import type {
  Ec2EgressOnlyInternetGateway,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Finding,
  NetworkInput,
  SecurityGroupSummary,
  SubnetSummary,
} from './types.js';

/** Records a finding; `anchor` orders it (requested position, -1 for global findings). */
export type AddFinding = (anchor: number, f: Finding) => void;

/**
 * Security-group checks. Egress rules of all groups combine on the function's network interface,
 * so a group without egress is only a problem when no group has any.
 */
export function securityGroupChecks(
  groups: ReadonlyArray<{ id: string; idx: number; g: Ec2SecurityGroup }>,
  add: AddFinding,
): { summaries: SecurityGroupSummary[]; noEgress: boolean } {
  const sgSummaries = groups.map(({ id, g }) => ({
    id,
    name: g.GroupName,
    vpcId: g.VpcId,
    egress: summarizeEgress(g),
    allowsHttps: (g.IpPermissionsEgress ?? []).some(allowsHttps),
  }));
  const noEgress = groups.length > 0 && !groups.some((x) => hasEgress(x.g));
  const firstGroup = groups[0];
  if (firstGroup) {
    const one = groups.length === 1;
    const ids = groups.map((x) => x.id).join(', ');
    const base = { subject: one ? firstGroup.id : undefined };
    const https = httpsDestinations(groups.map((x) => x.g));
    if (noEgress) {
      add(firstGroup.idx, {
        ...base,
        severity: 'warning',
        code: 'SG_NO_EGRESS',
        message: `${one ? `Security group ${ids} has no outbound rules` : `None of the security groups (${ids}) has an outbound rule`}: the function cannot open any connection (internet, AWS services or resources in the VPC).`,
        fix: 'Add an outbound rule, e.g. tcp 443 to 0.0.0.0/0 (the default group allows all outbound traffic).',
      });
    } else if (https.length === 0) {
      const rules = sgSummaries.filter((x) => x.egress !== 'none').map((x) => x.egress);
      add(firstGroup.idx, {
        ...base,
        severity: 'warning',
        code: 'SG_NO_HTTPS_EGRESS',
        message: `${one ? `Security group ${ids} allows` : `The security groups ${ids} allow`} outbound ${rules.join('; ')} but not HTTPS (tcp 443): the function cannot call AWS APIs or most web services.`,
        fix: "Add an outbound rule for tcp 443 to 0.0.0.0/0 (or to the VPC endpoints' security group or prefix list).",
      });
    } else if (!https.includes('0.0.0.0/0')) {
      add(firstGroup.idx, {
        ...base,
        severity: 'info',
        code: 'SG_HTTPS_EGRESS_LIMITED',
        message: `The security groups allow HTTPS (tcp 443) only to ${https.join(', ')}, not to 0.0.0.0/0: the internet and AWS services outside those destinations are blocked.`,
        fix: 'Add tcp 443 to 0.0.0.0/0 if the function calls the internet or AWS APIs through a NAT gateway.',
      });
    }
  }
  return { summaries: sgSummaries, noEgress };
}

/** IPv6 dual-stack checks: an IPv6 CIDR on each subnet and a ::/0 route to an egress-only IGW. */
export function ipv6Checks(
  rows: ReadonlyArray<{
    summary: SubnetSummary;
    subnet: Ec2Subnet;
    idx: number;
    table: Ec2RouteTable | undefined;
  }>,
  egressOnlyInternetGateways: readonly Ec2EgressOnlyInternetGateway[] | undefined,
  add: AddFinding,
): void {
  for (const { summary: x, subnet, idx, table } of rows) {
    if (!table) continue;
    const blocks = subnet.Ipv6CidrBlockAssociationSet;
    const live = (blocks ?? []).some(
      (b) => b.Ipv6CidrBlock && ['associated', undefined].includes(b.Ipv6CidrBlockState?.State),
    );
    if (blocks && !live) {
      add(idx, {
        severity: 'warning',
        code: 'IPV6_SUBNET_NO_CIDR',
        subject: x.id,
        message: `Subnet ${x.id} has no IPv6 CIDR block, so dual-stack gives the function no IPv6 address there.`,
        fix: 'Associate an IPv6 CIDR block with the subnet, or turn dual-stack off.',
      });
      continue;
    }
    const r = defaultIpv6Route(table);
    const eigw = r && !isBlackhole(r) ? r.EgressOnlyInternetGatewayId : undefined;
    if (eigw && gatewayAttached(eigw, x.vpcId, egressOnlyInternetGateways)) continue;
    const tid = table.RouteTableId ?? '?';
    let problem = `has no ::/0 route`;
    if (r && isBlackhole(r)) problem = `has a blackhole ::/0 route`;
    else if (r) problem = `sends ::/0 to ${routeTarget(r) ?? '?'}, not to an egress-only internet gateway`;
    add(idx, {
      severity: 'warning',
      code: 'IPV6_NO_EGRESS_ROUTE',
      subject: x.id,
      message: `Route table ${tid} of subnet ${x.id} ${problem}, so the function has no IPv6 egress from this subnet.`,
      fix: `Add a route ::/0 to an egress-only internet gateway (eigw-…) in ${tid}.`,
    });
  }
}

/**
 * NAT gateways used as default route: available, public, and sitting in a subnet whose own
 * default route goes to an (attached) internet gateway. Users of a broken NAT become unreachable.
 */
export function natChecks(
  summaries: readonly SubnetSummary[],
  anchorOf: (subnetId: string) => number,
  input: Pick<NetworkInput, 'natGateways' | 'routeTables' | 'internetGateways' | 'region'>,
  add: AddFinding,
): void {
  const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
  for (const natId of uniq(
    summaries.flatMap((x) => (x.internet.kind === 'nat' && x.internet.via ? [x.internet.via] : [])),
  )) {
    const users = summaries.filter((x) => x.internet.kind === 'nat' && x.internet.via === natId);
    const anchor = anchorOf(users[0]?.id ?? '');
    const userList = users.map((x) => x.id).join(', ');
    const nat = input.natGateways.find((n) => n.NatGatewayId === natId);
    const fail = (reason: string, f: Omit<Finding, 'subject'>) => {
      for (const u of users) u.internet = { ...u.internet, reachable: 'no', reason };
      add(anchor, { ...f, subject: natId });
    };
    if (nat?.State !== 'available') {
      const state = nat
        ? `is ${nat.State ?? 'in an unknown state'}, not available`
        : `was not found in ${input.region}`;
      fail(`${natId} ${nat ? (nat.State ?? 'not available') : 'not found'}`, {
        severity: 'warning',
        code: 'NAT_NOT_AVAILABLE',
        message: `NAT gateway ${natId} (default route of ${userList}) ${state}: the function has no internet access through it.`,
        fix: 'Route 0.0.0.0/0 to an available NAT gateway, or wait until this one is available if it is pending.',
      });
      continue;
    }
    if (nat.ConnectivityType === 'private') {
      fail('private NAT gateway', {
        severity: 'warning',
        code: 'NAT_PRIVATE',
        message: `NAT gateway ${natId} (default route of ${userList}) is a private NAT gateway: it reaches other networks, not the internet.`,
        fix: 'Route 0.0.0.0/0 to a public NAT gateway.',
      });
      continue;
    }
    const natVpc = nat.VpcId ?? users[0]?.vpcId;
    const natTable = nat.SubnetId
      ? effectiveRouteTable(nat.SubnetId, natVpc, input.routeTables)?.table
      : undefined;
    if (!natTable) continue;
    const up = defaultRoute(natTable);
    const igw = up && !isBlackhole(up) ? up.GatewayId : undefined;
    if (!igw?.startsWith('igw-') || !gatewayAttached(igw, natVpc, input.internetGateways)) {
      fail('NAT gateway in a private subnet', {
        severity: 'warning',
        code: 'NAT_IN_PRIVATE_SUBNET',
        message: `NAT gateway ${natId} (default route of ${userList}) sits in subnet ${nat.SubnetId}, whose route table ${natTable.RouteTableId ?? '?'} has no default route to an internet gateway, so the NAT cannot reach the internet.`,
        fix: `Put the NAT gateway in a public subnet, or route 0.0.0.0/0 to an internet gateway in ${natTable.RouteTableId ?? 'its route table'}.`,
      });
    }
  }
}
