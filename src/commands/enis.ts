import { Command } from 'commander';
import {
  assessEni,
  type FunctionVersionNetwork,
  isInVpc,
  type NetworkInterfaceInfo,
  serves,
} from '../core/enis.js';
import { type FunctionRef, parseFunctionRef, parseIdList } from '../core/validate.js';
import { CliError, ExitCode, toCliError, usageError } from '../errors.js';
import { jsonDocument } from '../output/render.js';
import { type EnisReport, eniJson, renderEnis, versionJson } from '../output/render-enis.js';
import { type Ctx, Session } from './session.js';

interface EnisOptions {
  eni?: string;
  subnet?: string;
  sg?: string;
}

/** Either a function (and version), or the reverse lookup by interface, subnet and/or group. */
export type EnisQuery =
  | { kind: 'function'; ref: FunctionRef; input: string }
  | { kind: 'reverse'; eni: string | null; subnet: string | null; securityGroup: string | null };

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

export const enisCommand = (ctx: Ctx, done: (code: number) => void) =>
  new Command('enis')
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
    .action(async (fn: string | undefined, options: EnisOptions, cmd: Command) => {
      const query = parseEnisQuery(fn, options);
      const session = Session.open(cmd, ctx);
      try {
        done(await showEnis(session, query));
      } finally {
        session.aws.destroy();
      }
    });

async function showEnis(session: Session, query: EnisQuery): Promise<number> {
  const { ui } = session;
  const region = await session.region(query.kind === 'function' ? [query] : []);
  let report: EnisReport;
  try {
    report = await lookUp(session, query, region);
  } catch (thrown) {
    throw toCliError(thrown, { region });
  }
  ui.result(
    ui.format === 'json'
      ? jsonDocument('enis', ExitCode.Success, [], null, { enis: report })
      : renderEnis(report, ui.out),
  );
  return ExitCode.Success;
}

/** One ListFunctions(ALL) listing and one DescribeNetworkInterfaces query, whichever the lookup. */
async function lookUp(session: Session, query: EnisQuery, region: string): Promise<EnisReport> {
  const signal = session.ctx.signal;
  const [{ describeNetworkInterfaces }, { listAllFunctionVersions }, ec2, lambda] = await Promise.all([
    import('../services/enis.js'),
    import('../services/function-versions.js'),
    session.aws.ec2(),
    session.aws.lambda(),
  ]);
  const finish = (
    enis: NetworkInterfaceInfo[],
    versions: FunctionVersionNetwork[],
    rest: Pick<EnisReport, 'function' | 'configuredUsers'>,
  ): EnisReport => ({
    region,
    query:
      query.kind === 'function'
        ? { function: query.input, eni: null, subnet: null, securityGroup: null }
        : { function: null, eni: query.eni, subnet: query.subnet, securityGroup: query.securityGroup },
    ...rest,
    interfaces: [...enis]
      .sort((a, b) => a.subnetId.localeCompare(b.subnetId) || a.id.localeCompare(b.id))
      .map((e) => eniJson(assessEni(e, versions, { now: session.now(), region }))),
  });

  if (query.kind === 'function') {
    const versions = await listAllFunctionVersions(lambda, signal);
    const version = query.ref.qualifier ?? '$LATEST';
    const own = versions.find((v) => v.functionName === query.ref.name && v.version === version);
    if (!own) throw functionNotFound(query.ref, region);
    const enis = isInVpc(own)
      ? (await describeNetworkInterfaces(ec2, { subnetIds: own.subnetIds, lambdaOnly: true, signal })).filter(
          (e) => serves(e, own),
        )
      : [];
    const { functionName: name, subnetIds, securityGroupIds } = own;
    return finish(enis, versions, {
      function: { name, version, subnetIds, securityGroupIds },
      configuredUsers: null,
    });
  }

  const [enis, versions] = await Promise.all([
    describeNetworkInterfaces(ec2, {
      eniIds: query.eni ? [query.eni] : undefined,
      subnetIds: query.subnet ? [query.subnet] : undefined,
      securityGroupIds: query.securityGroup ? [query.securityGroup] : undefined,
      // Asked by ID, show the interface whatever it is, and say so when it is not Lambda's.
      lambdaOnly: query.eni === null,
      signal,
    }),
    listAllFunctionVersions(lambda, signal),
  ]);
  if (query.eni && enis.length === 0)
    throw new CliError('NotFound', `No network interface ${query.eni} in ${region}.`, {
      hint: 'Lambda may have deleted it already (it does within about 20 minutes of the last detach), or it is in another region (--region).',
    });
  const configured =
    query.subnet || query.securityGroup
      ? versions.filter(
          (v) =>
            isInVpc(v) &&
            (!query.subnet || v.subnetIds.includes(query.subnet)) &&
            (!query.securityGroup || v.securityGroupIds.includes(query.securityGroup)),
        )
      : null;
  return finish(enis, versions, { function: null, configuredUsers: configured?.map(versionJson) ?? null });
}

function functionNotFound(ref: FunctionRef, region: string): CliError {
  const name = ref.qualifier ? `${ref.name}:${ref.qualifier}` : ref.name;
  return new CliError('NotFound', `Function ${name} not found in ${region}.`, {
    hint: ref.qualifier
      ? 'Check the name, the version and the region. Aliases are not resolved here: name the version number (my-fn:3).'
      : 'Check the name and the region (--region).',
  });
}
