import type { NetworkInterfaceInfo } from './enis.js';

/**
 * Lambda's Hyperplane interfaces are shared: one per subnet and exact set of security groups in
 * the account, used by every function and version with that combination (the group order does
 * not matter). This key names one combination.
 */
export const combinationKey = (subnetId: string, securityGroupIds: readonly string[]): string =>
  `${subnetId}|${[...new Set(securityGroupIds)].sort().join(',')}`;

/** The combinations that already have a Lambda network interface, from a DescribeNetworkInterfaces listing. */
export function lambdaCombinations(interfaces: readonly NetworkInterfaceInfo[]): Set<string> {
  return new Set(
    interfaces
      .filter((e) => e.interfaceType === 'lambda')
      .map((e) => combinationKey(e.subnetId, e.securityGroupIds)),
  );
}
