import type { DesiredVpc, VpcSettings } from '../core/plan.js';
import {
  analyzeNetwork,
  type NetworkAnalysis,
  type NetworkInput,
  partialCheckReason,
} from '../core/reachability/analyze.js';
import type { CliError } from '../errors.js';
import type { NetworkFacts, NetworkQuery } from '../services/network.js';
import type { RunDeps } from './deps.js';

export type Lookup = { facts: NetworkFacts } | { skipped: string; error: CliError };

/** One round of EC2 describe calls for the whole command; a denied read becomes a reason to skip. */
export async function lookUpNetwork(deps: RunDeps, query: Omit<NetworkQuery, 'signal'>): Promise<Lookup> {
  const { describeNetwork, Ec2ReadDenied } = await import('../services/network.js');
  try {
    const ec2 = await deps.aws.ec2();
    // `paths: {}`: the reads the verdicts' paths need, with no target beyond the function's own.
    return { facts: await describeNetwork(ec2, { ...query, paths: {}, signal: deps.signal }) };
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
    ...pathInput(facts),
    region,
    requested: {
      subnetIds: [...vpc.subnetIds],
      securityGroupIds: [...vpc.securityGroupIds],
      ipv6DualStack: vpc.ipv6AllowedForDualStack,
    },
    deniedReads: facts.deniedActions,
  });
}

/**
 * The path facts as the analysis and the path engine take them (a prefix list with its entries);
 * none when not read, and the verdicts that need them say so.
 */
export function pathInput(
  facts: NetworkFacts,
): Pick<Partial<NetworkInput>, 'networkAcls' | 'prefixLists' | 'vpcAttributes' | 'networkInterfaces'> {
  const { paths } = facts;
  if (!paths) return {};
  return {
    networkAcls: paths.networkAcls,
    prefixLists: paths.prefixLists.map((pl) => {
      const entries = pl.PrefixListId ? paths.prefixListEntries[pl.PrefixListId] : undefined;
      return entries ? { ...pl, Entries: entries } : pl;
    }),
    vpcAttributes: paths.vpcDnsAttributes,
    networkInterfaces: paths.networkInterfaces,
  };
}
