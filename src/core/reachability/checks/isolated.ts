import { uniq } from '../../sets.js';
import { type Check, ROUTING_READS } from '../check.js';

/** Services checked for isolated subnets (CloudWatch Logs is left out: the function's logs bypass the VPC). */
export const COMMON_SERVICES = [
  's3',
  'dynamodb',
  'sts',
  'secretsmanager',
  'ssm',
  'sqs',
  'sns',
  'kms',
] as const;

/** Subnets without a default route (NO_DEFAULT_ROUTE): what is still reachable through endpoints. */
export const isolated: Check = {
  name: 'isolated',
  reads: ROUTING_READS,
  run({ subnets, interfaceServices, add }) {
    for (const { summary: x, idx } of subnets) {
      if (x.internet.kind !== 'isolated') continue;
      const reach = uniq([...x.gatewayEndpointServices, ...interfaceServices.privateDns]).sort();
      const missing = COMMON_SERVICES.filter((svc) => !reach.includes(svc));
      const reachText = reach.length > 0 ? reach.join(', ') : 'none';
      const missingText = missing.length > 0 ? `; not reachable: ${missing.join(', ')}` : '';
      add(idx, {
        severity: 'warning',
        code: 'NO_DEFAULT_ROUTE',
        subject: x.id,
        message: `Subnet ${x.id} has no default route (0.0.0.0/0) in ${x.routeTableId ?? '?'}, so the function has no internet access; AWS services reachable through VPC endpoints: ${reachText}${missingText} (the function's own logs still reach CloudWatch Logs).`,
        fix: 'Route 0.0.0.0/0 to a NAT gateway if the function needs the internet, or add VPC endpoints for the services it calls (gateway endpoints for s3 and dynamodb, interface endpoints for the others).',
      });
    }
  },
};
