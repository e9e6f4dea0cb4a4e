/**
 * Network reachability of a Lambda function attached to subnets and security groups.
 *
 * Pure: takes the results of the EC2 describe calls (structurally compatible with the
 * `@aws-sdk/client-ec2` output shapes) and says what the function will and will not reach.
 * The work is a list of checks (./checks/index.ts), each declaring the EC2 reads it trusts.
 * Findings carry stable codes (SUBNET_NOT_FOUND, PUBLIC_SUBNET_NO_INTERNET, ...) listed in the tests.
 */

import { createContext, orderFindings, runChecks } from './check.js';
import { CHECKS } from './checks/index.js';
import type { NetworkAnalysis, NetworkInput } from './types.js';
import { awsServicesVerdict, internetVerdict } from './verdict.js';

export { LOW_FREE_IPS_THRESHOLD } from './checks/availability.js';
export { COMMON_SERVICES } from './checks/isolated.js';
export { serviceShortName } from './routes.js';
export { summarizeEgress } from './security-groups.js';
export type * from './types.js';

export function analyzeNetwork(input: NetworkInput): NetworkAnalysis {
  const { ctx, findings } = createContext(input);
  runChecks(CHECKS, ctx, []);
  const out = orderFindings(findings);
  const subnets = ctx.subnets.map((x) => x.summary);
  const vpc = input.vpcs.find((v) => v.VpcId === ctx.vpcId);
  return {
    ok: !out.some((f) => f.severity === 'error'),
    findings: out,
    vpc: ctx.vpcId ? { id: ctx.vpcId, cidr: vpc?.CidrBlock, tenancy: vpc?.InstanceTenancy } : undefined,
    subnets,
    securityGroups: ctx.securityGroups,
    endpoints: ctx.endpointSummaries,
    verdict: {
      internet: internetVerdict(subnets, ctx.noEgress),
      awsServices: awsServicesVerdict(subnets, ctx.noEgress, ctx.interfaceServices),
    },
  };
}
