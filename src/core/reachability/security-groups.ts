import type { Ec2IpPermission, Ec2SecurityGroup } from './types.js';

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function protocolName(p: string | undefined): string {
  const raw = (p ?? '-1').toLowerCase();
  return PROTOCOL_NAMES[raw] ?? raw;
}

function isAllTraffic(rule: Ec2IpPermission): boolean {
  return protocolName(rule.IpProtocol) === '-1';
}

/** Destinations of a rule: CIDRs, IPv6 CIDRs, prefix lists and security groups. */
export function ruleDestinations(rule: Ec2IpPermission): string[] {
  const out: string[] = [];
  for (const r of rule.IpRanges ?? []) if (r.CidrIp) out.push(r.CidrIp);
  for (const r of rule.Ipv6Ranges ?? []) if (r.CidrIpv6) out.push(r.CidrIpv6);
  for (const r of rule.PrefixListIds ?? []) if (r.PrefixListId) out.push(r.PrefixListId);
  for (const r of rule.UserIdGroupPairs ?? []) if (r.GroupId) out.push(r.GroupId);
  return out;
}

function coversPort(rule: Ec2IpPermission, port: number): boolean {
  const from = rule.FromPort;
  const to = rule.ToPort;
  if (from === undefined || from === -1) return true;
  return from <= port && port <= (to === undefined || to === -1 ? from : to);
}

/** Whether the rule lets tcp/443 out (to any destination). */
export function allowsHttps(rule: Ec2IpPermission): boolean {
  if (ruleDestinations(rule).length === 0) return false;
  if (isAllTraffic(rule)) return true;
  return protocolName(rule.IpProtocol) === 'tcp' && coversPort(rule, 443);
}

/** Whether the rule lets tcp/443 out to 0.0.0.0/0 (the internet through a NAT gateway). */
export function allowsHttpsToAnywhere(rule: Ec2IpPermission): boolean {
  return allowsHttps(rule) && (rule.IpRanges ?? []).some((r) => r.CidrIp === '0.0.0.0/0');
}

function describeRule(rule: Ec2IpPermission): string {
  const dest = ruleDestinations(rule);
  const proto = protocolName(rule.IpProtocol);
  if (proto === '-1') {
    const onlyAnywhere = dest.length > 0 && dest.every((d) => d === '0.0.0.0/0' || d === '::/0');
    return onlyAnywhere ? 'all traffic' : `all traffic to ${dest.join(', ')}`;
  }
  let ports = '';
  if (proto === 'tcp' || proto === 'udp') {
    const from = rule.FromPort;
    const to = rule.ToPort ?? from;
    if (from === undefined || from === -1 || (from === 0 && to === 65535)) ports = ' all ports';
    else ports = from === to ? ` ${from}` : ` ${from}-${to}`;
  }
  return `${proto}${ports} to ${dest.join(', ')}`;
}

/** One-line summary of a group's outbound rules, e.g. 'all traffic', 'tcp 443 to 0.0.0.0/0', 'none'. */
export function summarizeEgress(group: Ec2SecurityGroup): string {
  const rules = (group.IpPermissionsEgress ?? []).filter((r) => ruleDestinations(r).length > 0);
  if (rules.length === 0) return 'none';
  // An IPv4 and an IPv6 all-traffic rule both read 'all traffic': say it once.
  return [...new Set(rules.map(describeRule))].join('; ');
}

export function hasEgress(group: Ec2SecurityGroup): boolean {
  return (group.IpPermissionsEgress ?? []).some((r) => ruleDestinations(r).length > 0);
}

/** Destinations to which the groups (combined, as on the function's ENI) allow tcp 443. */
export function httpsDestinations(groups: readonly Ec2SecurityGroup[]): string[] {
  const out = new Set<string>();
  for (const g of groups) {
    for (const r of g.IpPermissionsEgress ?? [])
      if (allowsHttps(r)) for (const d of ruleDestinations(r)) out.add(d);
  }
  return [...out];
}
