#!/usr/bin/env node
// The step of the GitHub Action (action.yml): runs lambda-vpc with --output json, hands its
// document and exit code to the workflow as step outputs, and exits with that code so the step
// fails with it. Plain Node and no dependencies: it runs from the action's checkout before
// anything is installed, and it can be run outside GitHub with the same environment
// (INPUT_COMMAND, INPUT_ARGS, INPUT_VERSION, GITHUB_OUTPUT, RUNNER_TEMP).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ACTION_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** GitHub refuses a step's outputs above 1 MB, counted in UTF-16; the document stays in json-file above this. */
const JSON_OUTPUT_MAX_CHARS = 500_000;
/** What a run that the action itself stopped before the CLI ran exits with: the CLI's own codes. */
const USAGE = 2;
const SETUP_FAILED = 1;

class ActionError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * Splits the `args` input into words as a POSIX shell would, without expanding anything: blanks
 * and line breaks separate words, '…' is literal, "…" keeps \" \\ \$ \` escapes, a backslash
 * outside quotes escapes the next character. `$VAR` stays as written: GitHub has already
 * replaced ${{ … }} expressions, and nothing here runs a shell.
 */
function splitArgs(text) {
  const words = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ActionError(`args has an unterminated ' quote: ${text}`, USAGE);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && '"\\$`'.includes(text[j + 1] ?? '')) j++;
        word += text[j];
      }
      if (j >= text.length) throw new ActionError(`args has an unterminated " quote: ${text}`, USAGE);
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      i++;
      if (text[i] !== '\n') word += text[i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function readInputs(env) {
  const command = (env.INPUT_COMMAND ?? '').trim();
  if (!/^[a-z][a-z-]*$/.test(command))
    throw new ActionError(
      command === ''
        ? 'Name a command: the input `command` is empty (attach, detach, status, check-perms, enis or reach).'
        : `The input \`command\` must be one lambda-vpc command (attach, detach, status, …), got '${command}'; the rest goes in \`args\`.`,
      USAGE,
    );
  const args = splitArgs(env.INPUT_ARGS ?? '');
  if (args.some((a) => a.startsWith('-o') || a === '--output' || a.startsWith('--output=')))
    throw new ActionError(
      'The action runs lambda-vpc with --output json itself: remove --output/-o from `args`.',
      USAGE,
    );
  const version = (env.INPUT_VERSION ?? '').trim();
  if (/\s/.test(version))
    throw new ActionError(`The input \`version\` is one npm version, got '${version}'.`, USAGE);
  return { command, args, version };
}

/** The child that a signal is handed on to, and the signal that stopped the run, if one did. */
let running;
let stoppedBy;
const signalExitCode = (signal) => 128 + (constants.signals[signal] ?? 9);

function run(file, args, options) {
  return new Promise((resolve, reject) => {
    // Its own process group: a Ctrl-C in a terminal reaches this process alone, which hands it
    // on once (twice would make the CLI give up winding down).
    const child = spawn(file, args, { ...options, detached: true });
    running = child;
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running = undefined;
      resolve({ code: code ?? signalExitCode(signal), stdout });
    });
  });
}

/** npm's own output goes to stderr: the step's stdout carries nothing but what the action prints. */
async function npm(args, cwd) {
  const { code } = await run('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], {
    cwd,
    stdio: ['ignore', process.stderr, process.stderr],
  }).catch((error) => {
    throw new ActionError(`npm could not be started: ${error.message}`, SETUP_FAILED);
  });
  if (stoppedBy)
    throw new ActionError(`Stopped by ${stoppedBy} before lambda-vpc ran.`, signalExitCode(stoppedBy));
  if (code !== 0) throw new ActionError(`npm ${args.join(' ')} failed with exit code ${code}.`, SETUP_FAILED);
}

/**
 * The launcher to run. No `version`: the action's own code, built in its checkout the first time
 * (the bundle's dependencies are devDependencies: esbuild inlines them, so the build needs them
 * all; install scripts are not needed and not run). A `version`: that package from the npm
 * registry, installed into RUNNER_TEMP.
 */
async function resolveLauncher(version, env) {
  if (version === '') {
    if (!existsSync(join(ACTION_ROOT, 'dist', 'cli.js'))) {
      process.stderr.write(`lambda-vpc: building the action's own copy in ${ACTION_ROOT}\n`);
      await npm(['ci', '--ignore-scripts'], ACTION_ROOT);
      await npm(['run', 'build'], ACTION_ROOT);
    }
    return join(ACTION_ROOT, 'bin', 'lambda-vpc.cjs');
  }
  const prefix = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'lambda-vpc-npm-'));
  process.stderr.write(`lambda-vpc: installing lambda-vpc@${version}\n`);
  await npm(
    ['install', '--no-save', '--ignore-scripts', '--prefix', prefix, `lambda-vpc@${version}`],
    prefix,
  );
  const launcher = join(prefix, 'node_modules', 'lambda-vpc', 'bin', 'lambda-vpc.cjs');
  if (!existsSync(launcher))
    throw new ActionError(`lambda-vpc@${version} installed, but it has no bin/lambda-vpc.cjs.`, SETUP_FAILED);
  return launcher;
}

function parseDocument(stdout) {
  try {
    const doc = JSON.parse(stdout);
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** The outcome every result shares, `mixed` when they differ, empty without results. */
function sharedOutcome(doc) {
  const outcomes = new Set((doc.results ?? []).map((r) => r.outcome));
  return outcomes.size === 0 ? '' : outcomes.size === 1 ? [...outcomes][0] : 'mixed';
}

/** The error that decided the exit code: the document's own, else the first result's with that code. */
function decidingErrorCode(doc) {
  if (doc.error?.code) return doc.error.code;
  const failed = (doc.results ?? []).find((r) => r.error && r.error.exitCode === doc.exitCode);
  return failed?.error.code ?? '';
}

/** `check-perms`: the verdict over the principals checked; `reach`: over the targets. */
function verdictOf(doc) {
  if (doc.command === 'check-perms') return doc.permissions?.verdict ?? '';
  if (doc.command === 'reach') return typeof doc.verdict === 'string' ? doc.verdict : '';
  return '';
}

function outputsOf(exitCode, doc, jsonFile) {
  const json = doc === undefined ? '' : JSON.stringify(doc);
  return {
    'exit-code': String(exitCode),
    json: json.length <= JSON_OUTPUT_MAX_CHARS ? json : '',
    'json-file': jsonFile,
    outcome: doc ? sharedOutcome(doc) : '',
    summary: doc?.summary ? JSON.stringify(doc.summary) : '',
    'error-code': doc ? decidingErrorCode(doc) : '',
    verdict: doc ? verdictOf(doc) : '',
  };
}

/** GitHub's multiline syntax (`name<<DELIMITER`), with a delimiter that the value cannot contain. */
function writeOutputs(file, outputs) {
  if (!file) return;
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    let delimiter;
    do delimiter = `ghadelimiter_${randomUUID()}`;
    while (value.includes(delimiter));
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(file, text);
}

/** Markdown cells: AWS's text may hold a pipe, a line break or HTML. */
const cell = (text) =>
  String(text ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\|/g, '\\|');
const SUMMARY_ROWS = 50;

/** The job summary GitHub shows on the run's page: the exit code, then one row per function. */
function stepSummary(command, outputs, doc) {
  const error = outputs['error-code'] ? ` (${outputs['error-code']})` : '';
  const verdict = outputs.verdict ? `, ${outputs.verdict}` : '';
  const lines = [`### lambda-vpc ${cell(command)}: exit ${outputs['exit-code']}${error}${verdict}`, ''];
  if (doc?.error?.message) lines.push(cell(doc.error.message), '');
  const results = doc?.results ?? [];
  if (results.length > 0) {
    lines.push('| function | outcome | written | error |', '|---|---|---|---|');
    for (const r of results.slice(0, SUMMARY_ROWS))
      lines.push(
        `| ${cell(r.function)} | ${cell(r.outcome)} | ${cell(r.written)} | ${r.error ? cell(`${r.error.code}: ${r.error.message}`) : ''} |`,
      );
    if (results.length > SUMMARY_ROWS)
      lines.push('', `… and ${results.length - SUMMARY_ROWS} more: the json-file output has them all.`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(env) {
  let inputs;
  try {
    inputs = readInputs(env);
    const launcher = await resolveLauncher(inputs.version, env);
    const jsonFile = join(mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'lambda-vpc-')), 'result.json');
    // The CLI's stderr (progress, heartbeat, errors) goes to the log as is, but never as workflow
    // commands: a line of AWS's text must not be able to set an output or mask the log.
    const token = randomUUID();
    if (env.GITHUB_ACTIONS === 'true') process.stdout.write(`::stop-commands::${token}\n`);
    const { code, stdout } = await run(
      process.execPath,
      [launcher, '--output', 'json', inputs.command, ...inputs.args],
      { stdio: ['inherit', 'pipe', 'inherit'] },
    );
    if (env.GITHUB_ACTIONS === 'true') process.stdout.write(`::${token}::\n`);
    const doc = parseDocument(stdout);
    if (doc === undefined) {
      process.stderr.write(`lambda-vpc printed no JSON document (exit code ${code}).\n`);
      if (stdout !== '') process.stderr.write(stdout);
    } else writeFileSync(jsonFile, `${JSON.stringify(doc, null, 2)}\n`);
    const outputs = outputsOf(code, doc, doc === undefined ? '' : jsonFile);
    writeOutputs(env.GITHUB_OUTPUT, outputs);
    if (env.GITHUB_STEP_SUMMARY)
      appendFileSync(env.GITHUB_STEP_SUMMARY, stepSummary(inputs.command, outputs, doc));
    if (doc !== undefined && outputs.json === '')
      process.stderr.write(
        `The JSON document is larger than a step output may be: read it from ${jsonFile}.\n`,
      );
    process.stderr.write(
      `lambda-vpc ${inputs.command}: exit ${code}${outputs.outcome ? `, ${outputs.outcome}` : ''}${outputs.summary ? ` ${outputs.summary}` : ''}\n`,
    );
    return code;
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    process.stderr.write(`Error: ${error.message}\n`);
    writeOutputs(env.GITHUB_OUTPUT, outputsOf(error.exitCode, undefined, ''));
    return error.exitCode;
  }
}

// GitHub cancels a step (or ends it at timeout-minutes) with SIGINT, then SIGTERM 7.5 s later,
// sent to the step's process only: this one, which action.yml `exec`s. Handed on to the CLI,
// which stops waiting, prints its document and exits 130 or 143; the outputs are written after.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stoppedBy ??= signal;
    if (running) running.kill(signal);
    else {
      writeOutputs(process.env.GITHUB_OUTPUT, outputsOf(signalExitCode(signal), undefined, ''));
      process.exit(signalExitCode(signal));
    }
  });

process.exitCode = await main(process.env);
