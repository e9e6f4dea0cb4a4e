import { setMaxListeners } from 'node:events';
import { Command, CommanderError } from 'commander';
import { Run } from './cli/action.js';
import type { Ctx } from './cli/context.js';
import { addGlobalOptions } from './cli/options.js';
import { COMMANDS } from './cli/registry.js';
import { errorJson } from './core/result.js';
import {
  CliError,
  ExitCode,
  INTERRUPT_EXIT_CODES,
  Interruption,
  type InterruptSignal,
  interruptedExitCode,
  toCliError,
} from './errors.js';
import { type CommandName, jsonDocument } from './output/json.js';
import { Ui } from './output/ui.js';
import { VERSION } from './version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success (also: nothing to change)
  1    error (AWS service error, network, throttled after retries)
  2    usage: bad flags or input, or no command; nothing was sent to AWS
  3    credentials missing or invalid
  4    access denied
  5    function or resource not found
  6    update failed (LastUpdateStatus Failed; the reason code and a remedy are printed)
  7    timed out waiting; the update continues on AWS's side
  8    conflict: the function kept changing concurrently (nothing was overwritten),
       or a concurrent update replaced ours after it was written
  9    check-perms could not determine whether something required is allowed;
       reach could not prove a target reachable (unknown, none unreachable)
  10   reach (or attach --check-reach): a target is unreachable
  11   --fail-on-iac: a function is managed by infrastructure as code; nothing written
  130  interrupted (Ctrl-C); an update already sent continues on AWS's side
  143  terminated (SIGTERM); as 130

Docs: the README and docs/ of the lambda-vpc package.`;

const HELP_WIDTH = 80;

/** The commands' names, for the build, which writes each one's --help for the launcher. */
export const COMMAND_NAMES = COMMANDS.map((c) => c.name);

/**
 * `helpOnError`: whether the help Commander prints when no command is named goes to stderr (not
 * with --output json, where stdout has the error document and stderr the one error line).
 */
export function buildProgram(run: Run, { helpOnError = true } = {}): Command {
  const program = addGlobalOptions(
    new Command('lambda-vpc')
      .description('Put AWS Lambda functions into a VPC, take them out, and wait until Lambda has settled.')
      .version(VERSION, '-v, --version', 'print the version'),
  )
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc attach my-fn --subnets subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002 --sg sg-0a1b2c3d4e5f60001
  $ lambda-vpc status my-fn --wait --timeout 10m
  $ lambda-vpc detach my-fn
  $ lambda-vpc --profile prod --region eu-west-1 status my-fn --output json
  $ lambda-vpc check-perms my-fn
  $ lambda-vpc enis my-fn                 # Lambda's network interfaces and what keeps them alive
  $ lambda-vpc attach --functions-file fns.txt --subnets ... --sg ...   # a fleet, within AWS's rate limits
  $ lambda-vpc status --all --vpc vpc-0a1b2c3d4e5f60001               # every function in a VPC
${EXIT_CODES_HELP}`,
    );
  for (const command of COMMANDS) program.addCommand(command.build(run));
  const { ctx } = run;
  const configure = (cmd: Command) => {
    cmd
      .configureHelp({ showGlobalOptions: true })
      .exitOverride()
      .configureOutput({
        // The same width everywhere, so the help bin/lambda-vpc.cjs prints without loading
        // the program (written at build time) is exactly the program's own.
        getOutHelpWidth: () => HELP_WIDTH,
        getErrHelpWidth: () => HELP_WIDTH,
        writeOut: (text) => ctx.stdout.write(text),
        // Only the help shown when no command is named is written here (outputError is silent).
        writeErr: (text) => (helpOnError ? ctx.stderr.write(text) : undefined),
        // Usage errors are printed by run() in the same one-line form as every other error.
        outputError: () => {},
      });
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  return program;
}

/** Runs the CLI on argv (without node and the script) and resolves to the exit code. */
export async function run(argv: string[], ctx: Ctx): Promise<number> {
  const invocation = new Run(ctx);
  const program = buildProgram(invocation, { helpOnError: outputFormatOf(argv) === 'human' });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return invocation.exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // No command named (a bare `lambda-vpc`, or only global options): Commander has printed
      // the help on stderr; like git and gh, that is a usage error, not a success.
      if (thrown.code === 'commander.help' && thrown.exitCode !== 0) {
        return report(
          argv,
          ctx,
          new CliError('Usage', `Name a command: ${listOf(COMMANDS.map((c) => c.name))}.`, {
            hint: "Run 'lambda-vpc --help' for usage.",
          }),
        );
      }
      if (
        thrown.exitCode === 0 ||
        thrown.code === 'commander.help' ||
        thrown.code === 'commander.helpDisplayed' ||
        thrown.code === 'commander.version'
      ) {
        return ExitCode.Success;
      }
      const sub = argv.find((a) => program.commands.some((c) => c.name() === a));
      // Commander puts its "(Did you mean …?)" on a second line; errors here are one line.
      const message = thrown.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      return report(
        argv,
        ctx,
        new CliError('Usage', capitalise(message), {
          hint: `Run 'lambda-vpc ${sub ? `${sub} ` : ''}--help' for usage.`,
        }),
      );
    }
    return report(argv, ctx, toCliError(thrown));
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const listOf = (items: string[]) => `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** An error before any per-function result: one line on stderr, and the JSON document if asked. */
function report(argv: string[], ctx: Ctx, error: CliError): number {
  const format = outputFormatOf(argv);
  const ui = new Ui({
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    env: ctx.env,
    format,
    color: !argv.includes('--no-color'),
    debug: argv.includes('--debug'),
  });
  ui.error(error);
  const command = (argv.find((a) => COMMANDS.some((c) => c.name === a)) as CommandName | undefined) ?? null;
  const interrupted = interruptedExitCode(ctx.signal);
  ui.document(
    jsonDocument<CommandName>(command, { exitCode: error.exitCode, error: errorJson(error) }, interrupted),
  );
  return interrupted ?? error.exitCode;
}

/** Commander may not have parsed --output when the error happened, so read it from argv. */
function outputFormatOf(argv: string[]): 'human' | 'json' {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((arg === '--output' || arg === '-o') && argv[i + 1] === 'json') return 'json';
    if (arg === '--output=json' || arg === '-ojson') return 'json';
  }
  return 'human';
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return text;
}

/**
 * What SIGINT and SIGTERM do. SIGTERM (a CI job cancelled, timeout(1), a pod stopped) is Ctrl-C
 * by another name: the first aborts the run, which stops waiting, says what continues on AWS's
 * side, prints the document and ends with 128 + the signal (130, 143). A second signal while
 * the run winds down exits at once, with its own code.
 */
export function interruptHandler(controller: AbortController, exit: (code: number) => void) {
  return (signal: InterruptSignal) => {
    if (controller.signal.aborted) exit(INTERRUPT_EXIT_CODES[signal]);
    else controller.abort(new Interruption(signal));
  };
}

/** The process entry point used by bin/lambda-vpc.cjs. */
export async function main(): Promise<void> {
  // The SDK is bundled and pinned, so its notice about future SDK releases needing Node 22
  // is not for our users, and it would break the one-line error contract on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  // Every call and wait in flight listens for Ctrl-C and SIGTERM: with --concurrency that is
  // many more than Node's default warning threshold of 10.
  setMaxListeners(0, controller.signal);
  const onSignal = interruptHandler(controller, (code) => process.exit(code));
  for (const signal of Object.keys(INTERRUPT_EXIT_CODES) as InterruptSignal[]) process.on(signal, onSignal);
  // `lambda-vpc status fn | head` closes stdout early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
    readStdin: process.stdin.isTTY ? undefined : () => readAll(process.stdin),
    confirm:
      process.stdin.isTTY && process.stderr.isTTY
        ? async (question) =>
            (await import('./output/prompt.js')).confirmOnTerminal(question, controller.signal)
        : undefined,
  });
  // The handlers stay: a second signal while the process winds down must still exit at once.
  // run() has given a signalled run the signal's exit code, as it gave its JSON document.
  process.exitCode = code;
}
