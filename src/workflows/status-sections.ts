import { isLambdaEni, serves } from '../core/enis.js';
import { isInVpc } from '../core/plan.js';
import type { FunctionResult } from '../core/result.js';
import { toCliError } from '../errors.js';
import type { RunDeps } from './deps.js';
import { analyze, type Lookup, lookUpNetwork, partialReason } from './network-lookup.js';
import { type DetachedFunction, remainingEnisOf } from './remaining-enis.js';

// status is for looking: a denied or failed read is reported in its section, never as the
// command's failure. Each section reads EC2 once for all the functions of the command.

const inVpc = (results: FunctionResult[]) => results.filter((r) => r.outcome === 'status' && isInVpc(r.vpc));

/** The network section: one lookup for every function in a VPC, then each function's own analysis. */
export async function addNetworkSections(
  deps: RunDeps,
  region: string,
  results: FunctionResult[],
): Promise<void> {
  for (const r of results) r.network = null;
  const inAVpc = inVpc(results);
  if (inAVpc.length === 0) return;
  let lookup: Lookup;
  try {
    lookup = await lookUpNetwork(deps, {
      subnetIds: unique(inAVpc.flatMap((r) => r.vpc?.subnetIds ?? [])),
      securityGroupIds: unique(inAVpc.flatMap((r) => r.vpc?.securityGroupIds ?? [])),
      ipv6: inAVpc.some((r) => r.vpc?.ipv6AllowedForDualStack),
    });
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (error.code === 'Interrupted') throw error;
    lookup = { skipped: `EC2 lookup failed: ${error.message}`, error };
  }
  if ('skipped' in lookup) {
    const reason = lookup.skipped;
    for (const r of inAVpc) r.network = { checked: false, skippedReason: reason };
    deps.reporter.warn(`Network section skipped: ${reason}. Pass --no-network to silence this.`);
    return;
  }
  const { facts } = lookup;
  // A fleet shares a few configurations: each is analysed once, and its functions share the answer.
  const byConfiguration = new Map<string, NonNullable<FunctionResult['network']>>();
  for (const r of inAVpc) {
    if (!r.vpc) continue;
    const key = configurationKey(r.vpc);
    let section = byConfiguration.get(key);
    if (!section) {
      section = { checked: true, skippedReason: partialReason(facts), ...analyze(facts, region, r.vpc) };
      byConfiguration.set(key, section);
    }
    r.network = section;
  }
}

const configurationKey = (vpc: NonNullable<FunctionResult['vpc']>) =>
  JSON.stringify([vpc.subnetIds, vpc.securityGroupIds, Boolean(vpc.ipv6AllowedForDualStack)]);

const unique = (ids: string[]) => [...new Set(ids)];

/** The Lambda interfaces serving each function's configuration, from one DescribeNetworkInterfaces query. */
export async function addEniCounts(deps: RunDeps, region: string, results: FunctionResult[]): Promise<void> {
  for (const r of results) if (r.outcome === 'status') r.enis = null;
  const inAVpc = inVpc(results);
  if (inAVpc.length === 0) return;
  let count: (r: FunctionResult) => NonNullable<FunctionResult['enis']>;
  try {
    const { describeNetworkInterfaces } = await import('../services/enis.js');
    const ec2 = await deps.aws.ec2();
    const enis = await describeNetworkInterfaces(ec2, {
      subnetIds: unique(inAVpc.flatMap((r) => r.vpc?.subnetIds ?? [])),
      lambdaOnly: true,
      signal: deps.signal,
    });
    count = (r) => {
      const ids = enis.filter((e) => r.vpc && isLambdaEni(e) && serves(e, r.vpc)).map((e) => e.id);
      return { checked: true, count: ids.length, ids };
    };
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (error.code === 'Interrupted') throw error;
    const skippedReason =
      error.code === 'AccessDenied'
        ? 'no permission for ec2:DescribeNetworkInterfaces'
        : `EC2 lookup failed: ${error.message}`;
    count = () => ({ checked: false, skippedReason });
  }
  for (const r of inAVpc) r.enis = count(r);
}

/**
 * For each function read and not in a VPC: the interfaces Lambda still describes as its own
 * (one DescribeNetworkInterfaces for all of them) and, only where some remain, whether its
 * execution role can still delete them. `read` has each function's name and role from the
 * same GetFunction read as its result.
 */
export async function addRemainingEnis(
  deps: RunDeps,
  region: string,
  results: FunctionResult[],
  read: ReadonlyMap<FunctionResult, DetachedFunction>,
): Promise<void> {
  for (const r of results) if (r.outcome === 'status' && isInVpc(r.vpc)) r.remainingEnis = null;
  const detached = results.flatMap((r) => {
    const f = read.get(r);
    return r.outcome === 'status' && !isInVpc(r.vpc) && f ? [{ r, f }] : [];
  });
  const reports = await remainingEnisOf(
    deps,
    region,
    detached.map(({ f }) => f),
  );
  for (const { r, f } of detached) r.remainingEnis = reports.get(f.name) ?? null;
}
