import { GetFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionCheck } from '../../src/core/permissions.js';
import {
  cleanupVerdict,
  describedAsFunctions,
  remainingEniFilter,
  remainingEnis,
  remainingEnisSummary,
  remainingEnisWarning,
} from '../../src/core/remaining-enis.js';
import {
  inactiveNote,
  inactiveUpdateNote,
  isInactive,
  isSettled,
  settledAfterWrite,
} from '../../src/core/settle.js';
import { applyVpcConfig } from '../../src/workflows/apply-vpc-config.js';
import { startDeadline } from '../../src/workflows/deadline.js';
import { inactiveGate } from '../../src/workflows/inactive-gate.js';
import { lambdaPollDelays, waitUntilSettled } from '../../src/workflows/wait-settled.js';
import {
  functionConfig,
  getFunctionOutput,
  lambdaMock,
  resetAwsMocks,
  verifyAwsMocks,
} from '../aws-mocks.js';
import { fakeClock } from '../helpers.js';

const lambda = new LambdaClient({ region: 'us-east-1' });
beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);

const INACTIVE = { State: 'Inactive', StateReasonCode: 'Idle', LastUpdateStatus: 'Successful' } as const;
const RESTORING = { State: 'Pending', StateReasonCode: 'Restoring', LastUpdateStatus: 'InProgress' } as const;

describe('Inactive is settled', () => {
  it('is settled (nothing is under way), unlike the Pending it goes through when updated', () => {
    expect(isSettled(INACTIVE)).toBe(true);
    expect(isInactive(INACTIVE)).toBe(true);
    expect(isSettled(RESTORING)).toBe(false);
    expect(isSettled({ State: 'Inactive', LastUpdateStatus: 'InProgress' })).toBe(false);
    expect(isInactive({ State: 'Active' })).toBe(false);
  });

  it('after a write, an Inactive read with the revision from before it is the old state, not the end', () => {
    expect(settledAfterWrite({ ...INACTIVE, RevisionId: 'r1' }, 'r1')).toBe(false);
    // A new revision: Lambda took the update and the function is Inactive again (it could not restore).
    expect(settledAfterWrite({ ...INACTIVE, RevisionId: 'r2' }, 'r1')).toBe(true);
    expect(
      settledAfterWrite({ State: 'Active', LastUpdateStatus: 'Successful', RevisionId: 'r1' }, 'r1'),
    ).toBe(true);
    expect(settledAfterWrite({ ...RESTORING, RevisionId: 'r2' }, 'r1')).toBe(false);
    expect(settledAfterWrite({ ...INACTIVE, RevisionId: 'r1' }, undefined)).toBe(true);
  });

  it('the notes say what was reclaimed, how long waking takes and the command that warms it', () => {
    expect(inactiveNote('my-fn', true)).toBe(
      'Inactive: Lambda reclaimed its network interfaces after weeks without invocations; the next invoke re-creates them (minutes), or warm it now with: aws lambda invoke --function-name my-fn /dev/null',
    );
    expect(inactiveNote('my-fn', false)).toContain('reclaimed the resources it had');
    expect(inactiveUpdateNote('my-fn', false)).toContain('the update brings it back through Pending');
    expect(inactiveUpdateNote('my-fn', true)).toContain('the update would bring it back through Pending');
  });

  it('waitUntilSettled returns on the first Inactive read: one GetFunction, no sleep', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput(INACTIVE));
    const clock = fakeClock();
    const c = await waitUntilSettled(lambda, 'my-fn', {
      deadline: clock.now() + 60_000,
      resumeCommand: 'lambda-vpc status my-fn --wait',
      clock,
      ...lambdaPollDelays(undefined),
    });
    expect(c.State).toBe('Inactive');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('an update of an Inactive function', () => {
  it('is sent at once (no wait before it) and waited for through Pending until Active', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput(INACTIVE))
      .resolvesOnce(
        getFunctionOutput({
          ...RESTORING,
          VpcConfig: { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
        }),
      )
      .resolves(
        getFunctionOutput({
          State: 'Active',
          LastUpdateStatus: 'Successful',
          VpcConfig: { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
        }),
      );
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves(
      functionConfig({
        ...RESTORING,
        VpcConfig: { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
      }),
    );
    const clock = fakeClock();
    const gate = inactiveGate(true)(undefined as never);
    const { result, error } = await applyVpcConfig(
      { lambda, clock, deadline: startDeadline({ clock, signal: undefined }, 900_000) },
      {
        ref: { id: 'my-fn', name: 'my-fn' },
        input: 'my-fn',
        desired: { subnetIds: ['subnet-a'], securityGroupIds: ['sg-1'], ipv6AllowedForDualStack: false },
        wait: true,
        dryRun: false,
        resumeCommand: 'lambda-vpc status my-fn --wait',
        beforeWrite: (current, admission) => gate.admit('my-fn', current, admission),
      },
    );
    expect(error).toBeUndefined();
    expect(result.outcome).toBe('updated');
    expect(result.status?.state).toBe('Active');
    expect(result.notes).toEqual([inactiveUpdateNote('my-fn', false)]);
    // Read, write, then a poll that saw Pending and one that saw Active.
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(3);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
  });

  it('a poll that still shows it Inactive at the revision from before the write is not the end of the update', async () => {
    const vpc = { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' };
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce(getFunctionOutput({ ...INACTIVE, RevisionId: 'before' }))
      .resolvesOnce(getFunctionOutput({ ...INACTIVE, RevisionId: 'before' }))
      .resolves(
        getFunctionOutput({
          State: 'Active',
          LastUpdateStatus: 'Successful',
          RevisionId: 'ours',
          VpcConfig: vpc,
        }),
      );
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .resolves(functionConfig({ ...RESTORING, RevisionId: 'ours', VpcConfig: vpc }));
    const clock = fakeClock();
    const { result, error } = await applyVpcConfig(
      { lambda, clock, deadline: startDeadline({ clock, signal: undefined }, 900_000) },
      {
        ref: { id: 'my-fn', name: 'my-fn' },
        input: 'my-fn',
        desired: { subnetIds: ['subnet-a'], securityGroupIds: ['sg-1'], ipv6AllowedForDualStack: false },
        wait: true,
        dryRun: false,
        resumeCommand: 'lambda-vpc status my-fn --wait',
      },
    );
    // Without the revision check the stale read ends the wait, and the old configuration it
    // shows reads as a concurrent change (Conflict).
    expect(error).toBeUndefined();
    expect(result.outcome).toBe('updated');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(3);
  });

  it('the gate notes nothing for a function that is not Inactive, and never refuses', async () => {
    const notes: string[] = [];
    const gate = inactiveGate(true)(undefined as never);
    const admission = { tags: {}, note: (t: string) => notes.push(t) };
    await expect(gate.admit('my-fn', { State: 'Active' }, admission)).resolves.toBeUndefined();
    expect(notes).toEqual([]);
    await expect(gate.admit('my-fn', { State: 'Inactive' }, admission)).resolves.toBeUndefined();
    expect(notes).toHaveLength(1);
    expect(gate.sections()).toEqual({});
  });
});

const eni = (id: string, description: string, status = 'in-use') => ({
  id,
  subnetId: 'subnet-a',
  availabilityZone: 'us-east-1a',
  vpcId: 'vpc-1',
  privateIp: '10.0.1.5',
  status,
  securityGroupIds: ['sg-1'],
  description,
  interfaceType: 'lambda',
  createdAt: null,
});
const check = (
  action: string,
  decision: ActionCheck['decision'],
  detail: string | null = null,
): ActionCheck => ({
  action,
  required: 'hard',
  decision,
  method: 'simulator',
  decidedBy: null,
  detail,
});

describe('the interfaces a detached function left', () => {
  it('one description filter value per function, and the exact shape tells my-fn from my-fn-2', () => {
    expect(remainingEniFilter(['my-fn', 'b', 'my-fn'])).toEqual([
      'AWS Lambda VPC ENI-my-fn*',
      'AWS Lambda VPC ENI-b*',
    ]);
    // More names than EC2 takes in one filter: every Lambda interface, matched afterwards.
    const many = Array.from({ length: 201 }, (_, i) => `fn-${i}`);
    expect(remainingEniFilter(many)).toEqual(['AWS Lambda VPC ENI-*']);
    expect(remainingEniFilter(many.slice(0, 200))).toHaveLength(200);
    const uuid = '5f0c3e2a-1b2c-4b7e-9a51-8d2c1f6e3b90';
    expect(describedAsFunctions(eni('e1', `AWS Lambda VPC ENI-my-fn-${uuid}`), 'my-fn')).toBe(true);
    expect(describedAsFunctions(eni('e2', 'AWS Lambda VPC ENI-my-fn'), 'my-fn')).toBe(true);
    expect(describedAsFunctions(eni('e3', `AWS Lambda VPC ENI-my-fn-2-${uuid}`), 'my-fn')).toBe(false);
    expect(describedAsFunctions(eni('e4', `AWS Lambda VPC ENI-my-fn-2-${uuid}`), 'my-fn-2')).toBe(true);
  });

  it('denied beats unknown; allowed only when both actions are allowed; reasons shared are said once', () => {
    const allowed = [
      check('ec2:DeleteNetworkInterface', 'allowed'),
      check('ec2:DescribeNetworkInterfaces', 'allowed'),
    ];
    expect(cleanupVerdict(allowed)).toEqual({ cleanup: 'allowed', detail: null });
    expect(
      cleanupVerdict([
        check('ec2:DeleteNetworkInterface', 'explicitDeny'),
        check('ec2:DescribeNetworkInterfaces', 'unknown', 'x'),
      ]),
    ).toEqual({ cleanup: 'denied', detail: 'denied: ec2:DeleteNetworkInterface' });
    expect(
      cleanupVerdict([
        check('ec2:DeleteNetworkInterface', 'unknown', 'no IAM'),
        check('ec2:DescribeNetworkInterfaces', 'unknown', 'no IAM'),
      ]),
    ).toEqual({
      cleanup: 'unknown',
      detail: 'ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces: no IAM',
    });
    expect(
      cleanupVerdict([
        check('ec2:DeleteNetworkInterface', 'conditional', 'depends on ec2:Vpc'),
        allowed[1] as ActionCheck,
      ]),
    ).toEqual({
      cleanup: 'unknown',
      detail: 'ec2:DeleteNetworkInterface: depends on ec2:Vpc',
    });
    // A check that is missing is not an allow.
    expect(cleanupVerdict([check('ec2:DeleteNetworkInterface', 'allowed')])).toEqual({
      cleanup: 'unknown',
      detail: 'ec2:DescribeNetworkInterfaces: not checked',
    });
  });

  it('none left: not-needed and nothing to say; some left and allowed: a row, no warning', () => {
    const none = remainingEnis([], 'arn:aws:iam::123456789012:role/r', { cleanup: 'allowed', detail: null });
    expect(none).toMatchObject({ count: 0, role: null, cleanup: 'not-needed' });
    expect(remainingEnisWarning('my-fn', none, 'us-east-1')).toBeNull();
    expect(remainingEnisSummary(none)).toBeNull();
    const left = remainingEnis(
      [eni('e2', 'd'), eni('e1', 'd', 'available')],
      'arn:aws:iam::123456789012:role/r',
      {
        cleanup: 'allowed',
        detail: null,
      },
    );
    expect(left).toMatchObject({ count: 2, ids: ['e1', 'e2'], availableIds: ['e1'], cleanup: 'allowed' });
    expect(remainingEnisWarning('my-fn', left, 'us-east-1')).toBeNull();
    expect(remainingEnisSummary(left)).toMatch(/^2 \(e1, e2\); its role can still delete them/);
  });

  it('denied: the fix, and delete commands for the available ones only; none available: says why not', () => {
    const denied = { cleanup: 'denied' as const, detail: 'denied: ec2:DeleteNetworkInterface' };
    const role = 'arn:aws:iam::123456789012:role/service-role/r';
    const w = remainingEnisWarning(
      'my-fn',
      remainingEnis([eni('e1', 'd', 'available'), eni('e2', 'd')], role, denied),
      'eu-west-1',
    );
    expect(w).toBe(
      '2 network interfaces of my-fn remain (e1, e2) and its role r can no longer delete them (denied: ec2:DeleteNetworkInterface): restore ec2:DeleteNetworkInterface and ec2:DescribeNetworkInterfaces to the role until they are gone, or delete them by hand: aws ec2 delete-network-interface --network-interface-id e1 --region eu-west-1.',
    );
    const inUse = remainingEnisWarning('my-fn', remainingEnis([eni('e2', 'd')], role, denied), 'eu-west-1');
    expect(inUse).toContain('1 network interface of my-fn remains (e2)');
    expect(inUse).not.toContain('delete-network-interface');
    expect(inUse).toContain('cannot be deleted by hand yet');
  });

  it('unknown and not checked are said, never silence', () => {
    const unknown = remainingEnis([eni('e1', 'd')], null, {
      cleanup: 'unknown',
      detail: 'the role could not be checked',
    });
    expect(remainingEnisWarning('my-fn', unknown, 'us-east-1')).toContain(
      'whether its execution role can still delete them could not be checked: the role could not be checked',
    );
    expect(
      remainingEnisWarning('my-fn', { checked: false, skippedReason: 'no permission' }, 'us-east-1'),
    ).toBe('Could not check for network interfaces my-fn left behind: no permission.');
  });
});
