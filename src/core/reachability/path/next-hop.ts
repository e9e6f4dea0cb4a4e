/**
 * The function subnet's route table, and what each route it picks leads to. Next hops the
 * engine cannot see through (peering, transit gateway, an instance or interface, a firewall or
 * Gateway Load Balancer endpoint, a VPN) are `unknown`, naming the hop, never `pass`; but the
 * internet or a public service through peering is a `fail`: peering has no edge-to-edge routing.
 */

import { endpointAvailable, serviceShortName } from '../routes.js';
import type { Ec2Route } from '../types.js';
import type { Cidr } from './cidr.js';
import { type Destination, isPrivate } from './destination.js';
import type { FunctionSide } from './function-side.js';
import { directInternetGateway, egressOnlyHop, natHops } from './gateways.js';
import { localHops } from './local.js';
import { formatRemote } from './nacl.js';
import { policyHop } from './policy.js';
import { describeRoute } from './routing.js';
import type { Hop } from './types.js';
import { deniedHop, hop, READ, type Traffic, type World } from './world.js';

export interface NextHop {
  hops: Hop[];
  notes: string[];
  /** Delivered inside the function's own subnet: no ACL crossed. */
  sameSubnet: boolean;
}

const OPAQUE: Array<[keyof Ec2Route, string]> = [
  ['TransitGatewayId', 'transit gateway'],
  ['VpcPeeringConnectionId', 'peering connection'],
  ['NetworkInterfaceId', 'network interface'],
  ['InstanceId', 'instance'],
  ['LocalGatewayId', 'local gateway'],
  ['CarrierGatewayId', 'carrier gateway'],
  ['CoreNetworkArn', 'Cloud WAN core network'],
];

function gatewayEndpointHops(world: World, endpointId: string, d: Destination, toward?: string): NextHop {
  const base = { kind: 'gateway-endpoint' as const, resource: endpointId, toward };
  const denied = world.denied(READ.endpoints);
  if (denied.length > 0)
    return {
      hops: [deniedHop({ ...base, detail: `gateway endpoint ${endpointId}` }, denied)],
      notes: [],
      sameSubnet: false,
    };
  const ep = world.endpoint(endpointId);
  const one = (h: Hop): NextHop => ({ hops: [h], notes: [], sameSubnet: false });
  if (!ep)
    return one(
      hop({
        ...base,
        status: 'unknown',
        detail: `${endpointId} was not found`,
        missing: [`VPC endpoint ${endpointId}`],
      }),
    );
  const svc = serviceShortName(ep.ServiceName, world.region);
  if (!endpointAvailable(ep)) {
    return one(
      hop({
        ...base,
        status: 'fail',
        detail: `gateway endpoint ${endpointId} (${svc}) is ${ep.State ?? 'not available'}`,
      }),
    );
  }
  if (d.service !== undefined && d.service !== svc) {
    return one(
      hop({
        ...base,
        status: 'unknown',
        detail: `${d.label} is routed to ${endpointId}, an endpoint for ${svc}`,
      }),
    );
  }
  const policy = policyHop(ep, svc);
  return {
    hops: [
      hop({
        ...base,
        status: 'pass',
        detail: `gateway endpoint ${endpointId} (${svc}) carries it to ${svc}`,
      }),
      policy.hop,
    ],
    notes: policy.note ? [policy.note] : [],
    sameSubnet: false,
  };
}

/** What the route leads to, for the blocks of `d` it carries. */
export function nextHop(
  world: World,
  fn: FunctionSide,
  t: Traffic,
  d: Destination,
  tableId: string,
  route: Ec2Route,
  part: Cidr[],
  toward?: string,
): NextHop {
  const none = (h: Hop): NextHop => ({ hops: [h], notes: [], sameSubnet: false });
  const gw = route.GatewayId;
  if (gw === 'local') {
    const leg = localHops(world, fn, t, { ...d, toward: toward ?? d.toward });
    return { hops: leg.hops, notes: [], sameSubnet: leg.sameSubnet };
  }
  if (route.NatGatewayId) {
    return { hops: natHops(world, fn, t, d, part, route.NatGatewayId, toward), notes: [], sameSubnet: false };
  }
  if (gw?.startsWith('igw-')) return none(directInternetGateway(world, fn, tableId, route, gw, toward));
  if (route.EgressOnlyInternetGatewayId)
    return none(egressOnlyHop(world, route.EgressOnlyInternetGatewayId, fn.vpcId, toward));
  if (gw?.startsWith('vpce-')) {
    const ep = world.endpoint(gw);
    if (ep?.VpcEndpointType === 'Gateway' || (!ep && route.DestinationPrefixListId))
      return gatewayEndpointHops(world, gw, d, toward);
    return none(
      hop({
        kind: 'next-hop',
        status: 'unknown',
        resource: gw,
        toward,
        detail: `${describeRoute(route)}: a firewall or Gateway Load Balancer endpoint; what it lets through is not evaluated`,
      }),
    );
  }
  const pcx = route.VpcPeeringConnectionId;
  if (pcx && !isPrivate(d)) {
    return none(
      hop({
        kind: 'next-hop',
        status: 'fail',
        resource: pcx,
        toward,
        detail: `${d.label} is routed to peering connection ${pcx}, which does not carry traffic on to the peer's internet or NAT gateways (no edge-to-edge routing)`,
      }),
    );
  }
  const opaque = OPAQUE.find(([k]) => route[k] !== undefined);
  const what = opaque
    ? `${opaque[1]} ${String(route[opaque[0]])}`
    : gw?.startsWith('vgw-')
      ? `virtual private gateway (VPN) ${gw}`
      : (gw ?? 'an unknown target');
  return none(
    hop({
      kind: 'next-hop',
      status: 'unknown',
      resource: opaque ? String(route[opaque[0]]) : gw,
      toward,
      detail: `${formatRemote(part)} goes to ${what}: what lies beyond it is not read`,
      missing: [`the network beyond ${what}`],
    }),
  );
}
