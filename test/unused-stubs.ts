// Fails a test that set up an SDK answer the code under test never asked for, like gh's
// `defer reg.Verify(t)`: a stub nobody calls is a test that proves less than it reads.
import type { AwsStub } from 'aws-sdk-client-mock';

// The tracker serves every client's mock, whatever its input and output types.
// biome-ignore lint/suspicious/noExplicitAny: AwsStub's type parameters differ per client.
type AnyStub = AwsStub<any, any, any>;
/** A Command class: what `mock.on` takes and `commandCalls` matches on. */
type CommandClass = Parameters<AnyStub['commandCalls']>[0];
type Behavior = ReturnType<AnyStub['on']>;

interface Registration {
  mock: AnyStub;
  /** undefined for `onAnyCommand()`. */
  command: CommandClass | undefined;
  input: object | undefined;
  strict: boolean;
  /** The commands sent before it was set up: it answers only the calls after those. */
  before: Set<unknown>;
  /** The answers it was given, in order: `resolvesOnce`, …, then at most one for every call after. */
  onceAnswers: number;
  lastingAnswer: boolean;
  /** Set up inside serve(): part of a fake service, which need not be asked everything. */
  background: boolean;
  /** Exempted by allowUnused() after it was set up. */
  allowed: boolean;
}

const ONCE = ['resolvesOnce', 'rejectsOnce', 'callsFakeOnce'] as const;
const LASTING = ['resolves', 'rejects', 'callsFake'] as const;

export class StubTracker {
  private registrations: Registration[] = [];
  private findings: string[] = [];
  private serving = 0;

  /** Records every stub set up on `mock` from now on, with the answers chained onto it. */
  track(mock: AnyStub): void {
    const on = mock.on.bind(mock);
    const onAnyCommand = mock.onAnyCommand.bind(mock);
    const reset = mock.reset.bind(mock);
    mock.on = ((command: CommandClass, input?: object, strict = false) =>
      this.record(on(command, input, strict), { mock, command, input, strict })) as typeof mock.on;
    mock.onAnyCommand = ((input?: object, strict = false) =>
      this.record(onAnyCommand(input, strict), {
        mock,
        command: undefined,
        input,
        strict,
      })) as typeof mock.onAnyCommand;
    // A reset inside a test drops the call history the check reads: check this mock first.
    mock.reset = () => {
      this.findings.push(...this.unused(mock));
      this.registrations = this.registrations.filter((r) => r.mock !== mock);
      return reset();
    };
  }

  /**
   * Runs `setUp` (a helper that fakes a whole service, like an EC2 network that answers every
   * describe call) without holding each test to call all it sets up.
   */
  serve<T>(setUp: () => T): T {
    this.serving++;
    try {
      return setUp();
    } finally {
      this.serving--;
    }
  }

  /**
   * Lets the stubs of these commands set up so far (in this test and its beforeEach hooks) go
   * uncalled; those set up after it are checked. For a stub that must not be called, or one a
   * test replaces. Say why next to the call.
   */
  allowUnused(...commands: CommandClass[]): void {
    for (const r of this.registrations) if (r.command && commands.includes(r.command)) r.allowed = true;
  }

  /** allowUnused() for every stub set up so far, of any command. */
  allowAllUnused(): void {
    for (const r of this.registrations) r.allowed = true;
  }

  /** Forgets everything recorded: the start of a test. */
  clear(): void {
    this.registrations = [];
    this.findings = [];
  }

  /** The stubs set up since clear() that were not called as often as they have answers. */
  verify(): string[] {
    const mocks = new Set(this.registrations.map((r) => r.mock));
    const findings = [...this.findings, ...[...mocks].flatMap((mock) => this.unused(mock))];
    this.clear();
    return findings;
  }

  private record(
    behavior: Behavior,
    r: Pick<Registration, 'mock' | 'command' | 'input' | 'strict'>,
  ): Behavior {
    const registration: Registration = {
      ...r,
      before: new Set(r.mock.calls().map((c) => c.args[0])),
      onceAnswers: 0,
      lastingAnswer: false,
      background: this.serving > 0,
      allowed: false,
    };
    this.registrations.push(registration);
    // Count the answers chained onto this stub; each must be used by a call.
    const methods = behavior as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of [...ONCE, ...LASTING]) {
      const method = methods[name];
      if (!method) continue;
      methods[name] = (...args: unknown[]) => {
        if ((ONCE as readonly string[]).includes(name)) registration.onceAnswers++;
        else registration.lastingAnswer = true;
        return method.apply(behavior, args);
      };
    }
    return behavior;
  }

  /**
   * Which calls each stub of `mock` answered. Of the stubs a call matches, the one set up last
   * answers it (sinon's rule), so a stub that a later one overrides before any call is unused.
   */
  private unused(mock: AnyStub): string[] {
    const mine = this.registrations.filter((r) => r.mock === mock);
    const matched = mine.map((r) => this.matchingCalls(r).filter((call) => !r.before.has(call)));
    return mine.flatMap((r, i) => {
      const later = matched.slice(i + 1);
      const answered = (matched[i] ?? []).filter((call) => !later.some((m) => m.includes(call))).length;
      const what = `${mock.clientName()}: ${describe(r)}`;
      if (r.background || r.allowed) return [];
      // Each resolvesOnce/rejectsOnce/callsFakeOnce answers one call, resolves etc. the rest.
      const answers = r.onceAnswers + (r.lastingAnswer ? 1 : 0);
      if (answered >= Math.max(answers, 1)) return [];
      if (answered === 0) return [`${what} was set up but never called`];
      return [
        `${what} answered ${answered} of the ${answers} answers chained onto it` +
          ` (${r.onceAnswers} once${r.lastingAnswer ? ', then one for every later call' : ''})`,
      ];
    });
  }

  /** The calls `r` matches, whenever they were made, each known by the command object it sent. */
  private matchingCalls(r: Registration): unknown[] {
    const ids = (calls: { args: unknown[] }[]) => calls.map((c) => c.args[0]);
    if (r.command) return ids(r.mock.commandCalls(r.command, r.input, r.strict));
    const all = r.mock.calls();
    if (r.input === undefined) return ids(all);
    // onAnyCommand(input): the calls of any command whose input matches.
    const commands = new Set(all.map((c) => c.args[0].constructor as CommandClass));
    return [...commands].flatMap((command) => ids(r.mock.commandCalls(command, r.input, r.strict)));
  }
}

function describe(r: Registration): string {
  const name = r.command ? `on(${r.command.name}` : 'onAnyCommand(';
  const input = r.input === undefined ? '' : `${r.command ? ', ' : ''}${JSON.stringify(r.input)}`;
  return `${name}${input}${r.strict ? ', strict' : ''})`;
}
