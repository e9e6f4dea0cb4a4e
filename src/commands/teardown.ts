import { defineCommand } from '../cli/action.js';
import type { TeardownScope, TeardownScopeKind } from '../core/teardown-plan.js';
import { usageError } from '../errors.js';

interface TeardownOptions {
  subnet?: string;
  sg?: string;
  vpc?: string;
  dryRun: boolean;
}

const ID_FORMAT: Record<TeardownScopeKind, { flag: string; pattern: RegExp; example: string; noun: string }> =
  {
    subnet: {
      flag: '--subnet',
      pattern: /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
      example: 'subnet-0123456789abcdef0',
      noun: 'subnet',
    },
    securityGroup: {
      flag: '--sg',
      pattern: /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
      example: 'sg-0123456789abcdef0',
      noun: 'security group',
    },
    vpc: {
      flag: '--vpc',
      pattern: /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
      example: 'vpc-0123456789abcdef0',
      noun: 'VPC',
    },
  };

/** Flags → scope, before any AWS call: exactly one of --subnet, --sg, --vpc, each ID well formed. */
export function parseTeardownScope(o: TeardownOptions): TeardownScope {
  const given = (
    [
      ['subnet', o.subnet],
      ['securityGroup', o.sg],
      ['vpc', o.vpc],
    ] as const
  ).filter(([, raw]) => raw !== undefined);
  const [first, ...more] = given;
  if (!first || more.length > 0)
    throw usageError(
      'teardown takes exactly one of --subnet, --sg or --vpc.',
      'Example: lambda-vpc teardown --subnet subnet-0a1b2c3d4e5f60011',
    );
  const [kind, raw = ''] = first;
  const format = ID_FORMAT[kind];
  const ids = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (ids.length === 0) throw usageError(`${format.flag} needs at least one ${format.noun} ID.`);
  for (const id of ids)
    if (!format.pattern.test(id))
      throw usageError(`'${id}' is not a valid ${format.noun} ID (expected e.g. ${format.example}).`);
  return { kind, ids };
}

export const teardownCommand = defineCommand('teardown', (command, action) =>
  command
    .description(
      'plan taking a subnet, security group or VPC apart: what keeps Lambda network interfaces there, and the steps in order (deletes nothing)',
    )
    .option('--subnet <ids>', 'comma-separated subnet IDs')
    .option('--sg <ids>', 'comma-separated security group IDs')
    .option('--vpc <ids>', 'comma-separated VPC IDs')
    .option('--dry-run', 'the same plan: teardown only ever reads', false)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc teardown --subnet subnet-0a1b2c3d4e5f60011
  $ lambda-vpc teardown --sg sg-0a1b2c3d4e5f60081 --output json
  $ lambda-vpc teardown --vpc vpc-0a1b2c3d4e5f60001

The steps, in the only order that neither fails nor strands an interface: detach $LATEST
(lambda-vpc detach --wait-enis), delete the published versions or re-point their aliases
first (they keep their VpcConfig forever), wait for Lambda to delete its interfaces (about
20 minutes, up to 45), delete the subnet or group, and only then remove the execution roles'
EC2 permissions. Exit 0 when the plan is made; 9 when a read failed and it is incomplete
(docs/teardown.md).`,
    )
    .action(
      action(async (options: TeardownOptions) => {
        const scope = parseTeardownScope(options);
        const { planTeardownOf } = await import('../workflows/teardown.js');
        return (deps) => planTeardownOf(deps, scope);
      }),
    ),
);
