/**
 * Network ACLs: stateless, per subnet, entries by rule number lowest first, the first entry that
 * matches the packet decides, and a packet no entry matches is denied (the `*` rule).
 *
 * A query asks about a set of packets (a protocol, a port range, a set of remote addresses), not
 * one packet: the function's address is some address of its subnet, the internet is every public
 * address, replies come back on any ephemeral port. So the answer is `allow` when every packet of
 * the set is allowed, `deny` when, for some ports, every address is denied (a reply on those
 * ports is always dropped), and `partial` when it depends on the address: then only knowing the
 * address could tell, and the hop is `unknown`.
 */

import type { Ec2NetworkAcl, Ec2NetworkAclEntry } from '../types.js';
import { type Cidr, contains, formatCidr, overlaps, parseCidr, partition, SPLIT } from './cidr.js';
import type { Protocol } from './types.js';

export interface AclQuery {
  outbound: boolean;
  protocol: Protocol;
  /** Destination ports, inclusive. */
  ports: readonly [number, number];
  /** The remote addresses (destination when outbound, source when inbound), one family. */
  remote: readonly Cidr[];
}

export interface AclDecision {
  /** The entry that decided, or undefined for the implicit deny when no entry matches. */
  entry: Ec2NetworkAclEntry | undefined;
  allow: boolean;
}

export interface AclResult {
  status: 'allow' | 'deny' | 'partial';
  /** The entries that decided some of the packets, in rule order (implicit deny last). */
  decided: AclDecision[];
  /** Port ranges on which every remote address is denied. */
  deniedPorts: Array<[number, number]>;
  /** The lowest-numbered entry that denied something: a fixing entry goes before it. */
  firstDeny: AclDecision | undefined;
}

/** The subnet's ACL: the one listing it in its associations, else the VPC's default ACL. */
export function aclOf(
  subnetId: string,
  vpcId: string | undefined,
  acls: readonly Ec2NetworkAcl[],
): Ec2NetworkAcl | undefined {
  return (
    acls.find((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId)) ??
    acls.find((a) => a.IsDefault === true && vpcId !== undefined && a.VpcId === vpcId)
  );
}

const PROTOCOLS: Record<string, Protocol | 'all'> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
};

function entryProtocol(e: Ec2NetworkAclEntry): Protocol | 'all' | 'other' {
  return PROTOCOLS[(e.Protocol ?? '').toLowerCase()] ?? 'other';
}

/** The entry's port range; all ports when the entry is for all protocols. */
function entryPorts(e: Ec2NetworkAclEntry): [number, number] {
  if (entryProtocol(e) === 'all' || !e.PortRange) return [0, 65535];
  const from = e.PortRange.From ?? 0;
  return [from, e.PortRange.To ?? from];
}

function entryCidr(e: Ec2NetworkAclEntry): Cidr | undefined {
  return parseCidr(e.CidrBlock ?? e.Ipv6CidrBlock);
}

/** The `*` entry AWS lists last: 32767 for IPv4, 32768 for IPv6. */
const isStar = (e: Ec2NetworkAclEntry | undefined) =>
  e === undefined || e.RuleNumber === 32767 || e.RuleNumber === 32768;

export function describeEntry(e: Ec2NetworkAclEntry | undefined, outbound: boolean): string {
  if (isStar(e)) return 'rule * deny all traffic';
  const entry = e as Ec2NetworkAclEntry;
  const proto = entryProtocol(entry);
  const [from, to] = entryPorts(entry);
  const what =
    proto === 'all'
      ? 'all traffic'
      : `${proto === 'other' ? `protocol ${entry.Protocol}` : proto} ${from === to ? from : `${from}-${to}`}`;
  const cidr = entry.CidrBlock ?? entry.Ipv6CidrBlock ?? '?';
  return `rule ${entry.RuleNumber ?? '?'} ${entry.RuleAction ?? '?'} ${what} ${outbound ? 'to' : 'from'} ${cidr}`;
}

export function evaluateAcl(acl: Ec2NetworkAcl, q: AclQuery): AclResult {
  const family = q.remote[0]?.family ?? 4;
  const entries = (acl.Entries ?? [])
    .filter((e) => (e.Egress ?? false) === q.outbound)
    .filter((e) => {
      const p = entryProtocol(e);
      return p === 'all' || p === q.protocol;
    })
    .map((e) => ({ e, cidr: entryCidr(e), ports: entryPorts(e) }))
    .filter(
      (x): x is { e: Ec2NetworkAclEntry; cidr: Cidr; ports: [number, number] } => x.cidr?.family === family,
    )
    .sort((a, b) => (a.e.RuleNumber ?? 0) - (b.e.RuleNumber ?? 0));

  // Cut the port range where an entry's range starts or ends: within a piece, every entry
  // applies to all of its ports or to none.
  const [lo, hi] = q.ports;
  const cuts = new Set([lo, hi + 1]);
  for (const { ports } of entries) {
    if (ports[0] > lo && ports[0] <= hi) cuts.add(ports[0]);
    if (ports[1] + 1 > lo && ports[1] + 1 <= hi) cuts.add(ports[1] + 1);
  }
  const edges = [...cuts].sort((a, b) => a - b);
  const decided = new Map<Ec2NetworkAclEntry | undefined, AclDecision>();
  const deniedPorts: Array<[number, number]> = [];
  let allAllowed = true;
  for (let i = 0; i + 1 < edges.length; i++) {
    const piece: [number, number] = [edges[i] as number, (edges[i + 1] as number) - 1];
    const live = entries.filter((x) => x.ports[0] <= piece[0] && piece[1] <= x.ports[1]);
    const leaves = q.remote.flatMap((block) =>
      partition(block, (b) => {
        const first = live.find((x) => overlaps(x.cidr, b));
        if (!first) return undefined;
        return contains(first.cidr, b) ? first.e : SPLIT;
      }),
    );
    let pieceAllowed = false;
    let pieceDenied = false;
    for (const { value: e } of leaves) {
      const allow = e !== undefined && e.RuleAction === 'allow';
      if (!decided.has(e)) decided.set(e, { entry: e, allow });
      if (allow) pieceAllowed = true;
      else pieceDenied = true;
    }
    if (pieceDenied) allAllowed = false;
    if (pieceDenied && !pieceAllowed) {
      const last = deniedPorts.at(-1);
      if (last && last[1] + 1 === piece[0]) last[1] = piece[1];
      else deniedPorts.push(piece);
    }
  }
  const order = (d: AclDecision) =>
    d.entry === undefined ? Number.MAX_SAFE_INTEGER : (d.entry.RuleNumber ?? 0);
  const list = [...decided.values()].sort((a, b) => order(a) - order(b));
  let status: AclResult['status'] = 'partial';
  if (allAllowed) status = 'allow';
  else if (deniedPorts.length > 0) status = 'deny';
  return { status, decided: list, deniedPorts, firstDeny: list.find((d) => !d.allow) };
}

/** A rule number for a new allow entry that is evaluated before `before` (the entry that denied). */
export function freeRuleNumber(
  acl: Ec2NetworkAcl,
  outbound: boolean,
  before: Ec2NetworkAclEntry | undefined,
): number {
  const used = new Set(
    (acl.Entries ?? []).filter((e) => (e.Egress ?? false) === outbound).map((e) => e.RuleNumber ?? 0),
  );
  const limit = isStar(before) ? 32767 : (before?.RuleNumber ?? 32767);
  if (isStar(before)) {
    // After the existing entries, on the next multiple of 10, like the console's numbering.
    const top = Math.max(0, ...[...used].filter((n) => n < 32767));
    const next = Math.min(32766, Math.floor(top / 10) * 10 + 10);
    if (!used.has(next)) return next;
  }
  for (let n = limit - 1; n >= 1; n--) if (!used.has(n)) return n;
  return 1;
}

export const formatRemote = (blocks: readonly Cidr[]): string =>
  blocks.length > 3
    ? `${blocks.slice(0, 3).map(formatCidr).join(', ')} and ${blocks.length - 3} more`
    : blocks.map(formatCidr).join(', ');
