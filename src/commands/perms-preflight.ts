import {
  preflightSummary,
  type RoleSection,
  roleSection,
  skippedPreflight,
} from '../core/permission-report.js';
import { blocksAttach, deniedActions, type PrincipalReport, unknownChecks } from '../core/permissions.js';
import { CliError, firstLine } from '../errors.js';
import { renderRoleFix, renderRoleSection } from '../output/render-perms.js';
import type { Session } from './session.js';

type RoleEntry = RoleSection & { functions: string[] };

/** attach's execution-role check, consulted by each function right before its write. */
export interface RoleGate {
  /**
   * Checks the role once however many functions share it (concurrent callers wait for the
   * same check), prints its findings once, and returns the refusal when the role lacks a hard
   * requirement, which Lambda would refuse anyway. Undetermined never refuses.
   */
  admit(fn: string, role: string | undefined): Promise<CliError | undefined>;
  /** `preflight.permissions` of the JSON document, once every function has been through. */
  summary(): unknown;
}

/**
 * attach's execution-role check. It makes no read of its own: attach asks it with the role
 * from the read it makes for the write, and only for functions it will change. `order` lists
 * the functions as given, so the summary does not depend on which one finished first.
 */
export function roleGate(session: Session, order: readonly string[], options: { skip: boolean }): RoleGate {
  if (options.skip)
    return { admit: async () => undefined, summary: () => skippedPreflight('--skip-perms-check') };
  const checks = new Map<string, Promise<RoleEntry>>();
  const checked: RoleEntry[] = [];
  const byOrder = (a: string, b: string) => order.indexOf(a) - order.indexOf(b);
  return {
    async admit(fn, role) {
      if (!role) return undefined;
      let check = checks.get(role);
      if (!check) {
        check = checkRole(session, role, fn).then((entry) => {
          checked.push(entry);
          return entry;
        });
        checks.set(role, check);
      }
      const entry = await check;
      if (!entry.functions.includes(fn)) entry.functions.push(fn);
      return blocksAttach(entry.checks) ? refusal(entry, fn) : undefined;
    },
    summary() {
      for (const entry of checked) entry.functions.sort(byOrder);
      checked.sort((a, b) => byOrder(a.functions[0] ?? '', b.functions[0] ?? ''));
      return preflightSummary(checked);
    },
  };
}

/** One role's check, printed once: the table and the fix when it blocks, else any warning. */
async function checkRole(session: Session, roleArn: string, fn: string): Promise<RoleEntry> {
  const { checkExecutionRole, ROLE_ACTIONS } = await import('../services/permission-checks.js');
  let report: PrincipalReport;
  try {
    report = await checkExecutionRole(await session.aws.iam(), roleArn);
  } catch (error) {
    const reason = firstLine((error as Error).message ?? String(error));
    report = { arn: roleArn, checks: unknownChecks(ROLE_ACTIONS, reason), notes: [] };
  }
  const entry: RoleEntry = { ...roleSection(report), functions: [] };
  const { ui } = session;
  if (ui.format !== 'human') return entry;
  if (blocksAttach(entry.checks)) {
    ui.note(renderRoleSection(entry, ui.err, `Execution role of ${fn}:`).join('\n'));
    if (entry.fix)
      ui.note(renderRoleFix(entry.fix, `${session.cliPrefix} check-perms ${fn} --fix`).join('\n'));
  } else warn(session, entry, fn);
  return entry;
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

function warn(session: Session, role: RoleEntry, fn: string): void {
  const { ui } = session;
  const name = role.fix?.roleName ?? role.arn;
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
