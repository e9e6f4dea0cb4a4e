import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  preflightSummary,
  type RoleSection,
  roleSection,
  skippedPreflight,
} from '../core/permission-report.js';
import { blocksAttach, deniedActions, type PrincipalReport, unknownChecks } from '../core/permissions.js';
import { type DesiredVpc, planVpcChange, vpcSettingsOf } from '../core/plan.js';
import { runPool } from '../core/pool.js';
import type { FunctionRef } from '../core/validate.js';
import { CliError, firstLine } from '../errors.js';
import { renderRoleFix, renderRoleSection } from '../output/render-perms.js';
import type { Session } from './session.js';

type RoleEntry = RoleSection & { functions: string[] };
type Read = { config: FunctionConfiguration; at: number };

/**
 * How long attach may use the preflight's read instead of reading again: long enough to
 * cover the IAM check, short enough that a function waiting behind others is read afresh.
 */
export const FRESH_READ_MS = 10_000;

export interface PermsPreflight {
  /**
   * Functions (by the name the user gave) whose execution role lacks a hard requirement: each
   * fails without a write, while functions with other roles go on.
   */
  refused: Map<string, CliError>;
  /** The preflight's read of a function while it is fresh, once; saves attach a GetFunction. */
  freshRead: (functionId: string) => FunctionConfiguration | undefined;
}

/**
 * Reads each function once (GetFunction) to learn its execution role, skipping functions
 * that already have the desired configuration, since nothing will be written for them.
 * A function that cannot be read is left to attach itself, which reports why.
 */
async function rolesToCheck(
  session: Session,
  targets: Array<{ ref: FunctionRef; input: string }>,
  desired: DesiredVpc,
  reads: Map<string, Read>,
  concurrency: number,
): Promise<Map<string, string[]>> {
  const { readFunction } = await import('../services/lambda.js');
  const lambda = await session.aws.lambda();
  const configs = await runPool(targets, concurrency, async ({ ref }) => {
    try {
      const config = await readFunction(lambda, ref.id, { signal: session.ctx.signal });
      reads.set(ref.id, { config, at: session.now() });
      return config;
    } catch {
      return undefined;
    }
  });
  const functionsByRole = new Map<string, string[]>();
  targets.forEach(({ input }, i) => {
    const c = configs[i];
    if (!c?.Role || !planVpcChange(vpcSettingsOf(c.VpcConfig), desired).changes) return;
    functionsByRole.set(c.Role, [...(functionsByRole.get(c.Role) ?? []), input]);
  });
  return functionsByRole;
}

/**
 * attach's execution-role preflight: once per distinct role, records `preflight.permissions`,
 * warns on stderr, and names the functions attach must not write because their role lacks a
 * hard requirement, which Lambda would refuse anyway. Undetermined never refuses.
 * Its reads are handed on to attach, so the check costs no extra GetFunction.
 */
export async function checkPermissionsBeforeAttach(
  session: Session,
  targets: Array<{ ref: FunctionRef; input: string }>,
  desired: DesiredVpc,
  options: { skip: boolean; concurrency: number },
  preflight: Record<string, unknown>,
): Promise<PermsPreflight> {
  const reads = new Map<string, Read>();
  const freshRead = (functionId: string) => {
    const read = reads.get(functionId);
    reads.delete(functionId);
    return read && session.now() - read.at <= FRESH_READ_MS ? read.config : undefined;
  };
  if (options.skip) {
    preflight.permissions = skippedPreflight('--skip-perms-check');
    return { refused: new Map(), freshRead };
  }
  const functionsByRole = await rolesToCheck(session, targets, desired, reads, options.concurrency);
  const { checkExecutionRole, ROLE_ACTIONS } = await import('../services/permission-checks.js');
  const roles: RoleEntry[] = [];
  for (const [roleArn, functions] of functionsByRole) {
    let report: PrincipalReport;
    try {
      report = await checkExecutionRole(await session.aws.iam(), roleArn);
    } catch (error) {
      const reason = firstLine((error as Error).message ?? String(error));
      report = { arn: roleArn, checks: unknownChecks(ROLE_ACTIONS, reason), notes: [] };
    }
    roles.push({ ...roleSection(report), functions });
  }
  preflight.permissions = preflightSummary(roles);
  const blocked = roles.filter((r) => blocksAttach(r.checks));
  const { ui } = session;
  if (ui.format === 'human') {
    for (const role of blocked) {
      const fn = role.functions[0] ?? '';
      ui.note(renderRoleSection(role, ui.err, `Execution role of ${role.functions.join(', ')}:`).join('\n'));
      if (role.fix)
        ui.note(renderRoleFix(role.fix, `${session.cliPrefix} check-perms ${fn} --fix`).join('\n'));
    }
    for (const role of roles) if (!blocked.includes(role)) warn(session, role);
  }
  const refused = new Map(
    blocked.flatMap((role) => role.functions.map((fn) => [fn, refusal(role, fn)] as const)),
  );
  return { refused, freshRead };
}

/** Lambda would refuse this function's VPC configuration: its role lacks a hard requirement. */
function refusal(role: RoleEntry, fn: string): CliError {
  const hard = deniedActions(role.checks.filter((c) => c.required === 'hard'));
  return new CliError(
    'AccessDenied',
    `The execution role ${role.fix?.roleName ?? role.arn} of ${fn} lacks ${hard.join(', ')}: Lambda would refuse the VPC configuration. Nothing was changed.`,
    {
      hint:
        role.fix?.attachHelps === false
          ? 'An explicit Deny, an SCP or a permissions boundary denies it; ask whoever manages it. --skip-perms-check attaches anyway.'
          : `${role.fix?.attachCommand ?? 'Attach AWSLambdaVPCAccessExecutionRole to the role.'}  (or --skip-perms-check to attach anyway)`,
    },
  );
}

function warn(session: Session, role: RoleEntry): void {
  const { ui } = session;
  const name = role.fix?.roleName ?? role.arn;
  const fn = role.functions[0] ?? '';
  if (role.verdict === 'denied') {
    ui.warn(
      `The execution role ${name} lacks ${deniedActions(role.checks).join(', ')}, which Lambda needs since 2024; attaching anyway. Fix: ${role.fix?.attachCommand ?? `${session.cliPrefix} check-perms ${fn}`}`,
    );
  } else if (role.verdict === 'undetermined') {
    const detail = role.checks.find((c) => c.detail)?.detail;
    ui.warn(
      `Could not check the EC2 permissions of the execution role ${name}${detail ? ` (${detail})` : ''}; attaching anyway. Details: ${session.cliPrefix} check-perms ${fn}`,
    );
  }
}
