/**
 * Network reachability of a Lambda function attached to subnets and security groups.
 *
 * Pure: takes the results of the EC2 describe calls (structurally compatible with the
 * `@aws-sdk/client-ec2` output shapes) and says what the function will and will not reach.
 * The work is a list of checks (./checks/index.ts), each declaring the EC2 reads it trusts;
 * a check whose read was denied does not run, and what it would decide stays "not checked".
 * Findings carry stable codes (SUBNET_NOT_FOUND, PUBLIC_SUBNET_NO_INTERNET, ...) listed in the tests.
 */

import { createContext, orderFindings, runChecks } from './check.js';
import { CHECKS } from './checks/index.js';
import { summaries } from './paths.js';
import type { NetworkAnalysis, NetworkInput } from './types.js';
import { verdicts } from './verdict.js';

export { LOW_FREE_IPS_THRESHOLD } from './checks/availability.js';
export { COMMON_SERVICES } from './paths.js';
export { serviceShortName } from './routes.js';
export { summarizeEgress } from './security-groups.js';
export type * from './types.js';

export function analyzeNetwork(input: NetworkInput): NetworkAnalysis {
  const deniedReads = input.deniedReads ?? [];
  const { ctx, findings } = createContext(input);
  runChecks(CHECKS, ctx, deniedReads);
  const out = orderFindings(findings);
  const vpc = input.vpcs.find((v) => v.VpcId === ctx.vpcId);
  return {
    ok: !out.some((f) => f.severity === 'error'),
    findings: out,
    vpc: ctx.vpcId ? { id: ctx.vpcId, cidr: vpc?.CidrBlock, tenancy: vpc?.InstanceTenancy } : undefined,
    subnets: ctx.subnets.map((x) => x.summary),
    securityGroups: ctx.securityGroups,
    endpoints: ctx.endpointSummaries,
    verdict: verdicts(ctx, deniedReads),
    paths: summaries(ctx.paths),
  };
}

/** Why part of the network check could not run, or null when all of it did. */
export function partialCheckReason(deniedReads: readonly string[]): string | null {
  return deniedReads.length > 0
    ? `partial check: no EC2 read permission for ${deniedReads.join(', ')}`
    : null;
}
