/**
 * The next hops toward the internet: a NAT gateway (public, available, its subnet's ACL both
 * ways and its own route, longest prefix match, to an internet gateway), an internet gateway
 * (IPv6 only: Lambda's interfaces never get a public IPv4 address) and an egress-only internet
 * gateway (IPv6).
 */

import { effectiveRouteTable, gatewayAttached } from '../routes.js';
import type { Ec2Route } from '../types.js';
import { aclHop } from './acl-hop.js';
import type { Cidr } from './cidr.js';
import { type Destination, isPrivate } from './destination.js';
import { natRouteFix } from './fixes.js';
import type { FunctionSide } from './function-side.js';
import { formatRemote } from './nacl.js';
import { describeRoute, lookupRoutes } from './routing.js';
import type { Hop } from './types.js';
import { deniedHop, EPHEMERAL, hop, READ, type Traffic, type World } from './world.js';

/** An available public NAT gateway of the VPC, to suggest in a fix. */
export function usableNat(world: World): string | undefined {
  return world.input.natGateways.find(
    (n) =>
      n.State === 'available' &&
      n.ConnectivityType !== 'private' &&
      (world.vpcId === undefined || n.VpcId === undefined || n.VpcId === world.vpcId),
  )?.NatGatewayId;
}

/** The internet gateway hop: attached to the VPC when the gateways were read, else the route's state. */
export function internetGatewayHop(
  world: World,
  igwId: string,
  vpcId: string | undefined,
  toward?: string,
): Hop {
  const listed = world.denied(READ.igw).length === 0 ? world.input.internetGateways : undefined;
  if (listed && !gatewayAttached(igwId, vpcId, listed)) {
    return hop({
      kind: 'internet-gateway',
      status: 'fail',
      resource: igwId,
      toward,
      detail: `${igwId} is not attached to ${vpcId ?? 'the VPC'}`,
      fix: `aws ec2 attach-internet-gateway --internet-gateway-id ${igwId} --vpc-id ${vpcId ?? '<vpc-…>'}`,
    });
  }
  return hop({
    kind: 'internet-gateway',
    status: 'pass',
    resource: igwId,
    toward,
    detail: `${igwId} carries it to the internet`,
    evidence: [listed ? `${igwId} is attached to ${vpcId ?? 'the VPC'}` : `the route to ${igwId} is active`],
  });
}

export function egressOnlyHop(world: World, eigwId: string, vpcId: string | undefined, toward?: string): Hop {
  const listed = world.denied(READ.eigw).length === 0 ? world.input.egressOnlyInternetGateways : undefined;
  const attached = !listed || gatewayAttached(eigwId, vpcId, listed);
  return hop({
    kind: 'egress-only-internet-gateway',
    status: attached ? 'pass' : 'fail',
    resource: eigwId,
    toward,
    detail: attached
      ? `${eigwId} carries IPv6 traffic out to the internet`
      : `${eigwId} is not attached to ${vpcId ?? 'the VPC'}`,
    evidence: attached ? [listed ? `${eigwId} is attached` : `the route to ${eigwId} is active`] : [],
  });
}

/** A route from the function's subnet straight to an internet gateway. */
export function directInternetGateway(
  world: World,
  fn: FunctionSide,
  tableId: string,
  route: Ec2Route,
  igwId: string,
  toward?: string,
): Hop {
  if (fn.family === 6) return internetGatewayHop(world, igwId, fn.vpcId, toward);
  const dest = route.DestinationCidrBlock ?? '0.0.0.0/0';
  return hop({
    kind: 'internet-gateway',
    status: 'fail',
    resource: igwId,
    toward,
    detail: `${dest} goes straight to ${igwId}, but Lambda's network interfaces have no public IP address, so nothing comes back`,
    fix: natRouteFix(tableId, dest, usableNat(world), true),
  });
}

export function natHops(
  world: World,
  fn: FunctionSide,
  t: Traffic,
  d: Destination,
  part: Cidr[],
  natId: string,
  toward?: string,
): Hop[] {
  const base = { kind: 'nat-gateway' as const, resource: natId, toward };
  const denied = world.denied(READ.nat);
  if (denied.length > 0) return [deniedHop({ ...base, detail: `NAT gateway ${natId}` }, denied)];
  const nat = world.input.natGateways.find((n) => n.NatGatewayId === natId);
  if (!nat)
    return [
      hop({
        ...base,
        status: 'unknown',
        detail: `${natId} was not found`,
        missing: [`NAT gateway ${natId}`],
      }),
    ];
  if (nat.State !== 'available') {
    return [
      hop({
        ...base,
        status: 'fail',
        detail: `${natId} is ${nat.State ?? 'in an unknown state'}, not available`,
        fix: 'route through an available NAT gateway, or wait until this one is available if it is pending',
      }),
    ];
  }
  if (isPrivate(d)) {
    return [
      hop({
        ...base,
        status: 'unknown',
        detail: `${d.label} is a private address behind ${natId}: where the NAT gateway's subnet sends it is not followed`,
      }),
    ];
  }
  if (nat.ConnectivityType === 'private') {
    return [
      hop({
        ...base,
        status: 'fail',
        detail: `${natId} is a private NAT gateway: it reaches other networks, not the internet`,
        fix: 'route through a public NAT gateway',
      }),
    ];
  }
  const natSubnet = nat.SubnetId;
  if (nat.AvailabilityMode === 'regional' || !natSubnet) {
    return [
      hop({
        ...base,
        status: 'unknown',
        detail: `${natId} is a regional NAT gateway (in no subnet): its route to the internet is not evaluated`,
        missing: [`the route table of ${natId}`],
      }),
    ];
  }
  const hops: Hop[] = [
    hop({ ...base, status: 'pass', detail: `${natId} is available and public, in ${natSubnet}` }),
  ];
  const same = natSubnet === fn.subnetId;
  const nacl = (
    kind: Hop['kind'],
    outbound: boolean,
    ports: readonly [number, number],
    toFunction: boolean,
  ) =>
    aclHop(world, {
      kind,
      subnetId: natSubnet,
      own: false,
      outbound,
      protocol: t.protocol,
      ports,
      remote: toFunction ? fn.blocks : part,
      remoteLabel: toFunction ? fn.label : d.label,
      fixCidr: toFunction ? (fn.blocks[0] ?? d.fixCidr) : d.fixCidr,
      toward,
      settles: toFunction ? undefined : d.settles,
    });
  if (!same) hops.push(nacl('nacl-inbound', false, [t.port, t.port], true));
  hops.push(nacl('nacl-outbound', true, [t.port, t.port], false));
  hops.push(...natUpstream(world, fn, d, part, natId, natSubnet, toward));
  hops.push(nacl('nacl-return-inbound', false, EPHEMERAL, false));
  if (!same) hops.push(nacl('nacl-return-outbound', true, EPHEMERAL, true));
  return hops;
}

/** The NAT subnet's own route, longest prefix match: every part must go to an internet gateway. */
function natUpstream(
  world: World,
  fn: FunctionSide,
  d: Destination,
  part: Cidr[],
  natId: string,
  natSubnet: string,
  toward?: string,
): Hop[] {
  const base = { kind: 'nat-route' as const, subnetId: natSubnet, toward };
  const denied = world.denied(READ.routes);
  if (denied.length > 0) return [deniedHop({ ...base, detail: `route table of ${natSubnet}` }, denied)];
  const vpcId = world.subnet(natSubnet)?.VpcId ?? fn.vpcId;
  const table = effectiveRouteTable(natSubnet, vpcId, world.input.routeTables)?.table;
  if (!table) {
    return [
      hop({
        ...base,
        status: 'unknown',
        detail: `no route table was found for ${natSubnet}`,
        missing: [`the route table of ${natSubnet}`],
      }),
    ];
  }
  const tid = table.RouteTableId ?? '?';
  const { parts } = lookupRoutes(world, table, part);
  return parts.flatMap(({ route, blocks }) => {
    const what = parts.length > 1 ? `${formatRemote(blocks)} of ${d.label}` : d.label;
    const common = { ...base, resource: tid, evidence: route ? [describeRoute(route)] : [] };
    const igw = route?.GatewayId?.startsWith('igw-') ? route.GatewayId : undefined;
    if (route && route.State !== 'blackhole' && igw) {
      return [
        hop({
          ...common,
          status: 'pass',
          detail: `${natId}'s subnet ${natSubnet} sends ${what} to ${igw} (${tid})`,
        }),
        internetGatewayHop(world, igw, vpcId, toward),
      ];
    }
    if (!route || route.State === 'blackhole') {
      return [
        hop({
          ...common,
          status: 'fail',
          detail: route
            ? `${natId}'s subnet ${natSubnet} sends ${what} into a blackhole (${describeRoute(route)})`
            : `${natId} sits in ${natSubnet}, whose route table ${tid} has no route for ${what} to an internet gateway`,
          fix: `aws ec2 create-route --route-table-id ${tid} --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-… attached to ${vpcId ?? 'the VPC'}>`,
        }),
      ];
    }
    return [
      hop({
        ...common,
        status: route.NatGatewayId || route.GatewayId === 'local' ? 'fail' : 'unknown',
        detail: `${natId}'s subnet ${natSubnet} sends ${what} to ${describeRoute(route)}, not to an internet gateway`,
      }),
    ];
  });
}
