import { type Command, Option } from 'commander';
import {
  AWS_CONTROL_PLANE_LIMIT,
  AWS_GET_FUNCTION_LIMIT,
  DEFAULT_CONTROL_PLANE_RATE,
  DEFAULT_GET_FUNCTION_RATE,
} from '../aws/rate-budget.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT } from '../core/pool.js';
import { parseCount } from '../core/validate.js';

/** The options every command takes (read by cli/session.ts as GlobalOptions). */
export function addGlobalOptions(program: Command): Command {
  return program
    .option(
      '--region <region>',
      "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, or the functions' ARNs)",
    )
    .option('--profile <name>', 'named profile from ~/.aws/config (default: AWS_PROFILE)')
    .option(
      '--endpoint-url <url>',
      "send every service's calls to this URL (default: AWS_ENDPOINT_URL; one service: AWS_ENDPOINT_URL_LAMBDA, _EC2, …)",
    )
    .addOption(
      new Option('-o, --output <format>', 'result format on stdout')
        .choices(['human', 'json'])
        .default('human'),
    )
    .option(
      '--lambda-rate <per-second>',
      `Lambda control-plane calls per second for the whole run (default ${DEFAULT_CONTROL_PLANE_RATE}; AWS allows ${AWS_CONTROL_PLANE_LIMIT} per account and region)`,
    )
    .option(
      '--get-function-rate <per-second>',
      `GetFunction calls (reads and polls) per second (default ${DEFAULT_GET_FUNCTION_RATE}; AWS allows ${AWS_GET_FUNCTION_LIMIT})`,
    )
    .option('--no-color', 'no colours (also when NO_COLOR is set)')
    .option(
      '--debug',
      'show AWS calls with request ids, and stack traces, on stderr (never credentials)',
      false,
    );
}

const MAX_CONCURRENCY = 500;

export interface FleetOptions {
  functionsFile?: string;
  concurrency: string;
  failFast: boolean;
}

/** Adds the options attach, detach and status share for working on many functions at once. */
export function withFleetOptions(command: Command): Command {
  return command
    .option(
      '--functions-file <path>',
      'also read function names or ARNs from a file, one a line (# comments allowed); - reads stdin',
    )
    .option('--concurrency <n>', 'how many functions to work on at once', String(DEFAULT_CONCURRENCY))
    .option('--fail-fast', 'start no further functions once one has failed', false);
}

export const concurrencyOf = (options: FleetOptions): number =>
  parseCount(
    options.concurrency,
    '--concurrency',
    MAX_CONCURRENCY,
    'Lambda calls stay within the rate budgets whatever the concurrency (see --help).',
  );

export const timeoutOption = [
  '--timeout <duration>',
  'the bound on the whole command: reads, writes and waits for every function (e.g. 90s, 15m, 1h)',
  DEFAULT_TIMEOUT,
] as const;

/** For repeatable flags: `--subnets a --subnets b` collects both values. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
