/**
 * Where an AWS service's hostname takes the function, from one subnet. DNS decides first: an
 * available interface endpoint with private DNS (and the VPC's enableDnsSupport and
 * enableDnsHostnames on) answers the service's hostname with its own interfaces, whatever the
 * routes say. Otherwise the hostname resolves to the service's public addresses, which the
 * subnet's route table sends to a gateway endpoint (s3, dynamodb: a prefix-list route) or, like
 * any internet address, to a NAT gateway.
 */

import { effectiveRouteTable, endpointAvailable, serviceShortName } from '../routes.js';
import type { Ec2VpcEndpoint } from '../types.js';
import { ANY, INTERNET, parseCidr } from './cidr.js';
import { type Destination, interfaceDestination } from './destination.js';
import {
  associateGatewayEndpointFix,
  gatewayEndpointFix,
  interfaceEndpointFix,
  vpcAttributeFix,
} from './fixes.js';
import type { FunctionSide } from './function-side.js';
import { policyHop } from './policy.js';
import type { Hop, Target } from './types.js';
import { deniedHop, hop, READ, type World } from './world.js';

export interface Resolution {
  /** Hops that decide where the hostname points (DNS, the endpoint). */
  pre: Hop[];
  dests: Destination[];
  /** Hops after the path (an interface endpoint's policy). */
  post: Hop[];
  notes: string[];
}

const GATEWAY_SERVICES = ['s3', 'dynamodb'];

type DnsAnswer = { hop: Hop; effective: 'yes' | 'no' | 'unknown' };

function dnsHop(world: World, vpcId: string | undefined, ep: Ec2VpcEndpoint, service: string): DnsAnswer {
  const id = ep.VpcEndpointId ?? '?';
  const base = { kind: 'dns' as const, resource: vpcId };
  const denied = world.denied(READ.vpcAttributes);
  if (denied.length > 0) {
    return {
      hop: deniedHop({ ...base, detail: `DNS attributes of ${vpcId ?? 'the VPC'}` }, denied),
      effective: 'unknown',
    };
  }
  const attrs = world.input.vpcAttributes.find((a) => a.VpcId === vpcId);
  const support = attrs?.EnableDnsSupport?.Value;
  const hostnames = attrs?.EnableDnsHostnames?.Value;
  if (support === undefined || hostnames === undefined) {
    const missing = [
      support === undefined ? 'enableDnsSupport' : '',
      hostnames === undefined ? 'enableDnsHostnames' : '',
    ]
      .filter((x) => x)
      .map((a) => `${a} of ${vpcId ?? 'the VPC'}`);
    return {
      hop: hop({
        ...base,
        status: 'unknown',
        detail: `whether private DNS of ${id} works is not known`,
        missing,
      }),
      effective: 'unknown',
    };
  }
  const evidence = [`enableDnsSupport ${support}`, `enableDnsHostnames ${hostnames}`];
  if (!support) {
    return {
      hop: hop({
        ...base,
        status: 'unknown',
        evidence,
        detail: `enableDnsSupport is off in ${vpcId}: the VPC's resolver does not answer, so ${service}'s hostname resolves only through custom DNS servers (DHCP options)`,
        fix: vpcAttributeFix(vpcId ?? '<vpc-…>', 'support'),
      }),
      effective: 'no',
    };
  }
  if (!hostnames) {
    const detail = `private DNS of ${id} is not used: enableDnsHostnames is off in ${vpcId}`;
    return { hop: hop({ ...base, status: 'pass', evidence, detail }), effective: 'no' };
  }
  return {
    hop: hop({
      ...base,
      status: 'pass',
      evidence,
      detail: `private DNS of ${id} answers ${service}'s hostname inside ${vpcId} with the endpoint's addresses`,
    }),
    effective: 'yes',
  };
}

/** One destination per subnet of the endpoint: DNS may hand out any of their addresses. */
function endpointDestinations(world: World, ep: Ec2VpcEndpoint, service: string): Destination[] | Hop {
  const id = ep.VpcEndpointId ?? '?';
  const groups = ep.Groups?.flatMap((g) => (g.GroupId ? [g.GroupId] : []));
  const subnets = ep.SubnetIds ?? [];
  if (subnets.length === 0) {
    return hop({
      kind: 'interface-endpoint',
      status: 'fail',
      resource: id,
      detail: `${id} (${service}) is in no subnet`,
    });
  }
  return subnets.map((subnetId): Destination => {
    const eni = (ep.NetworkInterfaceIds ?? [])
      .map((n) => world.interfaceById(n))
      .find((n) => n?.SubnetId === subnetId);
    const address = parseCidr(eni?.PrivateIpAddress);
    if (eni && address) {
      const d = interfaceDestination(eni, address, groups);
      return {
        ...d,
        label: `${id} in ${subnetId} (${eni.PrivateIpAddress})`,
        toward: `${id} in ${subnetId}`,
      };
    }
    const cidr = parseCidr(world.subnet(subnetId)?.CidrBlock);
    const label = `${id} in ${subnetId}`;
    return {
      label,
      family: 4,
      blocks: [cidr ?? ANY[4]],
      scope: 'host',
      settles: [`the address of ${id}'s network interface in ${subnetId}`],
      groupIds: groups,
      inside: { subnetId, groupIds: groups },
      fixCidr: cidr ?? ANY[4],
      fixPeer: groups?.[0] ? { groupId: groups[0] } : { cidr: cidr ?? ANY[4] },
      toward: label,
    };
  });
}

export function resolveService(
  world: World,
  target: Extract<Target, { kind: 'service' }>,
  fn: FunctionSide,
): Resolution {
  const region = target.region ?? world.region;
  const service = target.service;
  const name = `com.amazonaws.${region}.${service}`;
  const out: Resolution = { pre: [], dests: [], post: [], notes: [] };
  const deniedEndpoints = world.denied(READ.endpoints);
  if (deniedEndpoints.length > 0) {
    out.pre.push(
      deniedHop(
        { kind: 'interface-endpoint', detail: `whether a VPC endpoint answers ${service}'s hostname` },
        deniedEndpoints,
      ),
    );
  }
  const inVpc = (e: Ec2VpcEndpoint) =>
    fn.vpcId === undefined || e.VpcId === undefined || e.VpcId === fn.vpcId;
  const endpoints =
    deniedEndpoints.length > 0
      ? []
      : world.input.vpcEndpoints.filter((e) => e.ServiceName === name && inVpc(e));
  const live = endpoints.filter((e) => e.VpcEndpointType === 'Interface' && endpointAvailable(e));
  for (const e of live.filter((x) => !x.PrivateDnsEnabled)) {
    out.notes.push(
      `Interface endpoint ${e.VpcEndpointId} (${service}) has private DNS off: the SDK uses it only when given the endpoint's own DNS name.`,
    );
  }
  const viaDns = live.find(
    (e) =>
      e.PrivateDnsEnabled && !(service === 's3' && e.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint),
  );
  if (viaDns) {
    const dns = dnsHop(world, fn.vpcId, viaDns, service);
    const id = viaDns.VpcEndpointId ?? '?';
    if (dns.effective !== 'no') {
      out.pre.push(dns.hop);
      out.pre.push(
        hop({
          kind: 'interface-endpoint',
          status: 'pass',
          resource: id,
          detail: `interface endpoint ${id} (${service}) is available`,
        }),
      );
      const dests = endpointDestinations(world, viaDns, service);
      if (Array.isArray(dests)) out.dests = dests;
      else out.pre.push(dests);
      const policy = policyHop(viaDns, service);
      out.post.push(policy.hop);
      if (policy.note) out.notes.push(policy.note);
      return out;
    }
    if (dns.hop.status === 'unknown') out.pre.push(dns.hop);
    else {
      out.notes.push(
        `Private DNS of interface endpoint ${id} (${service}) has no effect while enableDnsHostnames is off in ${fn.vpcId}: the hostname resolves to public addresses (${vpcAttributeFix(fn.vpcId ?? '<vpc-…>', 'hostnames')}).`,
      );
    }
  }
  const table =
    world.denied(READ.routes).length > 0
      ? undefined
      : effectiveRouteTable(fn.subnetId, fn.vpcId, world.input.routeTables)?.table;
  const namedList = world.prefixListNamed(name)?.PrefixListId;
  const gatewayRoute = table?.Routes?.find((r) => {
    if (!r.DestinationPrefixListId || !r.GatewayId?.startsWith('vpce-')) return false;
    const ep = world.endpoint(r.GatewayId);
    return ep ? ep.ServiceName === name : r.DestinationPrefixListId === namedList;
  });
  const listId = gatewayRoute?.DestinationPrefixListId ?? namedList;
  const entries = listId ? world.prefixCidrs(listId, 4) : undefined;
  const tid = table?.RouteTableId;
  const vpc = fn.vpcId ?? '<vpc-…>';
  const gateways = endpoints.filter((e) => e.VpcEndpointType === 'Gateway' && endpointAvailable(e));
  const unassociated = gatewayRoute ? undefined : gateways[0]?.VpcEndpointId;
  if (unassociated && tid) {
    out.notes.push(
      `Gateway endpoint ${unassociated} (${service}) is not associated with ${tid}, the route table of ${fn.subnetId}.`,
    );
  }
  let noRouteFix: ((routeTableId: string) => string) | undefined;
  if (unassociated) noRouteFix = (t) => associateGatewayEndpointFix(unassociated, t);
  else if (GATEWAY_SERVICES.includes(service)) noRouteFix = (t) => gatewayEndpointFix(vpc, name, t);
  else noRouteFix = () => interfaceEndpointFix(vpc, name, world.input.function.subnetIds);
  out.dests = [
    {
      label: listId ? `${service} (${listId})` : service,
      family: 4,
      blocks: entries && entries.length > 0 ? entries : [...INTERNET[4]],
      scope: 'service',
      settles: entries ? undefined : listId ? world.prefixMissing(listId) : undefined,
      groupIds: [],
      prefixListId: listId,
      service: serviceShortName(name, region),
      fixCidr: ANY[4],
      fixPeer: gatewayRoute && listId ? { prefixListId: listId } : { cidr: ANY[4] },
      noRouteFix,
    },
  ];
  return out;
}
