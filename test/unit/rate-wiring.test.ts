import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterEach, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import {
  AWS_CONTROL_PLANE_LIMIT,
  AWS_GET_FUNCTION_LIMIT,
  DEFAULT_CONTROL_PLANE_RATE,
  DEFAULT_GET_FUNCTION_RATE,
  lambdaBudgets,
} from '../../src/aws/rate-budget.js';
import type { Clock } from '../../src/core/poll.js';
import { readFunction } from '../../src/services/lambda.js';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { fleet, fleetNames } from '../fake-aws/scenarios.js';
import { eventClock } from '../helpers.js';

// The run's Lambda clients as the CLI builds them, over the wire to the fake AWS, with a clock
// that moves only when the budget makes a call wait: what is asserted is the tool's own pacing,
// whatever the machine's load (the fake's wall-clock rate limits are left off).
let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Records, on the run's clock, when each Lambda call leaves (after its budget let it go). */
function recordSends(client: LambdaClient, clock: { now: () => number }, sent: Array<[string, number]>) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push([context.commandName ?? '', clock.now()]);
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'recordSend' },
  );
}

/** A run's clients as the CLI builds them, to the fake, with these budgets on the run's clock. */
const runClients = (url: string, clock: Clock, rates: { controlPlane: number; getFunction: number }) => {
  const budgets = lambdaBudgets(rates, clock);
  const aws = new AwsClients({
    region: 'us-east-1',
    endpointUrl: url,
    env: {},
    awsEnv: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' },
    clock,
    lambdaBudgets: budgets,
  });
  return { aws, budgets };
};
const DEFAULT_RATES = { controlPlane: DEFAULT_CONTROL_PLANE_RATE, getFunction: DEFAULT_GET_FUNCTION_RATE };

const busiestSecond = (times: number[]) =>
  Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));

it("the reading and the writing Lambda client share the run's budgets, below AWS's limits in every second", async () => {
  fake = await startFakeAws({ scenario: fleet(40) });
  const { clock, runUntil } = eventClock();
  const { aws } = runClients(fake.url, clock, DEFAULT_RATES);
  const [reader, writer] = [await aws.lambda(), await aws.lambdaWriter()];
  const sent: Array<[string, number]> = [];
  recordSends(reader, clock, sent);
  recordSends(writer, clock, sent);
  const names = fleetNames(40);
  await runUntil(
    Promise.all([
      ...names.map((FunctionName) => reader.send(new GetFunctionCommand({ FunctionName }))),
      ...names.map((FunctionName, i) =>
        (i % 2 === 0 ? reader : writer).send(new GetFunctionConfigurationCommand({ FunctionName })),
      ),
    ]),
  );
  aws.destroy();
  const at = (command: string) => sent.filter(([c]) => c === command).map(([, t]) => t);
  expect(at('GetFunctionCommand')).toHaveLength(40);
  expect(at('GetFunctionConfigurationCommand')).toHaveLength(40);
  expect(busiestSecond(at('GetFunctionConfigurationCommand'))).toBeLessThanOrEqual(AWS_CONTROL_PLANE_LIMIT);
  expect(busiestSecond(at('GetFunctionCommand'))).toBeLessThanOrEqual(AWS_GET_FUNCTION_LIMIT);
  // Without the budget all 80 would leave at the same instant.
  expect(Math.max(...at('GetFunctionConfigurationCommand'))).toBeGreaterThanOrEqual(3000);
});

it("a read's rank reaches the GetFunction budget through the SDK: queued polls leave lowest rank first", async () => {
  fake = await startFakeAws({ scenario: fleet(4) });
  const { clock, runUntil } = eventClock();
  const { aws } = runClients(fake.url, clock, { controlPlane: DEFAULT_CONTROL_PLANE_RATE, getFunction: 1 });
  const reader = await aws.lambda();
  const [busy, ...polled] = fleetNames(4);
  const ranks = [300, 100, 200];
  await runUntil(
    Promise.all([
      readFunction(reader, busy as string),
      ...polled.map((name, i) => readFunction(reader, name, { rank: ranks[i] })),
    ]),
  );
  aws.destroy();
  const arrived = fake.requests
    .filter((e) => e.operation === 'GetFunction')
    .map((e) => e.params.FunctionName);
  expect(arrived).toEqual([busy, polled[1], polled[2], polled[0]]);
});

it('two runs at once against one account: AWS throttles the overlap, each run halves its budget, and no call fails', async () => {
  const { clock, runUntil, hold } = eventClock(1_000_000);
  fake = await startFakeAws({
    scenario: { ...fleet(60), rateLimits: { lambdaControlPlane: AWS_CONTROL_PLANE_LIMIT } },
    clock: clock.now,
  });
  const url = fake.url;
  const runs = [runClients(url, clock, DEFAULT_RATES), runClients(url, clock, DEFAULT_RATES)];
  const lowest = runs.map(() => DEFAULT_CONTROL_PLANE_RATE);
  const readers = await Promise.all(runs.map((r) => r.aws.lambda()));
  // The fake counts its window on the same clock: it stands still while a call is on the wire,
  // so what the fake sees is the budgets' pacing, not this machine's latency.
  for (const reader of readers)
    reader.middlewareStack.add(
      (next) => async (args) => {
        const release = hold();
        try {
          return await next(args);
        } finally {
          release();
        }
      },
      { step: 'deserialize', priority: 'low', name: 'holdTheClock' },
    );
  const names = fleetNames(60);
  const outcomes = await (async () => {
    const all = readers.flatMap((reader, i) =>
      names.map(async (FunctionName) => {
        try {
          await reader.send(new GetFunctionConfigurationCommand({ FunctionName }));
          return 'answered';
        } finally {
          lowest[i] = Math.min(
            lowest[i] as number,
            (runs[i] as (typeof runs)[number]).budgets.controlPlane.rate,
          );
        }
      }),
    );
    const settled = Promise.allSettled(all);
    await runUntil(settled);
    return settled;
  })();
  for (const r of runs) r.aws.destroy();
  const throttled = fake.requests.filter((e) => e.status === 429).length;
  expect((await outcomes).filter((o) => o.status === 'fulfilled')).toHaveLength(120);
  // 20 requests a second offered against 15: AWS said so, and each run listened.
  expect(throttled).toBeGreaterThan(0);
  expect(lowest.every((rate) => rate <= DEFAULT_CONTROL_PLANE_RATE / 2)).toBe(true);
  // Without the halving, the same two runs meet 39 429s: 20 a second offered throughout.
  expect(throttled).toBeLessThanOrEqual(10);
});
