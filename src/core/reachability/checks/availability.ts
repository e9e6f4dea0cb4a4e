import type { Check } from '../check.js';

/**
 * A subnet with fewer free addresses than this gets LOW_FREE_IPS. Lambda takes one address per
 * (subnet, security-group set) combination, more while it replaces ENIs during updates, and other
 * resources (instances, RDS, ECS tasks, other functions) compete for the same pool: 16 leaves room.
 */
export const LOW_FREE_IPS_THRESHOLD = 16;

const plural = (n: number, word: string, suffix = 's') => `${n} ${word}${n === 1 ? '' : suffix}`;

/** Availability Zones (Security Hub control Lambda.5) and free addresses of the subnets. */
export const availability: Check = {
  name: 'availability',
  reads: [],
  run({ subnets, input, add }) {
    const azs = [
      ...new Set(
        subnets.map((x) => x.subnet.AvailabilityZone ?? x.subnet.AvailabilityZoneId).filter((a) => a),
      ),
    ];
    if (subnets.length > 0 && azs.length === 1) {
      add(-1, {
        severity: 'warning',
        code: 'SINGLE_AZ',
        message: `All subnets are in one Availability Zone (${azs[0]}): if it fails, the function cannot run (no high availability, Security Hub control Lambda.5).`,
        fix: 'Add a subnet in at least one other Availability Zone.',
      });
    }
    const minFree = input.minFreeIps ?? LOW_FREE_IPS_THRESHOLD;
    for (const { id, idx, subnet } of subnets) {
      const free = subnet.AvailableIpAddressCount;
      if (free === undefined || free >= minFree) continue;
      add(idx, {
        severity: 'warning',
        code: 'LOW_FREE_IPS',
        subject: id,
        message: `Subnet ${id} has only ${plural(free, 'free IP address', 'es')} (fewer than ${minFree}); Lambda needs addresses for its network interfaces and fails with SubnetOutOfIPAddresses when none is left.`,
        fix: 'Free addresses in the subnet or use a larger subnet.',
      });
    }
  },
};
