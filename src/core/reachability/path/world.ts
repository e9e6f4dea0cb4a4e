/**
 * The input, indexed once, and the rule every hop follows about reads: a list that is empty
 * because its read was denied proves nothing, so a hop asks `denied(...)` for the reads it needs
 * and is `unknown` when one is missing.
 */

import type {
  Ec2ManagedPrefixList,
  Ec2NetworkInterface,
  Ec2SecurityGroup,
  Ec2Subnet,
  Ec2VpcEndpoint,
} from '../types.js';
import { type Cidr, type Family, parseCidr, parseIp } from './cidr.js';
import type { Hop, HopKind, HopStatus, Protocol, TraceInput } from './types.js';

/** The EC2 actions behind each input list, named as IAM names them (as `deniedReads` carries them). */
export const READ = {
  subnets: 'ec2:DescribeSubnets',
  groups: 'ec2:DescribeSecurityGroups',
  routes: 'ec2:DescribeRouteTables',
  acls: 'ec2:DescribeNetworkAcls',
  prefixLists: 'ec2:DescribeManagedPrefixLists',
  prefixListEntries: 'ec2:GetManagedPrefixListEntries',
  nat: 'ec2:DescribeNatGateways',
  endpoints: 'ec2:DescribeVpcEndpoints',
  interfaces: 'ec2:DescribeNetworkInterfaces',
  vpcAttributes: 'ec2:DescribeVpcAttribute',
  igw: 'ec2:DescribeInternetGateways',
  eigw: 'ec2:DescribeEgressOnlyInternetGateways',
} as const;

/** Lambda's source ports, on which replies come back: the range both ACLs must pass for the return. */
export const EPHEMERAL: readonly [number, number] = [1024, 65535];

export interface Traffic {
  protocol: Protocol;
  port: number;
}

export interface World {
  readonly input: TraceInput;
  readonly region: string;
  /** The function's VPC: that of its first subnet found, else of its first group. */
  readonly vpcId: string | undefined;
  /** The reads among `reads` that were denied. */
  denied(...reads: string[]): string[];
  subnet(id: string | undefined): Ec2Subnet | undefined;
  group(id: string): Ec2SecurityGroup | undefined;
  endpoint(id: string): Ec2VpcEndpoint | undefined;
  /** A prefix list's CIDRs of one family, or undefined when its entries are not known. */
  prefixCidrs(id: string, family: Family): Cidr[] | undefined;
  /** What is missing when `prefixCidrs` is undefined: the denied read, or the list itself. */
  prefixMissing(id: string): string[];
  prefixListNamed(name: string): Ec2ManagedPrefixList | undefined;
  interfaceById(id: string): Ec2NetworkInterface | undefined;
  interfaceByAddress(address: string): Ec2NetworkInterface | undefined;
  interfacesInGroup(groupId: string): Ec2NetworkInterface[];
}

/** Every address an interface holds, IPv4 and IPv6. */
export function addressesOf(eni: Ec2NetworkInterface): string[] {
  const out = new Set<string>();
  if (eni.PrivateIpAddress) out.add(eni.PrivateIpAddress);
  for (const a of eni.PrivateIpAddresses ?? []) if (a.PrivateIpAddress) out.add(a.PrivateIpAddress);
  for (const a of eni.Ipv6Addresses ?? []) if (a.Ipv6Address) out.add(a.Ipv6Address);
  return [...out];
}

const sameAddress = (a: string, b: string) => {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
};

export function makeWorld(input: TraceInput): World {
  const deniedSet = new Set(input.deniedReads ?? []);
  // A list whose read was denied proves nothing, whatever it holds: index it as empty.
  const read = <T>(action: string, list: readonly T[]): readonly T[] => (deniedSet.has(action) ? [] : list);
  const subnets = new Map(read(READ.subnets, input.subnets).map((s) => [s.SubnetId, s]));
  const groups = new Map(read(READ.groups, input.securityGroups).map((g) => [g.GroupId, g]));
  const endpoints = new Map(read(READ.endpoints, input.vpcEndpoints).map((e) => [e.VpcEndpointId, e]));
  const entriesRead = !deniedSet.has(READ.prefixListEntries);
  const lists = new Map(read(READ.prefixLists, input.prefixLists).map((p) => [p.PrefixListId, p]));
  const nics = read(READ.interfaces, input.networkInterfaces);
  const interfaces = new Map(nics.map((n) => [n.NetworkInterfaceId, n]));
  const firstSubnet = input.function.subnetIds.map((id) => subnets.get(id)).find((s) => s);
  const firstGroup = input.function.securityGroupIds.map((id) => groups.get(id)).find((g) => g);
  return {
    input,
    region: input.region,
    vpcId: firstSubnet?.VpcId ?? firstGroup?.VpcId,
    denied: (...reads) => reads.filter((r) => deniedSet.has(r)),
    subnet: (id) => (id === undefined ? undefined : subnets.get(id)),
    group: (id) => groups.get(id),
    endpoint: (id) => endpoints.get(id),
    prefixCidrs(id, family) {
      const pl = entriesRead ? lists.get(id) : undefined;
      const raw = pl?.Entries?.map((e) => e.Cidr) ?? pl?.Cidrs;
      if (!raw) return undefined;
      return raw.map(parseCidr).filter((c): c is Cidr => c !== undefined && c.family === family);
    },
    prefixMissing(id) {
      const denied = [READ.prefixLists, READ.prefixListEntries].filter((r) => deniedSet.has(r));
      return denied.length > 0 ? denied : [`the entries of ${id}`];
    },
    prefixListNamed: (name) => [...lists.values()].find((p) => p.PrefixListName === name),
    interfaceById: (id) => interfaces.get(id),
    interfaceByAddress: (address) => nics.find((n) => addressesOf(n).some((a) => sameAddress(a, address))),
    interfacesInGroup: (groupId) => nics.filter((n) => (n.Groups ?? []).some((g) => g.GroupId === groupId)),
  };
}

export interface HopInit {
  kind: HopKind;
  status: HopStatus;
  detail: string;
  resource?: string | undefined;
  subnetId?: string | undefined;
  toward?: string | undefined;
  evidence?: readonly string[] | undefined;
  missing?: readonly string[] | undefined;
  fix?: string | undefined;
}

/** A hop with its optional fields left out when empty (they are the JSON output's fields). */
export function hop(h: HopInit): Hop {
  const out: Hop = { kind: h.kind, status: h.status, detail: h.detail, evidence: [...(h.evidence ?? [])] };
  if (h.resource !== undefined) out.resource = h.resource;
  if (h.subnetId !== undefined) out.subnetId = h.subnetId;
  if (h.toward !== undefined) out.toward = h.toward;
  if (h.missing !== undefined && h.missing.length > 0) out.missing = [...h.missing];
  if (h.fix !== undefined) out.fix = h.fix;
  return out;
}

/** An `unknown` hop for reads that were denied. */
export const deniedHop = (init: Omit<HopInit, 'status'>, reads: readonly string[]): Hop =>
  hop({
    ...init,
    status: 'unknown',
    missing: reads,
    detail: `${init.detail} (no permission for ${reads.join(', ')})`,
  });

export const describeTraffic = (t: Traffic | { protocol: Protocol; ports: readonly [number, number] }) =>
  'port' in t
    ? `${t.protocol} ${t.port}`
    : `${t.protocol} ${t.ports[0] === t.ports[1] ? t.ports[0] : `${t.ports[0]}-${t.ports[1]}`}`;
