import type { DesiredVpc, VpcSettings } from '../core/plan.js';
import { analyzeNetwork, type Finding, type NetworkAnalysis } from '../core/reachability/analyze.js';
import type { FunctionResult } from '../core/result.js';
import { CliError, toCliError } from '../errors.js';
import { renderFindings, renderNetworkHeadline } from '../output/render-network.js';
import type { NetworkFacts, NetworkQuery } from '../services/network.js';
import type { Session } from './session.js';

/** Errors that --force may override: Lambda itself is the final judge of these. */
const FORCEABLE = new Set(['MIXED_VPCS', 'DEDICATED_TENANCY']);
const NOT_FOUND = new Set(['SUBNET_NOT_FOUND', 'SECURITY_GROUP_NOT_FOUND']);

type Lookup = { facts: NetworkFacts } | { skipped: string; error: CliError };

/** One round of EC2 describe calls for the whole command; a denied read becomes a reason to skip. */
async function lookUp(session: Session, query: Omit<NetworkQuery, 'signal'>): Promise<Lookup> {
  const { describeNetwork, Ec2ReadDenied } = await import('../services/network.js');
  try {
    const ec2 = await session.aws.ec2();
    return { facts: await describeNetwork(ec2, { ...query, signal: session.ctx.signal }) };
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
const partialReason = (facts: NetworkFacts) =>
  facts.deniedActions.length > 0
    ? `partial check: no EC2 read permission for ${facts.deniedActions.join(', ')}`
    : null;

function analyze(facts: NetworkFacts, region: string, vpc: VpcSettings | DesiredVpc): NetworkAnalysis {
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

/**
 * attach's network preflight: records `preflight.network`, prints warnings on stderr, and
 * returns the error that must stop the command before any write (none when it may go on).
 */
export async function checkNetworkBeforeAttach(
  session: Session,
  region: string,
  desired: DesiredVpc,
  options: { force: boolean; skip: boolean },
  preflight: Record<string, unknown>,
): Promise<CliError | undefined> {
  const { ui } = session;
  const human = ui.format === 'human';
  if (options.skip) {
    preflight.network = { checked: false, skippedReason: '--skip-network-check', forced: false };
    return undefined;
  }
  let lookup: Lookup;
  try {
    lookup = await lookUp(session, {
      subnetIds: desired.subnetIds,
      securityGroupIds: desired.securityGroupIds,
      ipv6: desired.ipv6AllowedForDualStack,
    });
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    preflight.network = {
      checked: false,
      skippedReason: `EC2 lookup failed: ${error.message}`,
      forced: false,
    };
    if (error.code === 'Interrupted' || error.code === 'Credentials') return error;
    return new CliError(error.code, `Network check: ${error.message}`, {
      cause: error,
      requestId: error.requestId,
      hint: `${error.hint ? `${error.hint} ` : ''}Or pass --skip-network-check to attach without it.`,
    });
  }
  if ('skipped' in lookup) {
    preflight.network = { checked: false, skippedReason: lookup.skipped, forced: false };
    if (human)
      ui.warn(`Network check skipped: ${lookup.skipped}. Pass --skip-network-check to silence this.`);
    return undefined;
  }
  const analysis = analyze(lookup.facts, region, desired);
  const partial = partialReason(lookup.facts);
  const errors = analysis.findings.filter((f) => f.severity === 'error');
  const notFound = errors.filter((f) => NOT_FOUND.has(f.code));
  const blocking = errors.filter((f) => !(options.force && FORCEABLE.has(f.code)));
  const forced = options.force && errors.some((f) => FORCEABLE.has(f.code));
  preflight.network = { checked: true, skippedReason: partial, forced, ...analysis };
  if (human) {
    if (partial) ui.warn(`Network check: ${partial}; what could not be read was not checked.`);
    ui.note(renderNetworkHeadline(analysis, ui.err));
    const shown = analysis.findings.filter((f) => f.severity !== 'error' || !blocking.includes(f));
    for (const line of renderFindings(shown, ui.err, { forced: options.force })) ui.note(line);
  }
  if (notFound.length > 0) return notFoundError(notFound, region);
  if (blocking.length > 0) return blockingError(blocking);
  return undefined;
}

function notFoundError(findings: Finding[], region: string): CliError {
  const label = (f: Finding) =>
    `${f.code === 'SUBNET_NOT_FOUND' ? 'subnet' : 'security group'} ${f.subject ?? '?'}`;
  return new CliError('NotFound', `Not found in region ${region}: ${findings.map(label).join(', ')}.`, {
    hint: `Check the IDs, the account and the region (pass --region to change it). Nothing was written.`,
  });
}

function blockingError(findings: Finding[]): CliError {
  const fixes = [...new Set(findings.flatMap((f) => (f.fix ? [f.fix] : [])))];
  return new CliError('InvalidParameter', findings.map((f) => f.message).join(' '), {
    hint: `${fixes.join(' ')} Nothing was written; --force attaches anyway and lets Lambda decide.`,
  });
}

/**
 * status's network section: one lookup for all functions in a VPC, then each function's own
 * analysis in `result.network`. Never fails the command: a denied or failed lookup is reported.
 */
export async function addNetworkSections(
  session: Session,
  region: string,
  results: FunctionResult[],
): Promise<void> {
  const inVpc = results.filter((r) => r.vpc && r.vpc.subnetIds.length > 0);
  for (const r of results) r.network = null;
  if (inVpc.length === 0) return;
  let lookup: Lookup;
  try {
    lookup = await lookUp(session, {
      subnetIds: inVpc.flatMap((r) => r.vpc?.subnetIds ?? []),
      securityGroupIds: inVpc.flatMap((r) => r.vpc?.securityGroupIds ?? []),
      ipv6: inVpc.some((r) => r.vpc?.ipv6AllowedForDualStack),
    });
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (error.code === 'Interrupted') throw error;
    lookup = { skipped: `EC2 lookup failed: ${error.message}`, error };
  }
  if ('skipped' in lookup) {
    const reason = lookup.skipped;
    for (const r of inVpc) r.network = { checked: false, skippedReason: reason };
    if (session.ui.format === 'human')
      session.ui.warn(`Network section skipped: ${reason}. Pass --no-network to silence this.`);
    return;
  }
  const { facts } = lookup;
  for (const r of inVpc) {
    if (r.vpc)
      r.network = { checked: true, skippedReason: partialReason(facts), ...analyze(facts, region, r.vpc) };
  }
}
