import type { ChalkInstance } from 'chalk';
import { isInVpc, type VpcSettings } from '../core/plan.js';
import { type FunctionResult, type Summary, stillInProgress } from '../core/result.js';

/** The words attach or detach prints: the workflow's spec supplies them, so no renderer asks which command ran. */
export interface ChangeWords {
  /** "attached to {vpc}": done, with the VPC the function is in now. */
  updated: string;
  /** After "unchanged, ": why nothing was written. */
  unchanged: string;
  /** "would attach" in a dry run. */
  planned: string;
  /** "97 attached" in the summary line. */
  summary: string;
}

export function describeVpc(v: VpcSettings | null): string {
  if (!v || !isInVpc(v)) return 'not in a VPC';
  return [
    v.vpcId ?? 'VPC set by AWS from the subnets',
    `subnets ${v.subnetIds.join(', ')}`,
    `security groups ${v.securityGroupIds.join(', ')}`,
    `IPv6 dual-stack ${v.ipv6AllowedForDualStack ? 'on' : 'off'}`,
  ].join(' · ');
}

/** The command that puts `before` back, so every change can be undone by hand. */
export function undoCommand(cliPrefix: string, fn: string, before: VpcSettings): string {
  if (!isInVpc(before)) return `${cliPrefix} detach ${fn}`;
  const ipv6 = before.ipv6AllowedForDualStack ? ' --ipv6-dual-stack' : '';
  return `${cliPrefix} attach ${fn} --subnets ${before.subnetIds.join(',')} --sg ${before.securityGroupIds.join(',')}${ipv6}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Empty when there is nothing to show beyond the error line (the function was never read). */
export function renderChange(
  r: FunctionResult,
  words: ChangeWords,
  c: ChalkInstance,
  cliPrefix: string,
): string {
  if (r.outcome === 'failed' && !r.before) return '';
  const verb = words.updated.replace('{vpc}', r.after?.vpcId ?? 'the VPC');
  const settled = r.status?.lastUpdateStatus ?? r.status?.state ?? '';
  const headline: Record<FunctionResult['outcome'], string> = {
    updated: `${c.green('✔')} ${r.function}: ${verb} (${settled}, ${seconds(r.elapsedMs)})`,
    started: `${c.cyan('→')} ${r.function}: update sent, not waiting (${settled})`,
    unchanged: `${c.green('✔')} ${r.function}: unchanged, ${words.unchanged}`,
    planned: `${c.cyan('○')} ${r.function}: ${words.planned} (dry run, nothing written)`,
    failed: `${c.red('✖')} ${r.function}: ${r.error?.code === 'UpdateFailed' ? 'update failed' : 'failed'}${WRITTEN_WORDS[String(r.written)]}`,
    status: r.function,
    skipped: `${c.dim('-')} ${r.function}: not started`,
    interrupted: `${c.yellow('■')} ${r.function}: interrupted${CONTINUES_WORDS[String(r.written)]}`,
    'timed-out': `${c.yellow('■')} ${r.function}: timed out${CONTINUES_WORDS[String(r.written)]}`,
    'rolled-back': rolledBackHeadline(r, c),
  };
  const lines = [headline[r.outcome]];
  if (r.before) {
    const label = r.outcome === 'unchanged' ? 'current' : 'before';
    lines.push(`  ${c.dim(label.padEnd(7))} ${describeVpc(r.before)}`);
  }
  if (r.rollback?.undone && (r.outcome === 'rolled-back' || r.rollback.written !== false))
    lines.push(`  ${c.dim('undone'.padEnd(7))} ${describeVpc(r.rollback.undone)}`);
  if (r.after && r.outcome !== 'unchanged') {
    const label = (r.outcome === 'failed' || stillInProgress(r)) && r.written !== true ? 'wanted' : 'after';
    lines.push(`  ${c.dim(label.padEnd(7))} ${describeVpc(r.after)}`);
  }
  // Rolled back: the function is as `before`, there is nothing to undo.
  if (r.written !== false && r.before && r.outcome !== 'rolled-back')
    lines.push(`  ${c.dim('undo'.padEnd(7))} ${undoCommand(cliPrefix, r.function, r.before)}`);
  return lines.join('\n');
}

/** Its own update failed and was undone, or (--fail-fast) it was put back after another function's failure. */
function rolledBackHeadline(r: FunctionResult, c: ChalkInstance): string {
  const failed = r.rollback?.failedFunction;
  const took = `(${r.status?.lastUpdateStatus ?? r.status?.state ?? ''}, ${seconds(r.elapsedMs)})`;
  return failed && failed !== r.function
    ? `${c.yellow('↺')} ${r.function}: put back to the previous configuration because ${failed} failed ${took}`
    : `${c.red('↺')} ${r.function}: update failed, rolled back to the previous configuration ${took}`;
}

const WRITTEN_WORDS: Record<string, string> = {
  true: '',
  false: ', nothing written',
  unknown: ', may have been written (no answer to the update came back)',
};

/** After "interrupted" or "timed out": the update was sent, and goes on without us. */
const CONTINUES_WORDS: Record<string, string> = {
  true: " while the update continues on AWS's side",
  false: '',
  unknown: ', may have been written (no answer to the update came back)',
};

const CHANGE_WORDS: Record<FunctionResult['outcome'], string> = {
  updated: '{verb}',
  started: 'sent, not waited for',
  unchanged: 'unchanged',
  planned: 'would change (dry run)',
  failed: 'failed',
  status: 'read',
  skipped: 'not started',
  interrupted: "interrupted while the update continues on AWS's side",
  'timed-out': "timed out while the update continues on AWS's side",
  'rolled-back': 'rolled back',
};

/** One line after a batch of several functions: how many ended each way. */
export function renderChangeSummary(summary: Summary, words: ChangeWords, c: ChalkInstance): string {
  const parts = Object.entries(summary.outcomes).map(([outcome, count]) => {
    const said = CHANGE_WORDS[outcome as FunctionResult['outcome']].replace('{verb}', words.summary);
    const text = `${count} ${said}`;
    if (outcome === 'failed') return c.red(text);
    return outcome === 'skipped' ||
      outcome === 'rolled-back' ||
      outcome === 'interrupted' ||
      outcome === 'timed-out'
      ? c.yellow(text)
      : text;
  });
  return `${c.bold(`${summary.total} functions:`)} ${parts.join(', ')}`;
}

/** After the summary of a --fail-fast --rollback-on-failure run: which functions were put back, and why. */
export function renderPutBack(
  failed: readonly string[],
  putBack: readonly string[],
  c: ChalkInstance,
): string {
  return `${c.yellow('↺')} Put back because ${failed.join(', ')} failed: ${putBack.join(', ')}`;
}

/**
 * After a fleet's run ended with updates still going on: the one command that follows them
 * all, instead of one per function. With a --functions-file (not stdin) it names the file, as
 * the run did.
 */
export function followCommand(
  cliPrefix: string,
  inputs: readonly string[],
  source: { functionsFile: string; args: readonly string[] } | undefined,
): string {
  const named = source ? [...source.args, '--functions-file', shellWord(source.functionsFile)] : inputs;
  return `${cliPrefix} status --wait ${named.join(' ')}`;
}

const shellWord = (word: string) =>
  /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
