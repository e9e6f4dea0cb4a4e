// EC2 network ACLs and managed prefix lists (element names from the SDK's ec2Query schema), and
// the two calls that are not describe lists: DescribeVpcAttribute, GetManagedPrefixListEntries.
import { createHash } from 'node:crypto';
import { AwsError, decodeToken, paginate } from './common.js';
import { quoted, type ResourceKind, tagSet } from './ec2-resources.js';
import type { FakeState } from './state.js';
import type { ManagedPrefixListSpec, NetworkAclEntrySpec, NetworkAclSpec, Tags, VpcSpec } from './types.js';
import { param, toXml, type XmlObject } from './xml.js';

const hex = (s: string, n: number) => createHash('sha1').update(s).digest('hex').slice(0, n);

// ------------------------------------------------------------------ network ACLs

/** A NACL as EC2 describes it: entries in order, the `*` rules added, associations resolved. */
export interface NetworkAclView {
  NetworkAclId: string;
  VpcId: string;
  IsDefault: boolean;
  Entries: NetworkAclEntrySpec[];
  Associations: Array<{ NetworkAclAssociationId: string; SubnetId: string }>;
  Tags?: Tags | undefined;
}

const PROTOCOL_NUMBERS: Record<string, string> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };
export const protocolNumber = (p: string): string => PROTOCOL_NUMBERS[p.toLowerCase()] ?? p;

/** What AWS puts in a new VPC's default NACL: allow everything, both ways (and for IPv6 too). */
function allowAll(vpc: VpcSpec | undefined): NetworkAclEntrySpec[] {
  const rules: NetworkAclEntrySpec[] = [];
  for (const Egress of [true, false]) {
    rules.push({ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress, CidrBlock: '0.0.0.0/0' });
    if (vpc?.Ipv6CidrBlock)
      rules.push({ RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress, Ipv6CidrBlock: '::/0' });
  }
  return rules;
}

/** The numbered rules, then the `*` rules (32767, and 32768 for IPv6): egress first, as EC2 lists them. */
function withFinalRules(entries: NetworkAclEntrySpec[], vpc: VpcSpec | undefined): NetworkAclEntrySpec[] {
  const all = entries.map((e) => ({ ...e, Protocol: protocolNumber(e.Protocol) }));
  for (const Egress of [true, false]) {
    all.push({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress, CidrBlock: '0.0.0.0/0' });
    if (vpc?.Ipv6CidrBlock)
      all.push({ RuleNumber: 32768, Protocol: '-1', RuleAction: 'deny', Egress, Ipv6CidrBlock: '::/0' });
  }
  return all.sort((a, b) => Number(b.Egress) - Number(a.Egress) || a.RuleNumber - b.RuleNumber);
}

/**
 * Every NACL of the account: per VPC its default NACL (the scenario's `IsDefault` one, else the
 * allow-all one AWS creates, `acl-` + the VPC ID's suffix) holding every subnet that no other
 * NACL names, then the VPC's other NACLs.
 */
export function networkAcls(state: FakeState): NetworkAclView[] {
  const vpcIds = [...new Set([...state.vpcs.map((v) => v.VpcId), ...state.networkAcls.map((a) => a.VpcId)])];
  return vpcIds.flatMap((vpcId) => {
    const vpc = state.vpcs.find((v) => v.VpcId === vpcId);
    const mine = state.networkAcls.filter((a) => a.VpcId === vpcId);
    const custom = mine.filter((a) => !a.IsDefault);
    const claimed = new Set(custom.flatMap((a) => a.SubnetIds ?? []));
    const spec: NetworkAclSpec = mine.find((a) => a.IsDefault) ?? {
      NetworkAclId: `acl-${vpcId.slice(4)}`,
      VpcId: vpcId,
      IsDefault: true,
      Entries: allowAll(vpc),
    };
    const defaultSubnets = state.subnets
      .filter((s) => s.VpcId === vpcId && !claimed.has(s.SubnetId))
      .map((s) => s.SubnetId);
    const view = (a: NetworkAclSpec, subnetIds: string[]): NetworkAclView => ({
      NetworkAclId: a.NetworkAclId,
      VpcId: a.VpcId,
      IsDefault: a.IsDefault ?? false,
      Entries: withFinalRules(a.Entries, vpc),
      Associations: subnetIds.map((SubnetId) => ({
        NetworkAclAssociationId: `aclassoc-${hex(a.NetworkAclId + SubnetId, 17)}`,
        SubnetId,
      })),
      Tags: a.Tags,
    });
    return [view(spec, defaultSubnets), ...custom.map((a) => view(a, a.SubnetIds ?? []))];
  });
}

const entryXml = (e: NetworkAclEntrySpec): XmlObject => ({
  ruleNumber: e.RuleNumber,
  protocol: e.Protocol,
  ruleAction: e.RuleAction,
  egress: e.Egress,
  cidrBlock: e.CidrBlock,
  ipv6CidrBlock: e.Ipv6CidrBlock,
  icmpTypeCode: e.IcmpTypeCode ? { code: e.IcmpTypeCode.Code, type: e.IcmpTypeCode.Type } : undefined,
  portRange: e.PortRange ? { from: e.PortRange.From, to: e.PortRange.To } : undefined,
});

const entries = (x: NetworkAclView, pick: (e: NetworkAclEntrySpec) => unknown) => x.Entries.map(pick);

export const NETWORK_ACLS: ResourceKind<NetworkAclView> = {
  action: 'DescribeNetworkAcls',
  idParam: 'NetworkAclId',
  prefix: 'acl',
  malformedCode: 'InvalidNetworkAclId.Malformed',
  notFound: (ids) => ({ code: 'InvalidNetworkAclID.NotFound', message: quoted('networkAcl', ids) }),
  items: networkAcls,
  id: (x) => x.NetworkAclId,
  filters: {
    'network-acl-id': (x) => x.NetworkAclId,
    'vpc-id': (x) => x.VpcId,
    default: (x) => x.IsDefault,
    'association.subnet-id': (x) => x.Associations.map((a) => a.SubnetId),
    'association.network-acl-id': (x) => (x.Associations.length > 0 ? x.NetworkAclId : undefined),
    'association.association-id': (x) => x.Associations.map((a) => a.NetworkAclAssociationId),
    'entry.rule-number': (x) => entries(x, (e) => e.RuleNumber) as number[],
    'entry.protocol': (x) => entries(x, (e) => e.Protocol) as string[],
    'entry.rule-action': (x) => entries(x, (e) => e.RuleAction) as string[],
    'entry.egress': (x) => entries(x, (e) => e.Egress) as boolean[],
    'entry.cidr': (x) => entries(x, (e) => e.CidrBlock) as string[],
    'entry.ipv6-cidr': (x) => entries(x, (e) => e.Ipv6CidrBlock) as string[],
    'entry.port-range.from': (x) => entries(x, (e) => e.PortRange?.From) as number[],
    'entry.port-range.to': (x) => entries(x, (e) => e.PortRange?.To) as number[],
    'owner-id': (_x, s) => s.accountId,
  },
  setName: 'networkAclSet',
  xml: (x, s) => ({
    networkAclId: x.NetworkAclId,
    vpcId: x.VpcId,
    default: x.IsDefault,
    entrySet: x.Entries.map(entryXml),
    associationSet: x.Associations.map((a) => ({
      networkAclAssociationId: a.NetworkAclAssociationId,
      networkAclId: x.NetworkAclId,
      subnetId: a.SubnetId,
    })),
    tagSet: tagSet(x.Tags),
    ownerId: s.accountId,
  }),
};

// ------------------------------------------------------------------ managed prefix lists

type PrefixList = FakeState['prefixLists'][number];

/** The real IDs in us-east-1; elsewhere a stable made-up 8-hex ID (AWS-managed IDs are short). */
const KNOWN_IDS: Record<string, Record<string, string>> = {
  'us-east-1': { s3: 'pl-63a5400a', dynamodb: 'pl-02cd2c6b', cloudfront: 'pl-3b927c52' },
};

/**
 * The AWS-managed lists gateway endpoints route to, and CloudFront's origin-facing list. Entries are representative of us-east-1
 * (AWS changes them); AWS-managed lists have no MaxEntries, Version or entry descriptions.
 */
export function awsManagedPrefixLists(region: string): PrefixList[] {
  const list = (service: 's3' | 'dynamodb' | 'cloudfront', cidrs: string[]): PrefixList => ({
    PrefixListId: KNOWN_IDS[region]?.[service] ?? `pl-${hex(`${region}/${service}`, 8)}`,
    PrefixListName:
      service === 'cloudfront'
        ? 'com.amazonaws.global.cloudfront.origin-facing'
        : `com.amazonaws.${region}.${service}`,
    AddressFamily: 'IPv4',
    Entries: cidrs.map((Cidr) => ({ Cidr })),
    OwnerId: 'AWS',
  });
  return [
    list('s3', [
      '3.5.0.0/19',
      '16.15.176.0/20',
      '16.182.0.0/16',
      '18.34.0.0/19',
      '18.34.232.0/21',
      '52.216.0.0/15',
      '54.231.0.0/16',
    ]),
    list('dynamodb', ['3.218.180.0/22', '3.218.184.0/22', '52.94.0.0/22', '52.119.224.0/20']),
    // What ALB / origin groups admit; never a Lambda path, but it is in every region's list.
    list('cloudfront', ['130.176.0.0/18', '15.158.0.0/16', '64.252.64.0/18', '70.132.0.0/18']),
  ];
}

const prefixListArn = (p: PrefixList, s: FakeState) =>
  `arn:aws:ec2:${s.region}:${p.OwnerId === 'AWS' ? 'aws' : p.OwnerId}:prefix-list/${p.PrefixListId}`;
const awsManaged = (p: PrefixList) => p.OwnerId === 'AWS';
const prefixListNotFound = (ids: string[]) => ({
  code: 'InvalidPrefixListID.NotFound',
  message: `The prefix list ID '${ids.join(', ')}' does not exist`,
});

export const PREFIX_LISTS: ResourceKind<PrefixList> = {
  action: 'DescribeManagedPrefixLists',
  idParam: 'PrefixListId',
  prefix: 'pl',
  malformedCode: 'InvalidPrefixListId.Malformed',
  notFound: prefixListNotFound,
  items: (s) => s.prefixLists,
  id: (x) => x.PrefixListId,
  filters: {
    'prefix-list-id': (x) => x.PrefixListId,
    'prefix-list-name': (x) => x.PrefixListName,
    'owner-id': (x) => x.OwnerId,
  },
  maxResults: [1, 100],
  setName: 'prefixListSet',
  xml: (x, s) => ({
    prefixListId: x.PrefixListId,
    addressFamily: x.AddressFamily ?? 'IPv4',
    state: 'create-complete',
    prefixListArn: prefixListArn(x, s),
    prefixListName: x.PrefixListName,
    maxEntries: awsManaged(x) ? undefined : (x.MaxEntries ?? Math.max(x.Entries.length, 10)),
    version: awsManaged(x) ? undefined : (x.Version ?? 1),
    tagSet: tagSet(x.Tags),
    ownerId: x.OwnerId,
  }),
};

// ------------------------------------------------------------------ calls that are not describe lists

const missingParam = (name: string) =>
  new AwsError(400, 'MissingParameter', `The request must contain the parameter ${name}`);
const invalidParam = (message: string) => new AwsError(400, 'InvalidParameterValue', message);

function requireId(params: Record<string, unknown>, name: string, prefix: string, malformed: string): string {
  const id = param(params, name);
  if (id === undefined || id === '') throw missingParam(name);
  if (!new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(String(id)))
    throw new AwsError(400, malformed, `Invalid id: "${String(id)}" (expecting "${prefix}-...")`);
  return String(id);
}

const VPC_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'];

/** DescribeVpcAttribute: one VPC, one attribute, `<enableDnsSupport><value>true</value></enableDnsSupport>`. */
export function describeVpcAttribute(state: FakeState, params: Record<string, unknown>): string {
  const attribute = param(params, 'Attribute');
  if (attribute === undefined) throw missingParam('attribute');
  const vpcId = requireId(params, 'VpcId', 'vpc', 'InvalidVpcID.Malformed');
  if (!VPC_ATTRIBUTES.includes(String(attribute)))
    throw invalidParam(`Value (${String(attribute)}) for parameter attribute is invalid. Unknown attribute.`);
  const vpc = state.vpcs.find((v) => v.VpcId === vpcId);
  if (!vpc) throw new AwsError(400, 'InvalidVpcID.NotFound', quoted('vpc', [vpcId]));
  const value =
    attribute === 'enableDnsSupport'
      ? (vpc.EnableDnsSupport ?? true)
      : attribute === 'enableDnsHostnames'
        ? (vpc.EnableDnsHostnames ?? vpc.IsDefault ?? false)
        : false;
  return toXml({ vpcId, [String(attribute)]: { value } }, 'item');
}

/** GetManagedPrefixListEntries: the list's current entries (TargetVersion is not modelled), 1–100 a page. */
export function getManagedPrefixListEntries(state: FakeState, params: Record<string, unknown>): string {
  const id = requireId(params, 'PrefixListId', 'pl', 'InvalidPrefixListId.Malformed');
  const list = state.prefixLists.find((p) => p.PrefixListId === id);
  if (!list) {
    const { code, message } = prefixListNotFound([id]);
    throw new AwsError(400, code, message);
  }
  const maxRaw = param(params, 'MaxResults');
  const max = maxRaw === undefined ? 100 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw invalidParam(
      `Value ( ${String(maxRaw)} ) for parameter maxResults is invalid. Expecting a value between 1 and 100.`,
    );
  const token = param(params, 'NextToken') as string | undefined;
  const offset = decodeToken(token);
  if (offset === undefined) throw invalidParam(`The token '${token}' is invalid.`);
  const { page, next } = paginate(list.Entries as ManagedPrefixListSpec['Entries'], offset, max);
  return toXml(
    { entrySet: page.map((e) => ({ cidr: e.Cidr, description: e.Description })), nextToken: next },
    'item',
  );
}
