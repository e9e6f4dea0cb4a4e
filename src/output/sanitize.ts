/**
 * What may reach a terminal or a log: credentials are cut out of everything printed, and
 * control characters in text that comes from outside (user input, AWS messages) are shown
 * as escapes instead of being interpreted by the terminal. Ui applies both; nothing else
 * prints.
 */

const REDACTED = '[redacted]';

/**
 * Credentials as they appear in AWS messages and SDK errors: a SigV4 canonical request
 * (`x-amz-security-token:…`), a presigned query (`X-Amz-Security-Token=…`, `X-Amz-Credential=…`,
 * `X-Amz-Signature=…`), an Authorization header (`Credential=KEYID/…`, `Signature=…`), and
 * access key ids wherever they stand (AKIA… long-term, ASIA… temporary; the prefix is kept, it
 * tells which kind was used).
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(x-amz-security-token\s*[:=]\s*)[^\s'"\\&,;]+/gi, `$1${REDACTED}`],
  [/((?:^|[^a-z])(?:X-Amz-)?Credential=)[^\s'"\\&,;/%]+/gi, `$1${REDACTED}`],
  [/((?:^|[^a-z])(?:X-Amz-)?Signature=)[0-9a-f]+/gi, `$1${REDACTED}`],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, `$1${REDACTED}`],
];

/** Environment variables whose values are credentials, searched for as they are. */
const SECRET_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
] as const;

/**
 * Shorter values are no AWS credential (key ids have 16 characters or more, secrets 40,
 * session tokens hundreds), and searching for them would cut ordinary words out of the
 * output (an emulator's `test`/`secret` would mangle `secretsmanager`).
 */
const MIN_SECRET_LENGTH = 8;

/** Cuts credentials out of text: by their known shapes, and by the values in `env`. */
export function redactor(env: NodeJS.ProcessEnv): (text: string) => string {
  const values = new Set<string>();
  for (const name of SECRET_VARIABLES) {
    const value = env[name]?.trim();
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    values.add(value);
    // As it appears in a query string, and inside a JSON string.
    values.add(encodeURIComponent(value));
    values.add(JSON.stringify(value).slice(1, -1));
  }
  // Longest first, so a value containing another is cut whole.
  const byValue = [...values].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const value of byValue) out = out.split(value).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}

/** Every C0 control character but tab and line feed, DEL, and the C1 controls (0x9b opens a sequence too). */
const CONTROLS = String.raw`\x00-\x08\x0b-\x1f\x7f-\x9f`;
const CONTROL = new RegExp(`[\\n${CONTROLS}]`, 'g');
/** The same without the line feed, for text that may span lines (a stack trace). */
const CONTROL_KEEP_LINES = new RegExp(`[${CONTROLS}]`, 'g');
/** Colours as chalk writes them (the only sequence the tool prints itself, the spinner aside), or one control character. */
const OUTPUT_CONTROL = new RegExp(String.raw`\x1b\[[0-9;]*m|[${CONTROLS}]`, 'g');

const escapeChar = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * One line of text from outside (a message quoting user input, an AWS message): control
 * characters, line breaks included, are shown as `\xNN`, so a function name or file line with
 * ESC in it cannot move the cursor, retitle the window or recolour the terminal.
 */
export const escapeLine = (text: string) => text.replace(CONTROL, escapeChar);

/** Text of several lines (a stack trace): as escapeLine, but line breaks stay. */
export const escapeLines = (text: string) => text.replace(CONTROL_KEEP_LINES, escapeChar);

/**
 * Whole output (rendered results, whose colours are chalk's own): line breaks and, when the
 * stream is coloured, chalk's colour sequences stay; every other control character is escaped.
 */
export const escapeOutput = (text: string, keepColours: boolean) =>
  text.replace(OUTPUT_CONTROL, (found) =>
    found.length === 1 ? escapeChar(found) : keepColours ? found : escapeLines(found),
  );
