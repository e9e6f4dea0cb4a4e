import { describe, expect, it } from 'vitest';
import { executionRoleRequests, updateFunctionRequest } from '../../src/core/lambda-requests.js';
import { EXECUTION_ROLE_ACTIONS } from '../../src/core/policy-eval.js';
import { type ActionRequest, lookupKey, type RequestFacts } from '../../src/core/request-facts.js';

const ACCOUNT = '123456789012';
const ROLE = 'arn:aws:iam::123456789012:role/service-role/orders-api-role';
const EC2 = 'arn:aws:ec2:eu-west-1:123456789012';

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  partition: 'aws',
  region: 'eu-west-1',
  account: '123456789012',
  principal: { arn: ROLE, kind: 'role', tags: { Team: 'orders' } },
  subnets: [
    { id: 'subnet-0aaa', ownerId: ACCOUNT, vpcId: 'vpc-01', tags: { tier: 'private' } },
    { id: 'subnet-0bbb', ownerId: ACCOUNT, vpcId: 'vpc-01' },
  ],
  securityGroups: [{ id: 'sg-0ccc', ownerId: ACCOUNT, vpcId: 'vpc-01', tags: {} }],
  ...over,
});

const byAction = (requests: ActionRequest[], action: string) => {
  const r = requests.find((x) => x.action === action);
  if (!r) throw new Error(`no request for ${action}`);
  return r;
};

// "type arn[*]" per resource: the shape of what each action is authorised on.
const shape = (r: ActionRequest) => r.resources.map((x) => `${x.type} ${x.arn}${x.idUnknown ? '*' : ''}`);

describe('executionRoleRequests', () => {
  it('lists the six actions in the order of EXECUTION_ROLE_ACTIONS', () => {
    expect(executionRoleRequests(facts()).map((r) => r.action)).toEqual(
      EXECUTION_ROLE_ACTIONS.map((a) => a.action),
    );
  });

  it('authorises CreateNetworkInterface on the subnets, the groups and a new interface per subnet', () => {
    const create = byAction(executionRoleRequests(facts()), 'ec2:CreateNetworkInterface');
    expect(shape(create)).toEqual([
      `subnet ${EC2}:subnet/subnet-0aaa`,
      `subnet ${EC2}:subnet/subnet-0bbb`,
      `security-group ${EC2}:security-group/sg-0ccc`,
      `network-interface ${EC2}:network-interface/*`,
      `network-interface ${EC2}:network-interface/*`,
    ]);
    const [subnet, , group, eni] = create.resources;
    const key = (k: string, r = subnet) => lookupKey(k, create.context, r?.context ?? create.context);
    expect(key('ec2:SubnetID')).toEqual({ kind: 'values', values: ['subnet-0aaa'] });
    expect(key('ec2:Vpc')).toEqual({ kind: 'values', values: [`${EC2}:vpc/vpc-01`] });
    expect(key('ec2:ResourceTag/Tier')).toEqual({ kind: 'values', values: ['private'] });
    expect(key('aws:ResourceTag/tier')).toEqual({ kind: 'values', values: ['private'] });
    expect(key('ec2:ResourceTag/owner')).toEqual({ kind: 'absent' });
    expect(key('ec2:SecurityGroupID', group)).toEqual({ kind: 'values', values: ['sg-0ccc'] });
    expect(key('ec2:Subnet', eni)).toEqual({ kind: 'values', values: [`${EC2}:subnet/subnet-0aaa`] });
    expect(key('ec2:Vpc', eni)).toEqual({ kind: 'values', values: [`${EC2}:vpc/vpc-01`] });
    // What is not known of the interface Lambda is yet to create stays unknown.
    expect(key('ec2:ResourceTag/owner', eni)).toEqual({ kind: 'unknown' });
    expect(key('aws:RequestTag/owner', eni)).toEqual({ kind: 'unknown' });
    expect(key('ec2:AvailabilityZone', subnet)).toEqual({ kind: 'unknown' });
  });

  it('leaves resource tags unknown when they were not read', () => {
    const create = byAction(executionRoleRequests(facts()), 'ec2:CreateNetworkInterface');
    const second = create.resources[1];
    expect(lookupKey('ec2:ResourceTag/tier', create.context, second?.context ?? create.context)).toEqual({
      kind: 'unknown',
    });
  });

  it('authorises Delete, Assign and Unassign on an interface of unknown ID, Describe on "*" only', () => {
    const requests = executionRoleRequests(facts());
    for (const a of [
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ]) {
      expect(shape(byAction(requests, a))).toEqual([
        `network-interface ${EC2}:network-interface/*`,
        `network-interface ${EC2}:network-interface/*`,
      ]);
    }
    for (const a of ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']) {
      const r = byAction(requests, a);
      expect(shape(r)).toEqual(['* *']);
      expect(lookupKey('ec2:Vpc', r.context, r.resources[0]?.context ?? r.context)).toEqual({
        kind: 'absent',
      });
    }
  });

  it('without subnets or groups, asks for any subnet and any group', () => {
    const create = byAction(
      executionRoleRequests(facts({ subnets: null, securityGroups: [] })),
      'ec2:CreateNetworkInterface',
    );
    expect(shape(create)).toEqual([
      `subnet ${EC2}:subnet/*`,
      `security-group ${EC2}:security-group/*`,
      `network-interface ${EC2}:network-interface/*`,
    ]);
    const eni = create.resources[2];
    expect(lookupKey('ec2:Subnet', create.context, eni?.context ?? create.context)).toEqual({
      kind: 'unknown',
    });
  });

  it('gives the keys of the role session Lambda signs with', () => {
    const { context } = byAction(executionRoleRequests(facts()), 'ec2:DeleteNetworkInterface');
    const key = (k: string) => lookupKey(k, context);
    expect(key('aws:RequestedRegion')).toEqual({ kind: 'values', values: ['eu-west-1'] });
    expect(key('ec2:Region')).toEqual({ kind: 'values', values: ['eu-west-1'] });
    expect(key('aws:PrincipalArn')).toEqual({ kind: 'values', values: [ROLE] });
    expect(key('aws:PrincipalAccount')).toEqual({ kind: 'values', values: ['123456789012'] });
    expect(key('aws:PrincipalType')).toEqual({ kind: 'values', values: ['AssumedRole'] });
    expect(key('aws:PrincipalTag/team')).toEqual({ kind: 'values', values: ['orders'] });
    expect(key('aws:PrincipalTag/cost-center')).toEqual({ kind: 'absent' });
    expect(key('aws:username')).toEqual({ kind: 'absent' });
    expect(key('aws:MultiFactorAuthAge')).toEqual({ kind: 'absent' });
    // EC2 sees the address of Lambda's hosts: present, and not known.
    expect(key('aws:SourceIp')).toEqual({ kind: 'unknown' });
    // Lambda reaches EC2 from its own network, not through the customer's VPC or endpoints.
    expect(key('aws:SourceVpc')).toEqual({ kind: 'absent' });
    expect(key('aws:SourceVpce')).toEqual({ kind: 'absent' });
    expect(key('aws:MultiFactorAuthPresent')).toEqual({ kind: 'unknown' });
    expect(context.alternatives?.['aws:multifactorauthpresent']).toEqual([
      { kind: 'absent' },
      { kind: 'values', values: ['false'] },
    ]);
  });

  it('leaves the principal tags unknown when they could not be read', () => {
    const { context } = executionRoleRequests(
      facts({ principal: { arn: ROLE, kind: 'role' } }),
    )[0] as ActionRequest;
    expect(lookupKey('aws:PrincipalTag/team', context)).toEqual({ kind: 'unknown' });
  });

  it('leaves tags that differ only in case unknown, and no tag absent then', () => {
    const create = byAction(
      executionRoleRequests(
        facts({ subnets: [{ id: 'subnet-0aaa', tags: { Env: 'prod', env: 'dev', tier: 'a' } }] }),
      ),
      'ec2:CreateNetworkInterface',
    );
    const ctx = create.resources[0]?.context ?? create.context;
    expect(lookupKey('ec2:ResourceTag/env', create.context, ctx)).toEqual({ kind: 'unknown' });
    expect(lookupKey('ec2:ResourceTag/tier', create.context, ctx)).toEqual({ kind: 'values', values: ['a'] });
    expect(lookupKey('ec2:ResourceTag/owner', create.context, ctx)).toEqual({ kind: 'unknown' });
  });

  it('uses the partition in every ARN', () => {
    const create = byAction(
      executionRoleRequests(facts({ partition: 'aws-cn', region: 'cn-north-1' })),
      'ec2:CreateNetworkInterface',
    );
    expect(create.resources.every((r) => r.arn.startsWith('arn:aws-cn:ec2:cn-north-1:123456789012:'))).toBe(
      true,
    );
  });
});

describe('updateFunctionRequest', () => {
  const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api';
  const USER = 'arn:aws:iam::123456789012:user/deploy/alice';

  it('carries the requested configuration as multi-valued lambda: keys', () => {
    const r = updateFunctionRequest(facts(), FN, {
      subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
      securityGroupIds: ['sg-0ccc'],
      vpcIds: ['vpc-01'],
    });
    expect(r.action).toBe('lambda:UpdateFunctionConfiguration');
    expect(shape(r)).toEqual([`function ${FN}`]);
    expect(lookupKey('lambda:SubnetIds', r.context)).toEqual({
      kind: 'values',
      values: ['subnet-0aaa', 'subnet-0bbb'],
    });
    expect(lookupKey('lambda:SecurityGroupIds', r.context)).toEqual({ kind: 'values', values: ['sg-0ccc'] });
    expect(lookupKey('lambda:VpcIds', r.context)).toEqual({ kind: 'values', values: ['vpc-01'] });
  });

  it('leaves the lambda: keys unknown without a configuration, or for a list that could not be told', () => {
    const none = updateFunctionRequest(facts(), FN, null);
    expect(lookupKey('lambda:VpcIds', none.context)).toEqual({ kind: 'unknown' });
    const noVpc = updateFunctionRequest(facts(), FN, {
      subnetIds: ['subnet-0aaa'],
      securityGroupIds: [],
      vpcIds: [],
    });
    expect(lookupKey('lambda:VpcIds', noVpc.context)).toEqual({ kind: 'unknown' });
  });

  it('names the function by its ARN prefix when the ARN is not known', () => {
    expect(shape(updateFunctionRequest(facts(), null, null))).toEqual([
      'function arn:aws:lambda:eu-west-1:123456789012:function:*',
    ]);
  });

  it('describes an IAM user caller, and leaves what a human may have unknown', () => {
    const r = updateFunctionRequest(facts({ principal: { arn: USER, kind: 'user', tags: {} } }), FN, null);
    const key = (k: string) => lookupKey(k, r.context);
    expect(key('aws:PrincipalType')).toEqual({ kind: 'values', values: ['User'] });
    expect(key('aws:username')).toEqual({ kind: 'values', values: ['alice'] });
    expect(key('aws:PrincipalArn')).toEqual({ kind: 'values', values: [USER] });
    expect(key('aws:PrincipalTag/team')).toEqual({ kind: 'absent' });
    for (const k of ['aws:SourceIp', 'aws:MultiFactorAuthPresent', 'aws:MultiFactorAuthAge', 'aws:SourceVpc'])
      expect(key(k)).toEqual({ kind: 'unknown' });
  });

  it('describes a role caller: no aws:username', () => {
    const r = updateFunctionRequest(facts(), FN, null);
    expect(lookupKey('aws:PrincipalType', r.context)).toEqual({ kind: 'values', values: ['AssumedRole'] });
    expect(lookupKey('aws:username', r.context)).toEqual({ kind: 'absent' });
    expect(lookupKey('aws:RequestedRegion', r.context)).toEqual({ kind: 'values', values: ['eu-west-1'] });
  });
});
