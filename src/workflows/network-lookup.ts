import type { DesiredVpc, VpcSettings } from '../core/plan.js';
import { analyzeNetwork, type NetworkAnalysis, partialCheckReason } from '../core/reachability/analyze.js';
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

/** Why part of the check could not run, or null when all of it did. */
export const partialReason = (facts: NetworkFacts) => partialCheckReason(facts.deniedActions);

/**
 * The analysis of one configuration against the facts of the lookup. Core drops the checks
 * whose reads were denied, and says "not checked" for what they would have decided.
 */
export function analyze(facts: NetworkFacts, region: string, vpc: VpcSettings | DesiredVpc): NetworkAnalysis {
  return analyzeNetwork({
    ...facts,
    region,
    requested: {
      subnetIds: [...vpc.subnetIds],
      securityGroupIds: [...vpc.securityGroupIds],
      ipv6DualStack: vpc.ipv6AllowedForDualStack,
    },
    deniedReads: facts.deniedActions,
  });
}
