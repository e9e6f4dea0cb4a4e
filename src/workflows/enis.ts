import {
  assessEni,
  type EnisReport,
  eniJson,
  type FunctionVersionNetwork,
  type NetworkInterfaceInfo,
  serves,
  versionJson,
} from '../core/enis.js';
import { isInVpc } from '../core/plan.js';
import type { FunctionRef } from '../core/validate.js';
import { CliError, ExitCode, toCliError } from '../errors.js';
import type { EnisBody } from '../output/json.js';
import { renderEnis } from '../output/render-enis.js';
import { listAllFunctionVersions } from '../services/function-versions.js';
import type { RunDeps } from './deps.js';

/** Either a function (and version), or the reverse lookup by interface, subnet and/or group. */
export type EnisQuery =
  | { kind: 'function'; ref: FunctionRef; input: string }
  | { kind: 'reverse'; eni: string | null; subnet: string | null; securityGroup: string | null };

/** Lambda's network interfaces of a function, or of an interface, subnet or group, and who keeps each alive. */
export async function showEnis(deps: RunDeps, query: EnisQuery): Promise<EnisBody> {
  const region = await deps.aws.regionFor(query.kind === 'function' ? [query] : []);
  let report: EnisReport;
  try {
    report = await lookUp(deps, query, region);
  } catch (thrown) {
    throw toCliError(thrown, { region });
  }
  deps.reporter.show((c) => renderEnis(report, c));
  return { exitCode: ExitCode.Success, error: null, enis: report };
}

/** One ListFunctions(ALL) listing and one DescribeNetworkInterfaces query, whichever the lookup. */
async function lookUp(deps: RunDeps, query: EnisQuery, region: string): Promise<EnisReport> {
  const { signal } = deps;
  const [{ describeNetworkInterfaces }, ec2, lambda] = await Promise.all([
    import('../services/enis.js'),
    deps.aws.ec2(),
    deps.aws.lambda(),
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
      .map((e) => eniJson(assessEni(e, versions, { now: deps.clock.now(), region }))),
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
