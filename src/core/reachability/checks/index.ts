import type { Check } from '../check.js';
import { availability } from './availability.js';
import { blackholes } from './blackholes.js';
import { endpoints } from './endpoints.js';
import { existence } from './existence.js';
import { interfaceEndpoints } from './interface-endpoints.js';
import { ipv6 } from './ipv6.js';
import { isolated } from './isolated.js';
import { nacls } from './nacls.js';
import { nat } from './nat.js';
import { defaultRoutes } from './routes.js';
import { securityGroups } from './security-groups.js';
import { dedicatedTenancy, mixedVpcs } from './vpc.js';

/**
 * The checks in the order they run. Order matters where one check reads what another decided:
 * routes sets each subnet's table and internet, nat then downgrades the users of a broken NAT,
 * and isolated and endpoints read the result. What reaches the internet and the AWS services was
 * traced once by the path engine before any check runs (CheckContext.paths). Findings are sorted afterwards, not by this order.
 */
export const CHECKS: readonly Check[] = [
  existence,
  mixedVpcs,
  dedicatedTenancy,
  availability,
  defaultRoutes,
  blackholes,
  nat,
  isolated,
  endpoints,
  securityGroups,
  ipv6,
  nacls,
  interfaceEndpoints,
];
