import { STATUS_CODES } from 'node:http';

/**
 * One error type for the whole CLI. Every failure a user can see becomes a CliError with
 * an exit code, a stable code for JSON, a one-line message and, where we know one, a hint.
 */
export const ExitCode = {
  Success: 0,
  Error: 1,
  Usage: 2,
  Credentials: 3,
  AccessDenied: 4,
  NotFound: 5,
  UpdateFailed: 6,
  TimedOut: 7,
  Conflict: 8,
  /** check-perms could not determine whether something required is allowed. */
  Undetermined: 9,
  /** reach (and attach --check-reach): a target is unreachable from at least one of the function's subnets. */
  Unreachable: 10,
  /** --fail-on-iac: a function is managed by infrastructure as code (a stack); nothing was written. */
  ManagedByIac: 11,
  /** Ctrl-C (SIGINT): 128 + 2. */
  Interrupted: 130,
  /** SIGTERM (CI cancelling a job, timeout(1), Kubernetes stopping a pod): 128 + 15. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable, documented error codes used in JSON output. */
export type ErrorCode =
  | 'Usage'
  | 'Config'
  | 'Credentials'
  | 'AccessDenied'
  | 'NotFound'
  | 'InvalidParameter'
  | 'UpdateFailed'
  | 'TimedOut'
  | 'Conflict'
  | 'Undetermined'
  | 'Unreachable'
  | 'ManagedByIac'
  | 'Throttled'
  | 'ServiceError'
  | 'Network'
  | 'Interrupted'
  | 'Internal';

const EXIT_BY_CODE: Record<ErrorCode, ExitCode> = {
  Usage: ExitCode.Usage,
  Config: ExitCode.Usage,
  InvalidParameter: ExitCode.Usage,
  Credentials: ExitCode.Credentials,
  AccessDenied: ExitCode.AccessDenied,
  NotFound: ExitCode.NotFound,
  UpdateFailed: ExitCode.UpdateFailed,
  TimedOut: ExitCode.TimedOut,
  Conflict: ExitCode.Conflict,
  Undetermined: ExitCode.Undetermined,
  Unreachable: ExitCode.Unreachable,
  ManagedByIac: ExitCode.ManagedByIac,
  Throttled: ExitCode.Error,
  ServiceError: ExitCode.Error,
  Network: ExitCode.Error,
  Internal: ExitCode.Error,
  Interrupted: ExitCode.Interrupted,
};

export class CliError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** AWS request id of the failing call, shown with --debug. */
  readonly requestId: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string | undefined; cause?: unknown; requestId?: string | undefined } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = EXIT_BY_CODE[code];
    this.hint = options.hint;
    this.requestId = options.requestId;
  }
}

/** The signals that interrupt a run, each with the exit code the run then ends with. */
export const INTERRUPT_EXIT_CODES = {
  SIGINT: ExitCode.Interrupted,
  SIGTERM: ExitCode.Terminated,
} as const satisfies Record<string, ExitCode>;
export type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

/**
 * What main() aborts the run's AbortSignal with: which signal came. Named AbortError, as an
 * abort is everywhere else, should anything throw the reason itself.
 */
export class Interruption extends Error {
  constructor(readonly signal: InterruptSignal) {
    super(`Interrupted by ${signal}.`);
    this.name = 'AbortError';
  }

  get exitCode(): ExitCode {
    return INTERRUPT_EXIT_CODES[this.signal];
  }
}

/**
 * The exit code a run ends with once its signal has fired: the signal's (130 for Ctrl-C, 143
 * for SIGTERM; 130 when aborted without saying why); undefined while it has not fired. The
 * errors that report the interruption are made deep down, where the signal is not known: they
 * say `Interrupted`, and the run gives them this exit code (jsonDocument, run()).
 */
export function interruptedExitCode(signal: AbortSignal | undefined): ExitCode | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof Interruption ? signal.reason.exitCode : ExitCode.Interrupted;
}

/**
 * What a run's deadline (--timeout) aborts the calls in flight with. Every abort surfaces as an
 * AbortError whose cause is the signal's reason, so the reason tells a timeout from Ctrl-C.
 */
export class DeadlineReached extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The --timeout of ${formatMs(timeoutMs)} was reached.`);
    this.name = 'DeadlineReached';
  }
}

/**
 * Marks an error thrown before the request left the machine (a call aborted while it waited for
 * its rate budget): whatever it was, AWS never saw it, so a write cannot have been applied.
 */
export function markNotSent<E>(error: E): E {
  if (error && typeof error === 'object') Object.assign(error, { $notSent: true });
  return error;
}

export const wasNotSent = (error: unknown): boolean => (error as { $notSent?: unknown })?.$notSent === true;

/** True when `error` is, or was caused by, the run's deadline rather than Ctrl-C or SIGTERM. */
export const isDeadline = (error: unknown): boolean =>
  error instanceof DeadlineReached || (error as { cause?: unknown })?.cause instanceof DeadlineReached;

const formatMs = (ms: number) => (ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`);

export const usageError = (message: string, hint?: string) => new CliError('Usage', message, { hint });

/**
 * Which exit code wins when several functions end differently: the one a CI pipeline most
 * needs to see. A signal (Interrupted, Terminated) beats everything; generic errors rank below
 * specific ones.
 */
const SEVERITY: readonly ExitCode[] = [
  ExitCode.Success,
  ExitCode.Error,
  ExitCode.NotFound,
  ExitCode.Conflict,
  ExitCode.Undetermined,
  ExitCode.Unreachable,
  ExitCode.TimedOut,
  ExitCode.UpdateFailed,
  ExitCode.ManagedByIac,
  ExitCode.AccessDenied,
  ExitCode.Credentials,
  ExitCode.Usage,
  ExitCode.Interrupted,
  ExitCode.Terminated,
];

export function worstExitCode(codes: Iterable<ExitCode>): ExitCode {
  let worst: ExitCode = ExitCode.Success;
  for (const code of codes) {
    if (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst)) worst = code;
  }
  return worst;
}

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $fault?: 'client' | 'server';
  /** The raw HTTP response, which the SDK keeps (not enumerable) on errors it could not read. */
  $response?: { headers?: Record<string, string | undefined> };
}

/**
 * An answer that did not come from AWS: something in between (a proxy, gateway or load
 * balancer), or something that is not AWS at a wrong --endpoint-url, replied with its own page,
 * which the SDK could not read as an AWS answer. Lambda's JSON parser then throws `SyntaxError:
 * Unexpected token '<'`; the XML services' report an `Unknown` error, and an empty answer with
 * no content type becomes `Unknown: UnknownError`. AWS always says what its body is. Undefined
 * for anything AWS itself said.
 */
export function foreignAnswer(
  error: unknown,
): { status: number; body: string; endpoint: string | undefined } | undefined {
  const e = (error ?? {}) as AwsLikeError & { $endpoint?: string };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return undefined;
  const headers = e.$response?.headers;
  const contentType = (headers?.['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  // Without the raw answer (a mocked client) there is nothing to tell it by.
  const untyped = headers !== undefined && contentType === '';
  const awsShaped = !untyped && (contentType === '' || /json|xml/i.test(contentType));
  if (e.name !== 'SyntaxError' && awsShaped) return undefined;
  const body = /html/i.test(contentType)
    ? 'an HTML page'
    : untyped && (headers?.['content-length'] ?? '0') === '0'
      ? 'an empty body'
      : contentType && !/json|xml/i.test(contentType)
        ? `a ${contentType} body`
        : 'a body that is not an AWS answer';
  return { status, body, endpoint: e.$endpoint };
}

/** No credentials could be loaded, or a profile's source of them failed (credential_process, SSO). */
const CREDENTIAL_PROVIDER_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);
/** AWS refused the credentials that signed the call, in each service's words. */
const CREDENTIAL_ERRORS = new Set([
  ...CREDENTIAL_PROVIDER_ERRORS,
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'AuthFailure',
  'TokenRefreshRequired',
  'InvalidAccessKeyId',
]);
const ACCESS_DENIED_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
]);
const THROTTLING_ERRORS = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
]);
/**
 * What the SDK's retry strategy retries as throttling, by name (THROTTLING_ERROR_CODES in
 * @smithy/core/retry). Wider than the names above, which say "throttled" to the user: IAM's
 * LimitExceededException, for one, is a quota, not a rate.
 */
const SDK_THROTTLING_ERRORS = new Set([
  ...THROTTLING_ERRORS,
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'TransactionInProgressException',
]);
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Throttling, as the SDK's standard retry strategy classifies it (isThrottlingError): HTTP 429, a
 * throttling error name, or a model's throttling trait. Its retries back off longer
 * (core/retry-policy.ts).
 */
export function isThrottling(error: unknown): boolean {
  const e = (error ?? {}) as AwsLikeError & { $retryable?: { throttling?: boolean } };
  return (
    e.$metadata?.httpStatusCode === 429 ||
    SDK_THROTTLING_ERRORS.has(e.name ?? '') ||
    e.$retryable?.throttling === true
  );
}

/** Credentials missing, failing to load, or refused by AWS (expired, invalid), whatever the service calls it. */
export const isCredentialError = (error: unknown) =>
  CREDENTIAL_ERRORS.has((error as { name?: string })?.name ?? '');

/** Access denied, whatever the service calls it (matched by name, as the SDK's classes differ per client). */
export const isAccessDenied = (error: unknown) =>
  ACCESS_DENIED_ERRORS.has((error as { name?: string })?.name ?? '');

/** Maps anything thrown by the SDK (matched by `name`, not instanceof) to a CliError. */
export function toCliError(error: unknown, context: { region?: string | undefined } = {}): CliError {
  if (error instanceof CliError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const name = e.name ?? 'Error';
  const requestId = e.$metadata?.requestId;
  const message = firstLine(e.message ?? String(error));
  const opts = { cause: error, requestId };

  if (isDeadline(error)) {
    const reached = error instanceof DeadlineReached ? error : (error as { cause: DeadlineReached }).cause;
    return new CliError('TimedOut', `Timed out: ${reached.message}`, {
      ...opts,
      hint: 'Run the command again with a longer --timeout.',
    });
  }
  if (name === 'AbortError') return new CliError('Interrupted', 'Interrupted.', opts);
  if (CREDENTIAL_ERRORS.has(name)) {
    // The hint for the credentials in use, when the clients know them (aws/clients.ts).
    const hint = (error as { $credentialsHint?: string }).$credentialsHint;
    const refused = !CREDENTIAL_PROVIDER_ERRORS.has(name);
    return new CliError(
      'Credentials',
      refused
        ? `AWS refused the credentials: ${name}: ${message}`
        : `AWS credentials are missing or invalid: ${message}`,
      {
        ...opts,
        hint:
          hint ??
          (refused
            ? 'Refresh your AWS credentials (aws sso login, aws configure, or fresh AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), then run the command again.'
            : 'Configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass --profile.'),
      },
    );
  }
  if (ACCESS_DENIED_ERRORS.has(name)) {
    return new CliError('AccessDenied', `Access denied: ${message}`, {
      ...opts,
      hint: 'The caller lacks a permission listed in docs/permissions.md.',
    });
  }
  if (
    name === 'ResourceNotFoundException' ||
    name === 'NoSuchEntityException' ||
    name === 'NoSuchEntity' ||
    name.endsWith('.NotFound')
  ) {
    const where = context.region ? ` in ${context.region}` : '';
    return new CliError('NotFound', `${message}${message.endsWith('.') ? '' : '.'}`, {
      ...opts,
      hint: `Check the name and the region: it was looked up${where}.`,
    });
  }
  if (name === 'InvalidParameterValueException' || name === 'ValidationException') {
    return new CliError('InvalidParameter', `AWS rejected the request: ${message}`, opts);
  }
  if (name === 'ResourceConflictException' || name === 'PreconditionFailedException') {
    return new CliError('Conflict', `The function was changed concurrently: ${message}`, {
      ...opts,
      hint: 'Another update is running or just ran. Run the command again; nothing was overwritten.',
    });
  }
  if (THROTTLING_ERRORS.has(name)) {
    return new CliError('Throttled', `AWS kept throttling the request after retries: ${message}`, {
      ...opts,
      hint: 'Wait a little and run the command again, or lower the request rate of other tools in the account.',
    });
  }
  if (/region is missing|region not accepted/i.test(`${name} ${message}`)) {
    return new CliError('Config', 'No AWS region is configured.', {
      ...opts,
      hint: 'Pass --region, set AWS_REGION or AWS_DEFAULT_REGION, set a region in your AWS profile, or name the functions by full ARN.',
    });
  }
  if (name === 'ProxyRefused') {
    return new CliError('Network', message, {
      ...opts,
      hint: 'Check HTTPS_PROXY (and the user and password in it) and NO_PROXY, which lists the hosts reached directly.',
    });
  }
  if (NETWORK_ERRORS.has(e.code ?? name) || name === 'TimeoutError') {
    const where = context.region ? ` (region ${context.region})` : '';
    return new CliError('Network', `Could not reach AWS${where}: ${message}`, {
      ...opts,
      hint: 'Check the network, --region, --endpoint-url and any HTTPS_PROXY/NO_PROXY.',
    });
  }
  const foreign = foreignAnswer(error);
  if (foreign) {
    const attempts = e.$metadata?.attempts;
    const from = foreign.endpoint ? ` from ${foreign.endpoint}` : '';
    return new CliError(
      'ServiceError',
      `Got HTTP ${foreign.status}${STATUS_CODES[foreign.status] ? ` ${STATUS_CODES[foreign.status]}` : ''} with ${foreign.body}${from} instead of an AWS answer${attempts && attempts > 1 ? ` (${attempts} attempts)` : ''}.`,
      {
        ...opts,
        hint:
          foreign.status >= 500
            ? "Something between here and AWS (a proxy, gateway or load balancer) answered, not AWS. Any update already sent continues on AWS's side: run the command again, or follow the function with lambda-vpc status FUNCTION --wait."
            : `What answered${from ? ` at ${foreign.endpoint}` : ''} is not this AWS service: check --endpoint-url and AWS_ENDPOINT_URL_<SERVICE> (docs/commands.md#endpoints), and HTTPS_PROXY.`,
      },
    );
  }
  if (e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new CliError('ServiceError', `AWS had an internal error after retries: ${name}: ${message}`, {
      ...opts,
      hint: 'Run the command again; if it persists, check the AWS Health Dashboard.',
    });
  }
  if (e.$metadata) return new CliError('ServiceError', `${name}: ${message}`, opts);
  return new CliError('Internal', message, { ...opts, hint: 'Run again with --debug for details.' });
}

/**
 * Errors that would fail everything else the run does the same way (every other function of a
 * batch, every other way of checking a permission): credentials, no region, Ctrl-C. They end
 * the run instead of being repeated.
 */
export const endsTheRun = (error: unknown) => {
  const code = toCliError(error).code;
  // TimedOut: the deadline is the run's, so once one function meets it, every other one has.
  return code === 'Interrupted' || code === 'TimedOut' || code === 'Credentials' || code === 'Config';
};

/**
 * Errors worth waiting through while polling, until the deadline: throttling, 5xx (also when
 * what answered was not AWS, such as a proxy's 502 page) and dropped or timed-out connections,
 * which the SDK has already retried with backoff.
 */
export function isTransient(error: unknown): boolean {
  const e = (error ?? {}) as AwsLikeError & { $retryable?: unknown };
  if (e.$retryable || e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  const name = e.name ?? '';
  return (
    THROTTLING_ERRORS.has(name) ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    NETWORK_ERRORS.has(e.code ?? name)
  );
}

export const firstLine = (text: string) => text.split('\n', 1)[0]?.trim() ?? '';
