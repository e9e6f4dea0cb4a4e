/**
 * The path engine: for each target, the path from each of the function's subnets (Lambda picks
 * a subnet per network interface, so one subnet that fails means calls that fail some of the
 * time) and the verdict. `reachable` needs every hop of every subnet to pass; one failing hop
 * anywhere makes it `unreachable` (every hop is a condition the packet must meet, so a failure
 * is proved even when another hop is unknown); anything else is `unknown`.
 */

import { uniq } from '../../sets.js';
import type { Family } from './cidr.js';
import { type Destination, destinationsOf } from './destination.js';
import { functionSide } from './function-side.js';
import { resolveService } from './service.js';
import type { Hop, HopStatus, SubnetPath, Target, TargetVerdict, TraceInput, Verdict } from './types.js';
import { walkDestination } from './walk.js';
import { makeWorld, type Traffic, type World } from './world.js';

export function verdictOf(statuses: readonly HopStatus[]): Verdict {
  if (statuses.includes('fail')) return 'unreachable';
  if (statuses.length === 0 || statuses.includes('unknown')) return 'unknown';
  return 'reachable';
}

const combine = (verdicts: readonly Verdict[]): Verdict => {
  if (verdicts.includes('unreachable')) return 'unreachable';
  if (verdicts.length === 0 || verdicts.includes('unknown')) return 'unknown';
  return 'reachable';
};

export function trafficOf(target: Target): Traffic {
  const protocol = target.protocol ?? 'tcp';
  switch (target.kind) {
    case 'internet':
    case 'service':
      return { protocol, port: target.port ?? 443 };
    default:
      return { protocol, port: target.port };
  }
}

export function targetLabel(target: Target): string {
  const { protocol, port } = trafficOf(target);
  const traffic = `${protocol}/${port}`;
  switch (target.kind) {
    case 'internet':
      return `${target.family === 'ipv6' ? 'internet (IPv6)' : 'internet'} ${traffic}`;
    case 'service':
      return `${target.service}${target.region ? ` (${target.region})` : ''} ${traffic}`;
    case 'address':
      return `${target.address} ${traffic}`;
    case 'security-group':
      return `${target.groupId} ${traffic}`;
    case 'resource':
      return `${target.name} ${traffic}`;
  }
}

function familyOf(target: Target, dests: readonly Destination[]): Family {
  if (target.kind === 'internet') return target.family === 'ipv6' ? 6 : 4;
  return dests[0]?.family ?? 4;
}

function traceSubnet(
  world: World,
  target: Target,
  t: Traffic,
  subnetId: string,
): { path: SubnetPath; notes: string[] } {
  const hops: Hop[] = [];
  const notes: string[] = [];
  const fixed = target.kind === 'service' ? undefined : destinationsOf(world, target);
  const family = familyOf(target, fixed ?? []);
  const side = functionSide(world, subnetId, family);
  if (!('subnetId' in side && 'blocks' in side)) {
    return {
      path: {
        subnetId,
        family: family === 6 ? 'ipv6' : 'ipv4',
        verdict: verdictOf([side.status]),
        hops: [side],
      },
      notes,
    };
  }
  let dests = fixed ?? [];
  if (target.kind === 'service') {
    const r = resolveService(world, target, side);
    hops.push(...r.pre);
    dests = r.dests;
    notes.push(...r.notes);
    for (const d of dests) {
      const walk = walkDestination(world, side, t, d);
      hops.push(...walk.hops);
      notes.push(...walk.notes);
    }
    hops.push(...r.post);
  } else {
    for (const d of dests) {
      const own = d.family === family ? side : functionSide(world, subnetId, d.family);
      if (!('blocks' in own)) {
        hops.push(own);
        continue;
      }
      const walk = walkDestination(world, own, t, d);
      hops.push(...walk.hops);
      notes.push(...walk.notes);
    }
  }
  const path: SubnetPath = {
    subnetId,
    family: family === 6 ? 'ipv6' : 'ipv4',
    verdict: verdictOf(hops.map((h) => h.status)),
    hops,
  };
  return { path, notes };
}

function reasonOf(verdict: Verdict, paths: readonly SubnetPath[]): string {
  if (paths.length === 0) return 'the function has no subnet';
  if (verdict === 'reachable') return `every hop passes from ${paths.map((p) => p.subnetId).join(', ')}`;
  const status: HopStatus = verdict === 'unreachable' ? 'fail' : 'unknown';
  for (const p of paths) {
    const h = p.hops.find((x) => x.status === status);
    if (h) return `${p.subnetId}: ${h.toward ? `toward ${h.toward}: ` : ''}${h.detail}`;
  }
  return 'no hop decided';
}

export function traceTarget(world: World, target: Target): TargetVerdict {
  const t = trafficOf(target);
  const traced = uniq(world.input.function.subnetIds).map((id) => traceSubnet(world, target, t, id));
  const subnets = traced.map((x) => x.path);
  const verdict = combine(subnets.map((p) => p.verdict));
  return {
    target,
    label: targetLabel(target),
    protocol: t.protocol,
    port: t.port,
    verdict,
    reason: reasonOf(verdict, subnets),
    subnets,
    notes: uniq(traced.flatMap((x) => x.notes)),
  };
}

/** Traces every target from every subnet of the function. Pure: describe results in, verdicts out. */
export function tracePaths(input: TraceInput): TargetVerdict[] {
  const world = makeWorld(input);
  return input.targets.map((target) => traceTarget(world, target));
}
