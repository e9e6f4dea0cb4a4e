import { GetFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { Chalk } from 'chalk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import type { DesiredVpc } from '../../src/core/plan.js';
import { CliError, ExitCode } from '../../src/errors.js';
import type { Progress } from '../../src/output/progress.js';
import type { Reporter } from '../../src/output/reporter.js';
import { type ChangeSpec, runChange } from '../../src/workflows/change.js';
import type { RunDeps } from '../../src/workflows/deps.js';
import { getFunctionOutput, lambdaMock, resetAwsMocks, verifyAwsMocks } from '../aws-mocks.js';
import { fakeClock } from '../helpers.js';

// The attach/detach engine with its dependencies passed in: no CLI, no output format.

const DESIRED: DesiredVpc = {
  subnetIds: ['subnet-a'],
  securityGroupIds: ['sg-1'],
  ipv6AllowedForDualStack: false,
};
const WORDS = {
  updated: 'moved into {vpc}',
  unchanged: 'already there',
  planned: 'would move',
  summary: 'moved',
};

/** A reporter that keeps what it was told, in order, rendered without colour. */
function recorder() {
  const said: string[] = [];
  const plain = new Chalk({ level: 0 });
  const progress: Progress = { activity() {}, update() {}, done() {}, print: (write) => write(), stop() {} };
  const reporter: Reporter = {
    show: (render) => said.push(`show: ${render(plain)}`),
    note: (text) => said.push(`note: ${typeof text === 'string' ? text : text(plain)}`),
    warn: (text) => said.push(`warn: ${text}`),
    notice: (text) => said.push(`notice: ${text}`),
    error: (error, prefix = '') => said.push(`error: ${prefix}${error.message}`),
    progress: async () => progress,
  };
  return { said, reporter };
}

function depsWith(reporter: Reporter): RunDeps {
  return {
    aws: new AwsClients({ region: 'us-east-1', env: {} }),
    clock: fakeClock(),
    signal: undefined,
    reporter,
    cliPrefix: 'lambda-vpc',
    pollIntervalMs: undefined,
    confirm: undefined,
  };
}

const request = (...names: string[]) => ({
  targets: names.map((name) => ({ input: name, ref: { id: name, name } })),
  timeoutMs: 60_000,
  concurrency: 10,
  failFast: false,
  wait: false,
  dryRun: false,
  rollbackOnFailure: false,
  failOnIac: false,
  notes: [],
});

beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);

describe('runChange', () => {
  it('a preflight that stops ends the run before any Lambda call, with its section and error', async () => {
    const { said, reporter } = recorder();
    const stop = new CliError('NotFound', 'Not found in region us-east-1: subnet subnet-a.');
    const spec: ChangeSpec = {
      desired: DESIRED,
      words: WORDS,
      preflights: [
        async () => ({ sections: { network: { checked: false, skippedReason: 'x', forced: false } }, stop }),
      ],
    };
    const body = await runChange(depsWith(reporter), request('fn-a'), spec);
    expect(body).toMatchObject({
      exitCode: ExitCode.NotFound,
      results: [],
      error: { code: 'NotFound', message: stop.message },
      network: { checked: false, skippedReason: 'x' },
    });
    expect(lambdaMock.calls()).toHaveLength(0);
    expect(said).toEqual([`error: ${stop.message}`]);
  });

  it('the gate fails only its own function; the after-step sees every result and adds to the exit code', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .callsFake(({ FunctionName }) =>
        getFunctionOutput({ FunctionName, Role: `arn:aws:iam::123456789012:role/${FunctionName}-role` }),
      );
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
    const { said, reporter } = recorder();
    const admitted: string[] = [];
    let seenByAfter: string[] = [];
    const spec: ChangeSpec = {
      desired: DESIRED,
      words: WORDS,
      preflights: [],
      gates: [
        () => ({
          admit: async (fn, current) => {
            admitted.push(`${fn} ${current.Role}`);
            return fn === 'fn-b'
              ? new CliError('AccessDenied', 'fn-b: its role lacks ec2:CreateNetworkInterface.')
              : undefined;
          },
          sections: () => ({
            permissions: { checked: true, skippedReason: null, verdict: 'denied', blocked: true, roles: [] },
          }),
        }),
      ],
      after: async (results) => {
        seenByAfter = results.map((r) => `${r.function} ${r.outcome}`);
        return {
          exitCode: ExitCode.TimedOut,
          sections: {
            enis: {
              checked: true,
              waited: false,
              deleted: [],
              remaining: [],
              kept: [],
              elapsedMs: 0,
              error: null,
            },
          },
        };
      },
      noteWhenWritten: 'Written: follow it with status.',
    };
    const body = await runChange(depsWith(reporter), request('fn-a', 'fn-b'), spec);
    expect(admitted.sort()).toEqual([
      'fn-a arn:aws:iam::123456789012:role/fn-a-role',
      'fn-b arn:aws:iam::123456789012:role/fn-b-role',
    ]);
    expect(
      lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input.FunctionName),
    ).toEqual(['fn-a']);
    expect(seenByAfter).toEqual(['fn-a started', 'fn-b failed']);
    // AccessDenied (4) outranks TimedOut (7) from the after-step.
    expect(body.exitCode).toBe(ExitCode.AccessDenied);
    expect(Object.keys(body)).toEqual(['exitCode', 'error', 'results', 'permissions', 'enis']);
    expect(body.results[0]?.notes).toContain('Written: follow it with status.');
    expect(said).toContain('show: 2 functions: 1 sent, not waited for, 1 failed');
    expect(said).toContain('error: fn-b: its role lacks ec2:CreateNetworkInterface.');
    // The note every written function shares is shown once.
    expect(said.filter((s) => s === 'note: Written: follow it with status.')).toHaveLength(1);
  });

  it('prints with the words of its spec', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(
      getFunctionOutput({
        VpcConfig: { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
      }),
    );
    const { said, reporter } = recorder();
    await runChange(depsWith(reporter), request('my-fn'), { desired: DESIRED, words: WORDS, preflights: [] });
    expect(said[0]).toMatch(/^show: ✔ my-fn: unchanged, already there\n/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });
});
