import {
  type FunctionConfiguration,
  GetFunctionCommand,
  type LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { withReadRank } from '../aws/rate-budget.js';
import { type DesiredVpc, toVpcConfigRequest } from '../core/plan.js';

export interface ReadOptions {
  qualifier?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Where this read stands in the GetFunction budget's queue (aws/rate-budget.ts withReadRank). */
  rank?: number | undefined;
}

/**
 * Reads with GetFunction rather than GetFunctionConfiguration: it has its own 100 requests/s
 * budget instead of the 15/s the control plane shares, which matters when polling.
 */
export async function readFunction(
  lambda: LambdaClient,
  functionId: string,
  options: ReadOptions = {},
): Promise<FunctionConfiguration> {
  return (await readFunctionWithTags(lambda, functionId, options)).configuration;
}

/**
 * The same one GetFunction call, with the function's tags (GetFunction returns them; unqualified
 * reads only). Lambda leaves the tags out, and says why in TagsError, when the caller may not
 * lambda:ListTags: `tagsError` is then set, and `tags` is not all the function has.
 */
export async function readFunctionWithTags(
  lambda: LambdaClient,
  functionId: string,
  options: ReadOptions = {},
): Promise<{ configuration: FunctionConfiguration; tags: Record<string, string>; tagsError?: string }> {
  const send = () =>
    lambda.send(
      new GetFunctionCommand({
        FunctionName: functionId,
        ...(options.qualifier ? { Qualifier: options.qualifier } : {}),
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
  const out = await (options.rank === undefined ? send() : withReadRank(options.rank, send));
  const tagsError = out.TagsError
    ? [out.TagsError.ErrorCode, out.TagsError.Message].filter(Boolean).join(': ') || 'TagsError'
    : undefined;
  return {
    configuration: out.Configuration ?? {},
    tags: out.Tags ?? {},
    ...(tagsError ? { tagsError } : {}),
  };
}

/**
 * Sends only VpcConfig, guarded by the RevisionId that was read, so a change someone else
 * made in between fails with PreconditionFailedException instead of being overwritten.
 * `signal` is the deadline's alone: Ctrl-C lets a write that was sent come back with its answer.
 */
export async function updateVpcConfig(
  lambda: LambdaClient,
  functionId: string,
  desired: DesiredVpc,
  revisionId: string | undefined,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<FunctionConfiguration> {
  return lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: functionId,
      VpcConfig: toVpcConfigRequest(desired),
      ...(revisionId ? { RevisionId: revisionId } : {}),
    }),
    options.signal ? { abortSignal: options.signal } : {},
  );
}
