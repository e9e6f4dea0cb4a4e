import type { Command } from 'commander';
import { AwsClients, assertSameRegion } from '../aws/clients.js';
import {
  AWS_CONTROL_PLANE_LIMIT,
  AWS_GET_FUNCTION_LIMIT,
  DEFAULT_CONTROL_PLANE_RATE,
  DEFAULT_GET_FUNCTION_RATE,
  lambdaBudgets,
} from '../aws/rate-budget.js';
import { realSleep, type Sleep } from '../aws/sleep.js';
import { parseCount, validateEndpointUrl, validateRegion } from '../core/validate.js';
import { type OutputFormat, type TextStream, Ui } from '../output/ui.js';
import type { Target } from './targets.js';

/** Everything a run needs from the outside world; tests pass their own. */
export interface Ctx {
  stdout: TextStream;
  stderr: TextStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal | undefined;
  sleep?: Sleep | undefined;
  now?: (() => number) | undefined;
  /** Reads all of stdin (--functions-file -); absent when stdin is a terminal. */
  readStdin?: (() => Promise<string>) | undefined;
  /** Asks the user yes/no; absent when nobody can answer (stdin or stderr not a terminal). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
}

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

/** Requests per second for each Lambda budget, validated. */
export interface Rates {
  controlPlane: number;
  getFunction: number;
}

/** One command invocation: validated global options, output, and lazily created AWS clients. */
export class Session {
  readonly ui: Ui;
  readonly aws: AwsClients;
  /** "lambda-vpc --region eu-west-1": how to write a follow-up command the user can paste. */
  readonly cliPrefix: string;
  readonly now: () => number;

  constructor(
    readonly ctx: Ctx,
    readonly globals: GlobalOptions,
    rates: Rates = { controlPlane: DEFAULT_CONTROL_PLANE_RATE, getFunction: DEFAULT_GET_FUNCTION_RATE },
  ) {
    this.ui = new Ui({
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      env: ctx.env,
      format: globals.output,
      color: globals.color,
      debug: globals.debug,
    });
    this.aws = new AwsClients({
      region: globals.region,
      profile: globals.profile,
      endpointUrl: globals.endpointUrl,
      env: ctx.env,
      debugLog: globals.debug ? (line) => this.ui.debugLine(line) : undefined,
      lambdaBudgets: lambdaBudgets(rates, { now: ctx.now ?? Date.now, sleep: ctx.sleep ?? realSleep }),
      signal: ctx.signal,
    });
    this.now = ctx.now ?? Date.now;
    this.cliPrefix = [
      'lambda-vpc',
      globals.profile ? `--profile ${globals.profile}` : '',
      globals.region ? `--region ${globals.region}` : '',
      globals.endpointUrl ? `--endpoint-url ${globals.endpointUrl}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  /**
   * How often to poll. AWS needs no faster than the 1 s default; LAMBDA_VPC_POLL_INTERVAL_MS
   * shortens it against local emulators and in tests.
   */
  pollDelays(): { firstDelayMs: number; maxDelayMs: number } | Record<string, never> {
    const raw = Number(this.ctx.env.LAMBDA_VPC_POLL_INTERVAL_MS);
    if (!Number.isFinite(raw) || raw <= 0) return {};
    const first = Math.max(10, Math.round(raw));
    return { firstDelayMs: first, maxDelayMs: first * 5 };
  }

  /** Validates the global flags (no AWS call) and builds the session. */
  static open(cmd: Command, ctx: Ctx): Session {
    const o = cmd.optsWithGlobals<GlobalOptions>();
    if (o.region !== undefined) validateRegion(o.region);
    if (o.endpointUrl !== undefined) validateEndpointUrl(o.endpointUrl);
    const rate = (raw: string | undefined, flag: string, fallback: number, limit: number) =>
      raw === undefined
        ? fallback
        : parseCount(
            raw,
            flag,
            limit,
            `AWS allows ${limit} per second per account and region; more would only be throttled.`,
          );
    return new Session(ctx, o, {
      controlPlane: rate(o.lambdaRate, '--lambda-rate', DEFAULT_CONTROL_PLANE_RATE, AWS_CONTROL_PLANE_LIMIT),
      getFunction: rate(
        o.getFunctionRate,
        '--get-function-rate',
        DEFAULT_GET_FUNCTION_RATE,
        AWS_GET_FUNCTION_LIMIT,
      ),
    });
  }

  /**
   * Resolves the region (flags, environment, profile: no network) and checks that full ARNs
   * belong to it, so a mismatch is a usage error rather than a confusing "not found".
   */
  async region(refs: readonly Target[]): Promise<string> {
    const region = await this.aws.region();
    validateRegion(region);
    for (const { ref, input } of refs) assertSameRegion(ref.region, region, input);
    return region;
  }
}
