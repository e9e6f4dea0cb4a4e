import { sameSet } from './sets.js';

/** The network part of a function's configuration, in the shape we print and compare. */
export interface VpcSettings {
  /** Derived by AWS from the subnets; null when not in a VPC or not yet known (a plan). */
  vpcId: string | null;
  subnetIds: string[];
  securityGroupIds: string[];
  ipv6AllowedForDualStack: boolean;
}

export type DesiredVpc = Omit<VpcSettings, 'vpcId'>;

export const DETACHED: DesiredVpc = { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };

/** Accepts the SDK's VpcConfigResponse (every field optional) and normalises it. */
export function vpcSettingsOf(
  config:
    | {
        SubnetIds?: string[] | undefined;
        SecurityGroupIds?: string[] | undefined;
        VpcId?: string | undefined;
        Ipv6AllowedForDualStack?: boolean | undefined;
      }
    | undefined,
): VpcSettings {
  const subnetIds = config?.SubnetIds ?? [];
  return {
    // Lambda reports VpcId "" for a function that was detached.
    vpcId: subnetIds.length > 0 && config?.VpcId ? config.VpcId : null,
    subnetIds: [...subnetIds],
    securityGroupIds: [...(config?.SecurityGroupIds ?? [])],
    ipv6AllowedForDualStack: config?.Ipv6AllowedForDualStack ?? false,
  };
}

/** Whether a configuration (a function's, a version's, a plan's) puts the function in a VPC. */
export const isInVpc = (vpc: { subnetIds: readonly string[] } | null | undefined): boolean =>
  Boolean(vpc && vpc.subnetIds.length > 0);

/** Order-insensitive: Lambda keeps the order it was given, which carries no meaning. */
export function sameVpcConfig(a: DesiredVpc, b: DesiredVpc): boolean {
  return (
    sameSet(a.subnetIds, b.subnetIds) &&
    sameSet(a.securityGroupIds, b.securityGroupIds) &&
    a.ipv6AllowedForDualStack === b.ipv6AllowedForDualStack
  );
}

export interface VpcPlan {
  before: VpcSettings;
  after: VpcSettings;
  /** False when the function already has the desired configuration: nothing is written. */
  changes: boolean;
}

export function planVpcChange(current: VpcSettings, desired: DesiredVpc): VpcPlan {
  const changes = !sameVpcConfig(current, desired);
  const after: VpcSettings = changes
    ? {
        vpcId: isInVpc(desired) && sameSet(current.subnetIds, desired.subnetIds) ? current.vpcId : null,
        ...desired,
      }
    : current;
  return { before: current, after, changes };
}

/** The request body's VpcConfig for UpdateFunctionConfiguration. */
export function toVpcConfigRequest(desired: DesiredVpc) {
  return {
    SubnetIds: [...desired.subnetIds],
    SecurityGroupIds: [...desired.securityGroupIds],
    Ipv6AllowedForDualStack: desired.ipv6AllowedForDualStack,
  };
}
