import { defineCommand } from '../cli/action.js';
import type { Ctx } from '../cli/context.js';
import type { TeardownScope, TeardownScopeKind } from '../core/teardown-plan.js';
import { usageError } from '../errors.js';
import type { TeardownRequest } from '../workflows/teardown.js';

interface TeardownOptions {
  subnet?: string;
  sg?: string;
  vpc?: string;
  dryRun: boolean;
  execute: boolean;
  yes: boolean;
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
export function parseTeardownScope(o: Pick<TeardownOptions, 'subnet' | 'sg' | 'vpc'>): TeardownScope {
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

/** --execute needs a yes: from --yes, or from a person at a terminal. */
export function parseTeardownRequest(o: TeardownOptions, ctx: Pick<Ctx, 'confirm'>): TeardownRequest {
  const scope = parseTeardownScope(o);
  if (o.yes && !o.execute) throw usageError('--yes only applies to --execute.');
  if (!o.execute) return { scope, execute: null };
  if (o.dryRun) throw usageError('--execute runs step 1; --dry-run writes nothing: choose one.');
  if (!o.yes && !ctx.confirm)
    throw usageError(
      '--execute detaches functions and needs confirmation, but this is not a terminal.',
      'Add --yes to run step 1 without asking.',
    );
  return { scope, execute: { yes: o.yes } };
}

export const teardownCommand = defineCommand('teardown', (command, action, ctx) =>
  command
    .description(
      'plan taking a subnet, security group or VPC apart: what keeps Lambda network interfaces there, and the steps in order (deletes nothing)',
    )
    .option('--subnet <ids>', 'comma-separated subnet IDs')
    .option('--sg <ids>', 'comma-separated security group IDs')
    .option('--vpc <ids>', 'comma-separated VPC IDs')
    .option('--dry-run', 'the plan only, as without --execute', false)
    .option(
      '--execute',
      'after asking, run step 1 (detach $LATEST --wait-enis), then show what is left; never deletes anything',
      false,
    )
    .option('--yes', 'with --execute: do not ask for confirmation (required when not on a terminal)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc teardown --subnet subnet-0a1b2c3d4e5f60011
  $ lambda-vpc teardown --sg sg-0a1b2c3d4e5f60081 --output json
  $ lambda-vpc teardown --vpc vpc-0a1b2c3d4e5f60001
  $ lambda-vpc teardown --subnet subnet-0a1b2c3d4e5f60011 --execute   # asks, then detaches and waits

The steps, in the only order that neither fails nor strands an interface: detach $LATEST
(lambda-vpc detach --wait-enis), delete the published versions or re-point their aliases
first (they keep their VpcConfig forever), wait for Lambda to delete its interfaces (about
20 minutes, up to 45), delete the subnet or group, and only then remove the execution roles'
EC2 permissions. teardown deletes nothing; --execute runs step 1 only, never deleting a
published version. Exit 0 when the plan is made; 9 when a read failed and it is incomplete
(docs/teardown.md).`,
    )
    .action(
      action(async (options: TeardownOptions) => {
        const request = parseTeardownRequest(options, ctx);
        const { planTeardownOf } = await import('../workflows/teardown.js');
        return (deps) => planTeardownOf(deps, request);
      }),
    ),
);
