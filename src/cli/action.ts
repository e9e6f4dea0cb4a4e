import { Command } from 'commander';
import { ExitCode, interruptedExitCode } from '../errors.js';
import { type CommandName, type DocumentBodies, jsonDocument } from '../output/json.js';
import type { RunDeps } from '../workflows/deps.js';
import type { Ctx } from './context.js';
import { openSession } from './session.js';

/** A command's work once its flags are parsed: the workflow, given what it runs with. */
export type Workflow<N extends CommandName> = (deps: RunDeps) => Promise<DocumentBodies[N]>;

/**
 * Turns a command's parser into its Commander action. The parser turns flags into typed input
 * (usage errors are thrown before anything is opened or sent) and hands back the workflow.
 */
export type ActionOf<N extends CommandName> = <A extends unknown[]>(
  parse: (...args: A) => Workflow<N> | Promise<Workflow<N>>,
) => (...args: A) => Promise<void>;

/** One entry of the command registry: the name, and how to build the Commander command. */
export interface CommandSpec {
  name: CommandName;
  build(run: Run): Command;
}

/** One invocation of the program: its context, and the exit code its command ended with. */
export class Run {
  exitCode: ExitCode = ExitCode.Success;

  constructor(readonly ctx: Ctx) {}

  /** Opens the session, runs the workflow, prints the JSON document if asked, and always closes the clients. */
  action<N extends CommandName>(name: N): ActionOf<N> {
    return (parse) =>
      async (...args) => {
        const workflow = await parse(...args);
        const session = openSession(args.at(-1) as Command, this.ctx);
        try {
          const body = await workflow(session.deps);
          // Stopped by a signal: the run ends with the signal's exit code, and so does its document.
          const interrupted = interruptedExitCode(this.ctx.signal);
          session.ui.document(jsonDocument(name, body, interrupted));
          this.exitCode = interrupted ?? body.exitCode;
        } finally {
          session.close();
        }
      };
  }
}

/** A command: its name is given once, for Commander, the registry and the JSON document alike. */
export const defineCommand = <N extends CommandName>(
  name: N,
  build: (command: Command, action: ActionOf<N>, ctx: Ctx) => Command,
): CommandSpec => ({ name, build: (run) => build(new Command(name), run.action(name), run.ctx) });
