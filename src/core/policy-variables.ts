// Policy variables (`${aws:PrincipalTag/team}`, `${key, 'default'}`, `${*}`) and IAM's wildcard
// match. A substituted value must stay literal when the result is used as a pattern, so what comes
// out is a glob in which `\` escapes the next character, and globMatch is the one reader of it.
import type { KeyValue } from './request-facts.js';

export type KeyLookup = (key: string) => KeyValue;

export interface PolicyTextOptions {
  /**
   * The document's Version element, as written: policy variables exist only in "2012-10-17"
   * documents. A document without a Version is "2008-10-17" for IAM, where `${…}` is literal text,
   * so pass `{ policyVersion: document.Version }` even when it is undefined. Without options at all
   * the text is read as "2012-10-17", the version of nearly every policy.
   */
  policyVersion?: string | undefined;
}

export const VARIABLES_VERSION = '2012-10-17';

export const variablesApply = (options: PolicyTextOptions | undefined): boolean =>
  options === undefined || options.policyVersion === VARIABLES_VERSION;

export type Substitution =
  /** `value` is a glob (see globMatch): a substituted value's own `*`, `?` and `\` are escaped. */
  | { kind: 'value'; value: string }
  /** A variable with no value and no default: in Resource the statement matches nothing. */
  | { kind: 'noMatch' }
  | { kind: 'unknown'; keys: string[] };

export type Resolved =
  | { kind: 'value'; pattern: string }
  | { kind: 'noMatch' }
  | { kind: 'unknown'; keys: string[] };

/**
 * Replaces the `${…}` policy variables of a Resource or condition value. The result is a glob for
 * globMatch, also when the text holds no variable (a literal `\` in it is escaped).
 */
export function substituteVariables(
  text: string,
  lookup: KeyLookup,
  options?: PolicyTextOptions,
): Substitution {
  if (!variablesApply(options)) return { kind: 'value', value: literalPattern(text).pattern };
  const r = resolveText(text, lookup);
  return r.kind === 'value' ? { kind: 'value', value: r.pattern } : r;
}

export const literalPattern = (text: string): { kind: 'value'; pattern: string } => ({
  kind: 'value',
  pattern: text.replace(/\\/g, '\\\\'),
});

export function resolveText(text: string, lookup: KeyLookup): Resolved {
  let pattern = '';
  let noMatch = false;
  const unknownKeys: string[] = [];
  let at = 0;
  while (at < text.length) {
    const start = text.indexOf('${', at);
    if (start < 0) {
      pattern += literalPattern(text.slice(at)).pattern;
      break;
    }
    pattern += literalPattern(text.slice(at, start)).pattern;
    const variable = parseVariable(text, start + 2);
    if (variable === undefined) {
      // Malformed (`${` never closed, a default without quotes): IAM's reading of it is unknown.
      unknownKeys.push(text.slice(start));
      break;
    }
    at = variable.end;
    if (variable.kind === 'escape') {
      pattern += escapeGlob(variable.char);
      continue;
    }
    const value = variableValue(lookup(variable.key));
    if (value === 'unknown') unknownKeys.push(variable.key);
    else if (value !== undefined) pattern += escapeGlob(value);
    else if (variable.fallback !== undefined) pattern += escapeGlob(variable.fallback);
    else noMatch = true;
  }
  if (noMatch) return { kind: 'noMatch' };
  if (unknownKeys.length > 0) return { kind: 'unknown', keys: [...new Set(unknownKeys)] };
  return { kind: 'value', pattern };
}

// A variable takes a single-valued key ("you can't use a multivalued context key as a policy
// variable"): several values are not something we can substitute, so the result is unknown.
function variableValue(kv: KeyValue): string | undefined | 'unknown' {
  if (kv.kind === 'unknown' || (kv.kind === 'values' && !Array.isArray(kv.values))) return 'unknown';
  if (kv.kind === 'absent' || kv.values.length === 0) return undefined;
  return kv.values.length === 1 ? kv.values[0] : 'unknown';
}

type Variable =
  | { kind: 'escape'; char: string; end: number }
  | { kind: 'variable'; key: string; fallback?: string; end: number };

// `${*}`, `${?}`, `${$}`; `${key}`; `${key, 'default'}` where `''` in the default is one quote.
function parseVariable(text: string, from: number): Variable | undefined {
  for (const char of ['*', '?', '$'])
    if (text.startsWith(`${char}}`, from)) return { kind: 'escape', char, end: from + 2 };
  let i = from;
  while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
  const key = text.slice(from, i).trim();
  if (i >= text.length || !/^[^\s${}']+$/.test(key)) return undefined;
  if (text[i] === '}') return { kind: 'variable', key, end: i + 1 };
  i++;
  while (text[i] === ' ') i++;
  if (text[i] !== "'") return undefined;
  let fallback = '';
  for (i++; i < text.length; i++) {
    if (text[i] !== "'") fallback += text[i];
    else if (text[i + 1] === "'") {
      fallback += "'";
      i++;
    } else break;
  }
  if (text[i] !== "'") return undefined;
  i++;
  while (text[i] === ' ') i++;
  return text[i] === '}' ? { kind: 'variable', key, fallback, end: i + 1 } : undefined;
}

/** Makes `*`, `?` and `\` of a value literal in a globMatch pattern. */
export const escapeGlob = (value: string): string => value.replace(/[\\*?]/g, '\\$&');

/** The literal text a glob stands for when its wildcards are not wildcards (StringEquals). */
export const literalOf = (pattern: string): string => pattern.replace(/\\(.)/gs, '$1');

/** A glob pattern's parts: the two wildcards, or one literal character (`\x` is a literal x). */
export type GlobToken = '*' | '?' | { char: string };

export function globTokens(pattern: string): GlobToken[] {
  const chars = [...pattern];
  const tokens: GlobToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) tokens.push({ char: chars[++i] as string });
    else tokens.push(c === '*' || c === '?' ? c : { char: c });
  }
  return tokens;
}

/**
 * IAM's wildcard match: `*` matches any run of characters (colons and slashes included), `?`
 * exactly one, and `\` makes the character after it literal (see substituteVariables).
 */
export function globMatch(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const tokens = globTokens(pattern);
  const text = [...value];
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  const matchesOne = (t: GlobToken, c: string) =>
    t === '?' || (typeof t === 'object' && fold(t.char) === fold(c));
  // Greedy scan with backtracking to the last `*`: linear for patterns with one star, and never
  // exponential, unlike a regular expression built from the pattern.
  let [p, v, star, starAt] = [0, 0, -1, 0];
  while (v < text.length) {
    const t = tokens[p];
    if (t === '*') {
      star = p++;
      starAt = v;
    } else if (t !== undefined && matchesOne(t, text[v] as string)) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++starAt;
    } else return false;
  }
  while (p < tokens.length && tokens[p] === '*') p++;
  return p === tokens.length;
}
