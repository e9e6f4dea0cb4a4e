/**
 * One path, from one function subnet to one destination, in the order a packet meets things:
 * the function's groups (egress), its subnet's ACL outbound, the route table (longest prefix
 * match) and what each chosen route leads to, and the reply through the subnet's ACL inbound.
 * Every hop is evaluated, even after one fails, so that all the fixes come out at once.
 */

import { effectiveRouteTable, serviceShortName } from '../routes.js';
import type { Ec2Route } from '../types.js';
import { aclHop } from './acl-hop.js';
import type { Cidr } from './cidr.js';
import { type Destination, isPrivate } from './destination.js';
import { natRouteFix } from './fixes.js';
import type { FunctionSide } from './function-side.js';
import { usableNat } from './gateways.js';
import { localHops } from './local.js';
import { formatRemote } from './nacl.js';
import { nextHop } from './next-hop.js';
import { describeRoute, lookupRoutes } from './routing.js';
import { groupsHop } from './sg.js';
import type { Hop } from './types.js';
import { deniedHop, EPHEMERAL, hop, READ, type Traffic, type World } from './world.js';

export interface Walk {
  hops: Hop[];
  notes: string[];
}

interface RouteStep extends Walk {
  /** The blocks still on the path (not routed back into the VPC or to another service's endpoint). */
  kept: Cidr[];
  sameSubnet: boolean;
}

const isGatewayEndpointRoute = (r: Ec2Route) =>
  r.DestinationPrefixListId !== undefined && r.GatewayId?.startsWith('vpce-') === true;

function defaultNoRouteFix(world: World, d: Destination, tid: string): string | undefined {
  if (d.scope !== 'internet') return undefined;
  if (d.family === 6) {
    return `aws ec2 create-route --route-table-id ${tid} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-…>`;
  }
  return natRouteFix(tid, '0.0.0.0/0', usableNat(world), false);
}

function routeStep(world: World, fn: FunctionSide, t: Traffic, d: Destination): RouteStep {
  const base = { kind: 'route' as const, toward: d.toward };
  const unrouted = (h: Hop): RouteStep => ({ hops: [h], notes: [], kept: d.blocks, sameSubnet: false });
  const denied = world.denied(READ.routes);
  if (denied.length > 0)
    return unrouted(deniedHop({ ...base, detail: `route table of ${fn.subnetId}` }, denied));
  const eff = effectiveRouteTable(fn.subnetId, fn.vpcId, world.input.routeTables);
  if (!eff) {
    return unrouted(
      hop({
        ...base,
        status: 'unknown',
        detail: `no route table was found for ${fn.subnetId}`,
        missing: [`the route table of ${fn.subnetId}`],
      }),
    );
  }
  const { table } = eff;
  const tid = table.RouteTableId ?? '?';
  const notes: string[] = [];
  const hops: Hop[] = [];
  const plRoute =
    d.prefixListId && !world.prefixCidrs(d.prefixListId, d.family)
      ? table.Routes?.find((r) => r.DestinationPrefixListId === d.prefixListId)
      : undefined;
  let lookup: ReturnType<typeof lookupRoutes>;
  if (plRoute) {
    lookup = { parts: [{ route: plRoute, blocks: d.blocks }], unknownLists: [] };
    notes.push(
      `The entries of ${d.prefixListId} were not read: ${d.label} is taken to follow its route ${describeRoute(plRoute)}.`,
    );
  } else lookup = lookupRoutes(world, table, d.blocks);

  // An unread AWS-service prefix list holds public addresses of that service only.
  const uncertain = lookup.unknownLists.filter(
    (u) =>
      u.id !== d.prefixListId &&
      !(isGatewayEndpointRoute(u.route) && (d.scope === 'internet' || isPrivate(d))),
  );
  for (const u of uncertain) {
    hops.push(
      hop({
        ...base,
        status: 'unknown',
        resource: tid,
        detail: `${tid} routes ${u.id}, whose entries are not known: it may carry some of ${d.label}`,
        evidence: [describeRoute(u.route)],
        missing: world.prefixMissing(u.id),
      }),
    );
  }
  const serviceOf = (r: Ec2Route) => {
    const ep = r.GatewayId ? world.endpoint(r.GatewayId) : undefined;
    return ep ? serviceShortName(ep.ServiceName, world.region) : undefined;
  };
  // For the internet or a service, what the VPC keeps (local) or sends to another service's
  // gateway endpoint is not part of the destination.
  const kept = lookup.parts.filter(({ route: r }) => {
    if (d.scope === 'host' || !r) return true;
    if (r.GatewayId === 'local') return false;
    if (!isGatewayEndpointRoute(r)) return true;
    return (
      d.scope === 'service' && (r.DestinationPrefixListId === d.prefixListId || serviceOf(r) === d.service)
    );
  });
  if (kept.length === 0) {
    hops.push(
      hop({
        ...base,
        status: 'unknown',
        resource: tid,
        detail: `${tid} keeps all of ${d.label} inside the VPC`,
      }),
    );
    return { hops, notes, kept: d.blocks, sameSubnet: false };
  }
  let sameSubnet = false;
  for (const { route, blocks } of kept) {
    const what = kept.length > 1 ? `${formatRemote(blocks)} (part of ${d.label})` : d.label;
    const toward = kept.length > 1 ? [d.toward, formatRemote(blocks)].filter((x) => x).join(': ') : d.toward;
    const common = { ...base, toward, resource: tid, evidence: route ? [describeRoute(route)] : [] };
    if (!route) {
      hops.push(
        hop({
          ...common,
          status: 'fail',
          detail: `${tid} has no route for ${what}`,
          fix: d.noRouteFix?.(tid) ?? defaultNoRouteFix(world, d, tid),
        }),
      );
      continue;
    }
    if (route.State === 'blackhole') {
      hops.push(
        hop({
          ...common,
          status: 'fail',
          detail: `${tid} sends ${what} into a blackhole: ${describeRoute(route)} points at a target that no longer exists`,
          fix:
            d.scope === 'internet'
              ? natRouteFix(tid, route.DestinationCidrBlock ?? '0.0.0.0/0', usableNat(world), true)
              : undefined,
        }),
      );
      continue;
    }
    hops.push(
      hop({
        ...common,
        status: 'pass',
        detail: `${tid}${eff.isMain ? ' (main)' : ''} sends ${what} via ${describeRoute(route)}`,
      }),
    );
    const next = nextHop(world, fn, t, d, tid, route, blocks, toward);
    hops.push(...next.hops);
    notes.push(...next.notes);
    sameSubnet = next.sameSubnet && kept.length === 1;
  }
  return { hops, notes, kept: kept.flatMap((p) => p.blocks), sameSubnet };
}

export function walkDestination(world: World, fn: FunctionSide, t: Traffic, d: Destination): Walk {
  if (d.pathless === 'nothing') return { hops: d.inside?.problem ? [d.inside.problem] : [], notes: [] };
  const egress = groupsHop(world, {
    kind: 'sg-egress',
    groupIds: fn.groupIds,
    egress: true,
    traffic: t,
    peer: {
      family: d.family,
      blocks: d.blocks,
      groupIds: d.groupIds,
      prefixListId: d.prefixListId,
      label: d.label,
      whole: d.scope === 'internet',
      settles: d.settles,
    },
    toward: d.toward,
    fixGroup: fn.groupIds[0],
    fixPeer: d.fixPeer,
  });
  // Without an address, the groups on both ends are all that can be judged.
  if (d.pathless === 'groups') return { hops: [egress, ...localHops(world, fn, t, d).hops], notes: [] };
  const routing = routeStep(world, fn, t, d);
  const acl = (kind: Hop['kind'], outbound: boolean, ports: readonly [number, number]) =>
    aclHop(world, {
      kind,
      subnetId: fn.subnetId,
      own: true,
      outbound,
      protocol: t.protocol,
      ports,
      remote: routing.kept,
      remoteLabel: d.label,
      fixCidr: d.fixCidr,
      toward: d.toward,
      settles: d.settles,
    });
  if (routing.sameSubnet) return { hops: [egress, ...routing.hops], notes: routing.notes };
  return {
    hops: [
      egress,
      acl('nacl-outbound', true, [t.port, t.port]),
      ...routing.hops,
      acl('nacl-return-inbound', false, EPHEMERAL),
    ],
    notes: routing.notes,
  };
}
