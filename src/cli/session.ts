import type { Command } from 'commander';
import { AwsClients } from '../aws/clients.js';
import { systemClock } from '../aws/clock.js';
import {
  AWS_CONTROL_PLANE_LIMIT,
  AWS_GET_FUNCTION_LIMIT,
  DEFAULT_CONTROL_PLANE_RATE,
  DEFAULT_GET_FUNCTION_RATE,
  lambdaBudgets,
} from '../aws/rate-budget.js';
import type { Clock } from '../core/poll.js';
import { parseCount, validateEndpointUrl, validateRegion } from '../core/validate.js';
import { type OutputFormat, Ui } from '../output/ui.js';
import type { RunDeps } from '../workflows/deps.js';
import type { Ctx } from './context.js';

export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  output: OutputFormat;
  color: boolean;
  debug: boolean;
  lambdaRate?: string;
  getFunctionRate?: string;
}

/** One command invocation: its output and the dependencies its workflow runs with. */
export interface Session {
  ui: Ui;
  deps: RunDeps;
  /** Destroys the SDK clients the run created. */
  close(): void;
}

/** Validates the global flags (no AWS call) and opens the session. */
export function openSession(cmd: Command, ctx: Ctx): Session {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  if (globals.region !== undefined) validateRegion(globals.region);
  if (globals.endpointUrl !== undefined) validateEndpointUrl(globals.endpointUrl);
  const rates = {
    controlPlane: rate(
      globals.lambdaRate,
      '--lambda-rate',
      DEFAULT_CONTROL_PLANE_RATE,
      AWS_CONTROL_PLANE_LIMIT,
    ),
    getFunction: rate(
      globals.getFunctionRate,
      '--get-function-rate',
      DEFAULT_GET_FUNCTION_RATE,
      AWS_GET_FUNCTION_LIMIT,
    ),
  };
  const clock: Clock = ctx.clock ?? systemClock;
  const ui = new Ui({
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    env: ctx.env,
    format: globals.output,
    color: globals.color,
    debug: globals.debug,
    clock,
  });
  const aws = new AwsClients({
    region: globals.region,
    profile: globals.profile,
    endpointUrl: globals.endpointUrl,
    env: ctx.env,
    debugLog: globals.debug ? (line) => ui.debugLine(line) : undefined,
    lambdaBudgets: lambdaBudgets(rates, clock),
    signal: ctx.signal,
    clock,
  });
  const deps: RunDeps = {
    aws,
    clock,
    signal: ctx.signal,
    reporter: ui,
    cliPrefix: cliPrefixOf(globals),
    pollIntervalMs: pollIntervalOf(ctx.env),
    confirm: ctx.confirm,
  };
  return { ui, deps, close: () => aws.destroy() };
}

const rate = (raw: string | undefined, flag: string, fallback: number, limit: number) =>
  raw === undefined
    ? fallback
    : parseCount(
        raw,
        flag,
        limit,
        `AWS allows ${limit} per second per account and region; more would only be throttled.`,
      );

/** The global flags a pasted follow-up command needs to reach the same account and region. */
const cliPrefixOf = (g: GlobalOptions) =>
  [
    'lambda-vpc',
    g.profile ? `--profile ${g.profile}` : '',
    g.region ? `--region ${g.region}` : '',
    g.endpointUrl ? `--endpoint-url ${g.endpointUrl}` : '',
  ]
    .filter(Boolean)
    .join(' ');

/** AWS needs no faster polling than each wait's default; emulators and tests shorten it. */
function pollIntervalOf(env: NodeJS.ProcessEnv): number | undefined {
  const raw = Number(env.LAMBDA_VPC_POLL_INTERVAL_MS);
  return Number.isFinite(raw) && raw > 0 ? Math.max(10, Math.round(raw)) : undefined;
}
