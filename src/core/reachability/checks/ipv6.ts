import { type Check, ROUTING_READS } from '../check.js';
import { defaultIpv6Route, gatewayAttached, isBlackhole, routeTarget } from '../routes.js';

/** IPv6 dual-stack: an IPv6 CIDR on each subnet and a ::/0 route to an egress-only internet gateway. */
export const ipv6: Check = {
  name: 'ipv6',
  reads: ROUTING_READS,
  run({ subnets, input, add }) {
    if (!input.requested.ipv6DualStack) return;
    for (const { summary: x, subnet, idx, table } of subnets) {
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
      if (eigw && gatewayAttached(eigw, x.vpcId, input.egressOnlyInternetGateways)) continue;
      const tid = table.RouteTableId ?? '?';
      let problem = 'has no ::/0 route';
      if (r && isBlackhole(r)) problem = 'has a blackhole ::/0 route';
      else if (r) problem = `sends ::/0 to ${routeTarget(r) ?? '?'}, not to an egress-only internet gateway`;
      add(idx, {
        severity: 'warning',
        code: 'IPV6_NO_EGRESS_ROUTE',
        subject: x.id,
        message: `Route table ${tid} of subnet ${x.id} ${problem}, so the function has no IPv6 egress from this subnet.`,
        fix: `Add a route ::/0 to an egress-only internet gateway (eigw-…) in ${tid}.`,
      });
    }
  },
};
