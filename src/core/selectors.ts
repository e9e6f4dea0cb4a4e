/**
 * Naming VPCs, subnets and security groups without their IDs: `name:VALUE` (the Name tag; a
 * security group's group name too) and `tag:KEY=VALUE` (`tag:KEY` for any value), with EC2's
 * filter wildcards `*` and `?`. Pure: parsing, and matching against describe results.
 */
import { usageError } from '../errors.js';
import type { Ec2Tag } from './reachability/types.js';
import { SECURITY_GROUP_ID, SECURITY_GROUP_LIMIT, SUBNET_ID, SUBNET_LIMIT } from './validate.js';

export type Selector =
  | { kind: 'name'; value: string }
  | { kind: 'tag'; key: string; value: string | undefined };

export type VpcSelector = { kind: 'id'; id: string } | Selector;

/** A --subnets or --sg list: IDs and selectors may be mixed. */
export interface ResourceList {
  ids: string[];
  selectors: Selector[];
  /** As typed (for the JSON `asked` and the messages). */
  raw: string[];
  notes: string[];
}

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** The selector as typed: 'name:prod', 'tag:tier=private'. */
export const selectorText = (s: Selector): string =>
  s.kind === 'name' ? `name:${s.value}` : `tag:${s.key}${s.value === undefined ? '' : `=${s.value}`}`;

/** name:VALUE or tag:KEY[=VALUE]; undefined when the text is neither. */
export function parseSelector(text: string): Selector | undefined {
  if (text.startsWith('name:')) {
    const value = text.slice(5);
    return value ? { kind: 'name', value } : undefined;
  }
  if (text.startsWith('tag:')) {
    const body = text.slice(4);
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    if (!key) return undefined;
    return { kind: 'tag', key, value: eq < 0 ? undefined : body.slice(eq + 1) };
  }
  return undefined;
}

export function parseVpcSelector(raw: string): VpcSelector {
  const text = raw.trim();
  if (VPC_ID.test(text)) return { kind: 'id', id: text };
  const selector = parseSelector(text);
  if (selector) return selector;
  throw usageError(
    `--vpc ${raw}: not a VPC ID, name:VALUE or tag:KEY=VALUE.`,
    'Examples: --vpc vpc-0a1b2c3d4e5f60001, --vpc name:prod, --vpc tag:env=prod',
  );
}

const LISTS = {
  subnet: {
    flag: '--subnets',
    label: 'subnet',
    pattern: SUBNET_ID,
    max: SUBNET_LIMIT,
    example: 'subnet-0a1b2c3d4e5f60001',
    prefix: 'subnet',
    idExample: 'subnet-0123456789abcdef0',
  },
  securityGroup: {
    flag: '--sg',
    label: 'security group',
    pattern: SECURITY_GROUP_ID,
    max: SECURITY_GROUP_LIMIT,
    example: 'sg-0a1b2c3d4e5f60001',
    prefix: 'sg',
    idExample: 'sg-0123456789abcdef0',
  },
} as const;

/** A comma-separated, repeatable --subnets or --sg: IDs, name: and tag: selectors. */
export function parseResourceList(raw: readonly string[], kind: keyof typeof LISTS): ResourceList {
  const spec = LISTS[kind];
  const items = raw
    .flatMap((part) => part.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw usageError(`${spec.flag} needs at least one ${spec.label} ID or selector.`);
  const ids: string[] = [];
  const selectors: Selector[] = [];
  for (const item of items) {
    if (spec.pattern.test(item)) {
      ids.push(item);
      continue;
    }
    const selector = parseSelector(item);
    if (!selector && item.startsWith(`${spec.prefix}-`))
      throw usageError(`'${item}' is not a valid ${spec.label} ID (expected e.g. ${spec.idExample}).`);
    if (!selector)
      throw usageError(
        `'${item}' is not a ${spec.label} ID (e.g. ${spec.example}), name:VALUE or tag:KEY=VALUE (${spec.flag}).`,
      );
    selectors.push(selector);
  }
  const unique = [...new Set(ids)];
  const notes: string[] = [];
  if (unique.length < ids.length) {
    const dropped = ids.length - unique.length;
    notes.push(`Removed ${dropped} duplicate ${spec.label} ID${dropped > 1 ? 's' : ''} from ${spec.flag}.`);
  }
  if (unique.length > spec.max)
    throw usageError(`${spec.flag} has ${unique.length} ${spec.label}s; Lambda allows at most ${spec.max}.`);
  return { ids: unique, selectors, raw: items, notes };
}

/** EC2's filter wildcards: `*` any run, `?` one character; case-sensitive, as EC2 matches. */
export function wildcardMatches(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

const tagValue = (tags: readonly Ec2Tag[] | undefined, key: string) =>
  tags?.find((t) => t.Key === key)?.Value;

/** Whether a resource with these tags (and, for a security group, this group name) matches. */
export function selectorMatches(
  selector: Selector,
  resource: { Tags?: readonly Ec2Tag[] | undefined; GroupName?: string | undefined },
): boolean {
  if (selector.kind === 'name') {
    const name = tagValue(resource.Tags, 'Name');
    return (
      (name !== undefined && wildcardMatches(selector.value, name)) ||
      (resource.GroupName !== undefined && wildcardMatches(selector.value, resource.GroupName))
    );
  }
  const value = tagValue(resource.Tags, selector.key);
  if (value === undefined) return false;
  return selector.value === undefined || wildcardMatches(selector.value, value);
}

/** The EC2 filter that finds a selector's matches server-side (a security group's name: is matched locally too). */
export function selectorFilter(selector: Selector): { Name: string; Values: string[] } {
  if (selector.kind === 'name') return { Name: 'tag:Name', Values: [selector.value] };
  return selector.value === undefined
    ? { Name: 'tag-key', Values: [selector.key] }
    : { Name: `tag:${selector.key}`, Values: [selector.value] };
}

/** 'sg-0abc (lambda-egress)': a resource as the messages name it. */
export function labelOf(resource: {
  id: string;
  Tags?: readonly Ec2Tag[] | undefined;
  GroupName?: string | undefined;
}) {
  const name = tagValue(resource.Tags, 'Name') ?? resource.GroupName;
  return name ? `${resource.id} (${name})` : resource.id;
}

export const nameTag = (tags: readonly Ec2Tag[] | undefined): string | null => tagValue(tags, 'Name') ?? null;

/**
 * A list's IDs and selectors against the VPC's resources: every ID must be one of them, and every
 * selector match at least one. `flag` and `kind` word the usage errors.
 */
export function resolveList<
  T extends { Tags?: readonly Ec2Tag[] | undefined; GroupName?: string | undefined },
>(
  list: ResourceList,
  resources: readonly T[],
  idOf: (r: T) => string | undefined,
  where: { kind: keyof typeof LISTS; vpcId: string },
): string[] {
  const spec = LISTS[where.kind];
  const known = new Set(resources.map(idOf));
  const outside = list.ids.filter((id) => !known.has(id));
  if (outside.length > 0)
    throw usageError(
      `${spec.flag}: ${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not in ${where.vpcId} (or not found in this Region).`,
      `Name ${spec.label}s of ${where.vpcId}, or choose another VPC.`,
    );
  const ids = [...list.ids];
  for (const selector of list.selectors) {
    const matched = resources.filter((r) => selectorMatches(selector, r)).map((r) => idOf(r) ?? '');
    if (matched.length === 0) {
      const some = resources
        .slice(0, 10)
        .map((r) => labelOf({ ...r, id: idOf(r) ?? '?' }))
        .join(', ');
      throw usageError(
        `${spec.flag} ${selectorText(selector)} matches no ${spec.label} in ${where.vpcId}.`,
        resources.length === 0
          ? `${where.vpcId} has none.`
          : `It has: ${some}${resources.length > 10 ? ', …' : ''}.`,
      );
    }
    ids.push(...matched);
  }
  const unique = [...new Set(ids)];
  if (unique.length > spec.max)
    throw usageError(
      `${spec.flag} ${list.raw.join(',')} names ${unique.length} ${spec.label}s; Lambda allows at most ${spec.max}.`,
    );
  return unique;
}
