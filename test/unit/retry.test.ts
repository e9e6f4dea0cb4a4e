import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { isThrottlingError, StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2 } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { maxAttemptsFrom, PerCallRetryStrategy, retryStrategy } from '../../src/aws/retry.js';
import { MAX_RETRY_DELAY_MS, retryAfterMs, retryDelayMs } from '../../src/core/retry-policy.js';
import { CliError, isThrottling } from '../../src/errors.js';
import { sdkConfig } from '../fake-aws/clients.js';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { fleet, fleetNames } from '../fake-aws/scenarios.js';
import { fakeClock } from '../helpers.js';

const almostOne = () => 0.999_999;
const zero = () => 0;

describe('retryDelayMs: exponential backoff with full jitter', () => {
  it('waits up to 100 ms before the first retry of a transient error, doubling each retry', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 'transient', undefined, almostOne))).toEqual([
      99, 199, 399, 799, 1599,
    ]);
    expect(retryDelayMs(1, 'transient', undefined, zero)).toBe(0);
    expect(retryDelayMs(3, 'transient', undefined, () => 0.5)).toBe(200);
  });

  it('backs off longer after throttling, and never past 20 s', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, 'throttling', undefined, almostOne))).toEqual([
      499, 999, 1999,
    ]);
    expect(retryDelayMs(30, 'throttling', undefined, almostOne)).toBe(MAX_RETRY_DELAY_MS - 1);
    expect(retryDelayMs(1000, 'transient', undefined, almostOne)).toBe(MAX_RETRY_DELAY_MS - 1);
  });

  it('never retries sooner than Retry-After says, up to the same 20 s', () => {
    expect(retryDelayMs(1, 'throttling', 3000, zero)).toBe(3000);
    expect(retryDelayMs(1, 'throttling', 2.2, zero)).toBe(3);
    expect(retryDelayMs(4, 'transient', 50, almostOne)).toBe(799);
    expect(retryDelayMs(1, 'throttling', 3_600_000, zero)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1, 'throttling', -500, zero)).toBe(0);
    expect(retryDelayMs(1, 'throttling', Number.NaN, zero)).toBe(0);
  });
});

describe('retryAfterMs: what AWS asked for', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const withHeaders = (headers: Record<string, string>, extra: object = {}) =>
    Object.assign(new Error('x'), { ...extra, $response: { statusCode: 429, headers } });

  it('reads Retry-After in seconds or as an HTTP date, and Lambda retryAfterSeconds', () => {
    expect(retryAfterMs(withHeaders({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(withHeaders({ 'Retry-After': '0.5' }), now)).toBe(500);
    expect(retryAfterMs(withHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(withHeaders({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs({ name: 'TooManyRequestsException', retryAfterSeconds: '7' }, now)).toBe(7000);
  });

  it('is undefined when AWS said nothing, or nothing readable', () => {
    expect(retryAfterMs(withHeaders({}), now)).toBeUndefined();
    expect(retryAfterMs(withHeaders({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Error('x'), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('isThrottling', () => {
  const samples = [
    { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } },
    { name: 'Throttling', $metadata: { httpStatusCode: 400 } },
    { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } },
    { name: 'EC2ThrottledException', $metadata: {} },
    { name: 'SlowDown', $metadata: { httpStatusCode: 503 } },
    { name: 'Unknown', $metadata: { httpStatusCode: 429 } },
    { name: 'Whatever', $metadata: {}, $retryable: { throttling: true } },
    { name: 'ServiceException', $metadata: { httpStatusCode: 500 } },
    { name: 'ResourceConflictException', $metadata: { httpStatusCode: 409 } },
    { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } },
    { name: 'TimeoutError', $metadata: {} },
  ];

  it('agrees with the SDK retry strategy on what throttling is', () => {
    for (const error of samples)
      expect([error.name, isThrottling(error)]).toEqual([error.name, isThrottlingError(error as never)]);
    expect(samples.filter(isThrottling).map((e) => e.name)).toEqual([
      'TooManyRequestsException',
      'Throttling',
      'RequestLimitExceeded',
      'EC2ThrottledException',
      'SlowDown',
      'Unknown',
      'Whatever',
    ]);
    expect(isThrottling(undefined)).toBe(false);
  });
});

const info = (errorType: RetryErrorType, retryAfterHint?: Date): RetryErrorInfo => ({
  errorType,
  ...(retryAfterHint ? { retryAfterHint } : {}),
});

describe('PerCallRetryStrategy', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives each call its attempts: 5 retries for 6 attempts, pausing on its clock in between', async () => {
    const clock = fakeClock();
    const strategy = retryStrategy({ maxAttempts: 6, clock, random: almostOne });
    let token = await strategy.acquireInitialRetryToken('');
    expect(token.getRetryCount()).toBe(0);
    for (let retry = 1; retry <= 5; retry++) {
      token = await strategy.refreshRetryTokenForRetry(token, info('TRANSIENT'));
      expect(token.getRetryCount()).toBe(retry);
      // The strategy has waited already: the SDK must not wait again.
      expect(token.getRetryDelay()).toBe(0);
      expect(token.$retryLog?.acquisitionDelay).toBe(clock.sleeps.at(-1));
    }
    await expect(strategy.refreshRetryTokenForRetry(token, info('TRANSIENT'))).rejects.toThrow(
      'No retry token available',
    );
    expect(clock.sleeps).toEqual([99, 199, 399, 799, 1599]);
  });

  it('retries throttling and transient errors only, as the standard strategy does', async () => {
    const clock = fakeClock();
    const strategy = retryStrategy({ maxAttempts: 6, clock, random: almostOne });
    const token = await strategy.acquireInitialRetryToken('');
    for (const type of ['CLIENT_ERROR', 'SERVER_ERROR'] as const)
      await expect(strategy.refreshRetryTokenForRetry(token, info(type))).rejects.toThrow();
    expect(clock.sleeps).toEqual([]);
    await strategy.refreshRetryTokenForRetry(token, info('THROTTLING'));
    expect(clock.sleeps).toEqual([499]);
  });

  it('honours Retry-After', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    const clock = fakeClock();
    const strategy = retryStrategy({ maxAttempts: 3, clock, random: zero });
    const token = await strategy.acquireInitialRetryToken('');
    await strategy.refreshRetryTokenForRetry(token, info('THROTTLING', new Date(Date.now() + 2500)));
    expect(clock.sleeps).toEqual([2500]);
  });

  it('with maxAttempts 1, never retries', async () => {
    const clock = fakeClock();
    const strategy = retryStrategy({ maxAttempts: 1, clock });
    const token = await strategy.acquireInitialRetryToken('');
    await expect(strategy.refreshRetryTokenForRetry(token, info('THROTTLING'))).rejects.toThrow();
    expect(clock.sleeps).toEqual([]);
  });

  it('a pause ends with an AbortError when the run is interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const strategy = retryStrategy({
      maxAttempts: 6,
      clock: fakeClock(),
      signal: () => controller.signal,
      // A pause of 0 ms (the jitter's low end) would not sleep at all: the test is of a real pause.
      random: () => 0.5,
    });
    const token = await strategy.acquireInitialRetryToken('');
    await expect(strategy.refreshRetryTokenForRetry(token, info('TRANSIENT'))).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('does not starve: 200 concurrent calls that each fail once all get their retry', async () => {
    const failOnceEach = async (strategy: RetryStrategyV2, calls: number) => {
      const outcomes = await Promise.all(
        Array.from({ length: calls }, async () => {
          const token = await strategy.acquireInitialRetryToken('');
          try {
            const retry = await strategy.refreshRetryTokenForRetry(token, info('TRANSIENT'));
            strategy.recordSuccess(retry);
            return 'retried';
          } catch {
            return 'refused';
          }
        }),
      );
      return outcomes.filter((o) => o === 'refused').length;
    };
    expect(await failOnceEach(retryStrategy({ maxAttempts: 6, clock: fakeClock() }), 200)).toBe(0);
    // What this replaces: the SDK's standard strategy shares one token bucket between all its calls.
    expect(await failOnceEach(new StandardRetryStrategy(6), 200)).toBeGreaterThan(0);
  });
});

describe('maxAttemptsFrom', () => {
  it('is 6 unless AWS_MAX_ATTEMPTS says otherwise', () => {
    expect(maxAttemptsFrom({})).toBe(6);
    expect(maxAttemptsFrom({ AWS_MAX_ATTEMPTS: '' })).toBe(6);
    expect(maxAttemptsFrom({ AWS_MAX_ATTEMPTS: '1' })).toBe(1);
    expect(maxAttemptsFrom({ AWS_MAX_ATTEMPTS: ' 10 ' })).toBe(10);
  });

  it('refuses what is not a whole number of at least 1, as a configuration error (exit 2)', () => {
    for (const value of ['0', '-1', '2.5', 'three', '3x']) {
      let error: unknown;
      try {
        maxAttemptsFrom({ AWS_MAX_ATTEMPTS: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({
        code: 'Config',
        exitCode: 2,
        message: `AWS_MAX_ATTEMPTS must be a whole number of at least 1, got '${value}'.`,
      });
    }
  });
});

describe('the clients lambda-vpc builds', () => {
  it('use the per-call strategy, with AWS_MAX_ATTEMPTS or 6 attempts', async () => {
    for (const [env, attempts] of [
      [{}, 6],
      [{ AWS_MAX_ATTEMPTS: '2' }, 2],
    ] as const) {
      const aws = new AwsClients({ region: 'us-east-1', env, clock: fakeClock() });
      for (const client of [await aws.lambda(), await aws.ec2(), await aws.iam(), await aws.sts()]) {
        const config = client.config as unknown as {
          maxAttempts: () => Promise<number>;
          retryStrategy: () => Promise<unknown>;
        };
        expect(await config.maxAttempts()).toBe(attempts);
        const strategy = await config.retryStrategy();
        expect(strategy).toBeInstanceOf(PerCallRetryStrategy);
        expect((strategy as PerCallRetryStrategy).maxAttempts).toBe(attempts);
      }
      aws.destroy();
    }
  });
});

describe('against the fake AWS, through the SDK', () => {
  let fake: FakeAws;
  beforeAll(async () => {
    fake = await startFakeAws({ scenario: fleet(60) });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('60 concurrent reads on one client, each failing once with a 500, all succeed on their second attempt', async () => {
    fake.faults.add({ operation: 'GetFunction', kind: 'error500', times: 1, perFunction: true });
    const clock = fakeClock();
    const lambda = new LambdaClient({
      ...sdkConfig(fake.url, 6),
      retryStrategy: retryStrategy({ maxAttempts: 6, clock, random: () => 0.5 }),
    });
    const names = fleetNames(60);
    const outputs = await Promise.all(
      names.map((FunctionName) => lambda.send(new GetFunctionCommand({ FunctionName }))),
    );
    expect(outputs.map((o) => o.$metadata.attempts)).toEqual(names.map(() => 2));
    expect(outputs.map((o) => o.Configuration?.FunctionName)).toEqual(names);
    expect(clock.sleeps).toEqual(names.map(() => 50));
    expect(fake.requests.filter((r) => r.status === 500)).toHaveLength(60);
    lambda.destroy();
  });

  it('(the SDK standard strategy, for comparison: its shared token bucket runs dry and some fail)', async () => {
    fake.faults.clear();
    fake.faults.add({ operation: 'GetFunction', kind: 'error500', times: 1, perFunction: true });
    const lambda = new LambdaClient(sdkConfig(fake.url, 6));
    const settled = await Promise.allSettled(
      fleetNames(60).map((FunctionName) => lambda.send(new GetFunctionCommand({ FunctionName }))),
    );
    expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThan(0);
    lambda.destroy();
  });
});
