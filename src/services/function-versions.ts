import {
  type FunctionConfiguration,
  type LambdaClient,
  paginateListAliases,
  paginateListFunctions,
  paginateListVersionsByFunction,
} from '@aws-sdk/client-lambda';
import type { FunctionVersionNetwork } from '../core/enis.js';
import type { AliasInfo } from '../core/teardown-plan.js';

// Kept apart from services/enis.ts so that detach, which needs only these Lambda listings,
// does not load the EC2 client.

/**
 * Every function and published version of the account in the region, with its network: who
 * can be holding a Lambda network interface. ListFunctions items carry VpcConfig but not
 * State or LastUpdateStatus, which is all this needs. One listing serves a whole command.
 */
export async function listAllFunctionVersions(
  lambda: LambdaClient,
  signal?: AbortSignal,
): Promise<FunctionVersionNetwork[]> {
  return (await listFunctionVersionsUpTo(lambda, Number.POSITIVE_INFINITY, signal)) ?? [];
}

/** The same listing, given at most `maxPages` calls: null when the account needs more. */
export async function listFunctionVersionsUpTo(
  lambda: LambdaClient,
  maxPages: number,
  signal?: AbortSignal,
): Promise<FunctionVersionNetwork[] | null> {
  const found: FunctionVersionNetwork[] = [];
  const pages = paginateListFunctions(
    { client: lambda },
    { FunctionVersion: 'ALL' },
    signal ? { abortSignal: signal } : {},
  );
  let read = 0;
  for await (const page of pages) {
    found.push(...(page.Functions ?? []).map(toNetwork));
    read++;
    if (page.NextMarker && read >= maxPages) return null;
  }
  return found;
}

/** $LATEST and the published versions of one function: cheaper than listing the account when that is all we need. */
export async function listVersionsOf(
  lambda: LambdaClient,
  functionId: string,
  signal?: AbortSignal,
): Promise<FunctionVersionNetwork[]> {
  const found: FunctionVersionNetwork[] = [];
  const pages = paginateListVersionsByFunction(
    { client: lambda },
    { FunctionName: functionId },
    signal ? { abortSignal: signal } : {},
  );
  for await (const page of pages) found.push(...(page.Versions ?? []).map(toNetwork));
  return found;
}

function toNetwork(c: FunctionConfiguration): FunctionVersionNetwork {
  return {
    functionName: c.FunctionName ?? '',
    version: c.Version ?? '$LATEST',
    subnetIds: [...(c.VpcConfig?.SubnetIds ?? [])],
    securityGroupIds: [...(c.VpcConfig?.SecurityGroupIds ?? [])],
    ...(c.Role ? { role: c.Role } : {}),
    ...(c.VpcConfig?.VpcId ? { vpcId: c.VpcConfig.VpcId } : {}),
  };
}

export type ListedFunction = Pick<FunctionConfiguration, 'FunctionName' | 'FunctionArn' | 'VpcConfig'>;

/**
 * The name and network of every function ($LATEST) in the region, paginated (50 a page).
 * ListFunctions leaves out State and LastUpdateStatus: status reads those with GetFunction.
 * `onPage` sees each page as it comes, so work can start before the last.
 */
export async function listFunctionNetworks(
  lambda: LambdaClient,
  signal?: AbortSignal,
  onPage?: (functions: readonly ListedFunction[]) => void,
): Promise<ListedFunction[]> {
  const found: FunctionConfiguration[] = [];
  const pages = paginateListFunctions({ client: lambda }, {}, signal ? { abortSignal: signal } : {});
  for await (const page of pages) {
    found.push(...(page.Functions ?? []));
    onPage?.(page.Functions ?? []);
  }
  return found;
}

/** The aliases of one function and the versions each sends traffic to, every page. */
export async function listAliasesOf(
  lambda: LambdaClient,
  functionName: string,
  signal?: AbortSignal,
): Promise<AliasInfo[]> {
  const found: AliasInfo[] = [];
  const pages = paginateListAliases(
    { client: lambda },
    { FunctionName: functionName },
    signal ? { abortSignal: signal } : {},
  );
  for await (const page of pages)
    for (const a of page.Aliases ?? [])
      found.push({
        name: a.Name ?? '',
        functionVersion: a.FunctionVersion ?? '',
        weightedVersions: Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {}),
      });
  return found;
}
