import { defineCommand } from '../cli/action.js';
import { type ChangeOptions, parseChangeRequest, withSafetyOptions } from '../cli/change-input.js';
import { functionNames } from '../cli/fleet.js';
import { collect, timeoutOption, withFleetOptions } from '../cli/options.js';
import { parseReachTargets } from '../core/reach-targets.js';
import { parseResourceList, parseVpcSelector, type ResourceList } from '../core/selectors.js';
import { usageError } from '../errors.js';
import type { NetworkChoiceRequest } from '../workflows/choose-network.js';

interface AttachOptions extends ChangeOptions {
  vpc?: string;
  like?: string;
  createSg?: string;
  internet: boolean;
  needs?: string[];
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
          '--vpc <vpc>',
          'the VPC, by ID, name:VALUE (its Name tag) or tag:KEY=VALUE; without --subnets, lambda-vpc chooses them',
        )
        .option(
          '--subnets <list>',
          'comma-separated subnet IDs, name:VALUE or tag:KEY=VALUE selectors, 1 to 16 subnets in one VPC (repeatable)',
          collect,
        )
        .option(
          '--sg, --security-groups <list>',
          'comma-separated security group IDs, name:VALUE (group name or Name tag) or tag:KEY=VALUE, 1 to 5 (repeatable)',
          collect,
        )
        .option('--like <function>', "copy another function's subnets, groups and IPv6 setting (--sg wins)")
        .option(
          '--create-sg <name>',
          'with --vpc: create a security group of that name (egress all, no ingress), or reuse the one there',
        )
        .option(
          '--no-internet',
          'with --vpc: subnets without internet may be chosen (isolated ones, with --needs)',
        )
        .option(
          '--needs <services>',
          'with --vpc: AWS services every chosen subnet must reach, e.g. s3,secretsmanager (repeatable)',
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
  $ lambda-vpc attach my-fn --vpc vpc-0a1b2c3d4e5f60001 --sg name:lambda-egress --dry-run   # see what it chooses
  $ lambda-vpc attach my-fn --vpc name:prod --create-sg lambda-egress
  $ lambda-vpc attach my-fn --vpc name:prod --sg sg-0a1b2c3d4e5f60001 --no-internet --needs s3,secretsmanager
  $ lambda-vpc attach my-fn --like orders-api
  $ lambda-vpc attach my-fn --subnets subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002 --sg sg-0a1b2c3d4e5f60001
  $ lambda-vpc attach --functions-file payments.txt --vpc name:prod --sg name:lambda-egress --fail-fast   # a fleet

With --vpc and no --subnets, attach reads the VPC's subnets, route tables, NAT gateways and
endpoints and chooses one subnet per Availability Zone whose internet path through a NAT gateway
is proved (never a public subnet; with --no-internet also isolated ones that reach every --needs
service), preferring subnets that already have a Lambda interface for the groups, then more free
addresses. It prints each subnet with the reason, and needs the groups: --sg, or --create-sg NAME.
--subnets and --sg also take name:VALUE and tag:KEY=VALUE. Before writing it says how many new
Lambda network interfaces the change creates, against the Region's quota.

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
        const checkReach = options.checkReach ? parseReachTargets(options.checkReach) : undefined;
        const subnets = options.subnets ? parseResourceList(options.subnets, 'subnet') : undefined;
        const groups = options.securityGroups
          ? parseResourceList(options.securityGroups, 'securityGroup')
          : undefined;
        const choose = networkChoiceOf(options, subnets, groups);
        if (!choose && (!subnets || !groups)) throw missingNetwork(subnets);
        const request = {
          ...parseChangeRequest(names, options, 'attach', functions),
          desired:
            choose || !subnets || !groups
              ? undefined
              : {
                  subnetIds: subnets.ids,
                  securityGroupIds: groups.ids,
                  ipv6AllowedForDualStack: Boolean(options.ipv6DualStack),
                },
          choose,
          notes: [...(subnets?.notes ?? []), ...(groups?.notes ?? [])],
          network: { force: Boolean(options.force), skip: Boolean(options.skipNetworkCheck) },
          permissions: { skip: Boolean(options.skipPermsCheck) },
          checkReach,
        };
        const { attach } = await import('../workflows/attach.js');
        return (deps) => attach(deps, request);
      }),
    ),
);

const SERVICE = /^[a-z0-9][a-z0-9.-]*$/;
/** AWS's rule for a VPC security group's name: 255 characters of this set, not starting with sg-. */
const GROUP_NAME = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/**
 * How to find the network when not every part of it was given by ID; undefined when it was.
 * Combinations that cannot mean anything are usage errors here, before any AWS call.
 */
function networkChoiceOf(
  options: AttachOptions,
  subnets: ResourceList | undefined,
  groups: ResourceList | undefined,
): NetworkChoiceRequest | undefined {
  const chooser = options.vpc !== undefined && !subnets && options.like === undefined;
  const selectors = Boolean(subnets?.selectors.length || groups?.selectors.length);
  if (!options.internet && !chooser)
    throw usageError(
      '--no-internet applies to the subnets --vpc chooses; drop it, or drop --subnets/--like.',
    );
  if (options.needs && !chooser)
    throw usageError('--needs applies to the subnets --vpc chooses; drop it, or drop --subnets/--like.');
  const choosing =
    options.vpc !== undefined || options.like !== undefined || options.createSg !== undefined || selectors;
  if (!choosing) return undefined;
  if (options.like !== undefined && options.vpc !== undefined)
    throw usageError('--like copies the VPC of another function; it cannot go with --vpc.');
  if (options.createSg !== undefined && groups)
    throw usageError('--create-sg and --sg both name the groups: pass one of them.');
  if (options.createSg !== undefined && options.vpc === undefined && !subnets && options.like === undefined)
    throw usageError('--create-sg needs to know the VPC: add --vpc (or --subnets, or --like).');
  if (options.createSg !== undefined && options.emit !== undefined)
    throw usageError(
      '--emit cannot go with --create-sg: the group does not exist yet, so there is no ID to write into the code.',
      'Create the group first (or let attach create it), then --emit with --sg.',
    );
  // Only --vpc has its groups listed for the user to pick from; otherwise say it now.
  if (options.vpc === undefined && options.like === undefined && !groups && options.createSg === undefined)
    throw missingNetwork(subnets);
  if (
    options.createSg !== undefined &&
    (!GROUP_NAME.test(options.createSg) || options.createSg.startsWith('sg-'))
  )
    throw usageError(
      `--create-sg ${options.createSg}: not a valid group name (1 to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with sg-).`,
    );
  if (options.skipNetworkCheck)
    throw usageError(
      '--skip-network-check cannot go with --vpc, --like, --create-sg or name:/tag: selectors: choosing reads the network.',
      'Name the subnets and groups by ID to skip the check.',
    );
  const needs = (options.needs ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  const bad = needs.find((n) => !SERVICE.test(n));
  if (bad) throw usageError(`--needs ${bad}: not a service name (e.g. s3, secretsmanager, ecr.api).`);
  return {
    vpc:
      options.vpc === undefined ? undefined : { raw: options.vpc, selector: parseVpcSelector(options.vpc) },
    like: options.like,
    subnets,
    securityGroups: groups,
    createSecurityGroup: options.createSg,
    ipv6: Boolean(options.ipv6DualStack),
    requireInternet: options.internet,
    needs: [...new Set(needs)],
  };
}

function missingNetwork(subnets: ResourceList | undefined) {
  return subnets
    ? usageError(
        'attach needs --sg (security groups), or --vpc with --create-sg.',
        'Example: --sg sg-0a1b2c3d4e5f60001',
      )
    : usageError(
        'attach needs the network: --vpc (lambda-vpc chooses the subnets), --subnets with --sg, or --like FUNCTION.',
        'Example: --vpc vpc-0a1b2c3d4e5f60001 --sg sg-0a1b2c3d4e5f60001',
      );
}
