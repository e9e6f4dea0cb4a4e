import { uniq } from '../sets.js';
import { type CheckContext, deniedAmong, ROUTING_READS } from './check.js';
import type { NetworkAnalysis, SubnetSummary } from './types.js';

/** Both verdicts follow the routes of every subnet, so they need every routing read. */
export const VERDICT_READS = ROUTING_READS;

/**
 * The two verdict lines. A "yes" must be proved, so a denied read they depend on turns both
 * into "not checked", naming the reads that were missing.
 */
export function verdicts(ctx: CheckContext, deniedReads: readonly string[]): NetworkAnalysis['verdict'] {
  const missing = deniedAmong(VERDICT_READS, deniedReads);
  if (missing.length > 0) {
    const notChecked = `not checked (no permission for ${missing.join(', ')})`;
    return { internet: `internet: ${notChecked}`, awsServices: `AWS services: ${notChecked}` };
  }
  const subnets = ctx.subnets.map((x) => x.summary);
  return {
    internet: internetVerdict(subnets, ctx.noEgress),
    awsServices: awsServicesVerdict(subnets, ctx.noEgress, ctx.interfaceServices),
  };
}

/** One-line internet verdict, e.g. 'internet: yes via nat-…', 'internet: no (public subnet)'. */
export function internetVerdict(subnets: readonly SubnetSummary[], noEgress: boolean): string {
  if (subnets.length === 0) return 'internet: unknown (no subnet found)';
  if (noEgress) return 'internet: no (security groups allow no outbound traffic)';
  const nets = subnets.map((s) => s.internet);
  if (nets.every((n) => n.reachable === 'yes')) {
    return `internet: yes via ${uniq(nets.map((n) => n.via ?? '?')).join(', ')}`;
  }
  for (const state of ['no', 'unknown'] as const) {
    if (!nets.every((n) => n.reachable === state)) continue;
    const reasons = uniq(nets.map((n) => n.reason ?? '?'));
    const detail =
      reasons.length === 1
        ? reasons[0]
        : subnets.map((s) => `${s.id}: ${s.internet.reason ?? '?'}`).join('; ');
    return `internet: ${state} (${detail})`;
  }
  const parts = subnets.map((s) => {
    const n = s.internet;
    return n.reachable === 'yes'
      ? `${s.id}: yes via ${n.via ?? '?'}`
      : `${s.id}: ${n.reachable}, ${n.reason ?? '?'}`;
  });
  return `internet: depends on the subnet (${parts.join('; ')})`;
}

/** One-line AWS services verdict, e.g. 'AWS services: s3, dynamodb via gateway endpoints'. */
export function awsServicesVerdict(
  subnets: readonly SubnetSummary[],
  noEgress: boolean,
  interfaceServices: { privateDns: readonly string[]; noPrivateDns: readonly string[] },
): string {
  if (subnets.length === 0) return 'AWS services: unknown (no subnet found)';
  if (noEgress) return 'AWS services: none (security groups allow no outbound traffic)';
  const parts: string[] = [];
  const viaNat = subnets.filter((s) => s.internet.reachable === 'yes');
  if (viaNat.length === subnets.length) parts.push('all via NAT');
  else if (viaNat.length > 0) parts.push(`all via NAT from ${viaNat.map((s) => s.id).join(', ')} only`);
  const unknown = subnets.filter((s) => s.internet.reachable === 'unknown');
  if (unknown.length > 0) {
    parts.push(
      `others depend on ${uniq(unknown.map((s) => s.internet.via ?? 'the route table')).join(', ')}`,
    );
  }
  const gatewayServices = uniq(subnets.flatMap((s) => s.gatewayEndpointServices)).sort();
  const everywhere = gatewayServices.filter((svc) =>
    subnets.every((s) => s.gatewayEndpointServices.includes(svc)),
  );
  if (everywhere.length > 0) parts.push(`${everywhere.join(', ')} via gateway endpoints`);
  for (const svc of gatewayServices.filter((x) => !everywhere.includes(x))) {
    const from = subnets.filter((s) => s.gatewayEndpointServices.includes(svc)).map((s) => s.id);
    parts.push(`${svc} via gateway endpoint from ${from.join(', ')} only`);
  }
  if (interfaceServices.privateDns.length > 0) {
    parts.push(`${interfaceServices.privateDns.join(', ')} via interface endpoints`);
  }
  if (interfaceServices.noPrivateDns.length > 0) {
    parts.push(
      `${interfaceServices.noPrivateDns.join(', ')} via interface endpoints only with their endpoint URL (private DNS off)`,
    );
  }
  if (parts.length === 0) return 'AWS services: none (no internet path and no VPC endpoints)';
  return `AWS services: ${parts.join('; ')}`;
}
