import { type Check, ROUTING_READS } from '../check.js';
import {
  defaultRoute,
  effectiveRouteTable,
  gatewayServicesForTable,
  isBlackhole,
  routeTarget,
} from '../routes.js';
import type { SubnetInternet } from '../types.js';

/**
 * Each subnet's route table and where its default route 0.0.0.0/0 goes: this decides the
 * subnet's internet access (NAT users are re-judged by the nat check) and gateway endpoints.
 */
export const defaultRoutes: Check = {
  name: 'routes',
  reads: ROUTING_READS,
  run({ subnets, input, endpoints, region, add }) {
    for (const row of subnets) {
      const { id, idx, subnet: s, summary } = row;
      const eff = effectiveRouteTable(id, s.VpcId, input.routeTables);
      const table = eff?.table;
      const tid = table?.RouteTableId ?? '?';
      const dr = defaultRoute(table);
      const target = dr ? routeTarget(dr) : undefined;
      let internet: SubnetInternet;
      if (!eff) {
        internet = { kind: 'unknown', reachable: 'unknown', reason: 'route table unknown' };
        add(idx, {
          severity: 'warning',
          code: 'ROUTE_TABLE_NOT_FOUND',
          subject: id,
          message: `No route table was found for subnet ${id} (no explicit association and no main table of ${s.VpcId ?? 'its VPC'}), so its internet access could not be checked.`,
          fix: 'Make sure the caller may run ec2:DescribeRouteTables for the whole VPC.',
        });
      } else if (!dr) {
        internet = { kind: 'isolated', reachable: 'no', reason: 'no default route' };
      } else if (isBlackhole(dr)) {
        internet = {
          kind: 'blackhole',
          via: target,
          reachable: 'no',
          reason: `blackhole route to ${target ?? '?'}`,
        };
      } else if (dr.NatGatewayId) {
        internet = { kind: 'nat', via: dr.NatGatewayId, reachable: 'yes' };
      } else if (target?.startsWith('igw-')) {
        internet = { kind: 'public-no-internet', via: target, reachable: 'no', reason: 'public subnet' };
        add(idx, {
          severity: 'warning',
          code: 'PUBLIC_SUBNET_NO_INTERNET',
          subject: id,
          message: `Subnet ${id} is a public subnet (0.0.0.0/0 goes to ${target} in ${tid}): the function gets no public IP and will have no internet access.`,
          fix: 'Route 0.0.0.0/0 to a NAT gateway: use private subnets whose route table points at a NAT gateway in a public subnet.',
        });
      } else {
        internet = {
          kind: 'other',
          via: target,
          reachable: 'unknown',
          reason: `default route to ${target ?? '?'}`,
        };
        add(idx, {
          severity: 'info',
          code: 'DEFAULT_ROUTE_OTHER',
          subject: id,
          message: `Subnet ${id} sends 0.0.0.0/0 to ${target ?? 'an unknown target'} in ${tid}: internet access depends on what is behind it and was not checked.`,
        });
      }
      row.table = table;
      summary.routeTableId = table?.RouteTableId;
      summary.routeTableIsMain = eff?.isMain ?? false;
      summary.internet = internet;
      summary.gatewayEndpointServices = gatewayServicesForTable(table, endpoints, region);
    }
  },
};
