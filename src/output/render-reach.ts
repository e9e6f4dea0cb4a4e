import type { ChalkInstance } from 'chalk';
import type { ReachReport, ReachTargetResult } from '../core/reach-resolve.js';
import type { Hop, HopStatus, Verdict } from '../core/reachability/path/index.js';

const VERDICT_MARK: Record<Verdict, (c: ChalkInstance) => string> = {
  reachable: (c) => c.green('✔'),
  unreachable: (c) => c.red('✖'),
  unknown: (c) => c.yellow('?'),
};

const HOP_MARK: Record<HopStatus, (c: ChalkInstance) => string> = {
  pass: (c) => c.green('✔'),
  fail: (c) => c.red('✖'),
  unknown: (c) => c.yellow('?'),
};

const paintVerdict = (v: Verdict, c: ChalkInstance) =>
  v === 'reachable' ? c.green(v) : v === 'unreachable' ? c.red(v) : c.yellow(v);

/** One hop: what was checked and what decided, then its evidence, what is missing, and the fix. */
export function renderHop(h: Hop, c: ChalkInstance, indent = '    '): string[] {
  // The detail names the resource as a rule; the subnet and the destination only when it does not.
  const extra = [
    h.resource && !h.detail.includes(h.resource) ? h.resource : '',
    h.subnetId && !h.detail.includes(h.subnetId) ? `in ${h.subnetId}` : '',
    h.toward && !h.detail.includes(h.toward) ? `→ ${h.toward}` : '',
  ].filter(Boolean);
  const lines = [
    `${indent}${HOP_MARK[h.status](c)} ${h.kind.padEnd(20)} ${h.detail}${extra.length > 0 ? c.dim(` (${extra.join(' ')})`) : ''}`,
  ];
  const sub = `${indent}    `;
  if (h.evidence.length > 0) lines.push(`${sub}${c.dim('evidence:')} ${h.evidence.join('; ')}`);
  if (h.missing && h.missing.length > 0) lines.push(`${sub}${c.dim('missing:')} ${h.missing.join(', ')}`);
  if (h.fix && h.status !== 'pass') lines.push(`${sub}${c.cyan('fix:')} ${h.fix}`);
  return lines;
}

export function renderReachTarget(t: ReachTargetResult, c: ChalkInstance): string[] {
  const lines = [
    `${VERDICT_MARK[t.verdict](c)} ${c.bold(t.label)}: ${paintVerdict(t.verdict, c)} · ${t.reason}`,
  ];
  for (const p of t.subnets) {
    lines.push(
      `  ${c.dim('from')} ${p.subnetId}${p.family === 'ipv6' ? ' (IPv6)' : ''}: ${paintVerdict(p.verdict, c)}`,
    );
    for (const h of p.hops) lines.push(...renderHop(h, c));
  }
  for (const n of t.notes) lines.push(`  ${c.cyan('note:')} ${n}`);
  return lines;
}

/** The whole answer of `reach`: the configuration, then each target with its path from each subnet. */
export function renderReach(r: ReachReport, c: ChalkInstance): string {
  const who = r.function ? c.bold(r.function) : c.bold('planned configuration');
  const cfg = r.configuration;
  const lines = [
    `${who}: subnets ${cfg.subnetIds.join(', ')} · security groups ${cfg.securityGroupIds.join(', ')}${cfg.ipv6DualStack ? ' · IPv6 dual-stack' : ''}`,
  ];
  for (const t of r.targets) lines.push('', ...renderReachTarget(t, c));
  if (r.deniedReads.length > 0)
    lines.push(
      '',
      `${c.yellow('!')} Not read (no permission): ${r.deniedReads.join(', ')}; the hops that need them are unknown (docs/permissions.md).`,
    );
  const count = (v: Verdict) => r.targets.filter((t) => t.verdict === v).length;
  lines.push(
    '',
    `${VERDICT_MARK[r.verdict](c)} ${count('reachable')} reachable, ${count('unreachable')} unreachable, ${count('unknown')} unknown`,
  );
  return lines.join('\n');
}

/** attach --check-reach's lines on stderr: one per target, with the deciding hop's fix when it fails. */
export function renderReachSummary(r: ReachReport, c: ChalkInstance): string {
  return r.targets
    .flatMap((t) => {
      const line = `${c.bold('Reach:')} ${VERDICT_MARK[t.verdict](c)} ${t.label}: ${paintVerdict(t.verdict, c)} · ${t.reason}`;
      const fixes = [
        ...new Set(
          t.subnets.flatMap((p) => p.hops.flatMap((h) => (h.status === 'fail' && h.fix ? [h.fix] : []))),
        ),
      ];
      return [line, ...fixes.map((f) => `  ${c.cyan('fix:')} ${f}`)];
    })
    .join('\n');
}
