import type { Check, CheckContext } from '../check.js';

/** The IDs of the found subnets and groups, by VPC, in requested order. */
function membersByVpc({ subnets, groups }: CheckContext): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const { id, vpcId } of [
    ...subnets.map((x) => ({ id: x.id, vpcId: x.subnet.VpcId })),
    ...groups.map((x) => ({ id: x.id, vpcId: x.group.VpcId })),
  ]) {
    if (vpcId) members.set(vpcId, [...(members.get(vpcId) ?? []), id]);
  }
  return members;
}

/** A function uses one VPC: its subnets and groups name it, so no extra read is needed. */
export const mixedVpcs: Check = {
  name: 'mixed-vpcs',
  reads: [],
  run(ctx) {
    const members = membersByVpc(ctx);
    if (members.size <= 1) return;
    const list = [...members].map(([vpc, ids]) => `${vpc} (${ids.join(', ')})`).join('; ');
    ctx.add(-1, {
      severity: 'error',
      code: 'MIXED_VPCS',
      message: `The subnets and security groups are in ${members.size} VPCs, but a function can use only one: ${list}.`,
      fix: 'Pick subnets and security groups from a single VPC.',
    });
  },
};

/** Lambda refuses dedicated-tenancy VPCs; only DescribeVpcs tells the tenancy. */
export const dedicatedTenancy: Check = {
  name: 'dedicated-tenancy',
  reads: ['ec2:DescribeVpcs'],
  run(ctx) {
    for (const vpcId of membersByVpc(ctx).keys()) {
      if (ctx.input.vpcs.find((v) => v.VpcId === vpcId)?.InstanceTenancy !== 'dedicated') continue;
      ctx.add(-1, {
        severity: 'error',
        code: 'DEDICATED_TENANCY',
        subject: vpcId,
        message: `VPC ${vpcId} has dedicated instance tenancy, which Lambda does not support.`,
        fix: 'Use a default-tenancy VPC, peered with this one if the function must reach resources in it.',
      });
    }
  },
};
