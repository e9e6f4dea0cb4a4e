import { type Check, ROUTING_READS } from '../check.js';
import { READ } from '../path/index.js';
import { pathFrom } from '../paths.js';
import type { Finding } from '../types.js';

/**
 * NAT gateways the internet path goes through: available, public, and sitting in a subnet whose
 * own routes (longest prefix match) go to an attached internet gateway, as the path engine found
 * them. Their users get the NAT's reason; a NAT gateway that does not exist makes them `no`.
 */
export const nat: Check = {
  name: 'nat',
  reads: ROUTING_READS,
  run({ subnets, input, afterRequested, paths, add }) {
    const viaNat = subnets.filter((x) => x.summary.internet.kind === 'nat' && x.summary.internet.via);
    const natIds = new Set(viaNat.flatMap((x) => (x.summary.internet.via ?? '').split(', ')));
    for (const natId of natIds) {
      if (!natId) continue;
      const users = viaNat.filter((x) => (x.summary.internet.via ?? '').split(', ').includes(natId));
      const anchor = users[0]?.idx ?? afterRequested;
      const userList = users.map((x) => x.id).join(', ');
      const hops = users.flatMap((x) => pathFrom(paths.internet, x.id)?.hops ?? []);
      const gateway = input.natGateways.find((n) => n.NatGatewayId === natId);
      const fail = (reason: string, f: Omit<Finding, 'subject'>, force = false) => {
        for (const { summary } of users) {
          if (force || summary.internet.reachable === 'no')
            summary.internet = { ...summary.internet, reachable: 'no', reason };
        }
        add(anchor, { ...f, subject: natId });
      };
      if (!gateway && (input.deniedReads ?? []).includes(READ.nat)) continue;
      if (gateway?.State !== 'available') {
        const state = gateway
          ? `is ${gateway.State ?? 'in an unknown state'}, not available`
          : `was not found in ${input.region}`;
        // A route to a NAT gateway the VPC does not have carries nothing: `no`, not `unknown`.
        fail(
          `${natId} ${gateway ? (gateway.State ?? 'not available') : 'not found'}`,
          {
            severity: 'warning',
            code: 'NAT_NOT_AVAILABLE',
            message: `NAT gateway ${natId} (default route of ${userList}) ${state}: the function has no internet access through it.`,
            fix: 'Route 0.0.0.0/0 to an available NAT gateway, or wait until this one is available if it is pending.',
          },
          true,
        );
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
      // The NAT's own route failing, or the internet gateway it routes to not being attached.
      const natRoute = hops.find((h) => h.kind === 'nat-route');
      const upstream = hops.some(
        (h) => (h.kind === 'nat-route' || h.kind === 'internet-gateway') && h.status === 'fail',
      );
      if (!upstream || !natRoute) continue;
      const natTable = natRoute?.resource ?? '?';
      fail('NAT gateway in a private subnet', {
        severity: 'warning',
        code: 'NAT_IN_PRIVATE_SUBNET',
        message: `NAT gateway ${natId} (default route of ${userList}) sits in subnet ${gateway.SubnetId}, whose route table ${natTable} has no default route to an internet gateway, so the NAT cannot reach the internet.`,
        fix: `Put the NAT gateway in a public subnet, or route 0.0.0.0/0 to an internet gateway in ${natTable === '?' ? 'its route table' : natTable}.`,
      });
    }
  },
};
