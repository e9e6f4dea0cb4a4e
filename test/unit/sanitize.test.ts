import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { escapeLine, escapeLines, escapeOutput, redactor } from '../../src/output/sanitize.js';
import { Ui } from '../../src/output/ui.js';
import { captureStream } from '../helpers.js';

const KEY_ID = 'ASIAQWERTYUIOPASDFGH';
const TOKEN = 'SECRETTOKEN123IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc=';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1';

// What Lambda answers when the signature does not match: the canonical request, token and all.
const INVALID_SIGNATURE = [
  'The request signature we calculated does not match the signature you provided.',
  '',
  'The Canonical String for this request should have been',
  "'GET",
  '/2015-03-31/functions/my-fn',
  '',
  'host:lambda.us-east-1.amazonaws.com',
  'x-amz-date:20260101T000000Z',
  `x-amz-security-token:${TOKEN}`,
  '',
  'host;x-amz-date;x-amz-security-token',
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
].join('\n');

describe('redactor', () => {
  const redact = redactor({});

  it('cuts the session token out of a canonical request', () => {
    const out = redact(INVALID_SIGNATURE);
    expect(out).not.toContain('SECRETTOKEN123');
    expect(out).toContain('x-amz-security-token:[redacted]\n');
    expect(out).toContain('host;x-amz-date;x-amz-security-token\n');
  });

  it('cuts key ids, credentials and signatures out of an Authorization header and a presigned URL', () => {
    const header = `AWS4-HMAC-SHA256 Credential=LKIDNOTAKIAFORMAT00/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef`;
    expect(redact(header)).toBe(
      'AWS4-HMAC-SHA256 Credential=[redacted]/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=[redacted]',
    );
    const url = `https://x/?X-Amz-Credential=${KEY_ID}%2F20260101%2Fus-east-1&X-Amz-Security-Token=${encodeURIComponent(TOKEN)}&X-Amz-Signature=abcdef0123`;
    expect(redact(url)).toBe(
      'https://x/?X-Amz-Credential=[redacted]%2F20260101%2Fus-east-1&X-Amz-Security-Token=[redacted]&X-Amz-Signature=[redacted]',
    );
    expect(redact(`The key ${KEY_ID} and AKIAIOSFODNN7EXAMPLE`)).toBe(
      'The key ASIA[redacted] and AKIA[redacted]',
    );
  });

  it('cuts the values of the credential variables wherever they stand, in text or JSON', () => {
    const byValue = redactor({
      AWS_ACCESS_KEY_ID: 'LKIDNOTAKIAFORMAT00',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: TOKEN,
    });
    const text = `id LKIDNOTAKIAFORMAT00 secret ${SECRET} token ${TOKEN} json ${JSON.stringify({ m: TOKEN })} url ${encodeURIComponent(TOKEN)}`;
    const out = byValue(text);
    for (const secret of ['LKIDNOTAKIAFORMAT00', SECRET, TOKEN, encodeURIComponent(TOKEN), 'SECRETTOKEN123'])
      expect(out).not.toContain(secret);
    expect(out).toBe(
      'id [redacted] secret [redacted] token [redacted] json {"m":"[redacted]"} url [redacted]',
    );
  });

  it('leaves ordinary words alone: short values are no credentials', () => {
    const emulator = redactor({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(emulator('secretsmanager endpoint for test-fn')).toBe('secretsmanager endpoint for test-fn');
  });
});

describe('escaping control characters', () => {
  it('shows ESC, CR, LF and the C1 controls of one line as \\xNN', () => {
    expect(escapeLine("'\x1b]0;pwned\x07\x1b[2Jfn\r\n\x9b' is not")).toBe(
      "'\\x1b]0;pwned\\x07\\x1b[2Jfn\\x0d\\x0a\\x9b' is not",
    );
    expect(escapeLine('tab\tand ünïcödé stay')).toBe('tab\tand ünïcödé stay');
  });

  it('keeps the line breaks of a stack trace', () => {
    expect(escapeLines('Error: \x1b[31m\n    at x')).toBe('Error: \\x1b[31m\n    at x');
  });

  it('keeps chalk colours only on a coloured stream', () => {
    expect(escapeOutput('\x1b[32m✔\x1b[39m ok\n\x1b[2J', true)).toBe('\x1b[32m✔\x1b[39m ok\n\\x1b[2J');
    expect(escapeOutput('\x1b[32m✔\x1b[39m ok\n', false)).toBe('\\x1b[32m✔\\x1b[39m ok\n');
  });
});

describe('Ui prints nothing unsafe', () => {
  const env = { NO_COLOR: '1', AWS_SESSION_TOKEN: TOKEN, AWS_SECRET_ACCESS_KEY: SECRET };
  const cause = Object.assign(new Error(INVALID_SIGNATURE), { name: 'InvalidSignatureException' });
  const error = new CliError('Credentials', `AWS credentials are missing or invalid: ${cause.message}`, {
    cause,
    hint: `Check ${KEY_ID}.`,
  });

  it.each([
    ['human', false],
    ['human', true],
    ['json', false],
    ['json', true],
  ] as const)('%s, --debug %s: no token, secret or key id on stdout or stderr', (format, debug) => {
    const stdout = captureStream();
    const stderr = captureStream();
    const ui = new Ui({ stdout, stderr, env, format, color: false, debug });
    ui.error(error, 'my-fn: ');
    ui.warn(`token ${TOKEN}`);
    ui.note(`secret ${SECRET}`);
    ui.notice(`id ${KEY_ID}`);
    ui.debugLine(`Lambda.GetFunction x-amz-security-token:${TOKEN}`);
    ui.show(() => `shown ${TOKEN}`);
    ui.document(`${JSON.stringify({ error: { message: cause.message, hint: KEY_ID } }, null, 2)}\n`);
    const printed = stdout.text + stderr.text;
    for (const secret of ['SECRETTOKEN123', SECRET, KEY_ID]) expect(printed).not.toContain(secret);
    expect(stderr.text).toContain('[redacted]');
    if (format === 'json')
      expect(JSON.parse(stdout.text).error.message).toContain('x-amz-security-token:[redacted]');
    if (debug) expect(stderr.text).toContain('[debug] InvalidSignatureException: The request signature');
  });

  it('escapes control characters from input in errors, warnings and notes, and keeps its own colours', () => {
    const stderr = captureStream(true);
    const ui = new Ui({
      stdout: captureStream(),
      stderr,
      env: { FORCE_COLOR: '1' },
      format: 'human',
      color: true,
      debug: false,
    });
    ui.error(new CliError('Usage', "'\x1b]0;owned\x07evil' is not a Lambda function name or ARN."));
    ui.warn('line\x1b[1Aup');
    ui.note('note\rover');
    expect(stderr.text).toBe(
      [
        "\x1b[31mError:\x1b[39m '\\x1b]0;owned\\x07evil' is not a Lambda function name or ARN.",
        '\x1b[33mWarning:\x1b[39m line\\x1b[1Aup',
        'note\\x0dover',
        '',
      ].join('\n'),
    );
  });
});
