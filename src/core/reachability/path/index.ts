/**
 * The pure path engine (issue 12): EC2 describe results and targets in, per-target verdicts and
 * per-subnet hops out. No SDK import, no I/O. See trace.ts for the verdict rules.
 */

export { type Cidr, coverage, formatCidr, INTERNET, parseCidr } from './cidr.js';
export { type AclQuery, type AclResult, aclOf, evaluateAcl } from './nacl.js';
export { classifyEndpointPolicy, type EndpointPolicy } from './policy.js';
export { targetLabel, tracePaths, verdictOf } from './trace.js';
export type * from './types.js';
export { EPHEMERAL, READ } from './world.js';
