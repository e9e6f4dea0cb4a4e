import { uniq } from '../sets.js';
import { type CheckContext, deniedAmong, ROUTING_READS } from './check.js';
import {
  decidingHop,
  endpointServices,
  hopReason,
  modeOf,
  type NetworkPaths,
  pathFrom,
  viaOf,
} from './paths.js';
import type { NetworkVerdicts, Reachability, ServiceVerdict, SubnetSummary } from './types.js';

/** Both verdicts follow the routes of every subnet, so they need every routing read. */
export const VERDICT_READS = ROUTING_READS;

/**
 * The two verdict lines, each with what it says as data. A "yes" must be proved, so a denied
 * read they depend on turns both into "not checked" (unknown), naming the reads that were missing.
 */
export function verdicts(ctx: CheckContext, deniedReads: readonly string[]): NetworkVerdicts {
  const missing = deniedAmong(VERDICT_READS, deniedReads);
  const subnets = ctx.subnets.map((x) => x.summary);
  if (missing.length > 0) {
    const notChecked = `not checked (no permission for ${missing.join(', ')})`;
    const services = serviceVerdicts(ctx.paths, subnets).map((v) => ({
      ...v,
      reachable: 'unknown' as const,
      via: [],
      reason: notChecked,
    }));
    return {
      internet: { reachable: 'unknown', via: [], text: `internet: ${notChecked}` },
      awsServices: { reachable: 'unknown', text: `AWS services: ${notChecked}`, services },
    };
  }
  const services = serviceVerdicts(ctx.paths, subnets);
  return {
    internet: {
      reachable: internetReachability(subnets, ctx.noEgress),
      via: ctx.noEgress ? [] : internetVia(subnets),
      text: internetVerdict(subnets, ctx.noEgress),
    },
    awsServices: {
      reachable: subnets.length === 0 ? 'unknown' : across(services.map((v) => v.reachable)),
      text: awsServicesVerdict(
        subnets,
        ctx.noEgress,
        ctx.paths,
        ctx.interfaceServices,
        endpointServices(ctx.input, ctx.vpcId),
      ),
      services,
    },
  };
}

/** One answer from several: the same from all, `mixed` when they differ, `unknown` from none. */
function across(answers: readonly Reachability[]): Reachability {
  const [first] = answers;
  if (first === undefined) return 'unknown';
  return answers.every((a) => a === first) ? first : 'mixed';
}

const YES_NO: Record<'reachable' | 'unreachable' | 'unknown', Reachability> = {
  reachable: 'yes',
  unreachable: 'no',
  unknown: 'unknown',
};

function internetReachability(subnets: readonly SubnetSummary[], noEgress: boolean): Reachability {
  if (subnets.length === 0) return 'unknown';
  if (noEgress) return 'no';
  return across(subnets.map((s) => s.internet.reachable));
}

/** The route targets carrying the internet from the subnets that reach it ('nat-a, nat-b' split). */
const internetVia = (subnets: readonly SubnetSummary[]) =>
  uniq(
    subnets
      .filter((s) => s.internet.reachable === 'yes')
      .flatMap((s) => (s.internet.via ?? '').split(', ').filter(Boolean)),
  );

/** Each traced service from every subnet, by the path engine's trace: what the AWS services line is read from. */
export function serviceVerdicts(paths: NetworkPaths, subnets: readonly SubnetSummary[]): ServiceVerdict[] {
  return paths.services.flatMap((trace) => {
    if (trace.target.kind !== 'service') return [];
    const own = subnets.map((s) => ({ id: s.id, p: pathFrom(trace, s.id) }));
    const reachable =
      subnets.length === 0 ? 'unknown' : across(own.map(({ p }) => YES_NO[p?.verdict ?? 'unknown']));
    const blocked = own.find(({ p }) => p?.verdict !== 'reachable');
    const hop = blocked?.p && decidingHop(blocked.p);
    const reason =
      reachable === 'yes'
        ? null
        : !blocked
          ? 'no subnet found'
          : `${blocked.id}: ${hop ? hopReason(paths, hop) : 'not traced'}`;
    const via = uniq(own.flatMap(({ p }) => (p?.verdict === 'reachable' ? viaOf(p) : [])));
    return [{ service: trace.target.service, reachable, via, reason }];
  });
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

/** Services in order, joined: 's3, sqs'. */
const names = (xs: readonly string[]) => [...xs].sort().join(', ');

/**
 * One-line AWS services verdict, e.g. 'AWS services: s3, dynamodb via gateway endpoints', read
 * from the path engine's trace of each service: an endpoint counts only where the whole path
 * through it passes (its groups admit the function, the ACLs, DNS), and a service whose path
 * fails or is unknown where the line would otherwise claim it is named with its reason.
 */
export function awsServicesVerdict(
  subnets: readonly SubnetSummary[],
  noEgress: boolean,
  paths: NetworkPaths,
  interfaceServices: { privateDns: readonly string[]; noPrivateDns: readonly string[] },
  endpointServices: readonly string[],
): string {
  if (subnets.length === 0) return 'AWS services: unknown (no subnet found)';
  if (noEgress) return 'AWS services: none (security groups allow no outbound traffic)';
  const ids = subnets.map((s) => s.id);
  const natYes = new Set(subnets.filter((s) => s.internet.reachable === 'yes').map((s) => s.id));
  const reached = new Map<string, string[]>(); // 'gateway endpoint' | 'interface endpoint' → services everywhere
  const partial: string[] = [];
  const exceptions: string[] = [];
  for (const trace of paths.services) {
    if (trace.target.kind !== 'service') continue;
    const svc = trace.target.service;
    const own = subnets.map((s) => ({ s, p: pathFrom(trace, s.id) }));
    const modes = new Map<string, string[]>();
    const failing = new Map<string, { ids: string[]; reason: string }>();
    for (const { s, p } of own) {
      if (p?.verdict === 'reachable') {
        const mode = modeOf(p);
        modes.set(mode, [...(modes.get(mode) ?? []), s.id]);
        continue;
      }
      // Not reachable: worth a word where the line would claim it (via NAT) or it has an endpoint,
      // unless "via … endpoint from A only" already says it (no NAT claim, a proved `no`).
      if (!natYes.has(s.id) && !endpointServices.includes(svc)) continue;
      const word = p?.verdict === 'unreachable' ? 'no' : 'unknown';
      const viaEndpoint =
        interfaceServices.noPrivateDns.includes(svc) ||
        own.some(({ p: q }) => q?.verdict === 'reachable' && modeOf(q).endsWith('endpoint'));
      if (word === 'no' && viaEndpoint && !natYes.has(s.id)) continue;
      const h = p ? decidingHop(p) : undefined;
      const endpoint = p?.hops.find((x) => x.kind === 'interface-endpoint' && x.status === 'pass')?.resource;
      const reason = !h
        ? 'not traced'
        : h.kind === 'sg-ingress' && endpoint && h.status === 'fail'
          ? `interface endpoint ${endpoint} does not admit tcp 443 from the function`
          : hopReason(paths, h);
      // One entry per deciding hop (same rule, same resource), whatever subnet it was seen from.
      const key = `${word}\u0000${h ? `${h.kind} ${h.resource ?? ''} ${h.subnetId ?? ''}` : reason}`;
      failing.set(key, {
        ids: [...(failing.get(key)?.ids ?? []), s.id],
        reason: failing.get(key)?.reason ?? reason,
      });
    }
    for (const mode of ['gateway endpoint', 'interface endpoint'] as const) {
      const from = modes.get(mode) ?? [];
      if (from.length === 0) continue;
      if (from.length === ids.length) reached.set(mode, [...(reached.get(mode) ?? []), svc]);
      else partial.push(`${svc} via ${mode} from ${from.join(', ')} only`);
    }
    for (const [key, { ids: from, reason }] of failing) {
      const word = key.split('\u0000')[0];
      const where = from.length === ids.length ? '' : ` from ${from.join(', ')}`;
      exceptions.push(`${svc}: ${word}${where} (${reason})`);
    }
  }
  const parts: string[] = [];
  const others = exceptions.length > 0 || reached.size > 0 || partial.length > 0 ? 'all others' : 'all';
  if (natYes.size === ids.length) parts.push(exceptions.length > 0 ? `${others} via NAT` : 'all via NAT');
  else if (natYes.size > 0)
    parts.push(`${exceptions.length > 0 ? others : 'all'} via NAT from ${[...natYes].join(', ')} only`);
  const unknown = subnets.filter((s) => s.internet.reachable === 'unknown');
  if (unknown.length > 0) {
    parts.push(
      unknown.every((s) => s.internet.kind === 'other')
        ? `others depend on ${uniq(unknown.map((s) => s.internet.via ?? 'the route table')).join(', ')}`
        : `others unknown (${
            uniq(unknown.map((s) => s.internet.reason)).length === 1
              ? (unknown[0]?.internet.reason ?? '?')
              : unknown.map((s) => `${s.id}: ${s.internet.reason ?? '?'}`).join('; ')
          })`,
    );
  }
  const gateway = reached.get('gateway endpoint') ?? [];
  const iface = reached.get('interface endpoint') ?? [];
  if (gateway.length > 0) parts.push(`${names(gateway)} via gateway endpoints`);
  if (iface.length > 0) parts.push(`${names(iface)} via interface endpoints`);
  parts.push(...partial);
  if (interfaceServices.noPrivateDns.length > 0) {
    parts.push(
      `${interfaceServices.noPrivateDns.join(', ')} via interface endpoints only with their endpoint URL (private DNS off)`,
    );
  }
  parts.push(...exceptions);
  if (parts.length === 0) return 'AWS services: none (no internet path and no VPC endpoints)';
  return `AWS services: ${parts.join('; ')}`;
}
