import {
  type FunctionConfiguration,
  type LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import type { FunctionVersionNetwork } from '../core/enis.js';

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
  const found: FunctionVersionNetwork[] = [];
  let marker: string | undefined;
  do {
    const out = await lambda.send(
      new ListFunctionsCommand({ FunctionVersion: 'ALL', ...(marker ? { Marker: marker } : {}) }),
      signal ? { abortSignal: signal } : {},
    );
    found.push(...(out?.Functions ?? []).map(toNetwork));
    marker = out?.NextMarker || undefined;
  } while (marker);
  return found;
}

/** $LATEST and the published versions of one function: cheaper than listing the account when that is all we need. */
export async function listVersionsOf(
  lambda: LambdaClient,
  functionId: string,
  signal?: AbortSignal,
): Promise<FunctionVersionNetwork[]> {
  const found: FunctionVersionNetwork[] = [];
  let marker: string | undefined;
  do {
    const out = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionId, ...(marker ? { Marker: marker } : {}) }),
      signal ? { abortSignal: signal } : {},
    );
    found.push(...(out?.Versions ?? []).map(toNetwork));
    marker = out?.NextMarker || undefined;
  } while (marker);
  return found;
}

function toNetwork(c: FunctionConfiguration): FunctionVersionNetwork {
  return {
    functionName: c.FunctionName ?? '',
    version: c.Version ?? '$LATEST',
    subnetIds: [...(c.VpcConfig?.SubnetIds ?? [])],
    securityGroupIds: [...(c.VpcConfig?.SecurityGroupIds ?? [])],
  };
}
