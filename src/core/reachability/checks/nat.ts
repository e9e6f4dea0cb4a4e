import { type Check, ROUTING_READS } from '../check.js';
import { defaultRoute, effectiveRouteTable, gatewayAttached, isBlackhole } from '../routes.js';
import type { Finding } from '../types.js';

/**
 * NAT gateways used as default route: available, public, and sitting in a subnet whose own
 * default route goes to an (attached) internet gateway. Users of a broken NAT become unreachable.
 */
export const nat: Check = {
  name: 'nat',
  reads: ROUTING_READS,
  run({ subnets, input, afterRequested, add }) {
    const viaNat = subnets.filter((x) => x.summary.internet.kind === 'nat' && x.summary.internet.via);
    for (const natId of new Set(viaNat.map((x) => x.summary.internet.via))) {
      if (!natId) continue;
      const users = viaNat.filter((x) => x.summary.internet.via === natId);
      const anchor = users[0]?.idx ?? afterRequested;
      const userList = users.map((x) => x.id).join(', ');
      const gateway = input.natGateways.find((n) => n.NatGatewayId === natId);
      const fail = (reason: string, f: Omit<Finding, 'subject'>) => {
        for (const { summary } of users) summary.internet = { ...summary.internet, reachable: 'no', reason };
        add(anchor, { ...f, subject: natId });
      };
      if (gateway?.State !== 'available') {
        const state = gateway
          ? `is ${gateway.State ?? 'in an unknown state'}, not available`
          : `was not found in ${input.region}`;
        fail(`${natId} ${gateway ? (gateway.State ?? 'not available') : 'not found'}`, {
          severity: 'warning',
          code: 'NAT_NOT_AVAILABLE',
          message: `NAT gateway ${natId} (default route of ${userList}) ${state}: the function has no internet access through it.`,
          fix: 'Route 0.0.0.0/0 to an available NAT gateway, or wait until this one is available if it is pending.',
        });
        continue;
      }
      if (gateway.ConnectivityType === 'private') {
        fail('private NAT gateway', {
          severity: 'warning',
          code: 'NAT_PRIVATE',
          message: `NAT gateway ${natId} (default route of ${userList}) is a private NAT gateway: it reaches other networks, not the internet.`,
          fix: 'Route 0.0.0.0/0 to a public NAT gateway.',
        });
        continue;
      }
      const natVpc = gateway.VpcId ?? users[0]?.summary.vpcId;
      const natTable = gateway.SubnetId
        ? effectiveRouteTable(gateway.SubnetId, natVpc, input.routeTables)?.table
        : undefined;
      // No subnet or table known for the NAT: its upstream is not judged (the users stay 'yes').
      if (!natTable) continue;
      const up = defaultRoute(natTable);
      const igw = up && !isBlackhole(up) ? up.GatewayId : undefined;
      if (igw?.startsWith('igw-') && gatewayAttached(igw, natVpc, input.internetGateways)) continue;
      fail('NAT gateway in a private subnet', {
        severity: 'warning',
        code: 'NAT_IN_PRIVATE_SUBNET',
        message: `NAT gateway ${natId} (default route of ${userList}) sits in subnet ${gateway.SubnetId}, whose route table ${natTable.RouteTableId ?? '?'} has no default route to an internet gateway, so the NAT cannot reach the internet.`,
        fix: `Put the NAT gateway in a public subnet, or route 0.0.0.0/0 to an internet gateway in ${natTable.RouteTableId ?? 'its route table'}.`,
      });
    }
  },
};
