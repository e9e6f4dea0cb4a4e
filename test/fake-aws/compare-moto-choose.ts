// The probes compare-moto.ts adds for choosing the network (issue 16): tag and name filters on
// VPCs, subnets and groups, and CreateSecurityGroup (answer, default egress rule, its errors).
// Each side creates its own group; its generated ID is replaced by `sg-NEW` before comparing.
import {
  CreateSecurityGroupCommand,
  type CreateSecurityGroupCommandInput,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';

type Probe<C> = { name: string; run: (aws: C) => Promise<unknown> };
type Result = (p: Promise<unknown>) => Promise<unknown>;

export interface ChooseIds {
  vpcId: string;
  /** moto's AZ ID of us-east-1b (AWS maps names to IDs per account). */
  azIdB: string;
}

export function chooseProbes<C extends { ec2: EC2Client }>(ids: ChooseIds, result: Result): Probe<C>[] {
  const f = (Name: string, ...Values: string[]): Filter => ({ Name, Values });
  const created = new Map<C, string>();
  /** The answer with this side's new group ID (and ARN) made comparable. */
  const normalized = (aws: C, p: Promise<unknown>) =>
    result(p).then((r) => {
      const id = created.get(aws);
      const text = JSON.stringify(r);
      return JSON.parse(id ? text.replaceAll(id, 'sg-NEW') : text);
    });
  const createGroup = (aws: C, input: Partial<CreateSecurityGroupCommandInput> = {}) =>
    aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'new-fn-egress',
        Description: 'new-fn: all outbound',
        VpcId: ids.vpcId,
        ...input,
      } as CreateSecurityGroupCommandInput),
    );
  const vpcs = (...Filters: Filter[]) => ({
    run: ({ ec2 }: C) => result(ec2.send(new DescribeVpcsCommand({ Filters }))),
  });
  const subnets = (...Filters: Filter[]) => ({
    run: ({ ec2 }: C) => result(ec2.send(new DescribeSubnetsCommand({ Filters }))),
  });
  const groups = (...Filters: Filter[]) => ({
    run: (aws: C) => normalized(aws, aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters }))),
  });
  return [
    { name: 'DescribeVpcs tag:Name', ...vpcs(f('tag:Name', 'compare')) },
    { name: 'DescribeVpcs tag-key', ...vpcs(f('tag-key', 'env')) },
    {
      name: 'DescribeSubnets vpc-id + tag:tier',
      ...subnets(f('vpc-id', ids.vpcId), f('tag:tier', 'private')),
    },
    { name: 'DescribeSubnets tag:Name wildcard', ...subnets(f('tag:Name', 'db-*')) },
    {
      name: 'DescribeSubnets availability-zone-id',
      ...subnets(f('vpc-id', ids.vpcId), f('availability-zone-id', ids.azIdB)),
    },
    { name: 'DescribeSecurityGroups group-name', ...groups(f('group-name', 'db')) },
    {
      name: 'DescribeSecurityGroups vpc-id + group-name default',
      ...groups(f('vpc-id', ids.vpcId), f('group-name', 'default')),
    },
    {
      name: 'CreateSecurityGroup with tags',
      run: async (aws) => {
        const answer = createGroup(aws, {
          TagSpecifications: [
            {
              ResourceType: 'security-group',
              Tags: [
                { Key: 'Name', Value: 'new-fn-egress' },
                { Key: 'created-by', Value: 'lambda-vpc' },
              ],
            },
          ],
        });
        const out = (await answer.catch(() => undefined)) as { GroupId?: string } | undefined;
        if (out?.GroupId) created.set(aws, out.GroupId);
        return normalized(aws, answer);
      },
    },
    {
      name: 'CreateSecurityGroup: the new group described (default egress rule, no ingress)',
      run: (aws) =>
        normalized(
          aws,
          aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.get(aws) ?? ''] })),
        ),
    },
    {
      name: 'CreateSecurityGroup: the new group by tag:created-by',
      ...groups(f('tag:created-by', 'lambda-vpc')),
    },
    { name: 'CreateSecurityGroup same name again', run: (aws) => result(createGroup(aws)) },
    {
      name: 'CreateSecurityGroup same name, other case',
      run: (aws) => result(createGroup(aws, { GroupName: 'NEW-FN-EGRESS' })),
    },
    {
      name: 'CreateSecurityGroup name sg-…',
      run: (aws) => result(createGroup(aws, { GroupName: 'sg-mine' })),
    },
    {
      name: 'CreateSecurityGroup name of 256 characters',
      run: (aws) => result(createGroup(aws, { GroupName: 'a'.repeat(256) })),
    },
    {
      name: 'CreateSecurityGroup unknown VPC',
      run: (aws) => result(createGroup(aws, { GroupName: 'x', VpcId: 'vpc-0c4005e9999999999' })),
    },
    {
      name: 'CreateSecurityGroup no description',
      run: (aws) => result(createGroup(aws, { GroupName: 'y', Description: undefined })),
    },
  ];
}
