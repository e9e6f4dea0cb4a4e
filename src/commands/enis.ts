import { defineCommand } from '../cli/action.js';
import { parseFunctionRef, parseIdList } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { EnisQuery } from '../workflows/enis.js';

interface EnisOptions {
  eni?: string;
  subnet?: string;
  sg?: string;
}

const ENI_ID = /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

function singleId(raw: string, kind: 'subnet' | 'securityGroup', flag: string): string {
  const { ids } = parseIdList([raw], kind);
  if (ids.length !== 1 || !ids[0]) throw usageError(`${flag} takes one ID, got '${raw}'.`);
  return ids[0];
}

/** Flags → query, before any AWS call; a usage error on anything ambiguous. */
export function parseEnisQuery(fn: string | undefined, o: EnisOptions): EnisQuery {
  const reverse = o.eni !== undefined || o.subnet !== undefined || o.sg !== undefined;
  if (fn !== undefined && reverse)
    throw usageError(
      'Name a function, or look up by --eni, --subnet or --sg, not both.',
      "'lambda-vpc enis my-fn' lists the function's interfaces; 'lambda-vpc enis --eni eni-…' says who uses one.",
    );
  if (fn !== undefined) return { kind: 'function', ref: parseFunctionRef(fn), input: fn };
  if (!reverse)
    throw usageError(
      'enis needs a function, or one of --eni, --subnet, --sg.',
      'Example: lambda-vpc enis my-fn, or lambda-vpc enis --eni eni-0a1b2c3d4e5f60101',
    );
  if (o.eni !== undefined && !ENI_ID.test(o.eni.trim()))
    throw usageError(`'${o.eni}' is not a valid network interface ID (expected e.g. eni-0123456789abcdef0).`);
  return {
    kind: 'reverse',
    eni: o.eni?.trim() ?? null,
    subnet: o.subnet === undefined ? null : singleId(o.subnet, 'subnet', '--subnet'),
    securityGroup: o.sg === undefined ? null : singleId(o.sg, 'securityGroup', '--sg'),
  };
}

export const enisCommand = defineCommand('enis', (command, action) =>
  command
    .description(
      'show the Lambda network interfaces (Hyperplane ENIs) a function uses and what keeps them alive; with --eni, --subnet or --sg, which functions use them',
    )
    .argument('[function]', 'function name or ARN; name:version for a published version')
    .option('--eni <id>', 'which functions and versions use this network interface')
    .option('--subnet <id>', "Lambda's interfaces in this subnet, and who uses them")
    .option('--sg <id>', "Lambda's interfaces with this security group, and who uses them")
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc enis my-fn
  $ lambda-vpc enis my-fn:3                      # a published version
  $ lambda-vpc enis --eni eni-0a1b2c3d4e5f60101  # why can't I delete this subnet?
  $ lambda-vpc enis --subnet subnet-0a1b2c3d4e5f60011 --output json

Lambda shares one interface per (subnet, security-group set) between every function and
published version using it, and deletes it within about 20 minutes of the last one leaving.
An unused interface older than that looks stranded: enis prints the command to delete it
by hand and deletes nothing itself (docs/enis.md).`,
    )
    .action(
      action(async (fn: string | undefined, options: EnisOptions) => {
        const query = parseEnisQuery(fn, options);
        const { showEnis } = await import('../workflows/enis.js');
        return (deps) => showEnis(deps, query);
      }),
    ),
);
