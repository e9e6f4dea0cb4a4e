// The EC2 calls of attach's network choice: finding VPCs and subnets by tag, creating a group.
import {
  CreateSecurityGroupCommand,
  type EC2Client,
  type Filter,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { collect } from './ec2-reads.js';

type Opts = { abortSignal?: AbortSignal };

/** VPCs matching the filters (none: every VPC of the Region). */
export const findVpcs = (ec2: EC2Client, filters: Filter[], opts: Opts): Promise<Vpc[]> =>
  collect(
    'DescribeVpcs',
    paginateDescribeVpcs({ client: ec2 }, filters.length > 0 ? { Filters: filters } : {}, opts),
    (p) => p.Vpcs,
  );

/** Subnets matching the filters, across the Region (for --subnets tag:… without --vpc). */
export const findSubnets = (ec2: EC2Client, filters: Filter[], opts: Opts): Promise<Subnet[]> =>
  collect(
    'DescribeSubnets',
    paginateDescribeSubnets({ client: ec2 }, { Filters: filters }, opts),
    (p) => p.Subnets,
  );

/** Security groups matching the filters. */
export const findGroups = (ec2: EC2Client, filters: Filter[], opts: Opts): Promise<SecurityGroup[]> =>
  collect(
    'DescribeSecurityGroups',
    paginateDescribeSecurityGroups({ client: ec2 }, { Filters: filters }, opts),
    (p) => p.SecurityGroups,
  );

export interface NewGroup {
  vpcId: string;
  name: string;
  description: string;
  tags: Record<string, string>;
}

/**
 * CreateSecurityGroup. EC2 gives a new VPC group one egress rule (all traffic to 0.0.0.0/0) and
 * no ingress rule, which is what a function needs: nothing else is written.
 */
export async function createSecurityGroup(ec2: EC2Client, group: NewGroup, opts: Opts): Promise<string> {
  // A denial is the caller's to fix (exit 4), not a read to skip: no Ec2ReadDenied here.
  const out = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: group.vpcId,
      GroupName: group.name,
      Description: group.description,
      TagSpecifications: [
        {
          ResourceType: 'security-group',
          Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      ],
    }),
    opts,
  );
  if (!out.GroupId) throw new Error('CreateSecurityGroup answered without a GroupId');
  return out.GroupId;
}
