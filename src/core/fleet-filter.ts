/** status --all's --vpc / --subnet: which functions of the account to show. */
export interface NetworkFilter {
  vpcId?: string | undefined;
  subnetId?: string | undefined;
}

interface ListedVpcConfig {
  VpcId?: string | undefined;
  SubnetIds?: string[] | undefined;
}

/** Both filters must match when both are given; no filter matches every function. */
export function matchesNetworkFilter(vpc: ListedVpcConfig | undefined, filter: NetworkFilter): boolean {
  if (filter.vpcId && vpc?.VpcId !== filter.vpcId) return false;
  if (filter.subnetId && !(vpc?.SubnetIds ?? []).includes(filter.subnetId)) return false;
  return true;
}
