/**
 * The `local` next hop: delivery inside the VPC. The packet crosses into the target's subnet
 * (its ACL inbound), meets the target's groups (ingress from the function's group, a CIDR
 * covering the function's subnet, or a prefix list), and the reply crosses back out (the
 * target's ACL outbound, on the function's ephemeral ports). Inside one subnet no ACL applies.
 */

import { aclHop } from './acl-hop.js';
import type { Destination } from './destination.js';
import type { FunctionSide } from './function-side.js';
import { groupsHop } from './sg.js';
import type { Hop } from './types.js';
import { EPHEMERAL, hop, type Traffic, type World } from './world.js';

export interface LocalLeg {
  hops: Hop[];
  /** The target is in the function's subnet: no ACL on either side. */
  sameSubnet: boolean;
}

export function localHops(world: World, fn: FunctionSide, t: Traffic, d: Destination): LocalLeg {
  const toward = d.toward;
  const inside = d.inside;
  if (!inside) {
    const h = hop({
      kind: 'target',
      status: 'unknown',
      toward,
      detail: `${d.label} is routed inside the VPC, but no network interface is known for it`,
      missing: [`the network interface of ${d.label}`],
    });
    return { hops: [h], sameSubnet: false };
  }
  const hops: Hop[] = [];
  if (inside.problem) hops.push({ ...inside.problem, ...(toward ? { toward } : {}) });
  const ingress = groupsHop(world, {
    kind: 'sg-ingress',
    groupIds: inside.groupIds ?? [],
    egress: false,
    traffic: t,
    peer: { family: fn.family, blocks: fn.blocks, groupIds: fn.groupIds, label: fn.label },
    toward,
    fixGroup: inside.groupIds?.[0],
    fixPeer: fn.groupIds[0] ? { groupId: fn.groupIds[0] } : { cidr: fn.blocks[0] ?? d.fixCidr },
  });
  const target = inside.subnetId;
  if (target === undefined) {
    // No subnet, no ACL to read; the groups can still be judged when known.
    if (inside.groupIds) hops.push(ingress);
    return { hops, sameSubnet: false };
  }
  if (target === fn.subnetId) {
    hops.push(
      hop({
        kind: 'nacl-inbound',
        status: 'pass',
        toward,
        detail: `${d.label} is in the function's subnet ${target}: no network ACL applies between them`,
      }),
      ingress,
    );
    return { hops, sameSubnet: true };
  }
  const fromFunction = { remote: fn.blocks, remoteLabel: fn.label, fixCidr: fn.blocks[0] ?? d.fixCidr };
  hops.push(
    aclHop(world, {
      kind: 'nacl-inbound',
      subnetId: target,
      own: false,
      outbound: false,
      protocol: t.protocol,
      ports: [t.port, t.port],
      toward,
      ...fromFunction,
    }),
    ingress,
    aclHop(world, {
      kind: 'nacl-return-outbound',
      subnetId: target,
      own: false,
      outbound: true,
      protocol: t.protocol,
      ports: EPHEMERAL,
      toward,
      ...fromFunction,
    }),
  );
  return { hops, sameSubnet: false };
}
