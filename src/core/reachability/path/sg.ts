/**
 * Security groups: stateful allow-lists. The rules of all the groups on an interface add up, so
 * traffic passes when any rule of any group admits it (the reply then needs no rule). A rule
 * names its peer by CIDR, by prefix list (its entries) or by group (the interfaces in it).
 */

import type { Ec2IpPermission } from '../types.js';
import { type Cidr, coverage, type Family, formatCidr, overlaps, parseCidr } from './cidr.js';
import { egressFix, ingressFix, type RulePeer } from './fixes.js';
import type { Hop, HopKind } from './types.js';
import { deniedHop, describeTraffic, hop, READ, type Traffic, type World } from './world.js';

/** The other end of the traffic, as a rule would have to name it. */
export interface Peer {
  family: Family;
  /** Its possible addresses (a rule must cover all of them). */
  blocks: readonly Cidr[];
  /** The groups on its interface; undefined when unknown (a rule naming a group may then match). */
  groupIds: readonly string[] | undefined;
  /** A prefix list standing for it (a gateway endpoint's service): a rule naming it matches. */
  prefixListId?: string | undefined;
  label: string;
  /**
   * Every address must be reachable (the internet): an allow-list that covers only part of it
   * ("egress only to the S3 prefix list") is no internet access, so partial coverage fails.
   */
  whole?: boolean | undefined;
  /** What would settle a `partial` answer, when `blocks` is a superset of the real addresses. */
  settles?: readonly string[] | undefined;
}

const PROTOCOLS: Record<string, string> = { '-1': 'all', '6': 'tcp', '17': 'udp' };
const protocolOf = (r: Ec2IpPermission) => {
  const p = (r.IpProtocol ?? '-1').toLowerCase();
  return PROTOCOLS[p] ?? p;
};

function ruleCovers(r: Ec2IpPermission, t: Traffic): boolean {
  const p = protocolOf(r);
  if (p === 'all') return true;
  if (p !== t.protocol) return false;
  const from = r.FromPort;
  if (from === undefined || from === -1) return true;
  const to = r.ToPort === undefined || r.ToPort === -1 ? from : r.ToPort;
  return from <= t.port && t.port <= to;
}

function ruleTraffic(r: Ec2IpPermission): string {
  const p = protocolOf(r);
  if (p === 'all') return 'all traffic';
  const from = r.FromPort;
  const to = r.ToPort ?? from;
  if (from === undefined || from === -1 || (from === 0 && to === 65535)) return `${p} all ports`;
  return from === to ? `${p} ${from}` : `${p} ${from}-${to}`;
}

interface RulesResult {
  status: 'allow' | 'deny' | 'partial' | 'unknown';
  evidence: string[];
  missing: string[];
}

/** Whether the rules of `groups` (one direction) admit `t` to or from `peer`. */
export function matchRules(
  world: World,
  groups: ReadonlyArray<{ id: string; rules: readonly Ec2IpPermission[] }>,
  egress: boolean,
  t: Traffic,
  peer: Peer,
): RulesResult {
  const dir = egress ? 'egress' : 'ingress';
  const toFrom = egress ? 'to' : 'from';
  const full: string[] = [];
  const cidrs: Array<{ cidr: Cidr; text: string }> = [];
  const open: string[] = [];
  const missing: string[] = [];
  for (const { id, rules } of groups) {
    for (const r of rules.filter((x) => ruleCovers(x, t))) {
      const say = (what: string) => `${id} ${dir} ${ruleTraffic(r)} ${toFrom} ${what}`;
      for (const pair of r.UserIdGroupPairs ?? []) {
        if (!pair.GroupId) continue;
        if (peer.groupIds?.includes(pair.GroupId)) full.push(say(pair.GroupId));
        else if (peer.groupIds === undefined) open.push(say(pair.GroupId));
      }
      for (const pl of r.PrefixListIds ?? []) {
        if (!pl.PrefixListId) continue;
        if (pl.PrefixListId === peer.prefixListId) {
          full.push(say(pl.PrefixListId));
          continue;
        }
        const entries = world.prefixCidrs(pl.PrefixListId, peer.family);
        if (entries)
          for (const cidr of entries)
            cidrs.push({ cidr, text: say(`${pl.PrefixListId} (${formatCidr(cidr)})`) });
        else {
          open.push(say(pl.PrefixListId));
          missing.push(...world.prefixMissing(pl.PrefixListId));
        }
      }
      const ranges =
        peer.family === 4
          ? (r.IpRanges ?? []).map((x) => x.CidrIp)
          : (r.Ipv6Ranges ?? []).map((x) => x.CidrIpv6);
      for (const text of ranges) {
        const cidr = parseCidr(text);
        if (cidr?.family === peer.family) cidrs.push({ cidr, text: say(formatCidr(cidr)) });
      }
    }
  }
  if (full.length > 0) return { status: 'allow', evidence: full, missing: [] };
  const used = cidrs.filter((c) => peer.blocks.some((b) => overlaps(b, c.cidr))).map((c) => c.text);
  const covered = coverage(
    peer.blocks,
    cidrs.map((c) => c.cidr),
  );
  if (covered === 'all') return { status: 'allow', evidence: used, missing: [] };
  if (open.length > 0) {
    const why = peer.groupIds === undefined ? [`the groups of ${peer.label}`] : [];
    return { status: 'unknown', evidence: [...used, ...open], missing: [...new Set([...missing, ...why])] };
  }
  return { status: covered === 'some' ? 'partial' : 'deny', evidence: used, missing: [] };
}

interface GroupsCheck {
  kind: HopKind;
  /** The groups whose rules apply (the function's for egress, the target's for ingress). */
  groupIds: readonly string[];
  egress: boolean;
  traffic: Traffic;
  peer: Peer;
  toward?: string | undefined;
  /** The group a fixing rule goes into, and what it names (ingress: the function's group). */
  fixGroup: string | undefined;
  fixPeer: RulePeer;
}

/** A security-group hop: the function's egress, or a target's ingress from the function. */
export function groupsHop(world: World, c: GroupsCheck): Hop {
  const kind = c.kind;
  const ids = c.groupIds.join(', ');
  const dir = c.egress ? 'egress' : 'ingress';
  const where = `${describeTraffic(c.traffic)} ${c.egress ? 'to' : 'from'} ${c.peer.label}`;
  const base = { kind, toward: c.toward, resource: c.groupIds.length === 1 ? c.groupIds[0] : undefined };
  const denied = world.denied(READ.groups);
  if (denied.length > 0) return deniedHop({ ...base, detail: `${dir} rules of ${ids}` }, denied);
  if (c.groupIds.length === 0) {
    return hop({
      ...base,
      status: 'unknown',
      detail: `no security group is known for ${dir}`,
      missing: ['security groups'],
    });
  }
  const found = c.groupIds.flatMap((id) => {
    const g = world.group(id);
    return g ? [{ id, rules: (c.egress ? g.IpPermissionsEgress : g.IpPermissions) ?? [] }] : [];
  });
  const absent = c.groupIds.filter((id) => !world.group(id));
  const r = matchRules(world, found, c.egress, c.traffic, c.peer);
  if (r.status === 'allow')
    return hop({ ...base, status: 'pass', detail: `${ids} ${dir} allows ${where}`, evidence: r.evidence });
  if (absent.length > 0 || r.status === 'unknown') {
    const missing = [...r.missing, ...absent.map((id) => `security group ${id}`)];
    return hop({
      ...base,
      status: 'unknown',
      detail: `${ids} ${dir} may allow ${where}: ${absent.length > 0 ? `${absent.join(', ')} not found` : 'a rule names a group or prefix list whose members are not known'}`,
      evidence: r.evidence,
      missing,
    });
  }
  if (r.status === 'partial' && !c.peer.whole) {
    return hop({
      ...base,
      status: 'unknown',
      detail: `${ids} ${dir} allows ${where} only for some of its addresses: it depends on the address`,
      evidence: r.evidence,
      missing: c.peer.settles,
    });
  }
  const fixGroup = c.fixGroup;
  return hop({
    ...base,
    status: 'fail',
    detail:
      r.status === 'partial'
        ? `${ids} ${dir} allows ${describeTraffic(c.traffic)} only to part of ${c.peer.label}`
        : `no ${dir} rule of ${ids} allows ${where}`,
    evidence: r.evidence,
    fix:
      fixGroup === undefined
        ? undefined
        : c.egress
          ? egressFix(fixGroup, c.traffic.protocol, c.traffic.port, c.fixPeer)
          : ingressFix(fixGroup, c.traffic.protocol, c.traffic.port, c.fixPeer),
  });
}
