import {
  preflightSummary,
  type RoleSection,
  roleSection,
  skippedPreflight,
} from '../core/permission-report.js';
import {
  blocksAttach,
  deniedActions,
  LAMBDA_ASSUME_ROLE,
  type PrincipalReport,
  undeterminedActions,
} from '../core/permissions.js';
import { CliError, endsTheRun, firstLine } from '../errors.js';
import { renderRoleFix, renderRoleSection } from '../output/render-perms.js';
import { escapeLines } from '../output/sanitize.js';
import type { Gate, RunScope } from './change.js';
import type { RunDeps } from './deps.js';

type RoleEntry = RoleSection & { functions: string[] };

/**
 * attach's execution-role check, consulted by each function right before its write. It makes
 * no read of its own: attach asks it with the role from the read it makes for the write, and
 * only for functions it will change. The role is checked once however many functions share it
 * (concurrent callers wait for the same check) and its findings are shown once; a role that
 * lacks a hard requirement, which Lambda would refuse anyway, fails its own functions.
 * Undetermined never refuses. The summary lists the functions in the order given, not in the
 * order they finished.
 */
export function roleGate(scope: RunScope, options: { skip: boolean }): Gate {
  const { targets } = scope;
  if (options.skip)
    return {
      admit: async () => undefined,
      sections: () => ({ permissions: skippedPreflight('--skip-perms-check') }),
    };
  const order = targets.map((t) => t.input);
  const checks = new Map<string, Promise<RoleEntry>>();
  // Roles deleted since their functions were created: Lambda refuses each of those functions.
  const missing = new Map<string, (fn: string) => CliError>();
  const checked: RoleEntry[] = [];
  const byOrder = (a: string, b: string) => order.indexOf(a) - order.indexOf(b);
  return {
    async admit(fn, current) {
      const role = current.Role;
      if (!role) return undefined;
      let check = checks.get(role);
      if (!check) {
        check = checkRole(scope, role, fn, missing).then((entry) => {
          checked.push(entry);
          return entry;
        });
        checks.set(role, check);
      }
      const entry = await check;
      if (!entry.functions.includes(fn)) entry.functions.push(fn);
      const gone = missing.get(role);
      if (gone) return gone(fn);
      return blocksAttach(entry.checks) ? refusal(entry, fn) : undefined;
    },
    sections() {
      for (const entry of checked) entry.functions.sort(byOrder);
      checked.sort((a, b) => byOrder(a.functions[0] ?? '', b.functions[0] ?? ''));
      return { permissions: preflightSummary(checked) };
    },
  };
}

/** One role's check, shown once: the table and the fix when it blocks, else any warning. */
async function checkRole(
  { deps, region, desired }: RunScope,
  roleArn: string,
  fn: string,
  missing: Map<string, (fn: string) => CliError>,
): Promise<RoleEntry> {
  const { checkExecutionRole, MissingRoleError, networkReader, roleNetwork, undeterminedRole } = await import(
    './permission-checks.js'
  );
  let report: PrincipalReport;
  try {
    report = await checkExecutionRole(await deps.aws.iam(), roleArn, {
      functionName: fn,
      region,
      network: roleNetwork(desired, undefined),
      describeNetwork: networkReader(() => deps.aws.ec2()),
    });
  } catch (error) {
    if (error instanceof MissingRoleError) {
      missing.set(roleArn, (name) => new MissingRoleError(roleArn, name, error.cause));
      const gone = {
        action: LAMBDA_ASSUME_ROLE,
        required: 'hard' as const,
        decision: 'implicitDeny' as const,
        method: 'observed' as const,
        decidedBy: 'iam:GetRole',
        detail: 'the role does not exist (iam:NoSuchEntity)',
      };
      // No fix to attach: the error names what to do.
      return { ...roleSection({ arn: roleArn, checks: [gone], notes: [] }), fix: null, functions: [] };
    }
    // Refused credentials or Ctrl-C fail every other call too: the run ends, as it does elsewhere.
    if (endsTheRun(error)) throw error;
    report = undeterminedRole(roleArn, firstLine((error as Error).message ?? String(error)));
  }
  const entry: RoleEntry = { ...roleSection(report), functions: [] };
  const { reporter } = deps;
  if (blocksAttach(entry.checks)) {
    reporter.note((c) => renderRoleSection(entry, c, `Execution role of ${fn}:`).join('\n'));
    const { fix, trustFix } = entry;
    if (trustFix) reporter.note(`Let Lambda assume the role: ${trustFix.command}`);
    if (fix && blocksAttach(entry.checks.filter((c) => c.action !== LAMBDA_ASSUME_ROLE)))
      // A render, not a string: a string note is one line, its line breaks shown as \x0a.
      reporter.note(() =>
        renderRoleFix(fix, `${deps.cliPrefix} check-perms ${fn} --fix`).map(escapeLines).join('\n'),
      );
  } else warn(deps, entry, fn);
  return entry;
}

/** Lambda would refuse this function's VPC configuration: its role lacks a hard requirement. */
function refusal(role: RoleEntry, fn: string): CliError {
  const hard = deniedActions(role.checks.filter((c) => c.required === 'hard'));
  const untrusted = hard.includes(LAMBDA_ASSUME_ROLE);
  const lacksEc2 = hard.some((a) => a !== LAMBDA_ASSUME_ROLE);
  const ec2Hint =
    role.fix?.attachHelps === false
      ? 'An explicit Deny, an SCP or a permissions boundary denies it; ask whoever manages it.'
      : (role.fix?.attachCommand ?? 'Attach AWSLambdaVPCAccessExecutionRole to the role.');
  const trustHint = role.trustFix
    ? `Let Lambda assume the role: ${role.trustFix.command}`
    : "The role's trust policy denies lambda.amazonaws.com sts:AssumeRole; ask whoever manages it.";
  const hints = [...(untrusted ? [trustHint] : []), ...(lacksEc2 ? [ec2Hint] : [])];
  return new CliError(
    'AccessDenied',
    `The execution role ${role.fix?.roleName ?? role.arn} of ${fn} lacks ${hard.join(', ')}: Lambda would refuse the VPC configuration. Nothing was changed.`,
    { hint: `${hints.join(' Then: ')}  (or --skip-perms-check to attach anyway)` },
  );
}

function warn(deps: RunDeps, role: RoleEntry, fn: string): void {
  const { reporter, cliPrefix } = deps;
  const name = role.fix?.roleName ?? role.arn;
  if (role.verdict === 'denied') {
    reporter.warn(
      `The execution role ${name} lacks ${deniedActions(role.checks).join(', ')}, which Lambda needs since 2024; attaching anyway. Fix: ${role.fix?.attachCommand ?? `${cliPrefix} check-perms ${fn}`}`,
    );
  } else if (role.verdict === 'undetermined') {
    const open = undeterminedActions(role.checks);
    const detail = role.checks.find((c) => open.includes(c.action) && c.detail)?.detail;
    reporter.warn(
      `Could not determine ${open.join(', ')} for the execution role ${name}${detail ? ` (${detail})` : ''}; attaching anyway. Details: ${cliPrefix} check-perms ${fn}`,
    );
  }
}
