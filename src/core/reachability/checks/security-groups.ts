import type { Check } from '../check.js';
import { missingPhrase } from '../paths.js';
import { allowsHttps, hasEgress, httpsDestinations, summarizeEgress } from '../security-groups.js';

/**
 * The function's security groups. Egress rules of all groups combine on its network interface,
 * so a group without egress is only a problem when no group has any.
 */
export const securityGroups: Check = {
  name: 'security-groups',
  reads: [],
  run(ctx) {
    const { groups, add } = ctx;
    ctx.securityGroups = groups.map(({ id, group: g }) => ({
      id,
      name: g.GroupName,
      vpcId: g.VpcId,
      egress: summarizeEgress(g),
      allowsHttps: (g.IpPermissionsEgress ?? []).some(allowsHttps),
    }));
    ctx.noEgress = groups.length > 0 && !groups.some((x) => hasEgress(x.group));
    const first = groups[0];
    if (!first) return;
    const one = groups.length === 1;
    const ids = groups.map((x) => x.id).join(', ');
    const base = { subject: one ? first.id : undefined };
    const https = httpsDestinations(groups.map((x) => x.group));
    if (ctx.noEgress) {
      add(first.idx, {
        ...base,
        severity: 'warning',
        code: 'SG_NO_EGRESS',
        message: `${one ? `Security group ${ids} has no outbound rules` : `None of the security groups (${ids}) has an outbound rule`}: the function cannot open any connection (internet, AWS services or resources in the VPC).`,
        fix: 'Add an outbound rule, e.g. tcp 443 to 0.0.0.0/0 (the default group allows all outbound traffic).',
      });
    } else if (https.length === 0) {
      const rules = ctx.securityGroups.filter((x) => x.egress !== 'none').map((x) => x.egress);
      add(first.idx, {
        ...base,
        severity: 'warning',
        code: 'SG_NO_HTTPS_EGRESS',
        message: `${one ? `Security group ${ids} allows` : `The security groups ${ids} allow`} outbound ${rules.join('; ')} but not HTTPS (tcp 443): the function cannot call AWS APIs or most web services.`,
        fix: "Add an outbound rule for tcp 443 to 0.0.0.0/0 (or to the VPC endpoints' security group or prefix list).",
      });
    } else if (!https.includes('0.0.0.0/0')) {
      // The path engine judges the union of the rules (0.0.0.0/1 and 128.0.0.0/1 cover it all).
      const egress = ctx.paths.internet.subnets.flatMap((p) => p.hops.filter((h) => h.kind === 'sg-egress'));
      if (egress.length > 0 && egress.every((h) => h.status === 'pass')) return;
      const unknown = egress.find((h) => h.status === 'unknown');
      if (unknown && !egress.some((h) => h.status === 'fail')) {
        add(first.idx, {
          ...base,
          severity: 'info',
          code: 'SG_EGRESS_NOT_PROVED',
          message: `The security groups allow HTTPS (tcp 443) only to ${https.join(', ')}: whether that covers the internet is not known (${missingPhrase(ctx.paths, unknown.missing ?? [])}), so internet access is not proved.`,
          fix: 'Grant the EC2 reads that describe the prefix lists (ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries), or add tcp 443 to 0.0.0.0/0.',
        });
        return;
      }
      add(first.idx, {
        ...base,
        severity: 'info',
        code: 'SG_HTTPS_EGRESS_LIMITED',
        message: `The security groups allow HTTPS (tcp 443) only to ${https.join(', ')}, not to 0.0.0.0/0: the internet and AWS services outside those destinations are blocked.`,
        fix: 'Add tcp 443 to 0.0.0.0/0 if the function calls the internet or AWS APIs through a NAT gateway.',
      });
    }
  },
};
