import { type Check, ROUTING_READS } from '../check.js';
import { isBlackhole, routeDestination, routeTarget } from '../routes.js';

/** Blackhole routes in the subnets' route tables, reported once per table. */
export const blackholes: Check = {
  name: 'blackholes',
  reads: ROUTING_READS,
  run({ subnets, add }) {
    const seen = new Set<string>();
    for (const { table, idx } of subnets) {
      const tid = table?.RouteTableId;
      if (!table || !tid || seen.has(tid)) continue;
      seen.add(tid);
      const users = subnets.filter((x) => x.summary.routeTableId === tid).map((x) => x.id);
      for (const r of (table.Routes ?? []).filter(isBlackhole)) {
        const dest = routeDestination(r);
        const consequence = dest === '0.0.0.0/0' ? ', so the function has no internet access' : '';
        add(idx, {
          severity: 'warning',
          code: 'BLACKHOLE_ROUTE',
          subject: tid,
          message: `Route table ${tid} (used by ${users.join(', ')}) has a blackhole route: traffic to ${dest} goes to ${routeTarget(r) ?? 'a target'} that no longer exists and is dropped${consequence}.`,
          fix: `Point ${dest} at a working target (for 0.0.0.0/0, an available NAT gateway) or delete the route.`,
        });
      }
    }
  },
};
