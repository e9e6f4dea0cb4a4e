import type { Check } from '../check.js';

/** Requested subnets and security groups that EC2 does not know in this account and region. */
export const existence: Check = {
  name: 'existence',
  reads: [],
  run({ missingSubnets, missingGroups, region, add }) {
    for (const { id, idx } of missingSubnets) {
      add(idx, {
        severity: 'error',
        code: 'SUBNET_NOT_FOUND',
        subject: id,
        message: `Subnet ${id} was not found in region ${region}.`,
        fix: `Check the subnet ID, the account and the region (${region}).`,
      });
    }
    for (const { id, idx } of missingGroups) {
      add(idx, {
        severity: 'error',
        code: 'SECURITY_GROUP_NOT_FOUND',
        subject: id,
        message: `Security group ${id} was not found in region ${region}.`,
        fix: `Check the security group ID, the account and the region (${region}).`,
      });
    }
  },
};
