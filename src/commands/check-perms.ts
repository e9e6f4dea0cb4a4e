import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { Command } from 'commander';
import { buildReport, type PermissionsReport } from '../core/permission-report.js';
import { unknownChecks } from '../core/permissions.js';
import { EXECUTION_ROLE_ACTIONS } from '../core/policy-eval.js';
import { errorJson } from '../core/result.js';
import { type FunctionRef, parseFunctionRef, parseIdList } from '../core/validate.js';
import { CliError, ExitCode, toCliError, usageError } from '../errors.js';
import { jsonDocument } from '../output/render.js';
import { renderPermissionsReport } from '../output/render-perms.js';
import { type Ctx, Session } from './session.js';

interface CheckPermsOptions {
  subnets?: string[];
  securityGroups?: string[];
  fix: boolean;
  yes: boolean;
}

export interface CheckPermsInput {
  ref: FunctionRef;
  input: string;
  subnetIds: string[];
  securityGroupIds: string[];
  fix: boolean;
  yes: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Flags → typed input, before any AWS call; throws a usage CliError on bad input. */
export function parseCheckPermsInput(fn: string, o: CheckPermsOptions, ctx: Ctx): CheckPermsInput {
  const ref = parseFunctionRef(fn);
  if (ref.qualifier && ref.qualifier !== '$LATEST')
    throw usageError(
      `check-perms checks $LATEST, the configuration attach changes, but '${fn}' names a version or alias.`,
      `Run: lambda-vpc check-perms ${ref.name}`,
    );
  if (Boolean(o.subnets) !== Boolean(o.securityGroups))
    throw usageError(
      'Give both --subnets and --sg, or neither.',
      'Lambda needs subnets and security groups together; the simulator uses both as condition keys.',
    );
  if (o.yes && !o.fix) throw usageError('--yes only applies to --fix.');
  if (o.fix && !o.yes && !ctx.confirm)
    throw usageError(
      '--fix changes the execution role and needs confirmation, but this is not a terminal.',
      'Add --yes to attach the policy without asking.',
    );
  const { qualifier: _latest, ...unqualified } = ref;
  return {
    ref: unqualified,
    input: fn,
    subnetIds: o.subnets ? parseIdList(o.subnets, 'subnet').ids : [],
    securityGroupIds: o.securityGroups ? parseIdList(o.securityGroups, 'securityGroup').ids : [],
    fix: o.fix,
    yes: o.yes,
  };
}

export const checkPermsCommand = (ctx: Ctx, done: (code: number) => void) =>
  new Command('check-perms')
    .description(
      "check that the function's execution role and you (the caller) have the permissions a VPC attachment needs",
    )
    .argument('<function>', 'function name, full ARN or partial ARN')
    .option(
      '--subnets <ids>',
      'the subnets you will attach: simulated as lambda:SubnetIds (with --sg)',
      collect,
    )
    .option(
      '--sg, --security-groups <ids>',
      'the security groups you will attach: simulated as lambda:SecurityGroupIds',
      collect,
    )
    .option(
      '--fix',
      'attach AWSLambdaVPCAccessExecutionRole to the execution role when it lacks permissions, then check again',
      false,
    )
    .option('--yes', 'with --fix: do not ask for confirmation (required when not on a terminal)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc check-perms my-fn
  $ lambda-vpc check-perms my-fn --subnets subnet-0a1b2c3d4e5f60001 --sg sg-0a1b2c3d4e5f60001
  $ lambda-vpc check-perms my-fn --fix --yes

The execution role is checked with IAM's policy simulator, or, when you may not use it,
by reading the role's policies. Your own EC2 permissions are probed with DryRun calls and
your Lambda permissions simulated. Exit 0: everything required is allowed; 4: something is
denied (the fix is printed); 9: it could not be determined (the reason is printed).
After a detach, keep the role's EC2 permissions until Lambda has deleted the network
interfaces (about 20 minutes), or they are stranded. Details: docs/permissions.md.`,
    )
    .action(async (fn: string, options: CheckPermsOptions, cmd: Command) => {
      const input = parseCheckPermsInput(fn, options, ctx);
      const session = Session.open(cmd, ctx);
      try {
        done(await checkPerms(session, input));
      } finally {
        session.aws.destroy();
      }
    });

const EXIT_BY_VERDICT = {
  allowed: ExitCode.Success,
  denied: ExitCode.AccessDenied,
  undetermined: ExitCode.Undetermined,
} as const;

async function checkPerms(session: Session, input: CheckPermsInput): Promise<ExitCode> {
  const { ui, aws } = session;
  const region = await session.region([{ ref: input.ref, input: input.input }]);
  const { readFunction } = await import('../services/lambda.js');
  const { checkCaller, checkExecutionRole } = await import('../services/permission-checks.js');
  let config: FunctionConfiguration | undefined;
  try {
    config = await readFunction(await aws.lambda(), input.ref.id, { signal: session.ctx.signal });
  } catch (thrown) {
    // Denied GetFunction is itself a finding for the caller; anything else ends the command.
    const error = toCliError(thrown, { region });
    if (error.code !== 'AccessDenied') throw error;
  }
  const [iam, sts, ec2] = await Promise.all([aws.iam(), aws.sts(), aws.ec2()]);
  const checkRole = async (roleArn: string | undefined) =>
    roleArn
      ? checkExecutionRole(iam, roleArn)
      : {
          arn: null,
          checks: unknownChecks(
            EXECUTION_ROLE_ACTIONS.map((a) => a.action),
            'the function could not be read, so its execution role is unknown',
          ),
          notes: [],
        };
  const [role, caller] = await Promise.all([
    checkRole(config?.Role),
    checkCaller(
      { iam, sts, ec2 },
      {
        functionArn: config?.FunctionArn ?? null,
        getFunctionAllowed: config !== undefined,
        subnetIds: input.subnetIds,
        securityGroupIds: input.securityGroupIds,
      },
    ),
  ]);
  const base = {
    function: input.input,
    functionArn: config?.FunctionArn ?? null,
    caller: caller.report,
    context: caller.context,
  };
  let report = buildReport({ ...base, role });
  if (input.fix) {
    const applied = await applyFix(session, report, input.yes);
    if (applied) report = buildReport({ ...base, role: await checkRole(config?.Role), fixApplied: applied });
    if (applied && report.executionRole.verdict !== 'allowed')
      ui.note(
        'IAM changes take a few seconds to reach the simulator: if permissions still look missing, run check-perms again in a minute.',
      );
  }
  return finish(session, report);
}

/** Attaches the managed policy when that can help and the user agrees; returns what was attached. */
async function applyFix(
  session: Session,
  report: PermissionsReport,
  yes: boolean,
): Promise<PermissionsReport['fixApplied']> {
  const { ui, ctx } = session;
  const fix = report.executionRole.fix;
  if (!fix) {
    ui.note('--fix: the execution role lacks nothing it needs; nothing changed.');
    return null;
  }
  if (!fix.attachHelps) {
    ui.note(
      '--fix: an explicit Deny, an SCP or a permissions boundary decides; attaching a policy would not help. Nothing changed.',
    );
    return null;
  }
  const question = `${report.reason}\nAttach ${fix.policyArn} to the role ${fix.roleName}? [y/N] `;
  if (!yes && !(await ctx.confirm?.(question))) {
    ui.note('Nothing changed.');
    return null;
  }
  const { attachRolePolicy } = await import('../services/permissions.js');
  await attachRolePolicy(await session.aws.iam(), fix.roleName, fix.policyArn);
  return { roleName: fix.roleName, policyArn: fix.policyArn };
}

function finish(session: Session, report: PermissionsReport): ExitCode {
  const { ui } = session;
  const exitCode = EXIT_BY_VERDICT[report.verdict];
  if (ui.format === 'json') {
    const error =
      exitCode === ExitCode.Success
        ? null
        : new CliError(report.verdict === 'denied' ? 'AccessDenied' : 'Undetermined', report.reason);
    ui.result(jsonDocument('check-perms', exitCode, [], error && errorJson(error), { permissions: report }));
    return exitCode;
  }
  ui.result(renderPermissionsReport(report, ui.out, session.cliPrefix));
  for (const note of [...report.executionRole.notes, ...report.caller.notes]) ui.note(`Note: ${note}`);
  return exitCode;
}
