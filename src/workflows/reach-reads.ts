// The one place `reach` gets its AWS reads from: describeNetwork with `paths` (one batched
// round of EC2 reads) and describeDatabase (the RDS client, loaded only for an RDS target).

import type { DatabaseLookup, TargetReads } from '../core/reach-resolve.js';
import type { TraceInput } from '../core/reachability/path/index.js';
import { pathWorld } from '../core/reachability/paths.js';
import type { NetworkFacts } from '../services/network.js';
import type { RunDeps } from './deps.js';
import { pathInput } from './network-lookup.js';

export type ReachNetworkFacts = NetworkFacts;

/** One batched round of EC2 reads for the configuration and everything the targets name. */
export async function readReachNetwork(
  deps: RunDeps,
  query: {
    subnetIds: readonly string[];
    securityGroupIds: readonly string[];
    ipv6: boolean;
    paths: TargetReads;
  },
): Promise<ReachNetworkFacts> {
  const { describeNetwork } = await import('../services/network.js');
  const ec2 = await deps.aws.ec2();
  return describeNetwork(ec2, { ...query, signal: deps.signal });
}

/** One `rds:` target's instance or cluster; loads the RDS client only when called. */
export async function readDatabase(deps: RunDeps, input: string): Promise<DatabaseLookup> {
  const { describeDatabase } = await import('../services/rds.js');
  return describeDatabase(await deps.aws.rds(), input, { signal: deps.signal });
}

/** The describe results as the path engine takes them: prefix lists with their entries merged in. */
export function traceInputOf(
  facts: ReachNetworkFacts,
  region: string,
  fn: TraceInput['function'],
): Omit<TraceInput, 'targets'> {
  return {
    ...pathWorld({ ...facts, ...pathInput(facts), region, deniedReads: facts.deniedActions }),
    function: fn,
  };
}
