import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { buildReport, type PermissionsReport } from '../core/permission-report.js';
import { type PrincipalReport, undeterminedActions } from '../core/permissions.js';
import { isInVpc, vpcSettingsOf } from '../core/plan.js';
import { type RemainingEnisReport, remainingEnis, remainingEnisWarning } from '../core/remaining-enis.js';
import { errorJson } from '../core/result.js';
import type { FunctionRef } from '../core/validate.js';
import { CliError, ExitCode, toCliError } from '../errors.js';
import type { CheckPermsBody } from '../output/json.js';
import { withActivity } from '../output/progress.js';
import { renderPermissionsReport, renderRemainingEnis } from '../output/render-perms.js';
import { readFunction } from '../services/lambda.js';
import type { RunDeps } from './deps.js';
import { cleanupOf, readRemainingEnis } from './remaining-enis.js';

export interface CheckPermsRequest {
  ref: FunctionRef;
  input: string;
  subnetIds: string[];
  securityGroupIds: string[];
  fix: boolean;
  yes: boolean;
  /** Check one principal only (--role-only / --caller-only); null checks both. */
  only?: 'role' | 'caller' | null;
}

const EXIT_BY_VERDICT = {
  allowed: ExitCode.Success,
  denied: ExitCode.AccessDenied,
  undetermined: ExitCode.Undetermined,
} as const;

/**
 * The execution role's and the caller's permissions for a VPC attachment, each by the most
 * reliable method available; with --fix, attaches the managed policy when that helps.
 */
export async function checkPerms(deps: RunDeps, input: CheckPermsRequest): Promise<CheckPermsBody> {
  const { reporter } = deps;
  const { base, role, checkRole, config, region } = await withActivity(
    reporter,
    `checking the permissions for ${input.input}`,
    () => readPermissions(deps, input),
  );
  let report = buildReport({ ...base, role });
  let finalRole = role;
  if (input.fix && role) {
    // Asked with the spinner stopped: the question needs the line.
    const applied = await applyFix(deps, report, input.yes);
    if (applied) {
      const recheck = await withActivity(reporter, 'checking the execution role again', checkRole);
      report = buildReport({ ...base, role: recheck, fixApplied: applied });
      finalRole = recheck;
    }
    if (applied && report.executionRole.verdict !== 'allowed')
      reporter.notice(
        'IAM changes take a few seconds to reach the simulator: if permissions still look missing, run check-perms again in a minute.',
      );
  }
  // --role-only promises no EC2 call, --caller-only no role: neither looks.
  const remaining =
    input.only == null
      ? await withActivity(reporter, 'looking for network interfaces left behind', () =>
          leftBehind(deps, region, config, finalRole),
        )
      : null;
  return finish(deps, report, remaining, region);
}

/**
 * A function not in a VPC whose role was checked: the interfaces Lambda still describes as its
 * own (one EC2 call), judged with the role check already made (no IAM call). null otherwise.
 */
async function leftBehind(
  deps: RunDeps,
  region: string,
  config: FunctionConfiguration | undefined,
  role: PrincipalReport | null,
): Promise<RemainingEnisReport | null> {
  if (!config?.FunctionName || !role || isInVpc(vpcSettingsOf(config.VpcConfig))) return null;
  const found = await readRemainingEnis(deps, region, [config.FunctionName]);
  if (!(found instanceof Map)) return { checked: false, skippedReason: found.skippedReason };
  const enis = found.get(config.FunctionName) ?? [];
  const verdict =
    enis.length > 0 ? await cleanupOf(async () => role) : { cleanup: 'not-needed' as const, detail: null };
  return remainingEnis(enis, config.Role ?? null, verdict);
}

const SKIPPED_BY = { role: '--role-only', caller: '--caller-only', none: undefined } as const;

/** Every read check-perms makes: the function, its execution role's permissions and the caller's. */
async function readPermissions(deps: RunDeps, input: CheckPermsRequest) {
  const { aws } = deps;
  const region = await aws.regionFor([{ ref: input.ref, input: input.input }]);
  const { checkCaller, checkExecutionRole, networkReader, roleNetwork, undeterminedRole } = await import(
    './permission-checks.js'
  );
  let config: FunctionConfiguration | undefined;
  try {
    config = await readFunction(await aws.lambda(), input.ref.id, { signal: deps.signal });
  } catch (thrown) {
    // Denied GetFunction is itself a finding for the caller; anything else ends the command.
    const error = toCliError(thrown, { region });
    if (error.code !== 'AccessDenied') throw error;
  }
  const [iam, sts, ec2] = await Promise.all([aws.iam(), aws.sts(), aws.ec2()]);
  const checkRole = async (roleArn: string | undefined) =>
    roleArn
      ? checkExecutionRole(iam, roleArn, {
          functionName: config?.FunctionName ?? input.input,
          region,
          network: roleNetwork(input, config?.VpcConfig),
          describeNetwork: networkReader(async () => ec2),
        })
      : undeterminedRole(null, 'the function could not be read, so its execution role is unknown');
  const readCaller = () =>
    checkCaller(
      { iam, sts, ec2 },
      {
        functionArn: config?.FunctionArn ?? null,
        getFunctionAllowed: config !== undefined,
        subnetIds: input.subnetIds,
        securityGroupIds: input.securityGroupIds,
        region,
      },
    );
  // A principal not asked for costs no call: --role-only makes no STS or EC2 call, --caller-only
  // no IAM call about the role.
  const [role, caller] = await Promise.all([
    input.only === 'caller' ? null : checkRole(config?.Role),
    input.only === 'role' ? null : readCaller(),
  ]);
  const base = {
    function: input.input,
    functionArn: config?.FunctionArn ?? null,
    caller: caller?.report ?? null,
    context: caller?.context ?? null,
    skippedReason: SKIPPED_BY[input.only ?? 'none'],
  };
  return { base, role, checkRole: () => checkRole(config?.Role), config, region };
}

/**
 * Attaches the managed policy when an EC2 permission was found denied, attaching can help and
 * the user agrees; returns what was attached. Never for an answer that could not be determined,
 * and never to the trust policy: who may assume a role is not ours to change silently.
 */
async function applyFix(
  deps: RunDeps,
  report: PermissionsReport,
  yes: boolean,
): Promise<PermissionsReport['fixApplied']> {
  const { reporter } = deps;
  const role = report.executionRole;
  const { fix, trustFix } = role;
  if (trustFix)
    reporter.notice(
      `--fix does not change trust policies (who may assume a role is yours to decide). To let Lambda assume ${trustFix.roleName}, run: ${trustFix.command}`,
    );
  if (!fix) {
    const open = undeterminedActions(role.checks);
    if (trustFix) reporter.notice('--fix: no EC2 permission was found denied; nothing changed.');
    else if (open.length > 0)
      reporter.notice(
        `--fix: nothing found denied; ${open.length} ${open.length === 1 ? 'answer' : 'answers'} could not be determined: ${open.join(', ')}; nothing changed.`,
      );
    else reporter.notice('--fix: the execution role lacks nothing it needs; nothing changed.');
    return null;
  }
  if (!fix.attachHelps) {
    reporter.notice(
      `--fix: ${fix.outrankedBy.join(', ') || 'an explicit Deny, an SCP or a permissions boundary'} denies it, which outranks any Allow; attaching a policy would not help. Nothing changed.`,
    );
    return null;
  }
  const question = `${report.reason}\nAttach ${fix.policyArn} to the role ${fix.roleName}? [y/N] `;
  if (!yes && !(await deps.confirm?.(question))) {
    reporter.notice('Nothing changed.');
    return null;
  }
  const { attachRolePolicy } = await import('../services/iam.js');
  await attachRolePolicy(await deps.aws.iam(), fix.roleName, fix.policyArn);
  return { roleName: fix.roleName, policyArn: fix.policyArn };
}

function finish(
  deps: RunDeps,
  report: PermissionsReport,
  remaining: RemainingEnisReport | null,
  region: string,
): CheckPermsBody {
  const { reporter } = deps;
  // The interfaces left behind warn, never fail: the function itself works without them.
  const exitCode = EXIT_BY_VERDICT[report.verdict];
  reporter.show((c) =>
    [renderPermissionsReport(report, c, deps.cliPrefix), ...renderRemainingEnis(remaining, c)].join('\n'),
  );
  for (const note of [...report.executionRole.notes, ...report.caller.notes]) reporter.note(`Note: ${note}`);
  const warning = remaining && remainingEnisWarning(report.function, remaining, region);
  if (warning) reporter.warn(warning);
  const error =
    exitCode === ExitCode.Success
      ? null
      : new CliError(report.verdict === 'denied' ? 'AccessDenied' : 'Undetermined', report.reason);
  // The report says it on stdout; stderr says it too, as for every failure (and alone with -o json).
  if (error) reporter.error(error);
  return { exitCode, error: error && errorJson(error), permissions: report, remainingEnis: remaining };
}
