import type { ChalkInstance } from 'chalk';
import type { Deletable, TeardownReport, TeardownStep } from '../core/teardown-plan.js';
import { renderEniTable } from './render-enis.js';

const NOUN = { subnet: 'subnet', securityGroup: 'security group', vpc: 'VPC' } as const;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function headline(r: TeardownReport, c: ChalkInstance): string {
  const what = `${NOUN[r.scope.kind]}${r.scope.ids.length > 1 ? 's' : ''} ${r.scope.ids.join(', ')}`;
  const verdict: Record<Deletable, string> = {
    now: c.green('nothing uses it: safe to delete now'),
    'after-steps': c.yellow('safe to delete once the steps below are done'),
    blocked: c.red("other services' interfaces block the delete"),
    unknown: c.red('unknown: a read failed, nothing is called safe'),
  };
  return `Teardown plan for ${c.bold(what)} (${r.region}): ${verdict[r.deletable]}`;
}

function sections(r: TeardownReport, c: ChalkInstance): string[] {
  const lines: string[] = [];
  const notChecked = (title: string, why: string) => `${c.bold(title)}: ${c.yellow(`unknown (${why})`)}`;
  if (r.functions.checked) {
    const { latest, published } = r.functions;
    lines.push(
      `${c.bold('Functions')}: ${count(latest.length, 'function')} ($LATEST), ${count(published.length, 'published version')}`,
    );
    for (const f of latest) lines.push(`  ${f.function} ($LATEST)  role ${f.role ?? '?'}`);
    for (const v of published) {
      const aliases =
        v.aliases === null
          ? 'aliases not listed'
          : v.aliases.length > 0
            ? `aliases ${v.aliases.join(', ')}`
            : 'no alias';
      lines.push(`  ${v.function}:${v.version} (published, ${aliases})`);
    }
  } else lines.push(notChecked('Functions', r.functions.skippedReason));
  if (r.interfaces.checked) {
    const { lambda, other } = r.interfaces;
    lines.push(
      `${c.bold('Network interfaces')}: ${lambda.length} of Lambda, ${other.length} of other services`,
    );
    if (lambda.length > 0) lines.push(...renderEniTable(lambda, c));
    for (const e of other)
      lines.push(
        `  ${e.id}  ${e.subnetId}  ${e.interfaceType ?? 'interface'}  ${e.description || 'no description'}`,
      );
  } else lines.push(notChecked('Network interfaces', r.interfaces.skippedReason));
  if (r.roles.checked)
    lines.push(
      `${c.bold('Execution roles')}: ${r.roles.items.length === 0 ? 'none' : r.roles.items.map((u) => u.role).join(', ')}`,
    );
  else lines.push(notChecked('Execution roles', r.roles.skippedReason));
  return lines;
}

function step(s: TeardownStep, c: ChalkInstance): string[] {
  const by = s.by === 'lambda-vpc' ? c.cyan('lambda-vpc does it') : 'by hand';
  const status =
    s.status === 'to-do'
      ? `${c.bold(`${s.number}.`)} ${s.summary} ${c.dim(`(${by})`)}`
      : s.status === 'unknown'
        ? `${c.bold(`${s.number}.`)} ${c.yellow('unknown:')} ${s.summary}`
        : c.dim(`${s.number}. ${s.summary}`);
  return [
    status,
    ...s.commands.map((command) => `     ${command}`),
    ...(s.status === 'nothing-to-do' ? [] : s.notes.map((n) => `     ${c.dim(n)}`)),
  ];
}

/** The plan as a person reads it: what is there, then the steps, numbered, commands ready to paste. */
export function renderTeardown(r: TeardownReport, c: ChalkInstance): string {
  return [
    headline(r, c),
    ...sections(r, c),
    '',
    `${c.bold('Steps')} (lambda-vpc deletes nothing; run them in this order):`,
    ...r.steps.flatMap((s) => step(s, c)),
  ].join('\n');
}
