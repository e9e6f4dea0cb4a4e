import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeAws } from '../fake-aws/fake-aws.js';
import { fleet, fleetNames, MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import { assertValidDocument } from '../json-schema.js';
import { fakeAwsPerTest } from './fakes.js';
import { cleanEnv, ROOT } from './spawn.js';

// The GitHub Action (action.yml) and its step's script, run outside GitHub with the environment
// the runner gives it, against the fake AWS; and the example workflow's shape (docs/ci.md).
const SCRIPT = join(ROOT, 'scripts', 'github-action.mjs');
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
};
const NETWORK = `--subnets ${I.subnetA},${I.subnetB} --sg ${I.sg}`;
const OUTPUT_NAMES = ['exit-code', 'json', 'json-file', 'outcome', 'summary', 'error-code', 'verdict'];

// ------------------------------------------------------------------ a YAML subset
// No YAML parser is installed. This reads the subset the action and the example use (block
// mappings and sequences, plain and quoted scalars, | and > block scalars, comments) and throws
// on anything else (flow collections, anchors, tags), so it cannot misread them quietly.
type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

function parseYaml(text: string): Yaml {
  const lines = text.split('\n').map((raw) => ({ raw, indent: raw.search(/\S/), text: raw.trim() }));
  // Past the end reads as a blank line.
  const line = (i: number) => lines[i] ?? { raw: '', indent: -1, text: '' };
  const significant = (i: number) => {
    while (i < lines.length && (line(i).indent < 0 || line(i).text.startsWith('#'))) i++;
    return i;
  };
  const scalar = (raw: string, at: number): Yaml => {
    const value = raw.replace(/\s+#.*$/, '').trim();
    if (/^[[{&*!|>]/.test(value)) throw new Error(`line ${at + 1}: unsupported YAML: ${value}`);
    if (value.startsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
    if (value.startsWith('"')) return JSON.parse(value) as string;
    if (value === 'true' || value === 'false') return value === 'true';
    if (value === '' || value === 'null' || value === '~') return null;
    return /^-?\d+$/.test(value) ? Number(value) : value;
  };
  const block = (style: string, from: number, parentIndent: number): [string, number] => {
    let i = from;
    const body: string[] = [];
    let indent = -1;
    for (; i < lines.length; i++) {
      const { raw, indent: at } = line(i);
      if (at >= 0 && at <= parentIndent) break;
      if (indent < 0 && at >= 0) indent = at;
      body.push(at < 0 ? '' : raw.slice(indent));
    }
    while (body.at(-1) === '') body.pop();
    const joined = style.startsWith('|') ? body.join('\n') : body.join(' ').replace(/ {2,}/g, ' ');
    return [style.endsWith('-') ? joined : `${joined}\n`, i];
  };
  const node = (from: number, indent: number): [Yaml, number] => {
    const i = significant(from);
    const first = lines[i];
    if (!first || first.indent < indent) return [null, i];
    return first.text === '-' || first.text.startsWith('- ')
      ? sequence(i, first.indent)
      : mapping(i, first.indent);
  };
  const value = (rest: string, next: number, indent: number, at: number): [Yaml, number] => {
    if (/^[|>]-?$/.test(rest)) return block(rest, next, indent);
    if (rest !== '') return [scalar(rest, at), next];
    const child = lines[significant(next)];
    const nested =
      child && (child.indent > indent || (child.indent === indent && child.text.startsWith('- ')));
    return nested ? node(next, child.indent) : [null, next];
  };
  const mapping = (from: number, indent: number): [YamlMap, number] => {
    const map: YamlMap = {};
    let i = significant(from);
    while (i < lines.length && line(i).indent === indent && !line(i).text.startsWith('- ')) {
      const match = /^([^'"\s][^:]*?):(?:\s+(.*))?$/.exec(line(i).text);
      if (!match) throw new Error(`line ${i + 1}: not a mapping entry: ${line(i).text}`);
      [map[match[1] ?? ''], i] = value(match[2] ?? '', i + 1, indent, i);
      i = significant(i);
    }
    return [map, i];
  };
  const sequence = (from: number, indent: number): [Yaml[], number] => {
    const items: Yaml[] = [];
    let i = significant(from);
    while (i < lines.length && line(i).indent === indent && /^-( |$)/.test(line(i).text)) {
      const rest = line(i).text.slice(1).trim();
      if (/^[^'"\s][^:]*?:(\s|$)/.test(rest)) {
        // `- key: value` opens a mapping two columns in: read the item as that mapping.
        lines[i] = { raw: `${' '.repeat(indent + 2)}${rest}`, indent: indent + 2, text: rest };
        const [map, next] = mapping(i, indent + 2);
        items.push(map);
        i = next;
      } else {
        const [item, next] = value(rest, i + 1, indent, i);
        items.push(item);
        i = significant(next);
      }
    }
    return [items, i];
  };
  const [doc, end] = node(0, 0);
  if (significant(end) < lines.length)
    throw new Error(`line ${significant(end) + 1}: unexpected indentation`);
  return doc;
}

const asMap = (y: Yaml | undefined): YamlMap => {
  if (y === null || typeof y !== 'object' || Array.isArray(y)) throw new Error(`not a mapping: ${y}`);
  return y;
};
const asList = (y: Yaml | undefined): Yaml[] => {
  if (!Array.isArray(y)) throw new Error(`not a sequence: ${y}`);
  return y;
};

describe('the YAML subset reader', () => {
  it('reads mappings, sequences, quoted and block scalars, and refuses flow collections', () => {
    const doc = parseYaml(
      [
        'a: 1 # n',
        "b: 'it''s: x'",
        'c:',
        '  - x',
        '  - k: v',
        '    j: |',
        '      one',
        '',
        '      two',
        'd: >-',
        '  folded',
        '  line',
        'e:',
        '- same indent',
      ].join('\n'),
    );
    expect(doc).toEqual({
      a: 1,
      b: "it's: x",
      c: ['x', { k: 'v', j: 'one\n\ntwo\n' }],
      d: 'folded line',
      e: ['same indent'],
    });
    expect(() => parseYaml('a: [1, 2]')).toThrow(/unsupported/);
  });
});

// ------------------------------------------------------------------ action.yml
/** A GitHub expression, `${{ body }}`. */
const expression = (body: string) => `\${{ ${body} }}`;
const action = asMap(parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')));
const steps = asList(asMap(action.runs).steps).map(asMap);

describe('action.yml', () => {
  it('is a composite action whose every step names its shell', () => {
    expect(asMap(action.runs).using).toBe('composite');
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) if ('run' in step) expect(step.shell).toBe('bash');
  });

  it('has the inputs the docs name, and only `command` is required', () => {
    const inputs = asMap(action.inputs);
    expect(Object.keys(inputs).sort()).toEqual(['args', 'command', 'version', 'working-directory']);
    expect(asMap(inputs.command).required).toBe(true);
    for (const name of ['args', 'version', 'working-directory'])
      expect(asMap(inputs[name]).required).toBe(false);
  });

  it('hands inputs to the script through the environment, never pasted into the script text', () => {
    const [step] = steps;
    expect(String(step?.run)).toBe('exec node "$GITHUB_ACTION_PATH/scripts/github-action.mjs"');
    for (const s of steps) expect(String(s.run ?? '')).not.toContain(expression('').slice(0, 3));
    expect(asMap(step?.env)).toEqual({
      INPUT_COMMAND: expression('inputs.command'),
      INPUT_ARGS: expression('inputs.args'),
      INPUT_VERSION: expression('inputs.version'),
    });
    expect(step?.['working-directory']).toBe(expression('inputs.working-directory'));
  });

  it('declares every output the script writes, each mapped to the step output of that name', () => {
    const outputs = asMap(action.outputs);
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    for (const [name, output] of Object.entries(outputs))
      expect(asMap(output).value).toBe(expression(`steps.run.outputs.${name}`));
  });
});

// ------------------------------------------------------------------ the script
interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** GITHUB_OUTPUT's syntax: `name<<DELIMITER`, the value's lines, `DELIMITER`; the last write of a name wins. */
function readOutputs(file: string): Record<string, string> {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const match = /^([\w-]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) throw new Error(`GITHUB_OUTPUT line ${i + 1} is not name<<DELIMITER: ${lines[i]}`);
    const end = lines.indexOf(match[2] ?? '', i + 1);
    if (end < 0) throw new Error(`no closing delimiter for ${match[1]}`);
    outputs[match[1] ?? ''] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

function startAction(
  inputs: { command: string; args?: string; version?: string },
  options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string } = {},
) {
  if (!existsSync(join(ROOT, 'dist', 'cli.js')))
    // Without dist/ the script would build the action's checkout: this repository's.
    throw new Error('dist/ is missing: run `npm run build` (npm test does it).');
  const temp = mkdtempSync(join(tmpdir(), 'lambda-vpc-action-'));
  const outputFile = join(temp, 'github-output');
  const child = spawn(process.execPath, [options.script ?? SCRIPT], {
    cwd: options.cwd ?? temp,
    env: cleanEnv({
      ...AWS_ENV,
      INPUT_COMMAND: inputs.command,
      INPUT_ARGS: inputs.args ?? '',
      INPUT_VERSION: inputs.version ?? '',
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: temp,
      ...options.env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<ActionRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, outputs: readOutputs(outputFile) }));
  });
  return { done, kill: (signal: NodeJS.Signals) => child.kill(signal) };
}

const runAction = (...args: Parameters<typeof startAction>) => startAction(...args).done;

/** The document from the `json` output, checked against its schema and against the json-file copy. */
function documentOf(r: ActionRun) {
  const doc = JSON.parse(r.outputs.json ?? '');
  assertValidDocument(doc);
  expect(JSON.parse(readFileSync(r.outputs['json-file'] ?? '', 'utf8'))).toEqual(doc);
  return doc;
}

const start = fakeAwsPerTest();
const at = (f: FakeAws) => `--endpoint-url ${f.url}`;

describe.concurrent('the action script against the fake AWS', () => {
  it('attach: exit 0, and the outputs carry the exit code, the outcome, the counts and the document', async () => {
    const f = await start();
    const r = await runAction({ command: 'attach', args: `${I.fn} ${NETWORK} ${at(f)}` });
    expect(r.code).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(r.outputs).toMatchObject({ 'exit-code': '0', outcome: 'updated', 'error-code': '', verdict: '' });
    expect(JSON.parse(r.outputs.summary ?? '')).toEqual({ total: 1, outcomes: { updated: 1 } });
    const doc = documentOf(r);
    expect(doc).toMatchObject({ command: 'attach', exitCode: 0 });
    expect(doc.results[0]).toMatchObject({ function: I.fn, written: true, after: { vpcId: I.vpc } });
    expect(f.writes().map((w) => w.operation)).toEqual(['UpdateFunctionConfiguration']);
    expect(f.state.getFunction(I.fn)).toMatchObject({ VpcConfig: { VpcId: I.vpc } });
    // The step's stdout carries no result of its own: the document is in the outputs.
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('lambda-vpc attach: exit 0, updated');
  });

  it('an update that fails: the script exits 6, the outputs say UpdateFailed', async () => {
    const f = await start();
    f.state.setNextUpdateOutcome(I.fn, {
      status: 'Failed',
      reasonCode: 'SubnetOutOfIPAddresses',
      reason: 'All subnets are out of IP addresses.',
    });
    const summaryFile = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-summary-')), 'step-summary.md');
    const r = await runAction(
      { command: 'attach', args: `${I.fn} ${NETWORK} ${at(f)}` },
      { env: { GITHUB_STEP_SUMMARY: summaryFile } },
    );
    expect(r.code).toBe(6);
    // The run's page: the exit code, and a row per function with its error.
    const summary = readFileSync(summaryFile, 'utf8').split('\n');
    expect(summary[0]).toBe('### lambda-vpc attach: exit 6 (UpdateFailed)');
    expect(summary).toContain('| function | outcome | written | error |');
    expect(summary.find((l) => l.startsWith(`| ${I.fn} |`))).toMatch(
      new RegExp(`^\\| ${I.fn} \\| failed \\| true \\| UpdateFailed: .*SubnetOutOfIPAddresses.* \\|$`),
    );
    expect(r.outputs).toMatchObject({ 'exit-code': '6', outcome: 'failed', 'error-code': 'UpdateFailed' });
    expect(documentOf(r).results[0].status.lastUpdateStatusReasonCode).toBe('SubnetOutOfIPAddresses');
    expect(r.stderr).toContain('SubnetOutOfIPAddresses');
  });

  it("the CLI's usage error: exit 2 with its document, and no AWS call", async () => {
    const f = await start();
    const r = await runAction({
      command: 'attach',
      args: `${I.fn} --subnets subnet-x --sg ${I.sg} ${at(f)}`,
    });
    expect(r.code).toBe(2);
    expect(r.outputs).toMatchObject({ 'exit-code': '2', 'error-code': 'Usage', outcome: '' });
    expect(documentOf(r).error.message).toContain("'subnet-x' is not a valid subnet ID");
    expect(f.requests).toEqual([]);
  });

  it('check-perms: the verdict output', async () => {
    const f = await start();
    const r = await runAction({ command: 'check-perms', args: `${I.fn} ${at(f)}` });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '0', verdict: 'allowed', outcome: '' });
    expect(documentOf(r).command).toBe('check-perms');
  });

  it('args are split as a shell would, quotes kept together, nothing expanded', async () => {
    const f = await start();
    const dir = mkdtempSync(join(tmpdir(), 'lambda-vpc-action-cwd-'));
    writeFileSync(join(dir, 'my $HOME fns.txt'), `${I.fn}\n`);
    // Unquoted, the name would be three words; expanded, $HOME would name another file.
    const fixed = await runAction(
      {
        command: 'status',
        args: `--functions-file 'my $HOME fns.txt'\n  --no-network --endpoint-url "${f.url}"`,
      },
      { cwd: dir },
    );
    expect(fixed.code).toBe(0);
    expect(fixed.outputs.outcome).toBe('status');
    expect(documentOf(fixed).results.map((x: { function: string }) => x.function)).toEqual([I.fn]);
  });

  it('SIGTERM while the CLI waits: handed on, exit 143, and the outputs still written', async () => {
    const f = await start((s) => {
      s.updateDelayMs = 600_000;
    });
    const run = startAction({ command: 'attach', args: `${I.fn} ${NETWORK} ${at(f)}` });
    let polls = 0;
    f.afterRequest((entry) => {
      if (entry.operation === 'GetFunction' && f.state.findFunction(I.fn)?.update && ++polls === 2)
        run.kill('SIGTERM');
    });
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.outputs).toMatchObject({
      'exit-code': '143',
      outcome: 'interrupted',
      'error-code': 'Interrupted',
    });
    expect(documentOf(r).results[0]).toMatchObject({ written: true, error: { exitCode: 143 } });
  });

  it("SIGINT (GitHub's first signal on cancel or timeout-minutes): exit 130", async () => {
    const f = await start((s) => {
      s.updateDelayMs = 600_000;
    });
    const run = startAction({ command: 'attach', args: `${I.fn} ${NETWORK} ${at(f)}` });
    let polls = 0;
    f.afterRequest((entry) => {
      if (entry.operation === 'GetFunction' && f.state.findFunction(I.fn)?.update && ++polls === 2)
        run.kill('SIGINT');
    });
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.outputs).toMatchObject({ 'exit-code': '130', outcome: 'interrupted' });
  });

  it('a document too big for a step output: `json` empty, the whole document in json-file', async () => {
    // 100 functions in a VPC: each status result carries its network, some 7,000 characters.
    const names = fleetNames(100);
    const f = await start((s) => {
      Object.assign(s, fleet(names.length));
      for (const fn of s.functions ?? [])
        fn.VpcConfig = { SubnetIds: [I.subnetA, I.subnetB], SecurityGroupIds: [I.sg] };
    });
    const summaryFile = join(mkdtempSync(join(tmpdir(), 'lambda-vpc-summary-')), 'step-summary.md');
    const r = await runAction(
      { command: 'status', args: `${names.join(' ')} ${at(f)}` },
      { env: { GITHUB_STEP_SUMMARY: summaryFile } },
    );
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '0', json: '', outcome: 'status' });
    // The job summary stops at 50 rows and says where the rest is.
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary.split('\n').filter((l) => l.startsWith('| fleet-'))).toHaveLength(50);
    expect(summary).toContain('… and 50 more: the json-file output has them all.');
    const text = readFileSync(r.outputs['json-file'] ?? '', 'utf8');
    expect(JSON.stringify(JSON.parse(text)).length).toBeGreaterThan(500_000);
    const doc = JSON.parse(text);
    assertValidDocument(doc);
    expect(doc.results).toHaveLength(100);
    expect(JSON.parse(r.outputs.summary ?? '')).toEqual({ total: 100, outcomes: { status: 100 } });
    expect(r.stderr).toContain(`larger than a step output may be: read it from ${r.outputs['json-file']}`);
  });

  it('under GitHub, workflow commands are off while the CLI prints', async () => {
    const f = await start();
    const r = await runAction(
      { command: 'status', args: `${I.fn} ${at(f)}` },
      { env: { GITHUB_ACTIONS: 'true' } },
    );
    expect(r.code).toBe(0);
    const [stop, resume, ...rest] = r.stdout.split('\n');
    const token = /^::stop-commands::(\S+)$/.exec(stop ?? '')?.[1];
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(resume).toBe(`::${token}::`);
    expect(rest).toEqual(['']);
  });
});

describe.concurrent("the action's own input mistakes: exit 2, nothing run", () => {
  const cases: Array<[string, { command: string; args?: string; version?: string }, RegExp]> = [
    ['no command', { command: '' }, /Name a command/],
    ['a command with its flags', { command: 'attach my-fn' }, /must be one lambda-vpc command/],
    ['--output in args', { command: 'status', args: 'my-fn -o human' }, /remove --output/],
    ['-o stuck to its value', { command: 'status', args: 'my-fn -ohuman' }, /remove --output/],
    [
      'an unterminated quote',
      { command: 'status', args: "my-fn --functions-file 'x" },
      /unterminated ' quote/,
    ],
    ['a version with blanks', { command: 'status', args: 'my-fn', version: '1 2' }, /one npm version/],
  ];
  for (const [name, inputs, message] of cases)
    it(name, async () => {
      const f = await start();
      const r = await runAction({ ...inputs, args: `${inputs.args ?? ''} ${at(f)}` });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.outputs).toMatchObject({ 'exit-code': '2', json: '', 'json-file': '' });
      expect(f.requests).toEqual([]);
    });
});

describe("`version`: the package from npm instead of the action's own code", () => {
  // A version is any npm spec after `lambda-vpc@`; a tarball spec tests the install path offline.
  const NPM_OFFLINE = { npm_config_offline: 'true', npm_config_update_notifier: 'false' };

  it("empty: builds the action's own checkout when it has no dist/, then runs it", {
    timeout: 120_000,
  }, async () => {
    // A copy of what a `uses:` checkout holds (no node_modules, no dist), from this working tree.
    const checkout = mkdtempSync(join(tmpdir(), 'lambda-vpc-action-checkout-'));
    try {
      for (const entry of [
        'package.json',
        'package-lock.json',
        'action.yml',
        'bin',
        'scripts',
        'src',
        'schemas',
      ])
        cpSync(join(ROOT, entry), join(checkout, entry), { recursive: true });
      const f = await start();
      const r = await runAction(
        { command: 'status', args: `${I.fn} ${at(f)}` },
        { env: NPM_OFFLINE, script: join(checkout, 'scripts', 'github-action.mjs') },
      );
      expect(r.stderr).toContain(`building the action's own copy in ${checkout}`);
      expect(r.code).toBe(0);
      expect(r.outputs).toMatchObject({ 'exit-code': '0', outcome: 'status' });
      expect(existsSync(join(checkout, 'dist', 'cli.js'))).toBe(true);
      // npm's output went to stderr: the step's stdout stays empty.
      expect(r.stdout).toBe('');
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('installs that package into RUNNER_TEMP and runs it', async () => {
    const packDir = mkdtempSync(join(tmpdir(), 'lambda-vpc-action-pack-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], {
      cwd: ROOT,
      env: cleanEnv(NPM_OFFLINE),
      stdio: 'ignore',
    });
    const [tarball] = readdirSync(packDir);
    const f = await start();
    const r = await runAction(
      { command: 'status', args: `${I.fn} ${at(f)}`, version: `file:${join(packDir, tarball ?? '')}` },
      { env: NPM_OFFLINE },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`installing lambda-vpc@file:${packDir}`);
    const installed = readdirSync(dirname(dirname(r.outputs['json-file'] ?? ''))).find((d) =>
      d.startsWith('lambda-vpc-npm-'),
    );
    expect(installed).toBeDefined();
    const tempDir = dirname(dirname(r.outputs['json-file'] ?? ''));
    expect(existsSync(join(tempDir, installed ?? '', 'node_modules', 'lambda-vpc', 'dist', 'cli.js'))).toBe(
      true,
    );
    expect(r.outputs).toMatchObject({ 'exit-code': '0', outcome: 'status' });
  });

  it('a version that cannot be installed: exit 1, no document, and lambda-vpc never ran', async () => {
    const f = await start();
    const r = await runAction(
      { command: 'status', args: `${I.fn} ${at(f)}`, version: 'file:/nonexistent/lambda-vpc.tgz' },
      { env: NPM_OFFLINE },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: npm install .* failed with exit code \d+\.$/m);
    expect(r.outputs).toMatchObject({ 'exit-code': '1', json: '', 'json-file': '' });
    expect(f.requests).toEqual([]);
  });
});

// ------------------------------------------------------------------ docs/ci.md's shell loop
// The loop reads the documents with jq, as the doc says; without jq on the machine there is nothing to run.
const HAS_JQ = spawnSync('jq', ['--version']).status === 0;

describe.skipIf(!HAS_JQ)("docs/ci.md's plain shell loop, as printed", () => {
  const doc = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## A plain shell'));
  const loop = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

  /** Runs the loop in a directory with its input files, `lambda-vpc` on PATH pointing at the fake. */
  async function runLoop(f: FakeAws) {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-vpc-loop-'));
    for (const region of ['eu-west-1', 'us-east-1']) {
      writeFileSync(join(dir, `functions-${region}.txt`), `${I.fn}\n`);
      writeFileSync(join(dir, `subnets-${region}.txt`), `${I.subnetA},${I.subnetB}\n`);
      writeFileSync(join(dir, `sg-${region}.txt`), `${I.sg}\n`);
    }
    const bin = join(dir, 'bin');
    execFileSync('mkdir', [bin]);
    writeFileSync(
      join(bin, 'lambda-vpc'),
      `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', 'lambda-vpc.cjs')}" --endpoint-url ${f.url} "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(join(dir, 'loop.sh'), loop);
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['loop.sh'], {
        cwd: dir,
        env: cleanEnv({ ...AWS_ENV, PATH: `${bin}:${process.env.PATH}` }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('goes through every region, prints each outcome with jq, and exits 0 when all passed', async () => {
    expect(loop).toContain('set -euo pipefail');
    const f = await start();
    const r = await runLoop(f);
    expect(r.stdout).toBe(`eu-west-1 ${I.fn}: updated\nus-east-1 ${I.fn}: unchanged\n`);
    expect(r.code).toBe(0);
  });

  it('a failed update does not stop the loop; the script exits 1 at the end', async () => {
    const f = await start();
    f.state.setNextUpdateOutcome(I.fn, { status: 'Failed', reasonCode: 'InvalidSecurityGroup', reason: 'x' });
    const r = await runLoop(f);
    // The loop passes --rollback-on-failure: the previous configuration was written back.
    expect(r.stdout.split('\n')[0]).toBe(`eu-west-1 ${I.fn}: rolled-back (UpdateFailed)`);
    expect(r.stdout.split('\n')).toHaveLength(3);
    expect(r.code).toBe(1);
  });
});

// ------------------------------------------------------------------ the example workflow
describe('docs/examples/github-actions.yml', () => {
  const workflow = asMap(
    parseYaml(readFileSync(join(ROOT, 'docs', 'examples', 'github-actions.yml'), 'utf8')),
  );
  const [job] = Object.values(asMap(workflow.jobs)).map(asMap);
  const jobSteps = asList(job?.steps).map(asMap);
  const uses = (prefix: string) => jobSteps.filter((s) => String(s.uses ?? '').startsWith(prefix));

  it('gets OIDC credentials: id-token write, then configure-aws-credentials with a role and a region', () => {
    expect(asMap(workflow.permissions)['id-token']).toBe('write');
    const [credentials] = uses('aws-actions/configure-aws-credentials@');
    expect(Object.keys(asMap(credentials?.with)).sort()).toEqual(['aws-region', 'role-to-assume']);
    expect(String(asMap(credentials?.with)['role-to-assume'])).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('checks the permissions, then attaches with --fail-on-iac and --rollback-on-failure', () => {
    const lambdaVpc = uses('lambda-vpc/lambda-vpc@').map((s) => asMap(s.with));
    expect(lambdaVpc.map((w) => w.command)).toEqual(['check-perms', 'attach']);
    const attachArgs = String(lambdaVpc[1]?.args).split(/\s+/);
    expect(attachArgs).toEqual(expect.arrayContaining(['--fail-on-iac', '--rollback-on-failure']));
    const firstOf = (prefix: string) => jobSteps.findIndex((s) => String(s.uses ?? '').startsWith(prefix));
    expect(firstOf('aws-actions/configure-aws-credentials@')).toBeGreaterThanOrEqual(0);
    expect(firstOf('aws-actions/configure-aws-credentials@')).toBeLessThan(firstOf('lambda-vpc/lambda-vpc@'));
  });

  it("gives the job longer than the CLI's --timeout, so the CLI ends a slow update itself", () => {
    const attach = asMap(uses('lambda-vpc/lambda-vpc@').at(-1)?.with);
    const timeout = /--timeout (\d+)m\b/.exec(String(attach.args))?.[1];
    expect(timeout).toBeDefined();
    expect(Number(job?.['timeout-minutes'])).toBeGreaterThan(Number(timeout));
  });

  it('is not a workflow of this repository', () => {
    expect(existsSync(join(ROOT, '.github', 'workflows', 'github-actions.yml'))).toBe(false);
  });
});
