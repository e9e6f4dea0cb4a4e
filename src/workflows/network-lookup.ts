import type { DesiredVpc, VpcSettings } from '../core/plan.js';
import { analyzeNetwork, type NetworkAnalysis } from '../core/reachability.js';
import type { CliError } from '../errors.js';
import type { NetworkFacts, NetworkQuery } from '../services/network.js';
import type { RunDeps } from './deps.js';

export type Lookup = { facts: NetworkFacts } | { skipped: string; error: CliError };

/** One round of EC2 describe calls for the whole command; a denied read becomes a reason to skip. */
export async function lookUpNetwork(deps: RunDeps, query: Omit<NetworkQuery, 'signal'>): Promise<Lookup> {
  const { describeNetwork, Ec2ReadDenied } = await import('../services/network.js');
  try {
    const ec2 = await deps.aws.ec2();
    return { facts: await describeNetwork(ec2, { ...query, signal: deps.signal }) };
  } catch (error) {
    if (error instanceof Ec2ReadDenied) return { skipped: error.message, error };
    throw error;
  }
}

/** Findings that need only subnets, security groups and VPCs: still sound when routing reads were denied. */
const WITHOUT_ROUTING = new Set([
  'SUBNET_NOT_FOUND',
  'SECURITY_GROUP_NOT_FOUND',
  'MIXED_VPCS',
  'DEDICATED_TENANCY',
  'SINGLE_AZ',
  'LOW_FREE_IPS',
  'SG_NO_EGRESS',
  'SG_NO_HTTPS_EGRESS',
  'SG_HTTPS_EGRESS_LIMITED',
]);

/** Why part of the check could not run, or null when all of it did. */
export const partialReason = (facts: NetworkFacts) =>
  facts.deniedActions.length > 0
    ? `partial check: no EC2 read permission for ${facts.deniedActions.join(', ')}`
    : null;

/** The analysis of one configuration against the facts of the lookup. */
export function analyze(facts: NetworkFacts, region: string, vpc: VpcSettings | DesiredVpc): NetworkAnalysis {
  const analysis = analyzeNetwork({
    ...facts,
    region,
    requested: {
      subnetIds: [...vpc.subnetIds],
      securityGroupIds: [...vpc.securityGroupIds],
      ipv6DualStack: vpc.ipv6AllowedForDualStack,
    },
  });
  const routingDenied = facts.deniedActions.some((a) => a !== 'ec2:DescribeVpcs');
  if (!routingDenied) return analysis;
  // Empty route, NAT or endpoint lists would read as "isolated" or "NAT not found": say nothing instead.
  const notChecked = `not checked (no permission for ${facts.deniedActions.join(', ')})`;
  return {
    ...analysis,
    findings: analysis.findings.filter((f) => WITHOUT_ROUTING.has(f.code)),
    subnets: analysis.subnets.map((x) => ({
      ...x,
      routeTableId: undefined,
      routeTableIsMain: false,
      internet: { kind: 'unknown', reachable: 'unknown', reason: 'not checked' },
      gatewayEndpointServices: [],
    })),
    endpoints: [],
    verdict: { internet: `internet: ${notChecked}`, awsServices: `AWS services: ${notChecked}` },
  };
}
