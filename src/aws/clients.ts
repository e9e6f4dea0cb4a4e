import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Clock } from '../core/poll.js';
import { assertSamePartition, regionFromArns, type Target, validateRegion } from '../core/validate.js';
import { CliError, isCredentialError } from '../errors.js';
import { describeProxies, proxyAgents, proxySettingsFrom } from './proxy.js';
import { type LambdaBudgets, rateBudgetMiddleware } from './rate-budget.js';
import { maxAttemptsFrom, retryStrategy } from './retry.js';
import { type AwsSettings, readSharedFiles, refreshHint, settle } from './settings.js';

export interface AwsOptions {
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  /** With --debug: one line per AWS call (operation, status, attempts, request id). Never headers. */
  debugLog?: ((line: string) => void) | undefined;
  env: NodeJS.ProcessEnv;
  /**
   * Where AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, the access keys and the shared files'
   * paths are read: the environment the SDK reads them from (process.env), so that what is
   * decided here agrees with what it does. Tests of the settings pass their own.
   */
  awsEnv?: NodeJS.ProcessEnv | undefined;
  /** Shared by every Lambda call of the run (docs/performance.md); none: no client-side limit. */
  lambdaBudgets?: LambdaBudgets | undefined;
  /** Aborts a call still waiting for its budget or between its attempts (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Pauses between a call's attempts on it (tests pass one that does not wait); default the system clock. */
  clock?: Clock | undefined;
}

/** The part of every SDK client we touch here: the middleware stack, config and destroy. */
interface Prepared {
  settings: AwsSettings;
  /** One provider for every client of the run, when the settings choose it (credential_process). */
  credentials: AwsCredentialIdentityProvider | undefined;
  agents: { httpAgent: HttpAgent; httpsAgent: HttpsAgent } | undefined;
}

type ClientConfig = ReturnType<AwsClients['clientConfig']>;

interface AnyClient {
  middlewareStack: {
    add: (mw: never, opts: { step: 'initialize' | 'build' | 'deserialize'; name: string }) => void;
  };
  config: { region: () => Promise<string> };
  destroy: () => void;
}

/**
 * Creates SDK clients on first use, so a command loads only the SDK packages it needs and
 * `--help` loads none. Before the first, the settings are settled as the AWS CLI settles them
 * (settings.ts): the profile must exist, the region is --region, AWS_REGION,
 * AWS_DEFAULT_REGION, the profile's, or that of the full ARNs given; environment keys sign
 * unless --profile is given. Endpoints follow the SDK (--endpoint-url for every service,
 * AWS_ENDPOINT_URL_<SERVICE> for one), and HTTPS_PROXY/HTTP_PROXY/NO_PROXY are honoured.
 */
export class AwsClients {
  private readonly created: AnyClient[] = [];
  private lambdaClient: Promise<LambdaClient> | undefined;
  private lambdaWriterClient: Promise<LambdaClient> | undefined;
  private ec2Client: Promise<EC2Client> | undefined;
  private iamClient: Promise<IAMClient> | undefined;
  private stsClient: Promise<STSClient> | undefined;
  private rdsClient: Promise<RDSClient> | undefined;
  private quotasClient: Promise<ServiceQuotasClient> | undefined;

  /** The run's deadline once it has started (limitTo), which ends pauses between attempts too. */
  private deadline: AbortSignal | undefined;
  private prepared: Promise<Prepared> | undefined;
  /** The region of the full ARNs given, when no setting names one (regionFor). */
  private arnRegion: string | undefined;

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
    const [{ LambdaClient }, prepared] = await Promise.all([
      import('@aws-sdk/client-lambda'),
      this.prepare(),
    ]);
    const client = this.track(new LambdaClient(this.clientConfig(prepared, overrides)), prepared);
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
    this.ec2Client ??= this.create(import('@aws-sdk/client-ec2').then((sdk) => sdk.EC2Client));
    return this.ec2Client;
  }

  iam(): Promise<IAMClient> {
    this.iamClient ??= this.create(import('@aws-sdk/client-iam').then((sdk) => sdk.IAMClient));
    return this.iamClient;
  }

  sts(): Promise<STSClient> {
    this.stsClient ??= this.create(import('@aws-sdk/client-sts').then((sdk) => sdk.STSClient));
    return this.stsClient;
  }

  /** Only for RDS targets (`reach --to rds:…`): no other command loads the RDS SDK. */
  rds(): Promise<RDSClient> {
    this.rdsClient ??= this.create(import('@aws-sdk/client-rds').then((sdk) => sdk.RDSClient));
    return this.rdsClient;
  }

  /** Only for attach's network-interface budget (the Region's quota, L-DF5E4CA3). */
  serviceQuotas(): Promise<ServiceQuotasClient> {
    this.quotasClient ??= this.create(
      import('@aws-sdk/client-service-quotas').then((sdk) => sdk.ServiceQuotasClient),
    );
    return this.quotasClient;
  }

  /** A client of the class `loading` gives, with the run's settings, middleware and destroy. */
  private async create<T>(loading: Promise<new (config: ClientConfig) => T>): Promise<T> {
    const [Client, prepared] = await Promise.all([loading, this.prepare()]);
    return this.track(new Client(this.clientConfig(prepared)), prepared);
  }

  /**
   * The settings of the run, settled once before the first client is made: a missing profile
   * or a malformed proxy fails here, before any AWS call.
   */
  private prepare(): Promise<Prepared> {
    this.prepared ??= (async () => {
      const { region, profile, env, debugLog } = this.options;
      const awsEnv = this.options.awsEnv ?? process.env;
      const settings = settle(
        { regionFlag: region, profileFlag: profile, env: awsEnv },
        await readSharedFiles(awsEnv),
      );
      const proxies = proxySettingsFrom(env);
      debugLog?.(`credentials: ${settings.credentialSource}`);
      if (proxies) debugLog?.(describeProxies(proxies));
      return {
        settings,
        credentials: settings.credentialProcess
          ? await processCredentials(settings.credentialProcess)
          : undefined,
        agents: proxies ? await proxyAgents(proxies) : undefined,
      };
    })();
    return this.prepared;
  }

  /** The region every client will use, resolved without any network call. */
  async region(): Promise<string> {
    const { settings } = await this.prepare();
    const region = settings.region ?? this.arnRegion;
    if (region === undefined) throw noRegion();
    return region;
  }

  /**
   * The region, validated, after checking that full ARNs belong to it and to its partition: a
   * mismatch is a usage error rather than a confusing "not found". With no region set, full
   * ARNs of one region supply it, as the ARN says where the function is.
   */
  async regionFor(targets: readonly Target[]): Promise<string> {
    const { settings } = await this.prepare();
    if (settings.region === undefined) this.arnRegion ??= regionFromArns(targets.map((t) => t.ref));
    const region = await this.region();
    validateRegion(region);
    for (const { ref, input } of targets) {
      assertSameRegion(ref.region, region, input, settings.regionSource);
      assertSamePartition(ref, region, input);
    }
    if (settings.regionSource === undefined)
      this.options.debugLog?.(`region: ${region} (from the ARNs given)`);
    else this.options.debugLog?.(`region: ${region} (${settings.regionSource})`);
    return region;
  }

  destroy(): void {
    for (const client of this.created) client.destroy();
  }

  /** `maxAttempts`: for a client whose calls must not be retried (1); default AWS_MAX_ATTEMPTS or 6. */
  private clientConfig({ settings, agents, credentials }: Prepared, retry: { maxAttempts?: number } = {}) {
    const { profile, endpointUrl, env, clock, signal } = this.options;
    const maxAttempts = retry.maxAttempts ?? maxAttemptsFrom(env);
    const region = settings.region ?? this.arnRegion;
    return {
      ...(region ? { region } : {}),
      ...(profile ? { profile } : {}),
      ...(settings.environmentKeys ? { credentials: settings.environmentKeys } : {}),
      ...(credentials ? { credentials } : {}),
      ...(endpointUrl ? { endpoint: endpointUrl } : {}),
      logger: sdkLogger,
      // Throttling and transient errors are retried with backoff, Retry-After honoured, each call
      // on its own attempts: no retry budget shared by the run's calls for a fleet to drain
      // (retry.ts). `maxAttempts` too, for the SDK's amz-sdk-request header.
      maxAttempts,
      retryStrategy: retryStrategy({ maxAttempts, clock, signal: () => this.deadline ?? signal }),
      // A hung connection must not hang the CLI: fail the attempt and let the SDK retry.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, ...agents },
      customUserAgent: 'lambda-vpc',
    };
  }

  private track<T>(client: T, { settings }: Prepared): T {
    const c = client as unknown as AnyClient;
    c.middlewareStack.add(abortReasonMiddleware as never, {
      step: 'initialize',
      name: 'lambdaVpcAbortReason',
    });
    c.middlewareStack.add(credentialsHintMiddleware(settings) as never, {
      step: 'initialize',
      name: 'lambdaVpcCredentialsHint',
    });
    c.middlewareStack.add(endpointMiddleware as never, { step: 'build', name: 'lambdaVpcEndpoint' });
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
function assertSameRegion(
  arnRegion: string | undefined,
  region: string,
  input: string,
  source: string | undefined,
): void {
  if (arnRegion && arnRegion !== region) {
    // Named when the region was not typed on this command line: it may come as a surprise.
    const from =
      source === undefined || source === '--region'
        ? ''
        : ` (from ${source === 'profile' ? "the profile's region" : source})`;
    throw new CliError('Usage', `'${input}' is in ${arnRegion}, but the region in use is ${region}${from}.`, {
      hint: `Pass --region ${arnRegion}.`,
    });
  }
}

/** The profile's credential_process, run once for the run and again only before what it gave expires. */
async function processCredentials(profile: string) {
  const [{ fromProcess }, { memoize }] = await Promise.all([
    import('@aws-sdk/credential-provider-process'),
    import('@smithy/core/config'),
  ]);
  const expiresSoon = (c: { expiration?: Date }) =>
    c.expiration !== undefined && c.expiration.getTime() - Date.now() < 5 * 60_000;
  return memoize(fromProcess({ profile }), expiresSoon, (c) => c.expiration !== undefined);
}

const noRegion = () =>
  new CliError('Config', 'No AWS region is configured.', {
    hint: 'Pass --region, set AWS_REGION or AWS_DEFAULT_REGION, set a region in your AWS profile, or name the functions by full ARN.',
  });

/**
 * The SDK's logger, silent as its default one is. Given, because without one the SDK prints an
 * 8-line banner to stderr whenever a profile and environment keys are both set; which of them
 * signs is settled here as the AWS CLI settles it, and --debug says which (settings.ts).
 */
const sdkLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Gives a credential error the hint for the credentials in use: AWS refused them (expired,
 * revoked, mistyped), or an SSO profile's token has run out, and so `aws sso login`.
 */
function credentialsHintMiddleware(settings: AwsSettings) {
  return (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      const e = error as { $metadata?: { httpStatusCode?: number }; $credentialsHint?: string };
      const fromAws = e?.$metadata?.httpStatusCode !== undefined;
      if (isCredentialError(error) && e.$credentialsHint === undefined && (fromAws || settings.sso))
        Object.assign(e, { $credentialsHint: refreshHint(settings) });
      throw error;
    }
  };
}

/** Remembers on a failed call's error which host it went to, for an answer that was not AWS's. */
function endpointMiddleware(next: (args: { request?: unknown }) => Promise<unknown>) {
  return async (args: { request?: unknown }) => {
    try {
      return await next(args);
    } catch (error) {
      const request = args.request as { hostname?: string; port?: number } | undefined;
      if (error && typeof error === 'object' && request?.hostname && !('$endpoint' in error))
        Object.assign(error, { $endpoint: `${request.hostname}${request.port ? `:${request.port}` : ''}` });
      throw error;
    }
  };
}
