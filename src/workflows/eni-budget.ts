import { ENI_QUOTA, eniBudget } from '../core/eni-budget.js';
import type { NetworkInterfaceInfo } from '../core/enis.js';
import { type CliError, endsTheRun, toCliError } from '../errors.js';
import { notChecked } from '../output/json.js';
import { renderEniBudget } from '../output/render-eni-budget.js';
import type { Preflight } from './change.js';
import type { RunDeps } from './deps.js';

export interface EniBudgetOptions {
  /** --skip-network-check: no EC2 read at all. */
  skip: boolean;
  /** The VPC the network check found for the configuration (undefined when it did not run or found none). */
  vpcId: () => string | undefined;
  /** The Region's network interfaces when the network choice has listed them already: not listed again. */
  interfaces?: readonly NetworkInterfaceInfo[] | undefined;
}

/**
 * Runs after the network preflight: how many new Lambda interfaces the change creates, and the
 * quota. Its reads never stop the run (but for what ends every run: Ctrl-C, the deadline,
 * credentials): what could not be read stays unknown, with the reason.
 */
export const eniBudgetPreflight =
  (options: EniBudgetOptions): Preflight =>
  async ({ deps, region, desired }) => {
    if (options.skip) return { sections: { eniBudget: notChecked('--skip-network-check') } };
    const vpcId = options.vpcId();
    if (vpcId === undefined)
      return { sections: { eniBudget: notChecked('the network check could not name the VPC') } };
    const [interfaces, quota] = await Promise.all([
      options.interfaces ? { list: options.interfaces } : listInterfaces(deps, region),
      readQuota(deps, region),
    ]);
    if ('stop' in interfaces) return stopped(interfaces.stop);
    if ('stop' in quota) return stopped(quota.stop);
    const report = eniBudget({
      vpcId,
      region,
      subnetIds: desired.subnetIds,
      securityGroupIds: desired.securityGroupIds,
      interfaces,
      quota,
    });
    deps.reporter.note((c) => renderEniBudget(report, c));
    for (const warning of report.warnings) deps.reporter.warn(warning);
    return { sections: { eniBudget: report } };
  };

const stopped = (stop: CliError) => ({ sections: { eniBudget: notChecked(stop.message) }, stop });

type Read<T> = T | { skippedReason: string } | { stop: CliError };

/** The Region's network interfaces, every one: the quota counts them all, Lambda's or not. */
async function listInterfaces(
  deps: RunDeps,
  region: string,
): Promise<Read<{ list: readonly NetworkInterfaceInfo[] }>> {
  try {
    const { describeNetworkInterfaces } = await import('../services/enis.js');
    const ec2 = await deps.aws.ec2();
    return { list: await describeNetworkInterfaces(ec2, { lambdaOnly: false, signal: deps.signal }) };
  } catch (thrown) {
    return unread(thrown, region, 'ec2:DescribeNetworkInterfaces', 'EC2 listing failed');
  }
}

/** The applied value of L-DF5E4CA3, or AWS's default when Service Quotas has none applied. */
async function readQuota(
  deps: RunDeps,
  region: string,
): Promise<Read<{ value: number; source: 'applied' | 'default' }>> {
  let action = 'servicequotas:GetServiceQuota';
  try {
    const { getAppliedQuota, getDefaultQuota } = await import('../services/quotas.js');
    const client = await deps.aws.serviceQuotas();
    let source: 'applied' | 'default' = 'applied';
    let value: number | undefined;
    try {
      value = await getAppliedQuota(client, ENI_QUOTA, deps.signal);
    } catch (error) {
      if ((error as { name?: string })?.name !== 'NoSuchResourceException') throw error;
      action = 'servicequotas:GetAWSDefaultServiceQuota';
      source = 'default';
      value = await getDefaultQuota(client, ENI_QUOTA, deps.signal);
    }
    if (value === undefined) return { skippedReason: `${action} answered without a value` };
    return { value, source };
  } catch (thrown) {
    return unread(thrown, region, action, 'Service Quotas read failed');
  }
}

function unread(thrown: unknown, region: string, action: string, failed: string): Read<never> {
  const error = toCliError(thrown, { region });
  if (endsTheRun(error)) return { stop: error };
  return {
    skippedReason:
      error.code === 'AccessDenied' ? `no permission for ${action}` : `${failed}: ${error.message}`,
  };
}
