import { describe, expect, it } from 'vitest';
import type { FakeAws } from '../fake-aws/fake-aws.js';
import { functionKey } from '../fake-aws/faults.js';
import { fleet, MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import type { FaultRule, Scenario } from '../fake-aws/types.js';
import { fakeAwsOnFakeClock } from './fakes.js';

// Seeded random faults over many runs of attach, detach and status --wait on 1, 5 and 30
// functions: throttling, 500/503, connections dropped before the request is handled and after
// it is applied, slow answers, failed updates, a second writer. Each run is checked against what
// the fake AWS saw, not against what the CLI says: (a) the final configuration, (b) `written`
// and `before` against the writes AWS applied, (c) a documented exit code, (d) the time bound.
// A failing seed replays alone: `npx vitest run test/e2e/fault-matrix.test.ts -t "seed 17$"`;
// FAULT_MATRIX_RUNS=1000 runs more seeds.
const SEEDS = Array.from({ length: Number(process.env.FAULT_MATRIX_RUNS ?? 60) }, (_, i) => i + 1);
const DOCUMENTED_EXIT_CODES = [0, 1, 6, 7, 8];

const ATTACHED = { SubnetIds: [I.subnetA], SecurityGroupIds: [I.sg], Ipv6AllowedForDualStack: false };
const THEIRS = { SubnetIds: [I.subnetB], SecurityGroupIds: [I.sg], Ipv6AllowedForDualStack: false };

/** mulberry32: a small, fast PRNG, so a seed always makes the same run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { chance: (p: number) => next() < p, int, pick };
}

type Command = 'attach' | 'detach' | 'status';
type SecondWriter = 'none' | 'otherField' | 'otherVpc' | 'ownUpdate' | 'replacesOurs';

interface Plan {
  command: Command;
  names: string[];
  timeoutMs: number;
  faults: FaultRule[];
  failing: Set<string>;
  secondWriter: SecondWriter;
  victim: string;
}

function planRun(seed: number): { plan: Plan; scenario: Scenario } {
  const r = random(seed);
  const command = r.pick<Command>(['attach', 'detach', 'status']);
  const count = r.pick([1, 1, 5, 5, 30]);
  const scenario = fleet(count, r.int(1, 20) * 1000);
  const names = scenario.functions?.map((f) => f.FunctionName) ?? [];
  const failing = new Set(names.filter(() => r.chance(0.1)));
  for (const f of scenario.functions ?? []) {
    if (command !== 'attach') f.VpcConfig = { ...ATTACHED };
    if (failing.has(f.FunctionName)) f.nextUpdateOutcome = { status: 'Failed', reasonCode: 'InvalidSubnet' };
  }
  const faults: FaultRule[] = [];
  for (let i = r.int(0, 4); i > 0; i--) {
    const operation = r.pick(['GetFunction', 'UpdateFunctionConfiguration', 'UpdateFunctionConfiguration']);
    const kinds = ['throttle', 'error500', 'error503', 'drop', 'slow'] as const;
    const kind =
      operation === 'UpdateFunctionConfiguration' && r.chance(0.4) ? 'dropAfterApply' : r.pick(kinds);
    faults.push({
      service: 'lambda',
      operation,
      kind,
      times: r.int(1, 3),
      skip: r.int(0, 2),
      perFunction: r.chance(0.5),
      delayMs: r.int(2, 20) * 1000,
      retryAfterSeconds: 1,
    });
  }
  if (command === 'attach' && r.chance(0.2))
    faults.push({ service: 'ec2', kind: r.pick(['error500', 'throttle'] as const), times: r.int(1, 2) });
  scenario.faults = faults;
  const plan: Plan = {
    command,
    names,
    // Mostly room enough; one run in five tight enough for the deadline to come mid-run.
    timeoutMs: r.chance(0.2) ? r.int(3, 30) * 1000 : r.int(5, 15) * 60_000,
    faults,
    failing,
    secondWriter:
      command === 'status'
        ? 'none'
        : r.pick(['none', 'none', 'otherField', 'otherVpc', 'ownUpdate', 'replacesOurs']),
    victim: r.pick(names),
  };
  return { plan, scenario };
}

/** Someone else acting on one function, at a moment the fake's request log defines. */
function startSecondWriter(fake: FakeAws, plan: Plan): { acted: () => boolean } {
  let acted = false;
  fake.afterRequest((entry) => {
    if (acted || functionKey(entry.params.FunctionName) !== plan.victim) return;
    const firstRead = entry.operation === 'GetFunction';
    const ourWriteApplied =
      entry.operation === 'UpdateFunctionConfiguration' && (entry.droppedStatus ?? entry.status) === 200;
    if (plan.secondWriter === 'otherField' && firstRead) {
      fake.state.changeFunction(plan.victim, { Description: 'changed by someone else' });
    } else if (plan.secondWriter === 'otherVpc' && firstRead) {
      fake.state.changeFunction(plan.victim, {
        VpcConfig: { ...THEIRS, VpcId: fake.state.vpcIdOfSubnets(THEIRS.SubnetIds) },
      });
    } else if (plan.secondWriter === 'ownUpdate' && firstRead) {
      fake.state.beginUpdate(plan.victim, { durationMs: 5_000 });
    } else if (plan.secondWriter === 'replacesOurs' && ourWriteApplied) {
      // Another configuration lands while ours is still in progress: what settles is theirs.
      fake.state.changeFunction(plan.victim, {
        VpcConfig: { ...THEIRS, VpcId: fake.state.vpcIdOfSubnets(THEIRS.SubnetIds) },
      });
    } else return;
    acted = true;
  });
  return { acted: () => acted };
}

const fakeAws = fakeAwsOnFakeClock();

interface ResultJson {
  function: string;
  outcome: string;
  written: boolean | 'unknown';
  before: { subnetIds: string[]; securityGroupIds: string[] } | null;
  error: { exitCode: number } | null;
  status: { lastUpdateStatus: string | null } | null;
}

describe('fault matrix: what the CLI reports is what AWS saw', () => {
  it.each(SEEDS)('seed %i', async (seed) => {
    const { plan, scenario } = planRun(seed);
    const { fake, cli } = await fakeAws(scenario);
    const initial = new Map(plan.names.map((n) => [n, structuredClone(fake.state.getFunction(n).VpcConfig)]));
    if (plan.command === 'status')
      for (const n of plan.names) fake.state.beginUpdate(n, { durationMs: 1_000 * (1 + (seed % 20)) });
    const secondWriter = startSecondWriter(fake, plan);
    const args =
      plan.command === 'attach'
        ? ['attach', ...plan.names, '--subnets', I.subnetA, '--sg', I.sg]
        : plan.command === 'detach'
          ? ['detach', ...plan.names]
          : ['status', ...plan.names, '--wait', '--no-network'];
    const r = await cli(['-o', 'json', ...args, '--timeout', `${plan.timeoutMs / 1000}s`]);
    const context = `seed ${seed}: ${JSON.stringify({ ...plan, failing: [...plan.failing] })}\n${r.stderr}`;

    // (c) a documented exit code, and one JSON document
    expect(DOCUMENTED_EXIT_CODES, context).toContain(r.code);
    const doc = JSON.parse(r.stdout);
    expect(doc.exitCode, context).toBe(r.code);
    // (d) the time bound: no call reaches AWS after the deadline, and the command ends at it. Not
    // with a slow answer: the fake moves the shared clock past the deadline on its side while
    // the CLI's calls are on the way.
    if (!plan.faults.some((f) => f.kind === 'slow')) {
      const deadline = r.begun + plan.timeoutMs;
      expect(
        fake.requests.filter((e) => e.at > deadline).map((e) => e.operation),
        context,
      ).toEqual([]);
      expect(r.tookMs, context).toBeLessThanOrEqual(plan.timeoutMs + 1_000);
    }

    const writes = fake.requests.filter((e) => e.operation === 'UpdateFunctionConfiguration');
    for (const w of writes)
      expect(Object.keys(w.params).sort(), context).toEqual(['FunctionName', 'RevisionId', 'VpcConfig']);
    const results: ResultJson[] = doc.results;
    expect(results.map((x) => x.function)).toEqual(plan.names);
    const desired = plan.command === 'attach' ? ATTACHED : { SubnetIds: [], SecurityGroupIds: [] };
    for (const result of results) {
      const name = result.function;
      const ours = writes.filter((w) => functionKey(w.params.FunctionName) === name);
      const applied = ours.filter((w) => (w.droppedStatus ?? w.status) === 200);
      const final = fake.state.getFunction(name).VpcConfig;
      const where = `${context}\n${name}: ${JSON.stringify(result)}`;
      // (b) written and before, against what AWS applied
      if (result.written === true) expect(applied.length, where).toBeGreaterThan(0);
      if (result.written === false) expect(applied, where).toEqual([]);
      // 'unknown': sent, and its answer never reached the CLI (cut off, or the deadline came
      // first; the fake may not even have read it yet). A failure, the configuration asked for, or
      // stopped by the deadline.
      if (result.written === 'unknown')
        expect(['failed', 'updated', 'timed-out'], where).toContain(result.outcome);
      if (['failed', 'timed-out', 'interrupted'].includes(result.outcome))
        expect(result.error, where).not.toBeNull();
      // Stopped while its update runs: only once something was (or may have been) written.
      if (result.outcome === 'timed-out') expect(result.written, where).not.toBe(false);
      if (result.written !== false && plan.command !== 'status') {
        // What the function had before the write reported: as it was, or, where someone else set
        // another configuration before our (last) write, theirs.
        const had = [initial.get(name)?.SubnetIds ?? []];
        if (secondWriter.acted() && name === plan.victim) had.push(THEIRS.SubnetIds);
        expect(had, where).toContainEqual(result.before?.subnetIds);
      }
      // (a) the final configuration
      if (result.outcome === 'updated' || result.outcome === 'unchanged') {
        expect(final?.SubnetIds ?? [], where).toEqual(desired.SubnetIds);
        expect(final?.SecurityGroupIds ?? [], where).toEqual(desired.SecurityGroupIds);
      }
      if (result.outcome === 'status') expect(result.status?.lastUpdateStatus, where).not.toBe('InProgress');
    }
    if (r.code === 0) {
      const okOutcomes = plan.command === 'status' ? ['status'] : ['updated', 'unchanged'];
      for (const result of results) expect(okOutcomes, context).toContain(result.outcome);
    }
  });
});
