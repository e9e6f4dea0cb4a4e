import { usageError } from '../errors.js';

/** A Lambda function as the user named it, split into the parts the API understands. */
export interface FunctionRef {
  /** What to send as FunctionName: the name, a partial ARN or a full ARN, without qualifier. */
  id: string;
  /** The bare function name, for messages. */
  name: string;
  qualifier?: string;
  /** Region of a full ARN, to catch an ARN from another region than the client's. */
  region?: string;
  /** Partition of a full ARN (aws, aws-cn, aws-us-gov, …), to catch one that is not the region's. */
  partition?: string;
  accountId?: string;
}

/** A function as the user named it (for messages and resume commands), and what that name refers to. */
export interface Target {
  ref: FunctionRef;
  input: string;
}

const NAME = '(?<name>[a-zA-Z0-9_-]{1,64})';
const QUALIFIER = '(?::(?<qualifier>\\$LATEST|[a-zA-Z0-9_-]{1,128}))?';
const FULL_ARN = new RegExp(
  `^arn:(?<partition>aws[a-zA-Z-]*):lambda:(?<region>[a-z]{2}(?:-[a-z]+)+-\\d):(?<account>\\d{12}):function:${NAME}${QUALIFIER}$`,
);
const PARTIAL_ARN = new RegExp(`^(?<account>\\d{12}):function:${NAME}${QUALIFIER}$`);
const PLAIN_NAME = new RegExp(`^${NAME}${QUALIFIER}$`);

export function parseFunctionRef(input: string): FunctionRef {
  const text = input.trim();
  const other = otherResourceKind(text);
  if (other) throw notAFunction(input, other);
  const full = FULL_ARN.exec(text)?.groups;
  if (full?.name) {
    const { partition, region, account, name, qualifier } = full;
    return withQualifier(
      {
        id: `arn:${partition}:lambda:${region}:${account}:function:${name}`,
        name,
        region,
        partition,
        accountId: account,
      },
      qualifier,
    );
  }
  const partial = PARTIAL_ARN.exec(text)?.groups;
  if (partial?.name) {
    return withQualifier(
      { id: `${partial.account}:function:${partial.name}`, name: partial.name, accountId: partial.account },
      partial.qualifier,
    );
  }
  const plain = PLAIN_NAME.exec(text)?.groups;
  if (plain?.name) return withQualifier({ id: plain.name, name: plain.name }, plain.qualifier);
  throw usageError(
    `'${input}' is not a Lambda function name or ARN.`,
    'Use a name (my-fn), a partial ARN (123456789012:function:my-fn) or a full ARN (arn:aws:lambda:REGION:ACCOUNT:function:my-fn).',
  );
}

/**
 * The EC2 resource IDs a function name could be mistaken for: `attach fn --subnets A B` makes B
 * a function, and a function of that name would be looked up (or, worse, a real one attached to
 * A alone). Lambda names may look like these, but none does in practice; an ARN of the function
 * (partial or full) still names one that does.
 */
const RESOURCE_ID_KINDS: ReadonlyArray<readonly [prefix: string, label: string]> = [
  ['subnet', 'subnet ID'],
  ['sg', 'security group ID'],
  ['sgr', 'security group rule ID'],
  ['vpc', 'VPC ID'],
  ['vpce', 'VPC endpoint ID'],
  ['eni', 'network interface ID'],
  ['rtb', 'route table ID'],
  ['igw', 'internet gateway ID'],
  ['eigw', 'egress-only internet gateway ID'],
  ['nat', 'NAT gateway ID'],
  ['acl', 'network ACL ID'],
  ['pl', 'prefix list ID'],
  ['tgw', 'transit gateway ID'],
  ['tgw-attach', 'transit gateway attachment ID'],
  ['pcx', 'VPC peering connection ID'],
  ['vgw', 'virtual private gateway ID'],
  ['cgw', 'customer gateway ID'],
  ['dopt', 'DHCP options ID'],
  ['eipalloc', 'Elastic IP allocation ID'],
  ['i', 'EC2 instance ID'],
  ['ami', 'AMI ID'],
  ['vol', 'EBS volume ID'],
  ['snap', 'EBS snapshot ID'],
];
const RESOURCE_ID = new RegExp(
  `^(?<prefix>${RESOURCE_ID_KINDS.map(([prefix]) => prefix).join('|')})-[0-9a-f]{4,17}$`,
);
const ANY_ARN = /^arn:(?<partition>[^:]*):(?<service>[^:]*):[^:]*:[^:]*:(?<resource>.*)$/;

/** What else a function argument is, when it has the shape of another AWS resource: its label, or undefined. */
export interface OtherResource {
  /** e.g. "subnet ID", "ec2 ARN", "Lambda layer ARN". */
  label: string;
  /** The ID's prefix (subnet, sg, vpc, …); undefined for an ARN. */
  prefix?: string;
}

export function otherResourceKind(text: string): OtherResource | undefined {
  const id = RESOURCE_ID.exec(text)?.groups?.prefix;
  if (id) {
    const label = RESOURCE_ID_KINDS.find(([prefix]) => prefix === id)?.[1] ?? 'resource ID';
    return { label, prefix: id };
  }
  const arn = ANY_ARN.exec(text)?.groups;
  if (!arn) return undefined;
  if (arn.service !== 'lambda') return { label: `ARN of ${arn.service || 'another service'}` };
  const type = arn.resource?.split(':', 1)[0];
  return type === 'function' ? undefined : { label: `ARN of a Lambda ${type || 'resource'}` };
}

/** The usage error for an argument that names another kind of resource; `where` e.g. " in --functions-file fns.txt". */
export function notAFunction(input: string, other: OtherResource, where = '') {
  const article = /^[aeiouAEIOU]/.test(other.label) ? 'an' : 'a';
  return usageError(
    `'${input}'${where} looks like ${article} ${other.label}, not a Lambda function.`,
    'Functions are named by name (my-fn), partial ARN (123456789012:function:my-fn) or full ARN (arn:aws:lambda:REGION:ACCOUNT:function:my-fn).',
  );
}

function withQualifier(ref: FunctionRef, qualifier: string | undefined): FunctionRef {
  return qualifier ? { ...ref, qualifier } : ref;
}

/**
 * attach and detach change $LATEST only: published versions are immutable, and an alias
 * points at one. An explicit `:$LATEST` is the same as none.
 */
export function requireUnqualified(ref: FunctionRef, command: string): FunctionRef {
  if (!ref.qualifier || ref.qualifier === '$LATEST') {
    const { qualifier: _dropped, ...rest } = ref;
    return rest;
  }
  throw usageError(
    `${command} changes $LATEST only, but '${ref.name}:${ref.qualifier}' names a version or alias.`,
    `Published versions are immutable and keep the VpcConfig they were published with. ${command === 'attach' ? 'Attach' : 'Detach'} '${ref.name}', then publish a new version.`,
  );
}

export const SUBNET_LIMIT = 16;
export const SECURITY_GROUP_LIMIT = 5;
export const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** One VPC or subnet ID, as a filter flag takes it. */
export function parseResourceId(raw: string, kind: 'vpc' | 'subnet', flag: string): string {
  const id = raw.trim();
  const [pattern, example] =
    kind === 'vpc' ? [VPC_ID, 'vpc-0123456789abcdef0'] : [SUBNET_ID, 'subnet-0123456789abcdef0'];
  if (!pattern.test(id))
    throw usageError(`${flag} '${raw}' is not a valid ${kind} ID (expected e.g. ${example}).`);
  return id;
}

export interface IdList {
  ids: string[];
  /** Notes for the user, e.g. duplicates that were dropped. */
  notes: string[];
}

/** Splits a comma-separated list, checks each ID's format, removes duplicates (with a note). */
export function parseIdList(raw: readonly string[], kind: 'subnet' | 'securityGroup'): IdList {
  const spec =
    kind === 'subnet'
      ? {
          flag: '--subnets',
          label: 'subnet',
          pattern: SUBNET_ID,
          example: 'subnet-0123456789abcdef0',
          max: SUBNET_LIMIT,
        }
      : {
          flag: '--sg',
          label: 'security group',
          pattern: SECURITY_GROUP_ID,
          example: 'sg-0123456789abcdef0',
          max: SECURITY_GROUP_LIMIT,
        };
  const items = raw
    .flatMap((part) => part.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw usageError(`${spec.flag} needs at least one ${spec.label} ID.`);
  for (const id of items) {
    if (!spec.pattern.test(id)) {
      throw usageError(`'${id}' is not a valid ${spec.label} ID (expected e.g. ${spec.example}).`);
    }
  }
  const ids = [...new Set(items)];
  const notes: string[] = [];
  if (ids.length < items.length) {
    const dropped = items.length - ids.length;
    notes.push(`Removed ${dropped} duplicate ${spec.label} ID${dropped > 1 ? 's' : ''} from ${spec.flag}.`);
  }
  if (ids.length > spec.max) {
    throw usageError(`${spec.flag} has ${ids.length} ${spec.label}s; Lambda allows at most ${spec.max}.`);
  }
  return { ids, notes };
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** Parses "15m", "90s", "1h30m" or a bare number of seconds. */
export function parseDuration(raw: string, flag = '--timeout'): number {
  const text = raw.trim();
  let ms: number;
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const full = text.replace(DURATION_PART, '');
    const parts = [...text.matchAll(DURATION_PART)];
    if (full !== '' || parts.length === 0) {
      throw usageError(
        `${flag} '${raw}' is not a duration.`,
        'Use e.g. 90s, 15m, 1h30m, or a number of seconds.',
      );
    }
    ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_MS[unit ?? ''] ?? 0), 0);
  }
  // Whole milliseconds: '0.0001' would round to a deadline that has already passed.
  const whole = Math.round(ms);
  if (!(whole > 0) || whole > MAX_TIMEOUT_MS)
    throw usageError(`${flag} must be at least 1ms and at most 24h, got '${raw}'.`);
  return whole;
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export function validateRegion(region: string): string {
  if (!REGION.test(region)) {
    throw usageError(
      `'${region}' is not an AWS region name.`,
      'Use a region code such as us-east-1 or eu-west-1.',
    );
  }
  return region;
}

/**
 * The region every function names by full ARN, when all of them do and agree: what the ARNs
 * say where the functions are, used when no setting names a region. undefined otherwise.
 */
export function regionFromArns(refs: readonly FunctionRef[]): string | undefined {
  const regions = new Set(refs.map((ref) => ref.region));
  const [only] = regions;
  return regions.size === 1 && only !== undefined ? only : undefined;
}

/** Region name prefixes of the partitions other than `aws`: its ARNs begin `arn:<partition>:`. */
const PARTITIONS: ReadonlyArray<readonly [prefix: string, partition: string]> = [
  ['us-gov-', 'aws-us-gov'],
  ['cn-', 'aws-cn'],
  ['us-iso-', 'aws-iso'],
  ['us-isob-', 'aws-iso-b'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
];

/** The partition a region belongs to, and so the one its ARNs name. */
export function partitionOf(region: string): string {
  return PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * Refuses a full ARN of another partition than the region's (`arn:aws-cn:…` while working in
 * us-east-1): AWS would answer with a confusing error, or not at all.
 */
export function assertSamePartition(ref: FunctionRef, region: string, input: string): void {
  const expected = partitionOf(region);
  if (ref.partition === undefined || ref.partition === expected) return;
  throw usageError(
    `'${input}' is an ARN of the ${ref.partition} partition, but the region in use, ${region}, is in ${expected}.`,
    `Lambda ARNs in ${region} begin with arn:${expected}:lambda:. Pass the function's name, its ARN in ${expected}, or --region with a region of ${ref.partition}.`,
  );
}

export function validateEndpointUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(
      `--endpoint-url '${raw}' is not a URL.`,
      'Use e.g. http://127.0.0.1:4566 or https://lambda.us-east-1.amazonaws.com.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--endpoint-url must use http or https, got '${url.protocol}'.`);
  }
  return raw;
}

/** A whole number in [1, max] for flags such as --concurrency; throws a usage error otherwise. */
export function parseCount(raw: string, flag: string, max: number, why = ''): number {
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw usageError(`${flag} must be a whole number from 1 to ${max}, got '${raw}'.`, why || undefined);
  return n;
}

/** The functions of a --functions-file: one name or ARN a line; blank lines and `#` comments are skipped. */
export function parseFunctionList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((name) => name !== '');
}
