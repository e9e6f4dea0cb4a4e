import { type Check, ROUTING_READS } from '../check.js';
import { COMMON_SERVICES, pathFrom, serviceTrace } from '../paths.js';

export { COMMON_SERVICES } from '../paths.js';

/**
 * Subnets without a route toward the internet (NO_DEFAULT_ROUTE): which AWS services the path
 * engine still finds reachable from them (through VPC endpoints whose groups, ACLs and DNS admit
 * the function), which not, and which it could not prove.
 */
export const isolated: Check = {
  name: 'isolated',
  reads: ROUTING_READS,
  run({ subnets, paths, add }) {
    for (const { summary: x, idx } of subnets) {
      if (x.internet.kind !== 'isolated') continue;
      const verdictOf = (svc: string) => {
        const v = serviceTrace(paths, svc);
        return v ? (pathFrom(v, x.id)?.verdict ?? 'unknown') : 'unknown';
      };
      const all = paths.services.flatMap((v) => (v.target.kind === 'service' ? [v.target.service] : []));
      const reach = all.filter((svc) => verdictOf(svc) === 'reachable').sort();
      const missing = COMMON_SERVICES.filter((svc) => verdictOf(svc) === 'unreachable');
      const unproved = COMMON_SERVICES.filter((svc) => verdictOf(svc) === 'unknown');
      const reachText = reach.length > 0 ? reach.join(', ') : 'none';
      const missingText = missing.length > 0 ? `; not reachable: ${missing.join(', ')}` : '';
      const unprovedText = unproved.length > 0 ? `; not proved: ${unproved.join(', ')}` : '';
      add(idx, {
        severity: 'warning',
        code: 'NO_DEFAULT_ROUTE',
        subject: x.id,
        message: `Subnet ${x.id} has no default route (0.0.0.0/0) in ${x.routeTableId ?? '?'}, so the function has no internet access; AWS services reachable through VPC endpoints: ${reachText}${missingText}${unprovedText} (the function's own logs still reach CloudWatch Logs).`,
        fix: 'Route 0.0.0.0/0 to a NAT gateway if the function needs the internet, or add VPC endpoints for the services it calls (gateway endpoints for s3 and dynamodb, interface endpoints for the others).',
      });
    }
  },
};
