import { combinationKey, lambdaCombinations } from './eni-combos.js';
import { isLambdaEni, type NetworkInterfaceInfo } from './enis.js';

/** Service Quotas' "Network interfaces per Region" (service code `vpc`). */
export const ENI_QUOTA = { serviceCode: 'vpc', quotaCode: 'L-DF5E4CA3' } as const;
/** From this share of the quota on, the count after the change is "near" it. */
export const NEAR_QUOTA_SHARE = 0.9;

/** One subnet of the desired configuration with its exact group set: one Lambda interface, shared. */
export interface EniCombination {
  subnetId: string;
  securityGroupIds: string[];
  /** A Lambda interface serves it already (the change shares it); null when the listing failed. */
  exists: boolean | null;
}

export interface EniQuotaReport {
  quotaCode: string;
  /** null: not known (`skippedReason` says why). */
  value: number | null;
  /** applied: the account's value; default: AWS's, as Service Quotas has no applied value. */
  source: 'applied' | 'default' | null;
  skippedReason: string | null;
}

/**
 * - below: the count after the change stays under 90 % of the quota.
 * - near: at or above 90 % of it (or above it while the change creates none).
 * - over: the change creates interfaces past the quota (EniLimitExceeded likely).
 * - unknown: the count or the quota could not be read.
 */
export type EniBudgetLevel = 'below' | 'near' | 'over' | 'unknown';

/** attach's `eniBudget` section: the Lambda network interfaces the change creates, against the Region's quota. */
export interface EniBudgetReport {
  checked: true;
  /** The one-line summary, as printed on stderr. */
  text: string;
  vpcId: string;
  region: string;
  combinations: EniCombination[];
  /** One per combination without a Lambda interface; the whole run shares them. null: listing failed. */
  newInterfaces: number | null;
  sharedInterfaces: number | null;
  interfacesInVpc: number | null;
  lambdaInterfacesInVpc: number | null;
  interfacesInRegion: number | null;
  /** interfacesInRegion + newInterfaces. */
  interfacesAfter: number | null;
  /** Why the interface counts are null, or null when they were read. */
  interfacesSkippedReason: string | null;
  quota: EniQuotaReport;
  level: EniBudgetLevel;
  /** Printed as warnings; never an exit code. */
  warnings: string[];
}

export interface EniBudgetInput {
  vpcId: string;
  region: string;
  subnetIds: readonly string[];
  securityGroupIds: readonly string[];
  /** Every network interface of the Region, or why they could not be listed. */
  interfaces: { list: readonly NetworkInterfaceInfo[] } | { skippedReason: string };
  quota: { value: number; source: 'applied' | 'default' } | { skippedReason: string };
}

/** How many Lambda interfaces the desired configuration adds, and whether that nears the quota. */
export function eniBudget(input: EniBudgetInput): EniBudgetReport {
  const groups = [...new Set(input.securityGroupIds)].sort();
  const listed = 'list' in input.interfaces ? input.interfaces.list : undefined;
  const existing = listed ? lambdaCombinations(listed) : undefined;
  const combinations = [...new Set(input.subnetIds)].map((subnetId) => ({
    subnetId,
    securityGroupIds: groups,
    exists: existing ? existing.has(combinationKey(subnetId, groups)) : null,
  }));
  const newInterfaces = listed ? combinations.filter((c) => !c.exists).length : null;
  const inVpc = listed?.filter((e) => e.vpcId === input.vpcId);
  const interfacesInRegion = listed ? listed.length : null;
  const interfacesAfter = listed && newInterfaces !== null ? listed.length + newInterfaces : null;
  const quota: EniQuotaReport =
    'value' in input.quota
      ? {
          quotaCode: ENI_QUOTA.quotaCode,
          value: input.quota.value,
          source: input.quota.source,
          skippedReason: null,
        }
      : {
          quotaCode: ENI_QUOTA.quotaCode,
          value: null,
          source: null,
          skippedReason: input.quota.skippedReason,
        };
  const level = levelOf(newInterfaces, interfacesAfter, quota.value);
  const report: EniBudgetReport = {
    checked: true,
    text: '',
    vpcId: input.vpcId,
    region: input.region,
    combinations,
    newInterfaces,
    sharedInterfaces: newInterfaces === null ? null : combinations.length - newInterfaces,
    interfacesInVpc: inVpc ? inVpc.length : null,
    lambdaInterfacesInVpc: inVpc ? inVpc.filter(isLambdaEni).length : null,
    interfacesInRegion,
    interfacesAfter,
    interfacesSkippedReason: 'skippedReason' in input.interfaces ? input.interfaces.skippedReason : null,
    quota,
    level,
    warnings: [],
  };
  report.text = summaryLine(report);
  report.warnings = warningsOf(report);
  return report;
}

function levelOf(created: number | null, after: number | null, quota: number | null): EniBudgetLevel {
  if (created === null || after === null || quota === null) return 'unknown';
  if (created > 0 && after > quota) return 'over';
  return after >= quota * NEAR_QUOTA_SHARE ? 'near' : 'below';
}

export const formatCount = (n: number) => n.toLocaleString('en-US');

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** `subnet-a, subnet-b with sg-1, sg-2`: the combinations of one group set. */
const describeCombinations = (combinations: readonly EniCombination[]) =>
  combinations.length === 0
    ? ''
    : ` (${combinations.map((c) => c.subnetId).join(', ')} with ${combinations[0]?.securityGroupIds.join(', ')})`;

/** e.g. "2 new (subnet-a, subnet-b with sg-1), 1 shared; 37 in vpc-1 (3 Lambda's); 414 of 5,000 in eu-west-1 after the change (L-DF5E4CA3)". */
function summaryLine(r: EniBudgetReport): string {
  const parts: string[] = [];
  if (r.newInterfaces === null || r.sharedInterfaces === null) {
    parts.push(`new ones unknown: ${r.interfacesSkippedReason ?? 'not listed'}`);
  } else {
    const created = r.combinations.filter((c) => c.exists === false);
    parts.push(
      `${formatCount(r.newInterfaces)} new${describeCombinations(created)}, ${formatCount(r.sharedInterfaces)} shared`,
    );
    parts.push(
      `${formatCount(r.interfacesInVpc ?? 0)} in ${r.vpcId} (${formatCount(r.lambdaInterfacesInVpc ?? 0)} Lambda's)`,
    );
  }
  const { quota, interfacesAfter: after } = r;
  const source = quota.source === 'default' ? ', AWS default' : '';
  const quotaUnknown = `quota ${quota.quotaCode} unknown: ${quota.skippedReason ?? 'not read'}`;
  if (after !== null && quota.value !== null)
    parts.push(
      `${formatCount(after)} of ${formatCount(quota.value)} in ${r.region} after the change (${quota.quotaCode}${source})`,
    );
  else if (after !== null)
    parts.push(`${formatCount(after)} in ${r.region} after the change; ${quotaUnknown}`);
  else if (quota.value !== null)
    parts.push(`quota ${formatCount(quota.value)} in ${r.region} (${quota.quotaCode}${source})`);
  else parts.push(quotaUnknown);
  return parts.join('; ');
}

/** How to ask for more: the console page and the CLI command. */
export const quotaIncreaseHint = (region: string, desired: number) =>
  `Request more in the Service Quotas console (Amazon VPC › Network interfaces per Region) or with: aws service-quotas request-service-quota-increase --service-code ${ENI_QUOTA.serviceCode} --quota-code ${ENI_QUOTA.quotaCode} --desired-value ${desired} --region ${region}`;

function warningsOf(r: EniBudgetReport): string[] {
  const { quota, interfacesAfter: after } = r;
  if (quota.value === null || after === null) return [];
  const share = `${formatCount(after)} of ${formatCount(quota.value)} network interfaces in ${r.region}`;
  // A quarter above the larger of the two, rounded up to a hundred: room for growth, a figure easy to approve.
  const desired = Math.ceil((Math.max(after, quota.value) * 1.25) / 100) * 100;
  if (r.level === 'over')
    return [
      `The change needs ${plural(r.newInterfaces ?? 0, 'new network interface', 'new network interfaces')}, which takes ${share}, past the quota (${quota.quotaCode}): the update is likely to fail with EniLimitExceeded. ${quotaIncreaseHint(r.region, desired)}`,
    ];
  if (r.level === 'near')
    return [
      `${share} after the change: at or above ${Math.round(NEAR_QUOTA_SHARE * 100)} % of the quota (${quota.quotaCode}); past it, updates that need a new interface fail with EniLimitExceeded. ${quotaIncreaseHint(r.region, desired)}`,
    ];
  return [];
}
