/**
 * A destination: one place the function's packets must get to for a target, with everything the
 * hops need to judge it. A target becomes one destination (the internet, a host) or several
 * (every member of a group, every subnet a database may live in, every subnet of an interface
 * endpoint); each must be reachable, because any of them may be the one that answers.
 */

import type { Ec2NetworkInterface } from '../types.js';
import { ANY, type Cidr, contains, type Family, formatCidr, INTERNET, isPublic, parseCidr } from './cidr.js';
import type { RulePeer } from './fixes.js';
import type { Hop, Target } from './types.js';
import { hop, READ, type World } from './world.js';

export interface Inside {
  /** The subnet of the interface; undefined when not known (then `problem` says why). */
  subnetId: string | undefined;
  /** The groups on the interface; undefined when not known. */
  groupIds: readonly string[] | undefined;
  /** Why the local delivery cannot be judged or fails (no interface holds the address). */
  problem?: Hop | undefined;
}

export interface Destination {
  /** For hop texts: 'the internet', '10.0.5.17 (eni-…)', 's3 (pl-…)'. */
  label: string;
  family: Family;
  /** Its possible addresses. */
  blocks: Cidr[];
  /** The internet as a whole, a public AWS service, or one host (or one subnet of hosts). */
  scope: 'internet' | 'service' | 'host';
  /** When `blocks` is a superset of the real addresses: what would narrow it. */
  settles?: string[] | undefined;
  /** The groups on its interface, as egress rules naming a group see it (none for the internet). */
  groupIds: readonly string[] | undefined;
  /** The prefix list standing for it (a gateway endpoint's service). */
  prefixListId?: string | undefined;
  /** Short service name, to recognise its gateway endpoint. */
  service?: string | undefined;
  /** Where it is inside the VPC, for a local route. */
  inside?: Inside | undefined;
  /**
   * No address to route to, so no route or ACL can be judged: only the groups (a group without
   * members, a subnet that was not described), or nothing at all (an address that does not
   * parse). `inside.problem` says why. `blocks` is then only a stand-in for the group rules.
   */
  pathless?: 'groups' | 'nothing' | undefined;
  /** The remote side of a fixing NACL entry, and what a fixing egress rule names. */
  fixCidr: Cidr;
  fixPeer: RulePeer;
  toward?: string | undefined;
  /** The fix when the function's route table has no route for it. */
  noRouteFix?: ((routeTableId: string) => string) | undefined;
}

export const isPrivate = (d: Destination) => !d.blocks.some(isPublic);

export function internetDestination(family: Family): Destination {
  return {
    label: family === 4 ? 'the internet' : 'the IPv6 internet',
    family,
    blocks: [...INTERNET[family]],
    scope: 'internet',
    groupIds: [],
    fixCidr: ANY[family],
    fixPeer: { cidr: ANY[family] },
  };
}

const groupIdsOf = (eni: Ec2NetworkInterface) =>
  (eni.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : []));

/** A destination for an interface in the VPC (a host target, a group member, an endpoint's interface). */
export function interfaceDestination(
  eni: Ec2NetworkInterface,
  address: Cidr,
  groups?: readonly string[],
): Destination {
  const groupIds = groups ?? groupIdsOf(eni);
  const ip = formatCidr(address).replace(/\/(32|128)$/, '');
  return {
    label: `${ip} (${eni.NetworkInterfaceId ?? '?'})`,
    family: address.family,
    blocks: [address],
    scope: 'host',
    groupIds,
    inside: { subnetId: eni.SubnetId, groupIds },
    fixCidr: address,
    fixPeer: groupIds[0] ? { groupId: groupIds[0] } : { cidr: address },
  };
}

/** An address target: the interface holding it, or why the engine cannot find one. */
function addressDestination(world: World, target: Extract<Target, { kind: 'address' }>): Destination[] {
  const address = parseCidr(target.address);
  if (!address || address.len !== (address.family === 4 ? 32 : 128)) {
    const problem = hop({
      kind: 'target',
      status: 'unknown',
      detail: `${target.address} is not an IP address`,
    });
    return [
      {
        ...internetDestination(4),
        label: target.address,
        scope: 'host',
        groupIds: undefined,
        inside: { subnetId: undefined, groupIds: undefined, problem },
        pathless: 'nothing',
      },
    ];
  }
  const eni = target.networkInterface ?? world.interfaceByAddress(target.address);
  if (eni) return [interfaceDestination(eni, address)];
  const denied = world.denied(READ.interfaces);
  const problem = hop({
    kind: 'target',
    status: denied.length > 0 ? 'unknown' : 'fail',
    detail:
      denied.length > 0
        ? `which network interface holds ${target.address} was not read (no permission for ${denied.join(', ')})`
        : `no network interface in the VPC holds ${target.address}: nothing answers there`,
    missing: denied,
  });
  return [
    {
      label: target.address,
      family: address.family,
      blocks: [address],
      scope: 'host',
      // A public host has no group; an unknown private one might be in any group.
      groupIds: isPublic(address) ? [] : undefined,
      inside: { subnetId: undefined, groupIds: undefined, problem },
      fixCidr: address,
      fixPeer: { cidr: address },
    },
  ];
}

/** Every member of the group (Lambda's own interfaces aside: nothing connects to them). */
function groupDestinations(world: World, groupId: string): Destination[] {
  const members = world.interfacesInGroup(groupId).filter((n) => n.InterfaceType !== 'lambda');
  const out: Destination[] = [];
  for (const eni of members) {
    const ip = eni.PrivateIpAddress ?? eni.PrivateIpAddresses?.[0]?.PrivateIpAddress;
    const address = parseCidr(ip);
    if (!address) continue;
    const d = interfaceDestination(eni, address);
    out.push({ ...d, fixPeer: { groupId }, toward: d.label });
  }
  if (out.length > 0) return out;
  const denied = world.denied(READ.interfaces);
  const problem = hop({
    kind: 'target',
    status: 'unknown',
    detail:
      denied.length > 0
        ? `the members of ${groupId} were not read (no permission for ${denied.join(', ')})`
        : `no network interface is in ${groupId}: there is nothing to reach yet`,
    missing: denied.length > 0 ? denied : [`a network interface in ${groupId}`],
  });
  // The group's rules can still be judged: any address, known to be in the group.
  return [
    {
      label: groupId,
      family: 4,
      blocks: [ANY[4]],
      scope: 'host',
      settles: [`the members of ${groupId}`],
      groupIds: [groupId],
      inside: { subnetId: undefined, groupIds: [groupId], problem },
      pathless: 'groups',
      fixCidr: ANY[4],
      fixPeer: { groupId },
    },
  ];
}

/** A database-like resource: its addresses when known, else every subnet it may live in. */
function resourceDestinations(world: World, t: Extract<Target, { kind: 'resource' }>): Destination[] {
  const groups = [...t.groupIds];
  const fixPeer: RulePeer = groups[0] ? { groupId: groups[0] } : { cidr: ANY[4] };
  const inSubnet = (
    subnetId: string | undefined,
    blocks: Cidr[],
    label: string,
    settles?: string[],
  ): Destination => ({
    label,
    family: blocks[0]?.family ?? 4,
    blocks,
    scope: 'host',
    settles,
    groupIds: groups,
    inside: { subnetId, groupIds: groups },
    fixCidr: blocks[0] ?? ANY[4],
    fixPeer,
    toward: label,
  });
  const addresses = (t.addresses ?? []).map((a) => ({ a, c: parseCidr(a) }));
  const out: Destination[] = [];
  for (const { a, c } of addresses) {
    if (!c) continue;
    const eni = world.interfaceByAddress(a);
    const subnetId =
      eni?.SubnetId ??
      t.subnetIds.find((id) => {
        const s = parseCidr(world.subnet(id)?.CidrBlock);
        return s !== undefined && contains(s, c);
      });
    out.push(inSubnet(subnetId, [c], `${a} (${t.name})`));
  }
  if (out.length > 0) return out;
  for (const id of t.subnetIds) {
    const cidr = parseCidr(world.subnet(id)?.CidrBlock);
    if (cidr)
      out.push(
        inSubnet(id, [cidr], `${t.name} in ${id} (${formatCidr(cidr)})`, [`the address of ${t.name}`]),
      );
    else {
      const problem = hop({
        kind: 'target',
        status: 'unknown',
        detail: `subnet ${id} of ${t.name} was not found`,
        missing: world.denied(READ.subnets).length > 0 ? [READ.subnets] : [`subnet ${id}`],
      });
      out.push({
        ...inSubnet(id, [ANY[4]], `${t.name} in ${id}`),
        inside: { subnetId: undefined, groupIds: groups, problem },
        pathless: 'groups',
      });
    }
  }
  return out;
}

/** The destinations of every target kind but `service` (which depends on the subnet's routes). */
export function destinationsOf(world: World, target: Exclude<Target, { kind: 'service' }>): Destination[] {
  switch (target.kind) {
    case 'internet':
      return [internetDestination(target.family === 'ipv6' ? 6 : 4)];
    case 'address':
      return addressDestination(world, target);
    case 'security-group':
      return groupDestinations(world, target.groupId);
    case 'resource':
      return resourceDestinations(world, target);
  }
}
