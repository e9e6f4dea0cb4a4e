/**
 * The source end of a path: one of the function's subnets, in one address family. Lambda gives
 * its interface some address of the subnet, unknown before attach, so every check on the
 * function's side is about the whole subnet range.
 */

import { type Cidr, type Family, formatCidr, parseCidr } from './cidr.js';
import type { Hop } from './types.js';
import { deniedHop, hop, READ, type World } from './world.js';

export interface FunctionSide {
  subnetId: string;
  vpcId: string | undefined;
  family: Family;
  /** The subnet's range in this family. */
  blocks: Cidr[];
  groupIds: readonly string[];
  /** 'the function (sg-fn in subnet-a, 10.0.1.0/24)' */
  label: string;
}

function ipv6Block(world: World, subnetId: string): Cidr | undefined {
  const set = world.subnet(subnetId)?.Ipv6CidrBlockAssociationSet ?? [];
  const live = set.find(
    (b) => b.Ipv6CidrBlock && [undefined, 'associated'].includes(b.Ipv6CidrBlockState?.State),
  );
  return parseCidr(live?.Ipv6CidrBlock);
}

/** The function's side in `subnetId`, or the hop saying why there is none. */
export function functionSide(world: World, subnetId: string, family: Family): FunctionSide | Hop {
  const denied = world.denied(READ.subnets);
  if (denied.length > 0)
    return deniedHop({ kind: 'subnet', resource: subnetId, detail: `subnet ${subnetId}` }, denied);
  const subnet = world.subnet(subnetId);
  if (!subnet) {
    return hop({
      kind: 'subnet',
      status: 'unknown',
      resource: subnetId,
      detail: `subnet ${subnetId} was not found`,
      missing: [`subnet ${subnetId}`],
    });
  }
  let block: Cidr | undefined;
  if (family === 6) {
    if (!world.input.function.ipv6DualStack) {
      return hop({
        kind: 'subnet',
        status: 'fail',
        resource: subnetId,
        detail: 'the function is not dual-stack (Ipv6AllowedForDualStack is off), so it has no IPv6 address',
        fix: 'attach with --ipv6-dual-stack (VpcConfig Ipv6AllowedForDualStack=true)',
      });
    }
    block = ipv6Block(world, subnetId);
    if (!block) {
      return hop({
        kind: 'subnet',
        status: 'fail',
        resource: subnetId,
        detail: `subnet ${subnetId} has no IPv6 CIDR block, so the function gets no IPv6 address there`,
        fix: `aws ec2 associate-subnet-cidr-block --subnet-id ${subnetId} --ipv6-cidr-block <a /64 of the VPC's IPv6 block>`,
      });
    }
  } else {
    block = parseCidr(subnet.CidrBlock);
    if (!block) {
      return hop({
        kind: 'subnet',
        status: 'unknown',
        resource: subnetId,
        detail: `subnet ${subnetId} has no IPv4 CIDR block in the input`,
        missing: [`the CIDR block of ${subnetId}`],
      });
    }
  }
  const groupIds = [...new Set(world.input.function.securityGroupIds)];
  return {
    subnetId,
    vpcId: subnet.VpcId ?? world.vpcId,
    family,
    blocks: [block],
    groupIds,
    label: `the function (${groupIds.join(', ') || 'no group'} in ${subnetId}, ${formatCidr(block)})`,
  };
}
