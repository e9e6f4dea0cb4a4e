import type { Command } from 'commander';
import { defineCommand } from '../cli/action.js';
import type { Ctx } from '../cli/context.js';
import { rejectOtherResources } from '../cli/fleet.js';
import { collect } from '../cli/options.js';
import { parseFunctionRef, parseIdList } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { CheckPermsRequest } from '../workflows/check-perms.js';

interface CheckPermsOptions {
  subnets?: string[];
  securityGroups?: string[];
  fix: boolean;
  yes: boolean;
  roleOnly: boolean;
  callerOnly: boolean;
}

/** Flags → typed input, before any AWS call; throws a usage CliError on bad input. */
export function parseCheckPermsInput(
  args: readonly string[],
  o: CheckPermsOptions,
  ctx: Ctx,
): CheckPermsRequest {
  // `--subnets A B` leaves B where the function goes: the comma form, not "too many arguments".
  rejectOtherResources(args, {
    subnet: { flag: '--subnets', values: o.subnets },
    sg: { flag: '--sg', values: o.securityGroups },
  });
  const [fn = ''] = args;
  if (args.length > 1)
    throw usageError(
      `check-perms checks one function, but ${args.length} were named.`,
      `Run it once per function: lambda-vpc check-perms ${fn}`,
    );
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
  if (o.roleOnly && o.callerOnly)
    throw usageError('--role-only and --caller-only exclude each other: give one, or neither to check both.');
  if (o.fix && o.callerOnly)
    throw usageError(
      '--fix changes the execution role, which --caller-only does not check.',
      'Run check-perms --fix without --caller-only.',
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
    only: o.roleOnly ? 'role' : o.callerOnly ? 'caller' : null,
  };
}

export const checkPermsCommand = defineCommand('check-perms', (command, action, ctx) =>
  command
    .description(
      "check that the function's execution role and you (the caller) have the permissions a VPC attachment needs",
    )
    .argument('<function>', 'function name, full ARN or partial ARN')
    .allowExcessArguments()
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
      'attach AWSLambdaVPCAccessExecutionRole to the execution role when an EC2 permission is found denied, then check again (never changes its trust policy)',
      false,
    )
    .option('--yes', 'with --fix: do not ask for confirmation (required when not on a terminal)', false)
    .option('--role-only', 'check the execution role only (no STS, EC2 or IAM call about the caller)', false)
    .option('--caller-only', 'check the caller only (no IAM call about the execution role)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc check-perms my-fn
  $ lambda-vpc check-perms my-fn --subnets subnet-0a1b2c3d4e5f60001 --sg sg-0a1b2c3d4e5f60001
  $ lambda-vpc check-perms my-fn --fix --yes
  $ lambda-vpc check-perms my-fn --role-only

The execution role is checked with IAM's policy simulator, or, when you may not use it,
by reading the role's policies; its trust policy must let Lambda assume it. Your own EC2
permissions are probed with DryRun calls and your Lambda permissions simulated.
Exit 0: all allowed; 4: something denied, the fix printed; 9: nothing denied, something
undetermined. --role-only / --caller-only (or each .verdict in -o json) tell whose it is.
After a detach, keep the role's EC2 permissions until Lambda has deleted the network
interfaces (about 20 minutes), or they are stranded. Details: docs/permissions.md.`,
    )
    .action(
      action(async (_fn: string, options: CheckPermsOptions, command: Command) => {
        const request = parseCheckPermsInput(command.args, options, ctx);
        const { checkPerms } = await import('../workflows/check-perms.js');
        return (deps) => checkPerms(deps, request);
      }),
    ),
);
