import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { clients, failure } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { choose, CHOOSE_IDS as I } from './scenarios.js';
import type { Scenario } from './types.js';

let fake: FakeAws;
afterEach(() => fake?.close());
const start = async (scenario: Scenario = choose()) => {
  fake = await startFakeAws({ scenario });
  return clients(fake.url).ec2;
};

const create = (overrides: Partial<ConstructorParameters<typeof CreateSecurityGroupCommand>[0]> = {}) =>
  new CreateSecurityGroupCommand({
    GroupName: 'new-fn-egress',
    Description: 'new-fn: all outbound',
    VpcId: I.prodVpc,
    TagSpecifications: [
      {
        ResourceType: 'security-group',
        Tags: [
          { Key: 'Name', Value: 'new-fn-egress' },
          { Key: 'created-by', Value: 'lambda-vpc' },
        ],
      },
    ],
    ...overrides,
  });

describe('CreateSecurityGroup', () => {
  it('creates a VPC group with AWS default egress rule and no ingress, answers its ID, ARN and tags', async () => {
    const ec2 = await start();
    const out = await ec2.send(create());
    expect(out.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(out.SecurityGroupArn).toBe(`arn:aws:ec2:eu-west-1:123456789012:security-group/${out.GroupId}`);
    expect(out.Tags).toEqual([
      { Key: 'Name', Value: 'new-fn-egress' },
      { Key: 'created-by', Value: 'lambda-vpc' },
    ]);
    // The wire names the SDK sends are the ones the fake read.
    const logged = fake.requests.find((r) => r.operation === 'CreateSecurityGroup');
    expect(logged).toMatchObject({
      write: true,
      status: 200,
      params: { GroupName: 'new-fn-egress', GroupDescription: 'new-fn: all outbound', VpcId: I.prodVpc },
    });
    const [group] =
      (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId ?? ''] }))).SecurityGroups ??
      [];
    expect(group).toMatchObject({
      GroupId: out.GroupId,
      GroupName: 'new-fn-egress',
      Description: 'new-fn: all outbound',
      VpcId: I.prodVpc,
      IpPermissions: [],
      IpPermissionsEgress: [
        expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [] }),
      ],
    });
  });

  it('the new group is found by group-name, vpc-id and tag filters', async () => {
    const ec2 = await start();
    const { GroupId } = await ec2.send(create());
    const ids = async (Filters: Array<{ Name: string; Values: string[] }>) =>
      ((await ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? []).map(
        (g) => g.GroupId,
      );
    expect(await ids([{ Name: 'group-name', Values: ['new-fn-egress'] }])).toEqual([GroupId]);
    expect(await ids([{ Name: 'tag:created-by', Values: ['lambda-vpc'] }])).toEqual([GroupId]);
    expect(await ids([{ Name: 'tag-key', Values: ['created-by'] }])).toEqual([GroupId]);
    expect(await ids([{ Name: 'vpc-id', Values: [I.prodVpc] }])).toContain(GroupId);
    expect(await ids([{ Name: 'vpc-id', Values: [I.singleAzVpc] }])).not.toContain(GroupId);
  });

  it('a second group of the same name in the VPC (any case) is InvalidGroup.Duplicate; another VPC may have it', async () => {
    const ec2 = await start();
    const dup = await failure(ec2.send(create({ GroupName: 'Lambda-Egress', TagSpecifications: undefined })));
    expect(dup.name).toBe('InvalidGroup.Duplicate');
    expect(dup.message).toBe(`The security group 'Lambda-Egress' already exists for VPC '${I.prodVpc}'`);
    expect(dup.$metadata.httpStatusCode).toBe(400);
    const other = await ec2.send(create({ GroupName: 'lambda-egress', VpcId: I.dupVpc1 }));
    expect(other.GroupId).toMatch(/^sg-/);
  });

  it.each([
    ['no GroupName', { GroupName: undefined }, 'MissingParameter', /GroupName/],
    ['no description', { Description: undefined }, 'MissingParameter', /GroupDescription/],
    ['an empty name', { GroupName: '' }, 'InvalidParameterValue', /GroupName/],
    ['a name starting with sg-', { GroupName: 'sg-mine' }, 'InvalidParameterValue', /sg-/],
    ['a name of 256 characters', { GroupName: 'a'.repeat(256) }, 'InvalidParameterValue', /GroupName/],
    ['a character VPC groups do not allow', { GroupName: 'café' }, 'InvalidParameterValue', /GroupName/],
    ['an unknown VPC', { VpcId: 'vpc-0c4005e9999999999' }, 'InvalidVpcID.NotFound', /vpc-0c4005e9999999999/],
    ['a malformed VPC ID', { VpcId: 'vpc-nothex' }, 'InvalidVpcID.Malformed', /vpc-nothex/],
    ['no VPC and no default VPC', { VpcId: undefined }, 'VPCIdNotSpecified', /default VPC/],
    [
      'tags for another resource type',
      { TagSpecifications: [{ ResourceType: 'subnet' as const, Tags: [{ Key: 'a', Value: 'b' }] }] },
      'InvalidParameterValue',
      /subnet/,
    ],
  ])('refuses %s (%s), and creates nothing', async (_what, overrides, code, message) => {
    const ec2 = await start();
    const before = fake.state.securityGroups.length;
    const err = await failure(ec2.send(create(overrides)));
    expect(err.name).toBe(code);
    expect(err.message).toMatch(message);
    expect(fake.state.securityGroups).toHaveLength(before);
  });

  it('accepts a name of 255 characters of the allowed set', async () => {
    const ec2 = await start();
    const name = `lambda ._-:/()#,@[]+=&;{}!$*${'x'.repeat(255 - 28)}`;
    expect(name).toHaveLength(255);
    const out = await ec2.send(create({ GroupName: name }));
    expect(fake.state.securityGroups.find((g) => g.GroupId === out.GroupId)?.GroupName).toBe(name);
  });

  it('DryRun answers DryRunOperation, creates nothing and is not logged as a write', async () => {
    const ec2 = await start();
    const before = fake.state.securityGroups.length;
    const err = await failure(ec2.send(create({ DryRun: true })));
    expect(err.name).toBe('DryRunOperation');
    expect(fake.state.securityGroups).toHaveLength(before);
    expect(fake.writes()).toEqual([]);
  });

  it('a denied caller gets UnauthorizedOperation and nothing is created', async () => {
    const ec2 = await start();
    fake.state.denyAction('ec2:CreateSecurityGroup');
    const before = fake.state.securityGroups.length;
    const err = await failure(ec2.send(create()));
    expect(err.name).toBe('UnauthorizedOperation');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(fake.state.securityGroups).toHaveLength(before);
  });

  it('drop: nothing is created; dropAfterApply: the group exists though the answer was lost', async () => {
    const ec2 = await start();
    const before = fake.state.securityGroups.length;
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'drop', times: 1 });
    const dropped = await failure(ec2.send(create()));
    expect(dropped.$metadata?.httpStatusCode).toBeUndefined();
    expect(fake.state.securityGroups).toHaveLength(before);

    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'dropAfterApply', times: 1 });
    const lost = await failure(ec2.send(create()));
    expect(lost.$metadata?.httpStatusCode).toBeUndefined();
    expect(fake.state.securityGroups.filter((g) => g.GroupName === 'new-fn-egress')).toHaveLength(1);
    expect(fake.writes().map((w) => [w.operation, w.errorCode, w.droppedStatus])).toEqual([
      ['CreateSecurityGroup', 'Dropped', undefined],
      ['CreateSecurityGroup', 'DroppedAfterApply', 200],
    ]);
    // Retrying the lost write finds the group it made.
    const retry = await failure(ec2.send(create()));
    expect(retry.name).toBe('InvalidGroup.Duplicate');
  });

  it('error500 and throttle faults answer EC2 errors and create nothing', async () => {
    const ec2 = await start();
    const before = fake.state.securityGroups.length;
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'error500', times: 1 });
    fake.faults.add({ service: 'ec2', operation: 'CreateSecurityGroup', kind: 'throttle', times: 1 });
    expect((await failure(ec2.send(create()))).name).toBe('InternalError');
    expect((await failure(ec2.send(create()))).name).toBe('RequestLimitExceeded');
    expect(fake.state.securityGroups).toHaveLength(before);
  });
});

describe('DescribeSecurityGroups GroupNames', () => {
  it('finds only the default VPC groups: another VPC group by name is InvalidGroup.NotFound', async () => {
    const scenario = choose();
    scenario.vpcs?.push({ VpcId: 'vpc-0c4005e0000000999', CidrBlock: '172.31.0.0/16', IsDefault: true });
    scenario.securityGroups?.push({
      GroupId: 'sg-0c4005e0000000999',
      GroupName: 'lambda-egress',
      VpcId: 'vpc-0c4005e0000000999',
      IpPermissionsEgress: [],
    });
    const ec2 = await start(scenario);
    const found = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['lambda-egress'] }));
    expect(found.SecurityGroups?.map((g) => g.GroupId)).toEqual(['sg-0c4005e0000000999']);
    const err = await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['db'] })));
    expect(err.name).toBe('InvalidGroup.NotFound');
    expect(err.message).toBe("The security group 'db' does not exist in default VPC 'vpc-0c4005e0000000999'");
    // The group-name filter is how a nondefault VPC's groups are found by name.
    const filtered = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['db'] }] }),
    );
    expect(filtered.SecurityGroups?.map((g) => g.GroupId)).toEqual([I.sgDb]);
  });
});
