import { GetFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DETACHED } from '../../src/core/plan.js';
import { CliError } from '../../src/errors.js';
import {
  applyVpcConfig,
  MAX_CONFLICT_RETRIES,
  MAX_PRECONDITION_RETRIES,
  MAX_WRITE_ATTEMPTS,
} from '../../src/workflows/apply-vpc-config.js';
import { startDeadline } from '../../src/workflows/deadline.js';
import { lambdaPollDelays, waitUntilSettled } from '../../src/workflows/wait-settled.js';
import {
  awsError,
  functionConfig,
  getFunctionOutput,
  lambdaMock,
  MY_FN_ARN,
  resetAwsMocks,
  verifyAwsMocks,
} from '../aws-mocks.js';
import { fakeClock } from '../helpers.js';

const lambda = new LambdaClient({ region: 'us-east-1' });
beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);

const ATTACHED_VPC = {
  VpcId: 'vpc-1',
  SubnetIds: ['subnet-a', 'subnet-b'],
  SecurityGroupIds: ['sg-1'],
  Ipv6AllowedForDualStack: false,
};
const DESIRED = {
  subnetIds: ['subnet-a', 'subnet-b'],
  securityGroupIds: ['sg-1'],
  ipv6AllowedForDualStack: false,
};

/** my-fn attached to DESIRED, waiting, on a clock of its own, unless `over` says otherwise. */
const apply = (over: Partial<Parameters<typeof applyVpcConfig>[1]> = {}, clock = fakeClock()) =>
  applyVpcConfig(
    { lambda, clock, deadline: startDeadline({ clock, signal: undefined }, 900_000) },
    {
      ref: { id: 'my-fn', name: 'my-fn' },
      input: 'my-fn',
      desired: DESIRED,
      wait: true,
      dryRun: false,
      resumeCommand: 'lambda-vpc status my-fn --wait',
      ...over,
    },
  );

describe('waitUntilSettled', () => {
  const wait = (clock: ReturnType<typeof fakeClock>, over: Record<string, unknown> = {}) =>
    waitUntilSettled(lambda, 'my-fn', {
      deadline: clock.now() + 60_000,
      resumeCommand: 'lambda-vpc status my-fn --wait',
      clock,
      ...lambdaPollDelays(undefined),
      ...over,
    });

  it('polls while the update is in progress, backing off gently from 1 s', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ LastUpdateStatus: 'InProgress' }))
      .resolvesOnce(getFunctionOutput({ LastUpdateStatus: 'InProgress' }))
      .resolvesOnce(getFunctionOutput({ LastUpdateStatus: 'InProgress' }))
      .resolves(getFunctionOutput());
    const clock = fakeClock();
    const c = await wait(clock);
    expect(c.LastUpdateStatus).toBe('Successful');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 1250, 1562.5]);
  });

  it('right after a write, waits one interval before the first read: the write said InProgress', async () => {
    const clock = fakeClock();
    const started = clock.now();
    const readAt: number[] = [];
    lambdaMock.on(GetFunctionCommand).callsFake(() => {
      readAt.push(clock.now() - started);
      return readAt.length === 1
        ? getFunctionOutput({ LastUpdateStatus: 'InProgress' })
        : getFunctionOutput();
    });
    await wait(clock, { justWritten: true });
    expect(readAt).toEqual([1000, 2250]);
  });

  it('waits through Pending, not only LastUpdateStatus', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ State: 'Pending', LastUpdateStatus: undefined }))
      .resolves(getFunctionOutput());
    await wait(fakeClock());
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(2);
  });

  it('returns a failed update to the caller, with its reason code', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolves(
        getFunctionOutput({ LastUpdateStatus: 'Failed', LastUpdateStatusReasonCode: 'EniLimitExceeded' }),
      );
    expect((await wait(fakeClock())).LastUpdateStatusReasonCode).toBe('EniLimitExceeded');
  });

  it('times out at the deadline and says how to resume', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ LastUpdateStatus: 'InProgress' }));
    const clock = fakeClock();
    const error = await wait(clock, { deadline: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      code: 'TimedOut',
      exitCode: 7,
      message: 'Timed out waiting for my-fn to settle (last seen: Active / InProgress).',
    });
    expect((error as CliError).hint).toContain('lambda-vpc status my-fn --wait');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('polls through errors the SDK already retried, but not through access denied', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .rejectsOnce(awsError('TooManyRequestsException', 429))
      .rejectsOnce(awsError('ServiceException', 500, { $fault: 'server' }))
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .resolves(getFunctionOutput());
    const transient: unknown[] = [];
    await wait(fakeClock(), { onTransientError: (e: unknown) => transient.push(e) });
    expect(transient).toHaveLength(3);

    lambdaMock.reset();
    lambdaMock.on(GetFunctionCommand).rejects(awsError('AccessDeniedException', 403));
    await expect(wait(fakeClock())).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(1);
  });

  it('stops at once when interrupted, naming the command that follows the update', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ LastUpdateStatus: 'InProgress' }));
    const controller = new AbortController();
    const clock = fakeClock();
    const error = await waitUntilSettled(lambda, 'my-fn', {
      deadline: clock.now() + 60_000,
      resumeCommand: 'lambda-vpc status my-fn --wait',
      ...lambdaPollDelays(undefined),
      signal: controller.signal,
      clock: {
        ...clock,
        sleep: async (ms, signal) => {
          controller.abort();
          return clock.sleep(ms, signal);
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect((error as CliError).hint).toContain('lambda-vpc status my-fn --wait');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(1);
  });
});

describe('applyVpcConfig', () => {
  it('writes only VpcConfig with the RevisionId it read, then waits until settled', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput())
      .resolvesOnce(getFunctionOutput({ LastUpdateStatus: 'InProgress', VpcConfig: ATTACHED_VPC }))
      .resolves(getFunctionOutput({ VpcConfig: ATTACHED_VPC, RevisionId: 'r2' }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress', VpcConfig: ATTACHED_VPC }));
    const { result, error } = await apply();
    expect(error).toBeUndefined();
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'my-fn',
      VpcConfig: {
        SubnetIds: ['subnet-a', 'subnet-b'],
        SecurityGroupIds: ['sg-1'],
        Ipv6AllowedForDualStack: false,
      },
      RevisionId: 'r1',
    });
    expect(result).toMatchObject({
      outcome: 'updated',
      written: true,
      functionArn: MY_FN_ARN,
      before: { vpcId: null, subnetIds: [] },
      after: { vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] },
      status: { lastUpdateStatus: 'Successful', revisionId: 'r2' },
      error: null,
    });
  });

  it('writes nothing when the configuration is already as desired (any order)', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolves(getFunctionOutput({ VpcConfig: { ...ATTACHED_VPC, SubnetIds: ['subnet-b', 'subnet-a'] } }));
    const { result } = await apply();
    expect(result.outcome).toBe('unchanged');
    expect(result.written).toBe(false);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('waits out an update in progress before writing', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ LastUpdateStatus: 'InProgress', RevisionId: 'r0' }))
      .resolvesOnce(getFunctionOutput({ LastUpdateStatus: 'Successful', RevisionId: 'r1' }))
      .resolves(getFunctionOutput({ VpcConfig: ATTACHED_VPC }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress' }));
    const { result } = await apply();
    expect(result.outcome).toBe('updated');
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input.RevisionId).toBe(
      'r1',
    );
  });

  it('re-reads and re-plans after a concurrent change, without overwriting it', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r2', Description: 'changed by someone else' }))
      .resolves(getFunctionOutput({ VpcConfig: ATTACHED_VPC }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(awsError('PreconditionFailedException', 412))
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress' }));
    const { result } = await apply();
    const sent = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
    expect(sent.map((i) => i.RevisionId)).toEqual(['r1', 'r2']);
    expect(sent.every((i) => !('Description' in i))).toBe(true);
    expect(result.outcome).toBe('updated');
    expect(result.notes).toContain(
      'The function was changed by someone else after it was read; read it again and re-planned.',
    );
  });

  it('gives up after a bounded number of concurrent changes, with the conflict code', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput());
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(awsError('PreconditionFailedException', 412));
    const { result, error } = await apply();
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(
      MAX_PRECONDITION_RETRIES + 1,
    );
    expect(error?.exitCode).toBe(8);
    expect(result).toMatchObject({
      outcome: 'failed',
      written: false,
      before: { subnetIds: [] },
      error: { code: 'Conflict' },
    });
  });

  it('waits and retries on ResourceConflictException, bounded', async () => {
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(awsError('ResourceConflictException', 409))
      .rejectsOnce(awsError('ResourceConflictException', 409))
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress' }));
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ VpcConfig: undefined }));
    const clock = fakeClock();
    const { result } = await apply({ wait: false }, clock);
    expect(result.outcome).toBe('started');
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 2000]);

    lambdaMock.reset();
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput());
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(awsError('ResourceConflictException', 409));
    const failed = await apply();
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(
      MAX_CONFLICT_RETRIES + 1,
    );
    expect(failed.error?.code).toBe('Conflict');
  });

  it.each([
    'SubnetOutOfIPAddresses',
    'InvalidSubnet',
    'InvalidSecurityGroup',
    'EniLimitExceeded',
    'InsufficientRolePermissions',
    'EC2RequestLimitExceeded',
  ] as const)('reports a %s failure with the previous config and a remedy', async (code) => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput())
      .resolves(
        getFunctionOutput({
          LastUpdateStatus: 'Failed',
          LastUpdateStatusReasonCode: code,
          LastUpdateStatusReason: `reason for ${code}`,
          VpcConfig: ATTACHED_VPC,
        }),
      );
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress' }));
    const { result, error } = await apply();
    expect(error?.exitCode).toBe(6);
    expect(error?.message).toBe(`my-fn: update failed: ${code}: reason for ${code}`);
    expect(result).toMatchObject({
      outcome: 'failed',
      written: true,
      before: { subnetIds: [] },
      status: { lastUpdateStatusReasonCode: code },
    });
    expect(result.error?.hint).toBeTruthy();
    expect(result.error?.hint).not.toBe('Fix the cause named above, then run the command again.');
  });

  it('detaches with empty lists and IPv6 off', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ VpcConfig: { ...ATTACHED_VPC, Ipv6AllowedForDualStack: true } }))
      .resolves(getFunctionOutput({ VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: '' } }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress' }));
    const { result } = await apply({ desired: DETACHED });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input.VpcConfig).toEqual({
      SubnetIds: [],
      SecurityGroupIds: [],
      Ipv6AllowedForDualStack: false,
    });
    expect(result).toMatchObject({
      outcome: 'updated',
      before: { vpcId: 'vpc-1', ipv6AllowedForDualStack: true },
      after: { vpcId: null, subnetIds: [] },
    });
  });

  it('says so when a concurrent update replaced ours before it settled: written, conflict, the configuration found', async () => {
    const theirs = { VpcId: 'vpc-1', SubnetIds: ['subnet-c'], SecurityGroupIds: ['sg-2'] };
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput())
      .resolves(getFunctionOutput({ VpcConfig: theirs, RevisionId: 'r3' }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress', VpcConfig: ATTACHED_VPC }));
    const { result, error } = await apply();
    expect(error).toMatchObject({ code: 'Conflict', exitCode: 8 });
    expect(error?.message).toBe(
      'my-fn: a concurrent change replaced this update: the function now has subnets subnet-c, security groups sg-2.',
    );
    expect(result).toMatchObject({
      outcome: 'failed',
      written: true,
      before: { subnetIds: [] },
      after: { subnetIds: ['subnet-c'], securityGroupIds: ['sg-2'] },
    });
  });

  it('plans without writing on --dry-run, even while an update is in progress', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ LastUpdateStatus: 'InProgress' }));
    const { result } = await apply({ dryRun: true });
    expect(result.outcome).toBe('planned');
    expect(result.notes[0]).toMatch(/An update is in progress/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(1);
  });

  it('maps a missing function to not found, naming the region', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .rejects(awsError('ResourceNotFoundException', 404, { message: `Function not found: ${MY_FN_ARN}` }));
    const clock = fakeClock();
    const { result, error } = await applyVpcConfig(
      { lambda, clock, region: 'us-east-1', deadline: startDeadline({ clock, signal: undefined }, 1000) },
      {
        ref: { id: 'my-fn', name: 'my-fn' },
        input: 'my-fn',
        desired: DESIRED,
        wait: true,
        dryRun: false,
        resumeCommand: 'x',
      },
    );
    expect(error?.exitCode).toBe(5);
    expect(result.error).toEqual({
      code: 'NotFound',
      exitCode: 5,
      message: `Function not found: ${MY_FN_ARN}.`,
      hint: 'Check the name and the region: it was looked up in us-east-1.',
    });
  });
});

describe('a write whose answer is lost', () => {
  const lost = [
    ['a 500', awsError('ServiceException', 500, { $fault: 'server' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' })],
    ['a timed-out attempt', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ] as const;

  it.each(lost)(
    'after %s, the configuration sent being there means it was applied: written, first before, undo',
    async (_, failure) => {
      lambdaMock
        .on(GetFunctionCommand)
        .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
        .resolvesOnce(
          getFunctionOutput({ LastUpdateStatus: 'InProgress', VpcConfig: ATTACHED_VPC, RevisionId: 'r2' }),
        )
        .resolves(getFunctionOutput({ VpcConfig: ATTACHED_VPC, RevisionId: 'r3' }));
      lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(failure);
      const { result, error } = await apply();
      expect(error).toBeUndefined();
      expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
      expect(result).toMatchObject({
        outcome: 'updated',
        written: true,
        before: { subnetIds: [], securityGroupIds: [] },
        after: { vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'] },
      });
      expect(result.notes).toContain(
        'The answer to the update was lost, but the function has the configuration sent: it was applied.',
      );
    },
  );

  it('the revision unchanged means it was not applied: sent again, once', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
      .resolves(getFunctionOutput({ VpcConfig: ATTACHED_VPC, RevisionId: 'r3' }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(awsError('ServiceException', 503, { $fault: 'server' }))
      .resolves(
        functionConfig({ LastUpdateStatus: 'InProgress', VpcConfig: ATTACHED_VPC, RevisionId: 'r2' }),
      );
    const { result, error } = await apply();
    expect(error).toBeUndefined();
    const writes = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(writes.map((w) => w.args[0].input.RevisionId)).toEqual(['r1', 'r1']);
    expect(result).toMatchObject({ outcome: 'updated', written: true, before: { subnetIds: [] } });
  });

  it('attempts spent with the function unchanged: failed, and proved nothing written', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ RevisionId: 'r1' }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejects(awsError('ServiceException', 500, { $fault: 'server' }));
    const { result, error } = await apply();
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(MAX_WRITE_ATTEMPTS);
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(MAX_WRITE_ATTEMPTS + 1);
    expect(error?.exitCode).toBe(1);
    expect(result).toMatchObject({ outcome: 'failed', written: false });
  });

  it('changed to something else since: not known whether ours was applied, and said so', async () => {
    const theirs = { ...ATTACHED_VPC, SecurityGroupIds: ['sg-theirs'] };
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
      .resolves(getFunctionOutput({ VpcConfig: theirs, RevisionId: 'r9' }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejects(awsError('ServiceException', 500, { $fault: 'server' }));
    const { result, error } = await apply();
    expect(result.written).toBe('unknown');
    expect(error?.message).toContain('whether AWS applied it is not known');
    expect(error?.hint).toContain('lambda-vpc status my-fn');
  });

  it('throttled writes were refused, not applied: sent again after a pause, without a lost-answer note', async () => {
    const clock = fakeClock();
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
      .resolvesOnce(getFunctionOutput({ RevisionId: 'r1' }))
      .resolves(getFunctionOutput({ VpcConfig: ATTACHED_VPC, RevisionId: 'r2' }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(awsError('TooManyRequestsException', 429))
      .resolves(functionConfig({ LastUpdateStatus: 'InProgress', VpcConfig: ATTACHED_VPC }));
    const { result } = await apply({}, clock);
    expect(result).toMatchObject({ outcome: 'updated', written: true });
    expect(result.notes.join(' ')).not.toContain('lost');
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(2);
  });
});

describe('a role without EC2 permissions', () => {
  it('turns the service refusal into access denied with the attach-role-policy fix', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolves(getFunctionOutput({ Role: 'arn:aws:iam::123456789012:role/legacy-worker-role' }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(
      awsError('InvalidParameterValueException', 400, {
        message:
          'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
      }),
    );
    const clock = fakeClock();
    const { result, error } = await applyVpcConfig(
      { lambda, clock, deadline: startDeadline({ clock, signal: undefined }, 1000) },
      {
        ref: { id: 'my-fn', name: 'my-fn' },
        input: 'my-fn',
        desired: DESIRED,
        wait: true,
        dryRun: false,
        resumeCommand: 'x',
      },
    );
    expect(error?.exitCode).toBe(4);
    expect(result.error?.message).toBe(
      'Lambda refused the update: The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
    );
    expect(result.error?.hint).toContain('aws iam attach-role-policy --role-name legacy-worker-role');
    expect(result.written).toBe(false);
  });
});
