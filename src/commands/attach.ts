import { defineCommand } from '../cli/action.js';
import { type ChangeOptions, parseChangeRequest, withSafetyOptions } from '../cli/change-input.js';
import { functionNames } from '../cli/fleet.js';
import { collect, timeoutOption, withFleetOptions } from '../cli/options.js';
import { parseReachTargets } from '../core/reach-targets.js';
import { parseIdList } from '../core/validate.js';
import { usageError } from '../errors.js';

interface AttachOptions extends ChangeOptions {
  subnets?: string[];
  securityGroups?: string[];
  ipv6DualStack?: boolean;
  force?: boolean;
  skipNetworkCheck?: boolean;
  skipPermsCheck?: boolean;
  checkReach?: string[];
}

export const attachCommand = defineCommand('attach', (command, action, ctx) =>
  withSafetyOptions(
    withFleetOptions(
      command
        .description(
          'put functions into a VPC: set their subnets and security groups, then wait until Lambda has settled',
        )
        .argument('[function...]', 'function names, full ARNs or partial ARNs ($LATEST only)')
        .option(
          '--subnets <ids>',
          'comma-separated subnet IDs, 1 to 16, all in one VPC (repeatable)',
          collect,
        )
        .option(
          '--sg, --security-groups <ids>',
          'comma-separated security group IDs, 1 to 5 (repeatable)',
          collect,
        )
        .option('--ipv6-dual-stack', 'allow IPv6 traffic for dual-stack subnets', false)
        .option('--no-wait', 'send the update and return without waiting for it to settle')
        .option(...timeoutOption)
        .option('--dry-run', 'show what would change; write nothing', false)
        .option(
          '--force',
          'attach even when the network check finds subnets and groups in several VPCs or a dedicated-tenancy VPC',
          false,
        )
        .option(
          '--skip-network-check',
          'do not describe the subnets, groups and routes first (no EC2 read)',
          false,
        )
        .option(
          '--check-reach <target>',
          'stop before writing (exit 10) if this target is unreachable: a reach --to target, tcp (repeatable)',
          collect,
        )
        .option(
          '--skip-perms-check',
          "do not check the execution role's EC2 permissions first (no IAM call)",
          false,
        ),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc attach my-fn --subnets subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002 --sg sg-0a1b2c3d4e5f60001
  $ lambda-vpc attach my-fn other-fn --subnets subnet-0a1b2c3d4e5f60001 --sg sg-0a1b2c3d4e5f60001 --dry-run
  $ lambda-vpc attach arn:aws:lambda:eu-west-1:123456789012:function:my-fn --subnets ... --sg ... --timeout 30m
  $ lambda-vpc attach --functions-file payments.txt --subnets ... --sg ... --fail-fast   # a fleet

attach sends only VpcConfig, guarded by the function's RevisionId, so it never overwrites a
concurrent change. It waits for an update already in progress before writing, does nothing
when the function already has this configuration, and prints the previous configuration
with the command that restores it.

Before writing (and with --dry-run), attach describes the subnets, security groups, route
tables, NAT gateways and VPC endpoints, and says what the function will reach (docs/network.md).
Unknown IDs stop it (exit 5), so do several VPCs or a dedicated-tenancy VPC (exit 2, --force
overrides); warnings such as "public subnet: no internet" never stop it. With
--check-reach TARGET (repeatable), it also traces the paths to each target hop by hop, as
lambda-vpc reach does, and stops before writing (exit 10) when one is unreachable.

It also checks, once per execution role, that the role has the EC2 permissions Lambda needs
to create the network interfaces: if not, that role's functions are not written (exit 4) and
the fix is printed. When IAM cannot tell (no iam:SimulatePrincipalPolicy or read access), it warns and goes
on. lambda-vpc check-perms shows the details (docs/permissions.md).

With many functions, up to --concurrency are worked on at once, and all Lambda calls share
budgets under AWS's per-account limits (--lambda-rate, --get-function-rate). Each result is
printed as it finishes, then a summary; the exit code is the worst one.

A function deployed by CloudFormation, SAM, CDK, the Serverless Framework or Terraform (told
from its tags, no extra call) is warned about: its next deploy puts its own VpcConfig back.
--fail-on-iac refuses to write it (exit 11). --emit TOOL prints the change for that tool
(terraform, cdk, sam, serverless, cloudformation) and writes nothing (docs/commands.md).`,
    )
    .action(
      action(async (functions: string[], options: AttachOptions) => {
        const names = await functionNames(functions, options, ctx, {
          idListFlags: {
            subnet: { flag: '--subnets', values: options.subnets },
            sg: { flag: '--sg', values: options.securityGroups },
          },
        });
        if (!options.subnets)
          throw usageError(
            'attach needs --subnets.',
            'Example: --subnets subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002',
          );
        if (!options.securityGroups)
          throw usageError('attach needs --sg (security groups).', 'Example: --sg sg-0a1b2c3d4e5f60001');
        const checkReach = options.checkReach ? parseReachTargets(options.checkReach) : undefined;
        const subnets = parseIdList(options.subnets, 'subnet');
        const groups = parseIdList(options.securityGroups, 'securityGroup');
        const request = {
          ...parseChangeRequest(names, options, 'attach', functions),
          desired: {
            subnetIds: subnets.ids,
            securityGroupIds: groups.ids,
            ipv6AllowedForDualStack: Boolean(options.ipv6DualStack),
          },
          notes: [...subnets.notes, ...groups.notes],
          network: { force: Boolean(options.force), skip: Boolean(options.skipNetworkCheck) },
          permissions: { skip: Boolean(options.skipPermsCheck) },
          checkReach,
        };
        const { attach } = await import('../workflows/attach.js');
        return (deps) => attach(deps, request);
      }),
    ),
);
