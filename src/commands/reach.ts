import { defineCommand } from '../cli/action.js';
import { rejectOtherResources } from '../cli/fleet.js';
import { collect } from '../cli/options.js';
import type { DesiredVpc } from '../core/plan.js';
import { parseReachTargets } from '../core/reach-targets.js';
import { parseFunctionRef, parseIdList } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { ReachRequest } from '../workflows/reach.js';

interface ReachOptions {
  to?: string[];
  protocol?: string;
  subnets?: string[];
  securityGroups?: string[];
  ipv6DualStack?: boolean;
}

/** Flags → request, before any AWS call; a usage error on anything missing or ambiguous. */
export function parseReachRequest(
  fn: string | undefined,
  o: ReachOptions,
): ReachRequest & { notes: string[] } {
  const targets = parseReachTargets(o.to, o.protocol);
  const planned = o.subnets !== undefined || o.securityGroups !== undefined;
  // `--subnets A B` leaves B the function argument: show the comma form, not "not both".
  if (fn !== undefined)
    rejectOtherResources([fn], {
      subnet: { flag: '--subnets', values: o.subnets },
      sg: { flag: '--sg', values: o.securityGroups },
    });
  if (fn !== undefined && planned)
    throw usageError(
      'Name a function, or give a planned configuration with --subnets and --sg, not both.',
      "'lambda-vpc reach my-fn --to …' checks the function as attached; 'lambda-vpc reach --subnets … --sg … --to …' checks a configuration before attach.",
    );
  if (fn === undefined && !planned)
    throw usageError(
      'reach needs a function, or --subnets and --sg for a planned configuration.',
      'Example: lambda-vpc reach my-fn --to rds:orders-db',
    );
  if (fn !== undefined) {
    if (o.ipv6DualStack)
      throw usageError(
        '--ipv6-dual-stack describes a planned configuration: use it with --subnets and --sg.',
        "A function's own Ipv6AllowedForDualStack is read from it.",
      );
    return { function: { ref: parseFunctionRef(fn), input: fn }, planned: null, targets, notes: [] };
  }
  if (!o.subnets)
    throw usageError(
      'A planned configuration needs --subnets too.',
      'Example: --subnets subnet-0a1b2c3d4e5f60001',
    );
  if (!o.securityGroups)
    throw usageError('A planned configuration needs --sg too.', 'Example: --sg sg-0a1b2c3d4e5f60001');
  const subnets = parseIdList(o.subnets, 'subnet');
  const groups = parseIdList(o.securityGroups, 'securityGroup');
  const desired: DesiredVpc = {
    subnetIds: subnets.ids,
    securityGroupIds: groups.ids,
    ipv6AllowedForDualStack: Boolean(o.ipv6DualStack),
  };
  return { function: null, planned: desired, targets, notes: [...subnets.notes, ...groups.notes] };
}

export const reachCommand = defineCommand('reach', (command, action) =>
  command
    .description(
      'can the function reach that? hop by hop from each of its subnets: security groups on both ends, network ACLs both ways, routes, NAT, endpoints',
    )
    .argument('[function]', 'function name or ARN; name:version for a published version')
    .option(
      '--to <target>',
      'internet[:PORT], an AWS service (s3, sts, secretsmanager, ecr.dkr, …)[:PORT], rds:NAME, an RDS hostname, IP:PORT, eni-…:PORT or sg-…:PORT (repeatable)',
      collect,
    )
    .option('--protocol <tcp|udp>', 'the protocol of every target', 'tcp')
    .option(
      '--subnets <ids>',
      'a planned configuration: comma-separated subnet IDs (no function read)',
      collect,
    )
    .option(
      '--sg, --security-groups <ids>',
      'a planned configuration: comma-separated security group IDs',
      collect,
    )
    .option(
      '--ipv6-dual-stack',
      'a planned configuration with IPv6 allowed: IPv6 internet is its own path',
      false,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc reach my-fn --to rds:orders-db             # port, groups and subnets from the database
  $ lambda-vpc reach my-fn --to orders-db.abc123.eu-west-1.rds.amazonaws.com
  $ lambda-vpc reach my-fn --to 10.0.5.17:6379 --to internet --to s3 --to secretsmanager
  $ lambda-vpc reach my-fn --to sg-0a1b2c3d4e5f60001:5432   # every interface in that group
  $ lambda-vpc reach --subnets subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002 --sg sg-0a1b2c3d4e5f60001 --to internet

For each of the function's subnets (Lambda picks one per network interface, so one failing
subnet means calls that fail some of the time), reach follows the packet: the function's
groups' egress, the subnet's network ACL out, the route (longest prefix match), then the NAT
gateway, internet gateway, gateway or interface endpoint, or the target's subnet ACL and
groups' ingress, and the return traffic through both ACLs on ports 1024-65535. Each hop names
the rule that decided, and a failing one prints its fix as a command. It reads EC2 (and RDS
for rds: targets) and writes nothing.

Exit 0 when every target is reachable from every subnet, 10 when any is unreachable, 9 when
the rest could not be proved (a read denied, a hop such as peering or a transit gateway that
lambda-vpc does not follow). Details: docs/reach.md.`,
    )
    .action(
      action(async (fn: string | undefined, options: ReachOptions) => {
        const request = parseReachRequest(fn, options);
        const { reach } = await import('../workflows/reach.js');
        return (deps) => {
          for (const note of request.notes) deps.reporter.note(note);
          return reach(deps, request);
        };
      }),
    ),
);
