import { uniq } from '../../sets.js';
import { type Check, ROUTING_READS } from '../check.js';
import type { Hop, SubnetPath } from '../path/index.js';
import { decidingHop, hopReason, pathFrom } from '../paths.js';
import { effectiveRouteTable, gatewayServicesForTable } from '../routes.js';
import type { InternetKind, SubnetInternet } from '../types.js';

/** A route the internet path takes from the subnet: its destination and target, from the route hop. */
interface TakenRoute {
  dest: string;
  target: string | undefined;
  status: Hop['status'];
  blackhole: boolean;
}

/** The routes (longest prefix match, as the engine chose them) that carry some of the internet. */
function takenRoutes(path: SubnetPath | undefined): TakenRoute[] {
  return (path?.hops ?? [])
    .filter((h) => h.kind === 'route' && h.resource !== undefined)
    .map((h) => {
      const [dest, target] = (h.evidence[0] ?? '').split(' → ');
      return {
        dest: dest ?? '?',
        target: target?.replace(/ \(blackhole\)$/, ''),
        status: h.status,
        blackhole: target?.endsWith('(blackhole)') ?? false,
      };
    });
}

/**
 * What the routes toward the internet point at. Several routes may share it (0.0.0.0/1 and
 * 128.0.0.0/1 beat 0.0.0.0/0 for every address): the worst target decides the kind.
 */
function routeKind(taken: readonly TakenRoute[]): { kind: InternetKind; via?: string; dests: string[] } {
  const routed = taken.filter((t) => t.target !== undefined);
  const pick = (kind: InternetKind, list: TakenRoute[]) => ({
    kind,
    via: uniq(list.map((t) => t.target ?? '?')).join(', '),
    dests: uniq(list.map((t) => t.dest)),
  });
  if (routed.length === 0) return { kind: 'isolated', dests: [] };
  const blackholes = routed.filter((t) => t.blackhole);
  if (blackholes.length > 0) return pick('blackhole', blackholes);
  const igw = routed.filter((t) => t.target?.startsWith('igw-'));
  if (igw.length > 0) return pick('public-no-internet', igw);
  const other = routed.filter((t) => !t.target?.startsWith('nat-'));
  if (other.length > 0) return pick('other', other);
  return pick('nat', routed);
}

/** The state a route kind implies by itself, and its short reason (the verdict line's words). */
function kindReason(
  kind: InternetKind,
  via: string | undefined,
): { state: 'no' | 'unknown'; reason: string } | undefined {
  if (kind === 'isolated') return { state: 'no', reason: 'no default route' };
  if (kind === 'blackhole') return { state: 'no', reason: `blackhole route to ${via ?? '?'}` };
  if (kind === 'public-no-internet') return { state: 'no', reason: 'public subnet' };
  if (kind === 'other') return { state: 'unknown', reason: `default route to ${via ?? '?'}` };
  return undefined;
}

/**
 * Each subnet's route table and where its routes toward the internet go, as the path engine
 * followed them (longest prefix match): this decides the subnet's internet access, whose state is
 * the engine's verdict for the internet (tcp 443) from that subnet, and its gateway endpoints.
 * NAT users are given their NAT's reason by the nat check.
 */
export const defaultRoutes: Check = {
  name: 'routes',
  reads: ROUTING_READS,
  run({ subnets, input, endpoints, region, paths, add }) {
    for (const row of subnets) {
      const { id, idx, subnet: s, summary } = row;
      const eff = effectiveRouteTable(id, s.VpcId, input.routeTables);
      const table = eff?.table;
      const tid = table?.RouteTableId ?? '?';
      const path = pathFrom(paths.internet, id);
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
      } else {
        const { kind, via, dests } = routeKind(takenRoutes(path));
        const reachable =
          path?.verdict === 'reachable' ? 'yes' : path?.verdict === 'unreachable' ? 'no' : 'unknown';
        const implied = kindReason(kind, via);
        const deciding = path ? decidingHop(path) : undefined;
        let reason: string | undefined;
        if (reachable !== 'yes') {
          reason =
            implied?.state === reachable
              ? implied.reason
              : deciding
                ? hopReason(paths, deciding)
                : 'no path was traced';
        }
        internet = { kind, ...(via ? { via } : {}), reachable, ...(reason ? { reason } : {}) };
        const destText = dests.join(' and ') || '0.0.0.0/0';
        if (kind === 'public-no-internet') {
          add(idx, {
            severity: 'warning',
            code: 'PUBLIC_SUBNET_NO_INTERNET',
            subject: id,
            message: `Subnet ${id} is a public subnet (${destText} ${dests.length > 1 ? 'go' : 'goes'} to ${via} in ${tid}): the function gets no public IP and will have no internet access.`,
            fix: 'Route 0.0.0.0/0 to a NAT gateway: use private subnets whose route table points at a NAT gateway in a public subnet.',
          });
        } else if (kind === 'other') {
          add(idx, {
            severity: 'info',
            code: 'DEFAULT_ROUTE_OTHER',
            subject: id,
            message: `Subnet ${id} sends ${destText} to ${via ?? 'an unknown target'} in ${tid}: internet access depends on what is behind it and was not checked.`,
          });
        }
      }
      row.table = table;
      summary.routeTableId = table?.RouteTableId;
      summary.routeTableIsMain = eff?.isMain ?? false;
      summary.internet = internet;
      summary.gatewayEndpointServices = gatewayServicesForTable(table, endpoints, region);
    }
  },
};
