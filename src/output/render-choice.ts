import type { ChalkInstance } from 'chalk';
import type { NetworkChoiceReport, SubnetCandidate } from '../core/network-choice.js';

const BY: Record<string, string> = {
  given: 'as named',
  like: 'copied from --like',
  chooser: 'chosen from the live routes',
  created: '--create-sg',
};

const CREATED: Record<string, string> = {
  planned: 'would be created (egress all, no ingress)',
  reused: 'exists already: reused, nothing created',
  created: 'created (egress all, no ingress)',
  'created-answer-lost': "created: the create's answer was lost, and a read by name found it",
};

function subnetLine(s: SubnetCandidate, c: ChalkInstance): string {
  const mark = s.decision === 'chosen' ? c.green('✓') : c.dim('·');
  const where = [s.az, s.azId].filter(Boolean).join('/');
  const decision = s.decision === 'chosen' ? 'chosen' : c.dim(s.decision);
  return `  ${mark} ${s.id.padEnd(24)} ${where.padEnd(22)} ${decision}: ${s.reason}`;
}

/** attach's stderr lines about the network it chose (the `choice` section, for people). */
export function renderChoice(r: NetworkChoiceReport, c: ChalkInstance): string {
  const vpc = r.vpc.name ? `${r.vpc.id} (${r.vpc.name})` : r.vpc.id;
  const lines = [`${c.bold('Network choice:')} ${vpc}`];
  lines.push(`  subnets ${BY[r.subnets.chosenBy]}: ${r.subnets.subnetIds.join(', ')}`);
  for (const s of r.subnets.candidates) lines.push(subnetLine(s, c));
  const groups = r.securityGroups.groups
    .map((g) => `${g.id}${g.name ? ` (${g.name}, egress ${g.egress})` : ''}`)
    .join(', ');
  lines.push(`  security groups ${BY[r.securityGroups.chosenBy]}: ${groups}`);
  if (r.createdSecurityGroup)
    lines.push(`  group ${r.createdSecurityGroup.name}: ${CREATED[r.createdSecurityGroup.outcome]}`);
  if (r.ipv6AllowedForDualStack) lines.push('  IPv6 dual-stack: on');
  for (const w of r.warnings) lines.push(`  ${c.yellow('note:')} ${w}`);
  return lines.join('\n');
}
