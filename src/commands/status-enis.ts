import { type EniCount, isLambdaEni, serves } from '../core/enis.js';
import type { FunctionResult } from '../core/result.js';
import { toCliError } from '../errors.js';
import type { Session } from './session.js';

/**
 * Counts the Lambda interfaces serving each function's configuration, with one
 * DescribeNetworkInterfaces query for all the functions of the command. A denied or failed
 * read is reported in the field, never as the command's failure: status is for looking.
 */
export async function addEniCounts(
  session: Session,
  region: string,
  results: FunctionResult[],
): Promise<void> {
  for (const r of results) if (r.outcome === 'status') r.enis = null;
  const inVpc = results.filter((r) => r.outcome === 'status' && r.vpc && r.vpc.subnetIds.length > 0);
  if (inVpc.length === 0) return;
  let count: (r: FunctionResult) => EniCount;
  try {
    const { describeNetworkInterfaces } = await import('../services/enis.js');
    const ec2 = await session.aws.ec2();
    const enis = await describeNetworkInterfaces(ec2, {
      subnetIds: inVpc.flatMap((r) => r.vpc?.subnetIds ?? []),
      lambdaOnly: true,
      signal: session.ctx.signal,
    });
    count = (r) => {
      const ids = enis.filter((e) => r.vpc && isLambdaEni(e) && serves(e, r.vpc)).map((e) => e.id);
      return { checked: true, count: ids.length, ids };
    };
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (error.code === 'Interrupted') throw error;
    const skippedReason =
      error.code === 'AccessDenied'
        ? 'no permission for ec2:DescribeNetworkInterfaces'
        : `EC2 lookup failed: ${error.message}`;
    count = () => ({ checked: false, skippedReason });
  }
  for (const r of inVpc) r.enis = count(r);
}
