import type { NetworkInterfaceInfo } from '../core/enis.js';
import type { PrincipalReport } from '../core/permissions.js';
import {
  type CleanupVerdict,
  cleanupVerdict,
  describedAsFunctions,
  type RemainingEnisReport,
  remainingEniFilter,
  remainingEnis,
} from '../core/remaining-enis.js';
import { endsTheRun, toCliError } from '../errors.js';
import type { RunDeps } from './deps.js';

/** A function not in a VPC, and the execution role Lambda would delete its interfaces with. */
export interface DetachedFunction {
  name: string;
  role: string | undefined;
}

/**
 * The interfaces Lambda still describes as each function's, from one DescribeNetworkInterfaces
 * call for them all. A failed read is the answer for every function: not checked, and why.
 */
export async function readRemainingEnis(
  deps: RunDeps,
  region: string,
  names: readonly string[],
): Promise<Map<string, NetworkInterfaceInfo[]> | { skippedReason: string }> {
  try {
    const { describeNetworkInterfaces } = await import('../services/enis.js');
    const found = await describeNetworkInterfaces(await deps.aws.ec2(), {
      descriptions: remainingEniFilter(names),
      lambdaOnly: true,
      signal: deps.signal,
    });
    return new Map(names.map((name) => [name, found.filter((e) => describedAsFunctions(e, name))]));
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (endsTheRun(thrown)) throw error;
    return {
      skippedReason:
        error.code === 'AccessDenied'
          ? 'no permission for ec2:DescribeNetworkInterfaces'
          : `EC2 lookup failed: ${error.message}`,
    };
  }
}

/** The role's cleanup answer from a check already made (check-perms), or from a fresh one. */
export async function cleanupOf(
  check: () => Promise<PrincipalReport>,
): Promise<{ cleanup: CleanupVerdict; detail: string | null }> {
  // Loaded on use: a status with nothing left behind needs no IAM code.
  const { MissingRoleError } = await import('./permission-checks.js');
  try {
    return cleanupVerdict((await check()).checks);
  } catch (error) {
    if (error instanceof MissingRoleError) return { cleanup: 'denied', detail: 'the role no longer exists' };
    if (endsTheRun(error)) throw error;
    return { cleanup: 'unknown', detail: `the role could not be checked (${toCliError(error).message})` };
  }
}

/**
 * Each detached function's remaining interfaces and, only for those with some, whether its
 * role can still delete them: one EC2 call for all, and IAM calls only when something remains
 * (one role check per role, shared by its functions).
 */
export async function remainingEnisOf(
  deps: RunDeps,
  region: string,
  functions: readonly DetachedFunction[],
): Promise<Map<string, RemainingEnisReport>> {
  const reports = new Map<string, RemainingEnisReport>();
  if (functions.length === 0) return reports;
  const found = await readRemainingEnis(
    deps,
    region,
    functions.map((f) => f.name),
  );
  if (!(found instanceof Map)) {
    for (const f of functions) reports.set(f.name, { checked: false, skippedReason: found.skippedReason });
    return reports;
  }
  const byRole = new Map<string, Promise<{ cleanup: CleanupVerdict; detail: string | null }>>();
  const verdictFor = (f: DetachedFunction, enis: NetworkInterfaceInfo[]) => {
    if (!f.role)
      return Promise.resolve({ cleanup: 'unknown' as const, detail: 'the execution role is not known' });
    const role = f.role;
    let verdict = byRole.get(role);
    if (!verdict) {
      verdict = cleanupOf(async () => {
        const [{ checkExecutionRole }, iam] = await Promise.all([
          import('./permission-checks.js'),
          deps.aws.iam(),
        ]);
        return checkExecutionRole(iam, role, {
          functionName: f.name,
          region,
          // The interfaces' own network: what Lambda's DeleteNetworkInterface requests name.
          network: {
            subnetIds: [...new Set(enis.map((e) => e.subnetId))],
            securityGroupIds: [...new Set(enis.flatMap((e) => e.securityGroupIds))],
            vpcId: enis[0]?.vpcId ?? null,
          },
        });
      });
      byRole.set(role, verdict);
    }
    return verdict;
  };
  await Promise.all(
    functions.map(async (f) => {
      const enis = found.get(f.name) ?? [];
      const verdict =
        enis.length > 0 ? await verdictFor(f, enis) : { cleanup: 'not-needed' as const, detail: null };
      reports.set(f.name, remainingEnis(enis, f.role ?? null, verdict));
    }),
  );
  return reports;
}
