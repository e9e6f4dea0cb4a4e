import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Clock } from '../core/poll.js';
import { assertSamePartition, type Target, validateRegion } from '../core/validate.js';
import { CliError, toCliError } from '../errors.js';
import { type LambdaBudgets, rateBudgetMiddleware } from './rate-budget.js';
import { maxAttemptsFrom, retryStrategy } from './retry.js';

export interface AwsOptions {
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  /** With --debug: one line per AWS call (operation, status, attempts, request id). Never headers. */
  debugLog?: ((line: string) => void) | undefined;
  env: NodeJS.ProcessEnv;
  /** Shared by every Lambda call of the run (docs/performance.md); none: no client-side limit. */
  lambdaBudgets?: LambdaBudgets | undefined;
  /** Aborts a call still waiting for its budget or between its attempts (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Pauses between a call's attempts on it (tests pass one that does not wait); default the system clock. */
  clock?: Clock | undefined;
}

/** The part of every SDK client we touch here: the middleware stack, config and destroy. */
interface AnyClient {
  middlewareStack: { add: (mw: never, opts: { step: 'initialize' | 'deserialize'; name: string }) => void };
  config: { region: () => Promise<string> };
  destroy: () => void;
}

/**
 * Creates SDK clients on first use, so a command loads only the SDK packages it needs and
 * `--help` loads none. Region, credentials and endpoint follow the SDK's own chain
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL*, config files, SSO, IMDS), overridden by the
 * global flags.
 */
export class AwsClients {
  private readonly created: AnyClient[] = [];
  private lambdaClient: Promise<LambdaClient> | undefined;
  private lambdaWriterClient: Promise<LambdaClient> | undefined;
  private ec2Client: Promise<EC2Client> | undefined;
  private iamClient: Promise<IAMClient> | undefined;
  private stsClient: Promise<STSClient> | undefined;
  private rdsClient: Promise<RDSClient> | undefined;

  /** The run's deadline once it has started (limitTo), which ends pauses between attempts too. */
  private deadline: AbortSignal | undefined;

  constructor(private readonly options: AwsOptions) {}

  /**
   * From now on, a pause between two attempts of a call ends with `signal` (the run's deadline,
   * Ctrl-C included) as the call itself does: no retry timer outlives the run's --timeout.
   * `undefined` once the part of the run it bounds is over.
   */
  limitTo(signal: AbortSignal | undefined): void {
    this.deadline = signal;
  }

  lambda(): Promise<LambdaClient> {
    this.lambdaClient ??= this.newLambdaClient({});
    return this.lambdaClient;
  }

  /**
   * The Lambda client for writes: one attempt per call, as a write whose answer was lost must
   * not be sent again before a read has shown whether it was applied (apply-vpc-config.ts).
   * Same rate budgets as the reading client.
   */
  lambdaWriter(): Promise<LambdaClient> {
    this.lambdaWriterClient ??= this.newLambdaClient({ maxAttempts: 1 });
    return this.lambdaWriterClient;
  }

  private async newLambdaClient(overrides: { maxAttempts?: number }): Promise<LambdaClient> {
    const { LambdaClient } = await import('@aws-sdk/client-lambda');
    const client = this.track(new LambdaClient(this.clientConfig(overrides)));
    const { lambdaBudgets, signal } = this.options;
    if (lambdaBudgets)
      (client as unknown as AnyClient).middlewareStack.add(
        rateBudgetMiddleware(lambdaBudgets, signal) as never,
        {
          step: 'deserialize',
          name: 'lambdaVpcRateBudget',
        },
      );
    return client;
  }

  ec2(): Promise<EC2Client> {
    this.ec2Client ??= import('@aws-sdk/client-ec2').then(({ EC2Client }) =>
      this.track(new EC2Client(this.clientConfig())),
    );
    return this.ec2Client;
  }

  iam(): Promise<IAMClient> {
    this.iamClient ??= import('@aws-sdk/client-iam').then(({ IAMClient }) =>
      this.track(new IAMClient(this.clientConfig())),
    );
    return this.iamClient;
  }

  sts(): Promise<STSClient> {
    this.stsClient ??= import('@aws-sdk/client-sts').then(({ STSClient }) =>
      this.track(new STSClient(this.clientConfig())),
    );
    return this.stsClient;
  }

  /** Only for RDS targets (`reach --to rds:…`): no other command loads the RDS SDK. */
  rds(): Promise<RDSClient> {
    this.rdsClient ??= import('@aws-sdk/client-rds').then(({ RDSClient }) =>
      this.track(new RDSClient(this.clientConfig())),
    );
    return this.rdsClient;
  }

  /** The region every client will use, resolved without any network call. */
  async region(): Promise<string> {
    const client = await this.lambda();
    try {
      return await (client as unknown as AnyClient).config.region();
    } catch (error) {
      throw toCliError(error);
    }
  }

  /**
   * The region, validated, after checking that full ARNs belong to it and to its partition: a
   * mismatch is a usage error rather than a confusing "not found".
   */
  async regionFor(targets: readonly Target[]): Promise<string> {
    const region = await this.region();
    validateRegion(region);
    for (const { ref, input } of targets) {
      assertSameRegion(ref.region, region, input);
      assertSamePartition(ref, region, input);
    }
    return region;
  }

  destroy(): void {
    for (const client of this.created) client.destroy();
  }

  /** `maxAttempts`: for a client whose calls must not be retried (1); default AWS_MAX_ATTEMPTS or 6. */
  private clientConfig(retry: { maxAttempts?: number } = {}) {
    const { region, profile, endpointUrl, env, clock, signal } = this.options;
    const maxAttempts = retry.maxAttempts ?? maxAttemptsFrom(env);
    return {
      ...(region ? { region } : {}),
      ...(profile ? { profile } : {}),
      ...(endpointUrl ? { endpoint: endpointUrl } : {}),
      // Throttling and transient errors are retried with backoff, Retry-After honoured, each call
      // on its own attempts: no retry budget shared by the run's calls for a fleet to drain
      // (retry.ts). `maxAttempts` too, for the SDK's amz-sdk-request header.
      maxAttempts,
      retryStrategy: retryStrategy({ maxAttempts, clock, signal: () => this.deadline ?? signal }),
      // A hung connection must not hang the CLI: fail the attempt and let the SDK retry.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
      customUserAgent: 'lambda-vpc',
    };
  }

  private track<T>(client: T): T {
    const c = client as unknown as AnyClient;
    c.middlewareStack.add(abortReasonMiddleware as never, {
      step: 'initialize',
      name: 'lambdaVpcAbortReason',
    });
    if (this.options.debugLog)
      c.middlewareStack.add(debugMiddleware(this.options.debugLog) as never, {
        step: 'initialize',
        name: 'lambdaVpcDebug',
      });
    this.created.push(c);
    return client;
  }
}

/**
 * Gives every aborted call's AbortError the signal's reason as its cause, as Node's own aborts
 * do: the SDK's retry step makes a bare one, and the reason is what tells the run's deadline
 * (TimedOut) from Ctrl-C (Interrupted).
 */
function abortReasonMiddleware(
  next: (args: unknown) => Promise<unknown>,
  context: { __smithy_context?: { abortSignal?: AbortSignal } },
) {
  return async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      const signal = context.__smithy_context?.abortSignal;
      const e = error as { name?: string; cause?: unknown };
      if (e?.name === 'AbortError' && signal?.aborted && e.cause === undefined) e.cause = signal.reason;
      throw error;
    }
  };
}

interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}

function debugMiddleware(log: (line: string) => void) {
  return (
    next: (args: unknown) => Promise<{ output: { $metadata?: Metadata } }>,
    context: { clientName?: string; commandName?: string },
  ) =>
    async (args: unknown) => {
      const started = Date.now();
      const label = `${(context.clientName ?? '').replace(/Client$/, '')}.${(context.commandName ?? '').replace(/Command$/, '')}`;
      try {
        const result = await next(args);
        log(`${label} ${describe(result.output.$metadata)} ${Date.now() - started}ms`);
        return result;
      } catch (error) {
        const e = error as { name?: string; $metadata?: Metadata };
        log(`${label} failed: ${e.name ?? 'Error'} ${describe(e.$metadata)} ${Date.now() - started}ms`);
        throw error;
      }
    };
}

const describe = (m: Metadata | undefined) =>
  `http=${m?.httpStatusCode ?? '-'} attempts=${m?.attempts ?? 1} requestId=${m?.requestId ?? '-'}`;

/** Refuses a full ARN whose region differs from the client's, before any call is made. */
function assertSameRegion(arnRegion: string | undefined, region: string, input: string): void {
  if (arnRegion && arnRegion !== region) {
    throw new CliError('Usage', `'${input}' is in ${arnRegion}, but the region in use is ${region}.`, {
      hint: `Pass --region ${arnRegion}.`,
    });
  }
}
