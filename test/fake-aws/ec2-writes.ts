// EC2 writes the fake serves: CreateSecurityGroup. Each returns the inner XML of its answer; the
// request log marks them as writes (isEc2Write), so faults and DryRun treat them like Lambda's.
import { randomBytes } from 'node:crypto';
import { AwsError } from './common.js';
import { tagSet } from './ec2-resources.js';
import type { FakeState } from './state.js';
import type { SecurityGroupSpec, Tags } from './types.js';
import { param, toXml } from './xml.js';

const missing = (name: string) =>
  new AwsError(400, 'MissingParameter', `The request must contain the parameter ${name}`);
const invalid = (message: string) => new AwsError(400, 'InvalidParameterValue', message);

/** CreateSecurityGroup's documented constraints on GroupName and GroupDescription (VPC groups). */
const VALID_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const MAX_LENGTH = 255;

function checkText(what: 'GroupName' | 'GroupDescription', value: string): void {
  // An empty value is refused: the reference requires both; the wording is the fake's.
  if (value === '') throw invalid(`Value () for parameter ${what} is invalid. The value cannot be empty`);
  if (value.length > MAX_LENGTH)
    throw invalid(
      `Value (${value}) for parameter ${what} is invalid. Length exceeds maximum of ${MAX_LENGTH} characters.`,
    );
  if (!VALID_TEXT.test(value))
    throw invalid(
      `Value (${value}) for parameter ${what} is invalid. Character sets beyond ASCII are not supported.`,
    );
}

/** `TagSpecification.N.ResourceType` + `.Tag.N.Key/Value`: the tags for `resourceType`. */
export function readTagSpecifications(params: Record<string, unknown>, resourceType: string): Tags {
  const raw = param(params, 'TagSpecification');
  if (raw === undefined) return {};
  const specs = (Array.isArray(raw) ? raw : [raw]) as Array<Record<string, unknown>>;
  const tags: Tags = {};
  for (const spec of specs) {
    const type = String(spec.ResourceType ?? '');
    if (type !== resourceType)
      throw invalid(`'${type}' is not a valid taggable resource type for this operation.`);
    const list = (Array.isArray(spec.Tag) ? spec.Tag : []) as Array<Record<string, unknown>>;
    for (const t of list) {
      const key = String(t.Key ?? '');
      if (key === '') throw invalid('Tag key cannot be empty.');
      if (key.toLowerCase().startsWith('aws:'))
        throw invalid("Tag keys starting with 'aws:' are reserved for internal use");
      tags[key] = String(t.Value ?? '');
    }
  }
  return tags;
}

const newGroupId = () => `sg-${randomBytes(9).toString('hex').slice(0, 17)}`;

/** What AWS gives every new VPC security group: all outbound IPv4 traffic, nothing inbound. */
export const DEFAULT_EGRESS = { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] } as const;

function createSecurityGroup(state: FakeState, params: Record<string, unknown>): string {
  const name = param(params, 'GroupName');
  const description = param(params, 'GroupDescription');
  if (name === undefined) throw missing('GroupName');
  if (description === undefined) throw missing('GroupDescription');
  const groupName = String(name);
  const groupDescription = String(description);
  checkText('GroupName', groupName);
  checkText('GroupDescription', groupDescription);
  if (groupName.toLowerCase().startsWith('sg-')) throw invalid('Group names may not be in the format sg-*.');
  const vpcParam = param(params, 'VpcId');
  const vpcId = vpcParam === undefined ? defaultVpcId(state) : String(vpcParam);
  if (!/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/.test(vpcId))
    throw new AwsError(400, 'InvalidVpcID.Malformed', `Invalid id: "${vpcId}" (expecting "vpc-...")`);
  if (!state.vpcs.some((v) => v.VpcId === vpcId))
    throw new AwsError(400, 'InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
  // Names are case-insensitive and unique within the VPC (CreateSecurityGroup, GroupName).
  if (
    state.securityGroups.some(
      (g) => g.VpcId === vpcId && g.GroupName.toLowerCase() === groupName.toLowerCase(),
    )
  )
    throw new AwsError(
      400,
      'InvalidGroup.Duplicate',
      `The security group '${groupName}' already exists for VPC '${vpcId}'`,
    );
  const tags = readTagSpecifications(params, 'security-group');
  const group: SecurityGroupSpec = {
    GroupId: newGroupId(),
    GroupName: groupName,
    VpcId: vpcId,
    Description: groupDescription,
    IpPermissions: [],
    IpPermissionsEgress: [{ ...DEFAULT_EGRESS, IpRanges: [...DEFAULT_EGRESS.IpRanges] }],
    ...(Object.keys(tags).length > 0 ? { Tags: tags } : {}),
  };
  state.securityGroups.push(group);
  return toXml(
    {
      groupId: group.GroupId,
      securityGroupArn: `arn:aws:ec2:${state.region}:${state.accountId}:security-group/${group.GroupId}`,
      tagSet: Object.keys(tags).length > 0 ? tagSet(tags) : undefined,
    },
    'item',
  );
}

/** Without VpcId, AWS creates the group in the default VPC, and refuses when there is none. */
function defaultVpcId(state: FakeState): string {
  const vpc = state.vpcs.find((v) => v.IsDefault);
  if (!vpc) throw new AwsError(400, 'VPCIdNotSpecified', 'No default VPC for this user');
  return vpc.VpcId;
}

export const EC2_WRITES: Record<string, (state: FakeState, params: Record<string, unknown>) => string> = {
  CreateSecurityGroup: createSecurityGroup,
};

export const isEc2Write = (operation: string): boolean => Object.hasOwn(EC2_WRITES, operation);
