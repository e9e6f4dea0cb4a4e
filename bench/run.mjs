// `npm run bench`: the four measurements of docs/performance.md (start-up, one call against
// the AWS CLI, a fleet of 1,000 functions under AWS's rate limits, wait latency), printed as the
// markdown block that docs/performance.md carries. Progress goes to stderr, the report to
// stdout. `node bench/run.mjs --help` lists the options.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleFakeAws } from '../scripts/fake-aws.mjs';
import {
  awsEnv,
  bareEnv,
  countByOperation,
  describeCalls,
  describeCheckout,
  describeMachine,
  findAwsCli,
  formatMs,
  formatRatio,
  formatRss,
  GNU_TIME,
  median,
  note,
  percentile,
  plural,
  runProcess,
  snapshotCli,
  table,
  yesNo,
} from './harness.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs/performance.md');
const DOC_BEGIN = '<!-- bench:begin -->';
const DOC_END = '<!-- bench:end -->';
const DEFAULT_CLI = join(ROOT, 'bin/lambda-vpc.cjs');
const SECTIONS = ['startup', 'one-call', 'fleet', 'wait', 'timeout'];

// ---------------------------------------------------------------- targets (issue 7)

const STARTUP_TARGET_RATIO = 1.3;
const ONE_CALL_TARGET_RATIO = 0.35;
/** The default status of a function not in a VPC: Lambda's read and one EC2 look, never slower than the AWS CLI's call. */
const STATUS_TARGET_RATIO = 1;
/** attach of a fleet: within this of its bound, N / 10/s (the default control-plane budget) + one update. */
const ATTACH_BOUND_RATIO = 1.1;
const ATTACH_RATE_PER_S = 10;
// detach of the attached fleet: Lambda's control plane at the tool's default budget (10/s) bounds
// it at N / 10 s + one update; the target is within 1.15x of that, at most 1.1 such calls a function.
const DETACH_RATE_PER_S = 10;
const DETACH_BOUND_RATIO = 1.15;
const DETACH_CALLS_PER_FUNCTION = 1.1;
/** Two runs share AWS's limit without coordinating: each halves its budget when AWS throttles it. */
const TWO_RUNS_BOUND_RATIO = 1.5;
/** status reads every function with GetFunction, at the default budget of 50/s. */
const STATUS_GET_FUNCTION_RATE = 50;
const STATUS_BOUND_RATIO = 1.15;
/** Issue 17: with 1,000 functions in flight, the GetFunction budget decides when each is looked at. */
const DETECTION_MEDIAN_TARGET_MS = 1_500;
/** AWS's per-account limits, which the fixture enforces over a sliding 1 s window. */
const FLEET_RATE_LIMITS = { lambdaControlPlane: 15, lambdaGetFunction: 100 };
/** The CLI's polling after a write (src/services/lambda.ts): first after 1 s, then ×1.25, at most 5 s apart. */
const POLL_FIRST_DELAY_MS = 1_000;
const POLL_BACKOFF = 1.25;
const POLL_MAX_DELAY_MS = 5_000;
/** On top of the poll gap: the GetFunction that sees the change, printing the result, exiting. */
const FINISH_ALLOWANCE_MS = 250;
/** `--timeout` is a bound: the command ends within this much of it, whatever is in flight. */
const TIMEOUT_ALLOWANCE_MS = 1_000;

// ---------------------------------------------------------------- options

const USAGE = `Usage: node bench/run.mjs [options]     (npm run bench -- [options] builds first)

  --only <list>           some of ${SECTIONS.join(',')} (default: all)
  --quick                 fewer repetitions (a smoke test, not numbers to publish)
  --fleet-size <n>        functions in the fleet run (default 1000)
  --fleet-update-ms <ms>  how long each update takes on the fixture (default 5000)
  --fleet-timeout <s>     stop each fleet command after this many seconds (default 400)
  --cli <path>            the lambda-vpc launcher to measure (default bin/lambda-vpc.cjs)
  --write-doc             also put the report into docs/performance.md (full default run only)`;

function fail(message) {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(raw, flag) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive integer, got '${raw}'`);
  return n;
}

function parseOptions(argv) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string', default: SECTIONS.join(',') },
        quick: { type: 'boolean', default: false },
        'fleet-size': { type: 'string', default: '1000' },
        'fleet-update-ms': { type: 'string', default: '5000' },
        'fleet-timeout': { type: 'string', default: '400' },
        cli: { type: 'string', default: DEFAULT_CLI },
        'write-doc': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    fail(error.message);
  }
  if (flags.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = flags.only.split(',').map((s) => s.trim());
  const unknown = only.find((s) => !SECTIONS.includes(s));
  if (unknown) fail(`unknown section '${unknown}' in --only (${SECTIONS.join(', ')})`);
  const options = {
    only,
    quick: flags.quick,
    fleetSize: positiveInteger(flags['fleet-size'], '--fleet-size'),
    fleetUpdateMs: positiveInteger(flags['fleet-update-ms'], '--fleet-update-ms'),
    fleetTimeoutMs: positiveInteger(flags['fleet-timeout'], '--fleet-timeout') * 1000,
    cli: flags.cli,
    writeDoc: flags['write-doc'],
  };
  const publishable =
    only.length === SECTIONS.length &&
    !options.quick &&
    options.fleetSize === 1000 &&
    options.fleetUpdateMs === 5000 &&
    options.cli === DEFAULT_CLI;
  if (options.writeDoc && !publishable)
    fail(
      '--write-doc records the published numbers: run it without --only, --quick, --fleet-size/-update-ms or --cli',
    );
  return options;
}

const options = parseOptions(process.argv.slice(2));
const launcher = snapshotCli(options.cli);
// Described as it was copied: the checkout may move on while the bench runs.
const measuredCli = options.cli === DEFAULT_CLI ? describeCheckout(ROOT) : `lambda-vpc from ${options.cli}`;

const lambdaVpc = (...args) => [process.execPath, [launcher, ...args]];

/** `attach` against a fixture, into minimal()'s network: its two private subnets and its group. */
function attachCommand(fixture, url, functionArgs) {
  const I = fixture.MINIMAL_IDS;
  const network = ['--subnets', `${I.subnetA},${I.subnetB}`, '--sg', I.sg];
  return lambdaVpc('--endpoint-url', url, 'attach', ...functionArgs, ...network, '--output', 'json');
}

// ---------------------------------------------------------------- start-up

async function measureStartup() {
  const rounds = options.quick ? 8 : 30;
  const warmUpRounds = 3;
  const rssRuns = 5;
  const commands = [
    { label: '`node -e 0` (bare node)', args: ['-e', '0'], times: [] },
    { label: '`lambda-vpc --help`', args: [launcher, '--help'], times: [] },
    { label: '`lambda-vpc --version`', args: [launcher, '--version'], times: [] },
    { label: '`lambda-vpc attach --help`', args: [launcher, 'attach', '--help'], times: [] },
  ];
  const env = bareEnv();
  note(`start-up: ${warmUpRounds} warm-up rounds, then ${rounds} interleaved rounds of ${commands.length}`);
  for (let round = 0; round < warmUpRounds + rounds; round++) {
    // Rotate the order so no command always runs first, or always right after another.
    for (let i = 0; i < commands.length; i++) {
      const c = commands[(round + i) % commands.length];
      const run = await runProcess(process.execPath, c.args, { env });
      if (run.code !== 0) throw new Error(`${c.label} exited with ${run.code}: ${run.stderr}`);
      if (round >= warmUpRounds) c.times.push(run.ms);
    }
  }
  for (const c of commands) {
    const rss = [];
    for (let i = 0; i < rssRuns; i++)
      rss.push((await runProcess(process.execPath, c.args, { env, peakRss: true })).rssKb);
    c.rssKb = rss.includes(undefined) ? undefined : median(rss);
  }

  const [bare, ...launched] = commands;
  const ratio = (c) => median(c.times) / median(bare.times);
  return {
    summary: launched.map((c) => [
      `Start-up: ${c.label}`,
      `${formatRatio(ratio(c))} bare node (${formatMs(median(c.times))} vs ${formatMs(median(bare.times))}); peak RSS ${formatRss(c.rssKb)} vs ${formatRss(bare.rssKb)}`,
      `≤ ${STARTUP_TARGET_RATIO}× bare node`,
      yesNo(ratio(c) <= STARTUP_TARGET_RATIO),
    ]),
    details: `### Start-up
Wall time from spawn to exit, ${rounds} interleaved rounds after ${warmUpRounds} warm-up rounds, with an environment of only \`PATH\`, \`HOME\` and \`LANG\` (no \`NODE_OPTIONS\`, no \`NODE_EXTRA_CA_CERTS\`: they slow every Node process down alike and would flatter the ratio). Peak RSS: median of ${rssRuns} runs under GNU time${GNU_TIME ? '' : ' (not installed here)'}.

${table(
  ['command', 'median', '90th percentile', 'ratio to bare node', 'peak RSS'],
  commands.map((c) => [
    c.label,
    formatMs(median(c.times)),
    formatMs(percentile(c.times, 90)),
    formatRatio(ratio(c)),
    formatRss(c.rssKb),
  ]),
)}`,
  };
}

// ---------------------------------------------------------------- one call

async function measureOneCall(fixture) {
  const measurement = 'One call: `status my-fn --no-network --output json`';
  const fullMeasurement = 'One call: `status my-fn --output json`';
  const target = `≤ ${ONE_CALL_TARGET_RATIO}× the AWS CLI`;
  const fullTarget = `≤ ${STATUS_TARGET_RATIO}× the AWS CLI, one EC2 call`;
  const awsCli = findAwsCli();
  if (!awsCli)
    return {
      summary: [
        [measurement, 'skipped: aws not installed', target, 'n/a'],
        [fullMeasurement, 'skipped: aws not installed', fullTarget, 'n/a'],
      ],
      details: '',
    };

  const fake = await fixture.startFakeAws({ scenario: fixture.minimal() });
  try {
    const env = awsEnv(fake.url);
    const tools = [
      {
        label: '`lambda-vpc status my-fn --no-network --output json`',
        command: lambdaVpc('--endpoint-url', fake.url, 'status', 'my-fn', '--no-network', '--output', 'json'),
      },
      {
        label: '`lambda-vpc status my-fn --output json`',
        command: lambdaVpc('--endpoint-url', fake.url, 'status', 'my-fn', '--output', 'json'),
      },
      {
        label: '`aws lambda get-function-configuration --function-name my-fn`',
        // Debian's AWS CLI (2.9) predates AWS_ENDPOINT_URL: without the flag it would call AWS.
        command: [
          awsCli,
          ['--endpoint-url', fake.url, 'lambda', 'get-function-configuration', '--function-name', 'my-fn'],
        ],
      },
    ];
    for (const t of tools) {
      t.times = [];
      t.calls = new Set();
      t.ec2 = 0;
    }
    const rounds = options.quick ? 3 : 10;
    note(`one call: 1 warm-up round, then ${rounds} interleaved rounds against ${fake.url}`);
    for (let round = 0; round <= rounds; round++) {
      for (const t of round % 2 ? tools : [...tools].reverse()) {
        const logged = fake.requests.length;
        // The warm-up round runs under GNU time for the peak RSS, and is not timed.
        const run = await runProcess(...t.command, { env, peakRss: round === 0 });
        if (run.code !== 0) throw new Error(`${t.label} exited with ${run.code}: ${run.stderr}`);
        if (round === 0) t.rssKb = run.rssKb;
        else t.times.push(run.ms);
        const made = fake.requests.slice(logged);
        t.calls.add(describeCalls(made));
        t.ec2 = Math.max(t.ec2, made.filter((e) => e.service === 'ec2').length);
      }
    }

    const [lambdaOnly, full, aws] = tools;
    const ratioOf = (t) => median(t.times) / median(aws.times);
    const calls = (t) => [...t.calls].join(' or ');
    const row = (label, t, goal, met) => [
      label,
      `${formatRatio(ratioOf(t))} the AWS CLI's \`get-function-configuration\` (${formatMs(median(t.times))} vs ${formatMs(median(aws.times))}); requests: ${calls(t)} vs ${calls(aws)}`,
      goal,
      yesNo(met),
    ];
    return {
      summary: [
        row(measurement, lambdaOnly, target, ratioOf(lambdaOnly) <= ONE_CALL_TARGET_RATIO),
        row(fullMeasurement, full, fullTarget, ratioOf(full) <= STATUS_TARGET_RATIO && full.ec2 === 1),
      ],
      details: `### One call
The tools against the same local fixture (\`minimal()\`: \`my-fn\` is not in a VPC), with the same credentials and region from the environment and no profile files. With \`--no-network\`, \`status\` reads Lambda alone, as the AWS CLI's call does; by default it also looks, with one \`DescribeNetworkInterfaces\`, for interfaces a detach left behind (which loads the EC2 client). ${rounds} interleaved rounds after a warm-up round, which also measures the peak RSS. Requests are counted in the fixture's log.

${table(
  ['tool', 'median', '90th percentile', 'requests per run', 'peak RSS'],
  tools.map((t) => [
    t.label,
    formatMs(median(t.times)),
    formatMs(percentile(t.times, 90)),
    calls(t),
    formatRss(t.rssKb),
  ]),
)}`,
    };
  } finally {
    await fake.close();
  }
}

// ---------------------------------------------------------------- fleet

async function measureFleet(fixture) {
  const size = options.fleetSize;
  const smallSize = Math.max(1, Math.round(size / 10));
  const viaStdin = await attachReadsFunctionsFile();
  const big = await attachFleet(fixture, size, viaStdin, { thenDetach: true });
  const small = await attachFleet(fixture, smallSize, viaStdin);
  const pair = await twoRunsAtOnce(fixture, smallSize);

  const attachBoundMs = (size / ATTACH_RATE_PER_S) * 1000 + options.fleetUpdateMs;
  const throttled = (e) => e.status === 429;
  const served429 = big.requests.filter(throttled).length;
  const calls = (run, service) => run.requests.filter((e) => e.service === service).length;
  const sharedLookupsConstant =
    calls(big, 'ec2') === calls(small, 'ec2') && calls(big, 'iam') === calls(small, 'iam');
  const met =
    !big.run.timedOut &&
    big.run.ms <= attachBoundMs * ATTACH_BOUND_RATIO &&
    big.run.code === 0 &&
    big.attached === size &&
    big.throttlingErrors.length === 0;
  const ended = (r) =>
    r.run.timedOut
      ? `stopped after ${formatMs(options.fleetTimeoutMs)} (--fleet-timeout)`
      : `exit ${r.run.code} after ${formatMs(r.run.ms)}`;
  const firstErrorLine = (r) => r.run.stderr.trim().split('\n')[0];
  const reachedUser = big.throttlingErrors.length
    ? `throttling errors reached the user (${big.throttlingErrors.slice(0, 3).join(', ')}${big.throttlingErrors.length > 3 ? ', …' : ''})`
    : 'none reached the user';
  const perFunction = (n) => (n / size).toFixed(2);

  const bigCounts = countByOperation(big.requests);
  const big429 = countByOperation(big.requests.filter(throttled));
  const smallCounts = countByOperation(small.requests);
  const operations = [...new Set([...bigCounts.keys(), ...smallCounts.keys()])].sort();
  const callRows = operations.map((op) => [
    op.replace(/ (.*)/, ' `$1`'),
    String(bigCounts.get(op) ?? 0),
    String(big429.get(op) ?? 0),
    perFunction(bigCounts.get(op) ?? 0),
    String(smallCounts.get(op) ?? 0),
  ]);
  callRows.push([
    '**all**',
    String(big.requests.length),
    String(served429),
    perFunction(big.requests.length),
    String(small.requests.length),
  ]);
  const limits = `${FLEET_RATE_LIMITS.lambdaControlPlane}/s control plane, ${FLEET_RATE_LIMITS.lambdaGetFunction}/s GetFunction`;
  const runLine = (r) =>
    `${plural(r.size, 'function')}: ${ended(r)}, ${r.attached}/${r.size} attached and \`Successful\`, peak RSS ${formatRss(r.run.rssKb)}${r.run.code && !r.run.timedOut ? `; stderr: ${firstErrorLine(r)}` : ''}`;

  return {
    summary: [
      [
        `Fleet: \`attach\` ${plural(size, 'function')}, ${formatMs(options.fleetUpdateMs)} updates, ${limits}`,
        `${ended(big)}, ${formatRatio(big.run.ms / attachBoundMs)} the bound of ${formatMs(attachBoundMs)}; ${big.attached}/${size} attached and \`Successful\`; ${served429} × 429 served by the fixture, ${reachedUser}; ${perFunction(big.requests.length)} API calls per function`,
        `within ${ATTACH_BOUND_RATIO}× the bound (N / ${ATTACH_RATE_PER_S}/s + one update), all succeed, no throttling error`,
        yesNo(met),
      ],
      detectionRow(detectionLatencies(big.requests, options.fleetUpdateMs), size),
      statusAllRow(big.statusAll, size),
      twoRunsRow(pair, smallSize),
      detachRow(big.detached, size),
      [
        `Fleet: EC2 and IAM calls, ${smallSize} vs ${plural(size, 'function')}`,
        `EC2 ${calls(small, 'ec2')} vs ${calls(big, 'ec2')}, IAM ${calls(small, 'iam')} vs ${calls(big, 'iam')}`,
        'equal (shared lookups)',
        yesNo(sharedLookupsConstant),
      ],
    ],
    details: `### Fleet
\`lambda-vpc attach\` with the function names ${viaStdin ? 'on stdin (`--functions-file -`)' : 'as arguments'}, the fixture's two private subnets and its security group, \`--output json\`, default concurrency and rates, against the fixture's \`fleet(${size}, ${options.fleetUpdateMs})\` with its rate limits on: ${FLEET_RATE_LIMITS.lambdaControlPlane} requests/s shared by the Lambda control plane and ${FLEET_RATE_LIMITS.lambdaGetFunction}/s for \`GetFunction\`, over a sliding 1 s window, answered with 429 \`TooManyRequestsException\` beyond. "Attached and \`Successful\`" is read from the fixture's state as the CLI exits. Then the same with ${plural(smallSize, 'function')}, to show which calls grow with the fleet.

- ${runLine(big)}
- ${runLine(small)}
- throttling errors that reached the user (\`results[].error\`, the top-level \`error\`, stderr): ${big.throttlingErrors.length ? big.throttlingErrors.join(', ') : 'none'}

${table(
  [
    'API call',
    `calls, ${plural(size, 'function')}`,
    'of which 429',
    'per function',
    `calls, ${plural(smallSize, 'function')}`,
  ],
  callRows,
)}`,
  };
}

/** Whether the CLI under test reads function names from stdin (fleet mode's `--functions-file -`). */
async function attachReadsFunctionsFile() {
  const run = await runProcess(...lambdaVpc('attach', '--help'), { env: bareEnv() });
  return run.stdout.includes('--functions-file');
}

/**
 * How long after each function's update settled the CLI first read it: the fixture's update ends
 * `updateMs` after the write it accepted, and the first GetFunction of that function at or after
 * then sees it settled. Read from the fixture's request log, so it needs nothing from the CLI.
 */
function detectionLatencies(requests, updateMs) {
  const settledAt = new Map();
  for (const e of requests)
    if (e.operation === 'UpdateFunctionConfiguration' && e.status === 200)
      settledAt.set(e.params.FunctionName, e.at + updateMs);
  const seen = new Map();
  for (const e of requests) {
    if (e.operation !== 'GetFunction' || e.status !== 200) continue;
    const name = e.params.FunctionName;
    const due = settledAt.get(name);
    if (due !== undefined && e.at >= due && !seen.has(name)) seen.set(name, e.at - due);
  }
  return [...seen.values()];
}

function detectionRow(latencies, size) {
  const middle = latencies.length ? median(latencies) : Number.POSITIVE_INFINITY;
  const worst = latencies.length ? Math.max(...latencies) : Number.POSITIVE_INFINITY;
  const met = latencies.length === size && middle <= DETECTION_MEDIAN_TARGET_MS;
  return [
    `Fleet: detection after settle, ${plural(size, 'function')}`,
    `median ${formatMs(middle)}, worst ${formatMs(worst)} (${latencies.length}/${size} seen settled)`,
    `median ≤ ${formatMs(DETECTION_MEDIAN_TARGET_MS)}`,
    yesNo(met),
  ];
}

function detachRow(d, size) {
  const boundMs = (size / DETACH_RATE_PER_S) * 1000 + options.fleetUpdateMs;
  const perFunction = d.controlPlane / size;
  const ratio = d.run.ms / boundMs;
  const met =
    !d.run.timedOut &&
    d.run.code === 0 &&
    d.detachedCount === size &&
    perFunction <= DETACH_CALLS_PER_FUNCTION &&
    ratio <= DETACH_BOUND_RATIO;
  return [
    `Fleet: \`detach\` of the same ${plural(size, 'function')}`,
    `${d.run.timedOut ? 'stopped' : `exit ${d.run.code}`} after ${formatMs(d.run.ms)}, ${formatRatio(ratio)} the bound of ${formatMs(boundMs)} (N / ${DETACH_RATE_PER_S}/s + one update); ${d.detachedCount}/${size} out of the VPC; ${perFunction.toFixed(2)} control-plane calls per function; ${d.throttled} × 429`,
    `≤ ${DETACH_CALLS_PER_FUNCTION} control-plane calls per function, within ${DETACH_BOUND_RATIO}× the bound`,
    yesNo(met),
  ];
}

async function attachFleet(fixture, size, viaStdin, { thenDetach = false } = {}) {
  const scenario = fixture.fleet(size, options.fleetUpdateMs);
  scenario.rateLimits = FLEET_RATE_LIMITS;
  const fake = await fixture.startFakeAws({ scenario });
  try {
    const names = fixture.fleetNames(size);
    note(`fleet: attach ${plural(size, 'function')}, for ${formatMs(options.fleetTimeoutMs)} at most`);
    const run = await runProcess(
      ...attachCommand(fixture, fake.url, viaStdin ? ['--functions-file', '-'] : names),
      {
        env: awsEnv(fake.url),
        input: viaStdin ? `${names.join('\n')}\n` : undefined,
        timeoutMs: options.fleetTimeoutMs,
        peakRss: true,
      },
    );
    note(
      `fleet: ${plural(size, 'function')}: ${run.timedOut ? 'stopped' : `exit ${run.code}`} after ${formatMs(run.ms)}`,
    );
    const attached = names.filter((name) => {
      const c = fake.state.getFunction(name);
      return c.LastUpdateStatus === 'Successful' && c.VpcConfig?.VpcId === fixture.MINIMAL_IDS.vpc;
    }).length;
    const requests = [...fake.requests];
    const statusAll = thenDetach ? await statusAllFleet(fake, size) : undefined;
    const detached = thenDetach ? await detachFleet(fake, names, viaStdin) : undefined;
    return { size, run, attached, requests, throttlingErrors: throttlingErrors(run), statusAll, detached };
  } finally {
    await fake.close();
  }
}

/**
 * Two attach runs of `size` functions each at once, at the default rates (10/s each against
 * AWS's 15/s): how long against the account's bound (2N / 15/s + one update), how many 429s
 * AWS served, and whether any throttling error reached the user.
 */
async function twoRunsAtOnce(fixture, size) {
  const scenario = fixture.fleet(2 * size, options.fleetUpdateMs);
  scenario.rateLimits = FLEET_RATE_LIMITS;
  const fake = await fixture.startFakeAws({ scenario });
  try {
    const names = fixture.fleetNames(2 * size);
    const halves = [names.slice(0, size), names.slice(size)];
    note(`fleet: two attach runs of ${plural(size, 'function')} at once`);
    const started = Date.now();
    const runs = await Promise.all(
      halves.map((half) =>
        runProcess(...attachCommand(fixture, fake.url, half), {
          env: awsEnv(fake.url),
          timeoutMs: options.fleetTimeoutMs,
        }),
      ),
    );
    const ms = Date.now() - started;
    const attached = names.filter(
      (name) => fake.state.getFunction(name).LastUpdateStatus === 'Successful',
    ).length;
    return {
      ms,
      runs,
      attached,
      throttled: fake.requests.filter((e) => e.status === 429).length,
      throttlingErrors: runs.flatMap(throttlingErrors),
    };
  } finally {
    await fake.close();
  }
}

function twoRunsRow(p, size) {
  const boundMs = ((2 * size) / FLEET_RATE_LIMITS.lambdaControlPlane) * 1000 + options.fleetUpdateMs;
  const ratio = p.ms / boundMs;
  const met =
    p.runs.every((r) => !r.timedOut && r.code === 0) &&
    p.attached === 2 * size &&
    p.throttlingErrors.length === 0 &&
    ratio <= TWO_RUNS_BOUND_RATIO;
  return [
    `Fleet: two \`attach\` runs of ${plural(size, 'function')} at once, default rates`,
    `both ended after ${formatMs(p.ms)} (exit ${p.runs.map((r) => (r.timedOut ? 'stopped' : r.code)).join(', ')}), ${formatRatio(ratio)} the account's bound of ${formatMs(boundMs)} (2N / ${FLEET_RATE_LIMITS.lambdaControlPlane}/s + one update); ${p.attached}/${2 * size} attached; ${p.throttled} × 429 served, ${p.throttlingErrors.length ? `throttling errors reached the user (${p.throttlingErrors.length})` : 'none reached the user'}`,
    `all succeed, no throttling error, within ${TWO_RUNS_BOUND_RATIO}× the bound`,
    yesNo(met),
  ];
}

/** `status --all` over the attached fleet: how long against N / the GetFunction budget, and its calls. */
async function statusAllFleet(fake, size) {
  const before = fake.requests.length;
  note(`fleet: status --all over ${plural(size, 'function')}`);
  const run = await runProcess(
    ...lambdaVpc('--endpoint-url', fake.url, 'status', '--all', '--output', 'json'),
    {
      env: awsEnv(fake.url),
      timeoutMs: options.fleetTimeoutMs,
    },
  );
  const requests = fake.requests.slice(before);
  let reported = 0;
  try {
    reported = JSON.parse(run.stdout).results.filter((r) => r.outcome === 'status').length;
  } catch {}
  return {
    run,
    reported,
    getFunction: requests.filter((e) => e.operation === 'GetFunction').length,
    calls: requests.length,
    throttled: requests.filter((e) => e.status === 429).length,
  };
}

function statusAllRow(s, size) {
  const boundMs = (size / STATUS_GET_FUNCTION_RATE) * 1000;
  const ratio = s.run.ms / boundMs;
  const met = !s.run.timedOut && s.run.code === 0 && s.reported === size && ratio <= STATUS_BOUND_RATIO;
  return [
    `Fleet: \`status --all\` over the same ${plural(size, 'function')}`,
    `${s.run.timedOut ? 'stopped' : `exit ${s.run.code}`} after ${formatMs(s.run.ms)}, ${formatRatio(ratio)} the bound of ${formatMs(boundMs)} (N / ${STATUS_GET_FUNCTION_RATE}/s GetFunction); ${s.reported}/${size} reported; ${s.getFunction} GetFunction, ${s.calls} calls in all; ${s.throttled} × 429`,
    `within ${STATUS_BOUND_RATIO}× the bound`,
    yesNo(met),
  ];
}

/** The same fleet taken out again: how long, and how many control-plane calls it made. */
async function detachFleet(fake, names, viaStdin) {
  const before = fake.requests.length;
  note(`fleet: detach ${plural(names.length, 'function')}`);
  const run = await runProcess(
    ...lambdaVpc(
      '--endpoint-url',
      fake.url,
      'detach',
      ...(viaStdin ? ['--functions-file', '-'] : names),
      '--output',
      'json',
    ),
    {
      env: awsEnv(fake.url),
      input: viaStdin ? `${names.join('\n')}\n` : undefined,
      timeoutMs: options.fleetTimeoutMs,
    },
  );
  const requests = fake.requests.slice(before);
  const controlPlane = requests.filter((e) => e.service === 'lambda' && e.operation !== 'GetFunction');
  const detachedCount = names.filter(
    (name) => !fake.state.getFunction(name).VpcConfig?.SubnetIds?.length,
  ).length;
  return {
    run,
    detachedCount,
    controlPlane: controlPlane.length,
    throttled: requests.filter((e) => e.status === 429).length,
  };
}

const THROTTLING = /TooManyRequests|Throttl|Rate exceeded/i;

/** Where a throttling error reached the user: stderr, or an error in the JSON document. */
function throttlingErrors(run) {
  const found = THROTTLING.test(run.stderr) ? ['stderr'] : [];
  let doc;
  try {
    doc = JSON.parse(run.stdout);
  } catch {
    return found;
  }
  const isThrottling = (error) =>
    error && (error.code === 'Throttled' || THROTTLING.test(error.message ?? ''));
  if (isThrottling(doc.error)) found.push('top-level error');
  for (const r of doc.results ?? []) if (isThrottling(r.error)) found.push(r.function);
  return found;
}

// ---------------------------------------------------------------- wait latency

/** The poll gap in effect `ms` after a write: the longest the CLI can take to notice a change then. */
function pollGapAt(ms) {
  let pollAt = 0;
  let gap = POLL_FIRST_DELAY_MS;
  while (pollAt + gap <= ms) {
    pollAt += gap;
    gap = Math.min(gap * POLL_BACKOFF, POLL_MAX_DELAY_MS);
  }
  return gap;
}

async function measureWaitLatency(fixture) {
  const count = options.quick ? 4 : 8;
  const names = fixture.fleetNames(count);
  // Spread evenly from 1 s to 6 s, so the updates end at different points of the poll schedule.
  const delays = names.map((_, i) => Math.round(1000 + (5000 * i) / Math.max(1, count - 1)));
  const fake = await fixture.startFakeAws({ scenario: fixture.fleet(count) });
  try {
    for (const [i, name] of names.entries()) fake.state.setUpdateDelay(delays[i], name);
    note(`wait latency: ${count} single-function attaches at once, updates of 1 s to 6 s`);
    const runs = await Promise.all(
      names.map((name) => runProcess(...attachCommand(fixture, fake.url, [name]), { env: awsEnv(fake.url) })),
    );

    const measured = names.map((name, i) => {
      const run = runs[i];
      const ofThis = (e) => e.service === 'lambda' && e.params.FunctionName === name && e.status === 200;
      const write = fake.requests.find((e) => ofThis(e) && e.operation === 'UpdateFunctionConfiguration');
      if (run.code !== 0 || !write)
        throw new Error(
          `attach ${name}: exit ${run.code}, ${write ? 'written' : 'nothing written'}: ${run.stderr}`,
        );
      const flippedAt = write.at + delays[i];
      const seenAt = fake.requests.find(
        (e) => ofThis(e) && e.operation === 'GetFunction' && e.at >= flippedAt,
      )?.at;
      const latency = run.exitedAt - flippedAt;
      const budget = pollGapAt(delays[i]) + FINISH_ALLOWANCE_MS;
      return {
        name,
        delay: delays[i],
        latency,
        seen: seenAt === undefined ? undefined : seenAt - flippedAt,
        exit: seenAt === undefined ? undefined : run.exitedAt - seenAt,
        budget,
        // Returning before the flip would be a worse bug than returning late.
        within: latency >= 0 && latency <= budget,
      };
    });
    const latencies = measured.map((m) => m.latency);
    const closest = measured.reduce((a, b) => (b.latency / b.budget > a.latency / a.budget ? b : a));
    const within = measured.filter((m) => m.within).length;
    return {
      summary: [
        [
          `Wait latency: ${count} updates of 1–6 s`,
          `median ${formatMs(median(latencies))}, worst ${formatMs(Math.max(...latencies))}; ${within}/${count} within budget (closest: ${Math.round((100 * closest.latency) / closest.budget)} % of its budget)`,
          `each within the poll gap in effect + ${FINISH_ALLOWANCE_MS} ms`,
          yesNo(within === count),
        ],
      ],
      details: `### Wait latency
${count} \`lambda-vpc attach fleet-NNN …\` at once against one fixture, each function's update taking a different time. Latency: from the moment the fixture flips the update to \`Successful\` (the time of the \`UpdateFunctionConfiguration\` request + the update's duration) until the process has exited; "seen after" is the part until the CLI's next \`GetFunction\` of that function, "exit after" the rest (printing the result and exiting). Budget: the poll gap in effect at that moment (the CLI first polls 1 s after the write, then 1.25× longer each time, at most 5 s apart) + ${FINISH_ALLOWANCE_MS} ms for that last request, the output and the exit.

${table(
  ['function', 'update takes', 'latency', 'seen after', 'exit after', 'budget', 'within'],
  measured.map((m) => [
    m.name,
    formatMs(m.delay),
    formatMs(m.latency),
    formatMs(m.seen),
    formatMs(m.exit),
    formatMs(m.budget),
    yesNo(m.within),
  ]),
)}`,
    };
  } finally {
    await fake.close();
  }
}

// ---------------------------------------------------------------- the timeout as a bound (issue 13)

/**
 * Each case runs the CLI with `--timeout 3s` while AWS holds an answer for much longer than
 * that: a poll, the write, an update that takes a minute. Wall time from start to exit, which
 * includes the CLI's own start-up.
 */
async function measureTimeoutBound(fixture) {
  const I = fixture.MINIMAL_IDS;
  const timeoutMs = 3_000;
  const slow = (operation, skip) => ({ service: 'lambda', operation, kind: 'slow', delayMs: 20_000, skip });
  const cases = [
    {
      label: '`status --wait`, a `GetFunction` answered after 20 s',
      args: (fn) => ['status', fn, '--wait'],
      setUp: (fake, fn) => {
        fake.state.beginUpdate(fn, { durationMs: 600_000 });
        fake.faults.add(slow('GetFunction', 1));
      },
    },
    {
      label: '`attach`, the write answered after 20 s',
      args: (fn) => ['attach', fn, '--subnets', I.subnetA, '--sg', I.sg],
      setUp: (fake) => fake.faults.add(slow('UpdateFunctionConfiguration', 0)),
    },
    {
      label: '`attach`, an update that takes 10 min',
      args: (fn) => ['attach', fn, '--subnets', I.subnetA, '--sg', I.sg],
      setUp: (fake) => fake.state.setUpdateDelay(600_000),
    },
  ];
  const measured = [];
  for (const c of cases) {
    const fake = await fixture.startFakeAws({ scenario: fixture.fleet(1) });
    try {
      const [fn] = fixture.fleetNames(1);
      c.setUp(fake, fn);
      note(`timeout: ${c.label}`);
      const run = await runProcess(
        ...lambdaVpc(
          '--endpoint-url',
          fake.url,
          ...c.args(fn),
          '--timeout',
          `${timeoutMs / 1000}s`,
          '-o',
          'json',
        ),
        { env: awsEnv(fake.url) },
      );
      const written = JSON.parse(run.stdout).results?.[0]?.written;
      measured.push({
        ...c,
        code: run.code,
        ms: run.ms,
        written,
        within: run.code === 7 && run.ms <= timeoutMs + TIMEOUT_ALLOWANCE_MS,
      });
    } finally {
      await fake.close();
    }
  }
  const within = measured.filter((m) => m.within).length;
  return {
    summary: [
      [
        `Timeout bound: \`--timeout 3s\`, AWS answering after 20 s or more (${measured.length} cases)`,
        `exit 7 after ${measured.map((m) => formatMs(m.ms)).join(', ')}`,
        `exit 7 within ${formatMs(timeoutMs + TIMEOUT_ALLOWANCE_MS)}`,
        yesNo(within === measured.length),
      ],
    ],
    details: `### Timeout bound
\`--timeout 3s\` while the fixture holds an answer far longer (a \`slow\` fault of 20 s, or an update of 10 minutes). Wall time from the start of the process to its exit, start-up included; \`written\` is what the JSON document says of the write (\`unknown\`: sent, its answer not back when the time was up).

${table(
  ['case', 'exit', 'wall time', 'written', 'within'],
  measured.map((m) => [m.label, String(m.code), formatMs(m.ms), String(m.written), yesNo(m.within)]),
)}`,
  };
}

// ---------------------------------------------------------------- report

function report(machine, results) {
  return `${DOC_BEGIN}
Measured ${machine.date} with ${measuredCli} on ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.os}, Node ${machine.node}, AWS CLI ${machine.awsCli ?? 'not installed'}. Command: \`npm run bench\`.

${table(
  ['measurement', 'result', 'target', 'met'],
  results.flatMap((r) => r.summary),
)}

${results
  .map((r) => r.details)
  .filter(Boolean)
  .join('\n\n')}
${DOC_END}
`;
}

function writeDoc(markdown) {
  const doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin < 0 || end < begin) fail(`${DOC} has no ${DOC_BEGIN} … ${DOC_END} block to replace`);
  writeFileSync(DOC, doc.slice(0, begin) + markdown.trimEnd() + doc.slice(end + DOC_END.length));
  note(`wrote the results into ${DOC}`);
}

const machine = describeMachine();
note(`${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, ${machine.os}`);
if (!GNU_TIME) note('GNU time (/usr/bin/time) not found: peak RSS is n/a (Debian: apt-get install time)');
const fixtureBundle = await bundleFakeAws('bench/fixture.ts');
process.once('exit', () => rmSync(dirname(fixtureBundle), { recursive: true, force: true }));
const fixture = await import(pathToFileURL(fixtureBundle).href);
const measurements = {
  startup: measureStartup,
  'one-call': measureOneCall,
  fleet: measureFleet,
  wait: measureWaitLatency,
  timeout: measureTimeoutBound,
};
const results = [];
for (const section of SECTIONS.filter((s) => options.only.includes(s))) {
  try {
    results.push(await measurements[section](fixture));
  } catch (error) {
    // One broken measurement (say, a CLI mid-change that exits 1) must not cost the others.
    note(`${section} failed: ${error.stack}`);
    const firstLine = String(error.message).split('\n')[0];
    results.push({ summary: [[section, `failed: ${firstLine}`, '', '**no**']], details: '' });
  }
}
const markdown = report(machine, results);
process.stdout.write(markdown);
if (options.writeDoc) writeDoc(markdown);
