import { describe, expect, it } from 'vitest';
import { DETACHED, planVpcChange, toVpcConfigRequest, vpcSettingsOf } from '../../src/core/plan.js';
import { isFailed, isSettled, remedyFor, updateFailedError } from '../../src/core/settle.js';

const inVpc = vpcSettingsOf({
  VpcId: 'vpc-1',
  SubnetIds: ['subnet-b', 'subnet-a'],
  SecurityGroupIds: ['sg-1'],
  Ipv6AllowedForDualStack: false,
});

describe('planVpcChange', () => {
  it('sees no change when only the order differs', () => {
    const plan = planVpcChange(inVpc, {
      subnetIds: ['subnet-a', 'subnet-b'],
      securityGroupIds: ['sg-1'],
      ipv6AllowedForDualStack: false,
    });
    expect(plan.changes).toBe(false);
    expect(plan.after).toBe(plan.before);
  });

  it('sees a change in groups, subnets or the IPv6 flag', () => {
    expect(
      planVpcChange(inVpc, {
        subnetIds: ['subnet-a', 'subnet-b'],
        securityGroupIds: ['sg-2'],
        ipv6AllowedForDualStack: false,
      }),
    ).toMatchObject({
      changes: true,
      after: { vpcId: 'vpc-1', securityGroupIds: ['sg-2'] },
    });
    expect(
      planVpcChange(inVpc, {
        subnetIds: ['subnet-c'],
        securityGroupIds: ['sg-1'],
        ipv6AllowedForDualStack: false,
      }),
    ).toMatchObject({
      changes: true,
      after: { vpcId: null, subnetIds: ['subnet-c'] },
    });
    expect(
      planVpcChange(inVpc, {
        subnetIds: ['subnet-a', 'subnet-b'],
        securityGroupIds: ['sg-1'],
        ipv6AllowedForDualStack: true,
      }).changes,
    ).toBe(true);
  });

  it('treats the detached shapes Lambda returns as not in a VPC', () => {
    for (const config of [undefined, {}, { SubnetIds: [], SecurityGroupIds: [], VpcId: '' }]) {
      const current = vpcSettingsOf(config);
      expect(current).toEqual({
        vpcId: null,
        subnetIds: [],
        securityGroupIds: [],
        ipv6AllowedForDualStack: false,
      });
      expect(planVpcChange(current, DETACHED).changes).toBe(false);
    }
  });

  it('detaches with empty lists and the IPv6 flag off, as the service requires', () => {
    const dualStack = vpcSettingsOf({
      VpcId: 'vpc-1',
      SubnetIds: ['subnet-a'],
      SecurityGroupIds: ['sg-1'],
      Ipv6AllowedForDualStack: true,
    });
    const plan = planVpcChange(dualStack, DETACHED);
    expect(plan.changes).toBe(true);
    expect(toVpcConfigRequest(plan.after)).toEqual({
      SubnetIds: [],
      SecurityGroupIds: [],
      Ipv6AllowedForDualStack: false,
    });
  });
});

describe('settled and failed', () => {
  it.each([
    [{ State: 'Active', LastUpdateStatus: 'Successful' }, true, false],
    [{ State: 'Active', LastUpdateStatus: 'InProgress' }, false, false],
    [{ State: 'Pending', LastUpdateStatus: 'InProgress' }, false, false],
    [{ State: 'Pending' }, false, false],
    [{ State: 'Active', LastUpdateStatus: 'Failed' }, true, true],
    [{ State: 'Failed', LastUpdateStatus: 'Successful' }, true, true],
    [{ State: 'Inactive', LastUpdateStatus: 'Successful' }, true, false],
  ])('%j → settled %s, failed %s', (c, settled, failed) => {
    expect(isSettled(c)).toBe(settled);
    expect(isFailed(c)).toBe(failed);
  });

  it.each([
    ['SubnetOutOfIPAddresses', /free IP addresses/],
    ['InvalidSubnet', /subnet does not exist/],
    ['InvalidSecurityGroup', /security group does not exist/],
    ['EniLimitExceeded', /quota of network interfaces/],
    [
      'InsufficientRolePermissions',
      /attach-role-policy --role-name app-role --policy-arn arn:aws:iam::aws:policy\/service-role\/AWSLambdaVPCAccessExecutionRole/,
    ],
    ['EC2RequestLimitExceeded', /EC2 throttled Lambda/],
  ])('gives a concrete remedy for %s', (code, remedy) => {
    expect(remedyFor(code, { Role: 'arn:aws:iam::123456789012:role/service/app-role' })).toMatch(remedy);
  });

  it('builds the update-failed error from the reason code and reason', () => {
    const error = updateFailedError('my-fn', {
      State: 'Active',
      LastUpdateStatus: 'Failed',
      LastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses',
      LastUpdateStatusReason: 'The subnet subnet-a has no available IP addresses.',
    });
    expect(error.exitCode).toBe(6);
    expect(error.message).toBe(
      'my-fn: update failed: SubnetOutOfIPAddresses: The subnet subnet-a has no available IP addresses.',
    );
    expect(error.hint).toMatch(/free IP addresses/);
  });
});
