// The Condition element and policy variables, evaluated in three values: a condition holds, does
// not hold, or depends on a key whose value is not known (then the key is named).
//
// Semantics follow the IAM User Guide ("Condition operators", "Conditions with multiple context
// keys or values", "Policy variables"). Where AWS documents no behaviour, the answer is 'unknown'
// rather than a guess, so that the evaluator never proves "allowed" from an assumption.
import {
  globMatch,
  type KeyLookup,
  literalOf,
  literalPattern,
  type PolicyTextOptions,
  type Resolved,
  resolveText,
  variablesApply,
} from './policy-variables.js';
import { contains, parseCidr } from './reachability/path/cidr.js';
import type { KeyValue } from './request-facts.js';

export {
  escapeGlob,
  type GlobToken,
  globMatch,
  globTokens,
  type KeyLookup,
  literalOf,
  type PolicyTextOptions,
  type Substitution,
  substituteVariables,
  VARIABLES_VERSION,
} from './policy-variables.js';

export type Truth = true | false | 'unknown';

export interface ConditionResult {
  result: Truth;
  /** The keys whose unknown value left the result open (empty unless result is 'unknown'). */
  unknownKeys: string[];
}

/**
 * A statement's whole Condition block: every operator must hold, every key of an operator must
 * hold, and a key holds when any of the policy's values matches (AWS's documented semantics).
 */
export function evaluateCondition(
  condition: Record<string, unknown>,
  lookup: KeyLookup,
  options?: PolicyTextOptions,
): ConditionResult {
  const variables = variablesApply(options);
  const operators = isObject(condition)
    ? Object.entries(condition).map(([name, byKey]) => evaluateOperator(name, byKey, lookup, variables))
    : [unknownOf('Condition')];
  const { v, keys } = and(operators);
  return { result: v, unknownKeys: v === 'unknown' ? [...new Set(keys)] : [] };
}

// A truth value with the keys that left it open.
interface Tri {
  v: Truth;
  keys: string[];
}
const TRUE: Tri = { v: true, keys: [] };
const FALSE: Tri = { v: false, keys: [] };
const unknownOf = (...keys: string[]): Tri => ({ v: 'unknown', keys });
const tri = (v: Truth, key: string): Tri => (v === 'unknown' ? unknownOf(key) : v ? TRUE : FALSE);

// Kleene AND: one false decides, whatever is unknown elsewhere.
function and(items: Tri[]): Tri {
  if (items.some((t) => t.v === false)) return FALSE;
  const open = items.filter((t) => t.v === 'unknown');
  return open.length === 0 ? TRUE : unknownOf(...open.flatMap((t) => t.keys));
}

function or(items: Tri[]): Tri {
  if (items.some((t) => t.v === true)) return TRUE;
  const open = items.filter((t) => t.v === 'unknown');
  return open.length === 0 ? FALSE : unknownOf(...open.flatMap((t) => t.keys));
}

const not = (t: Tri): Tri => (t.v === 'unknown' ? t : t.v ? FALSE : TRUE);

// ---- Operators ----

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn';

/** The positive test of a request value against one policy value (already resolved to a pattern). */
type Match = (request: string, pattern: string) => Truth;

interface BaseOperator {
  family: Family;
  /** The Not… operators: a key holds when no policy value matches (NOR), and when it is absent. */
  negated: boolean;
  match: Match;
}

interface Operator {
  base: BaseOperator | 'Null';
  set?: 'ForAllValues' | 'ForAnyValue';
  ifExists: boolean;
}

const stringEquals: Match = (r, p) => r === literalOf(p);
const stringEqualsIgnoreCase: Match = (r, p) => r.toLowerCase() === literalOf(p).toLowerCase();
const stringLike: Match = (r, p) => globMatch(p, r);
const numeric =
  (test: (r: number, p: number) => boolean): Match =>
  (r, p) => {
    const [a, b] = [parseNumber(r), parseNumber(literalOf(p))];
    return a === undefined || b === undefined ? 'unknown' : test(a, b);
  };
const date =
  (test: (r: number, p: number) => boolean): Match =>
  (r, p) => {
    const [a, b] = [parseDate(r), parseDate(literalOf(p))];
    return a === undefined || b === undefined ? 'unknown' : test(a, b);
  };

// A Map, so that a policy naming `constructor` or `toString` finds no operator on a prototype.
const BASE_OPERATORS = new Map<string, BaseOperator>(
  Object.entries({
    StringEquals: { family: 'string', negated: false, match: stringEquals },
    StringNotEquals: { family: 'string', negated: true, match: stringEquals },
    StringEqualsIgnoreCase: { family: 'string', negated: false, match: stringEqualsIgnoreCase },
    StringNotEqualsIgnoreCase: { family: 'string', negated: true, match: stringEqualsIgnoreCase },
    StringLike: { family: 'string', negated: false, match: stringLike },
    StringNotLike: { family: 'string', negated: true, match: stringLike },
    NumericEquals: { family: 'numeric', negated: false, match: numeric((r, p) => r === p) },
    NumericNotEquals: { family: 'numeric', negated: true, match: numeric((r, p) => r === p) },
    NumericLessThan: { family: 'numeric', negated: false, match: numeric((r, p) => r < p) },
    NumericLessThanEquals: { family: 'numeric', negated: false, match: numeric((r, p) => r <= p) },
    NumericGreaterThan: { family: 'numeric', negated: false, match: numeric((r, p) => r > p) },
    NumericGreaterThanEquals: { family: 'numeric', negated: false, match: numeric((r, p) => r >= p) },
    DateEquals: { family: 'date', negated: false, match: date((r, p) => r === p) },
    DateNotEquals: { family: 'date', negated: true, match: date((r, p) => r === p) },
    DateLessThan: { family: 'date', negated: false, match: date((r, p) => r < p) },
    DateLessThanEquals: { family: 'date', negated: false, match: date((r, p) => r <= p) },
    DateGreaterThan: { family: 'date', negated: false, match: date((r, p) => r > p) },
    DateGreaterThanEquals: { family: 'date', negated: false, match: date((r, p) => r >= p) },
    Bool: { family: 'bool', negated: false, match: boolEquals },
    BinaryEquals: { family: 'binary', negated: false, match: binaryEquals },
    IpAddress: { family: 'ip', negated: false, match: ipInRange },
    NotIpAddress: { family: 'ip', negated: true, match: ipInRange },
    ArnEquals: { family: 'arn', negated: false, match: arnLike },
    ArnLike: { family: 'arn', negated: false, match: arnLike },
    ArnNotEquals: { family: 'arn', negated: true, match: arnLike },
    ArnNotLike: { family: 'arn', negated: true, match: arnLike },
  } satisfies Record<string, BaseOperator>),
);

// The operator families whose values may hold policy variables ("Policy variables: Supported" in
// the Condition operators reference); in the others `${…}` is compared as written.
const VARIABLE_FAMILIES = new Set<Family>(['string', 'arn', 'bool']);

// Operator names are case-sensitive: IAM refuses `stringEquals` ("Invalid Condition type"), so a
// name that is not exactly AWS's is one we cannot read, never a match.
function parseOperator(name: string): Operator | undefined {
  const colon = name.indexOf(':');
  const qualifier = colon < 0 ? undefined : name.slice(0, colon);
  if (qualifier !== undefined && qualifier !== 'ForAllValues' && qualifier !== 'ForAnyValue')
    return undefined;
  const rest = colon < 0 ? name : name.slice(colon + 1);
  if (rest === 'Null') return qualifier === undefined ? { base: 'Null', ifExists: false } : undefined;
  const ifExists = rest.endsWith('IfExists');
  const base = BASE_OPERATORS.get(ifExists ? rest.slice(0, -'IfExists'.length) : rest);
  if (base === undefined) return undefined;
  return qualifier === undefined ? { base, ifExists } : { base, set: qualifier, ifExists };
}

function evaluateOperator(name: string, byKey: unknown, lookup: KeyLookup, variables: boolean): Tri {
  const operator = parseOperator(name);
  if (operator === undefined || !isObject(byKey)) return unknownOf(name);
  return and(
    Object.entries(byKey).map(([key, raw]) => {
      const values = policyValues(raw);
      if (values === undefined) return unknownOf(key);
      return operator.base === 'Null'
        ? evaluateNull(key, values, lookup)
        : evaluateKey(operator, operator.base, key, values, lookup, variables);
    }),
  );
}

// `true` and `"true"` are the same policy value; anything but scalars and non-empty lists of them
// is not one.
function policyValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return undefined;
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else return undefined;
  }
  return out;
}

// A key with no value, or an empty list of values, is treated as absent. A context read as a plain
// object answers `constructor` with a function, not values: that is nothing we know.
function requestValues(kv: KeyValue): string[] | 'absent' | 'unknown' {
  if (kv.kind === 'unknown' || (kv.kind === 'values' && !Array.isArray(kv.values))) return 'unknown';
  if (kv.kind === 'absent' || kv.values.length === 0) return 'absent';
  return kv.values;
}

function evaluateNull(key: string, values: string[], lookup: KeyLookup): Tri {
  const wanted = values.map((v) => v.toLowerCase());
  if (wanted.some((v) => v !== 'true' && v !== 'false')) return unknownOf(key);
  const request = requestValues(lookup(key));
  if (request === 'unknown') return unknownOf(key);
  return wanted.includes(request === 'absent' ? 'true' : 'false') ? TRUE : FALSE;
}

function evaluateKey(
  operator: Operator,
  base: BaseOperator,
  key: string,
  values: string[],
  lookup: KeyLookup,
  variables: boolean,
): Tri {
  const request = requestValues(lookup(key));
  if (request === 'absent') return absentKey(operator, base);
  const resolveVars = variables && VARIABLE_FAMILIES.has(base.family);
  const patterns = values.map((v) => (resolveVars ? resolveText(v, lookup) : literalPattern(v)));
  if (request === 'unknown') {
    // Values that all name a variable with no value (`${aws:username}` for a role) compare false
    // with whatever the key holds, so only its absence could make the test pass.
    const comparesNothing = patterns.every((p) => p.kind === 'noMatch');
    if (comparesNothing && absentKey(operator, base).v === false) return FALSE;
    return unknownOf(key, ...patterns.flatMap((p) => (p.kind === 'unknown' ? p.keys : [])));
  }
  const test = (r: string) => valueTest(base, key, r, patterns);
  if (operator.set === 'ForAllValues') return and(request.map(test));
  if (operator.set === 'ForAnyValue') return or(request.map(test));
  const [only] = request;
  if (request.length === 1 && only !== undefined) return test(only);
  // "Multivalued context keys require a condition set operator" (Single-valued vs. multivalued
  // context keys), and AWS documents nothing for one without. Where "any value matches" and "every
  // value matches" agree, either reading gives the answer; where they differ, it depends on how
  // IAM reads the policy, which we do not know, so the key is named instead of guessed.
  const some = or(request.map(test));
  const every = and(request.map(test));
  if (some.v === every.v) return some.v === 'unknown' ? unknownOf(...some.keys, ...every.keys) : some;
  return unknownOf(key, ...some.keys, ...every.keys);
}

// "If the key … is not present in the request context, the values do not match and the condition
// is false. If the policy condition requires that the key is not matched, such as StringNotLike or
// ArnNotLike, and the right key is not present, the condition is true" (Condition operators).
// IfExists makes an absent key pass; ForAllValues holds over an empty set; ForAnyValue does not.
function absentKey(operator: Operator, base: BaseOperator): Tri {
  if (operator.ifExists || operator.set === 'ForAllValues') return TRUE;
  if (operator.set === 'ForAnyValue') return FALSE;
  return base.negated ? TRUE : FALSE;
}

// One request value against the policy's values: OR of matches, or for a Not… operator, NOR. A
// policy value whose variable has no value matches nothing. Under a Not… operator that would make
// the comparison hold, but AWS only says such a variable "might cause the entire statement to be
// invalid": whether a Deny then applies is not known, so it is unknown rather than guessed.
function valueTest(base: BaseOperator, key: string, request: string, patterns: Resolved[]): Tri {
  const comparisons = patterns.map((p): Tri => {
    if (p.kind === 'noMatch') return base.negated ? unknownOf(key) : FALSE;
    if (p.kind === 'unknown') return unknownOf(...p.keys);
    const match = tri(base.match(request, p.pattern), key);
    return base.negated ? not(match) : match;
  });
  return base.negated ? and(comparisons) : or(comparisons);
}

function boolEquals(request: string, pattern: string): Truth {
  const [r, p] = [request.toLowerCase(), literalOf(pattern).toLowerCase()];
  const isBool = (s: string) => s === 'true' || s === 'false';
  return isBool(r) && isBool(p) ? r === p : 'unknown';
}

function binaryEquals(request: string, pattern: string): Truth {
  const p = literalOf(pattern);
  const isBase64 = (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
  if (!isBase64(request) || !isBase64(p)) return 'unknown';
  return Buffer.from(request, 'base64').equals(Buffer.from(p, 'base64'));
}

// A bare address in the policy is a /32 (or /128); an address of the other family never matches.
function ipInRange(request: string, pattern: string): Truth {
  const [address, range] = [parseCidr(request), parseCidr(literalOf(pattern))];
  if (address === undefined || range === undefined) return 'unknown';
  return contains(range, address);
}

// "Each of the six colon-delimited components of the ARN is checked separately", each a
// case-sensitive glob; the resource part keeps its own colons. A value that is not an ARN matches
// nothing; a policy pattern of fewer than six parts is one AWS does not describe.
function arnLike(request: string, pattern: string): Truth {
  const patternParts = arnParts(pattern);
  if (patternParts === undefined) return 'unknown';
  const requestParts = arnParts(request);
  if (requestParts === undefined) return false;
  return patternParts.every((p, i) => globMatch(p, requestParts[i] ?? ''));
}

function arnParts(text: string): string[] | undefined {
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function parseNumber(text: string): number | undefined {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : undefined;
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 date (a time without a zone is UTC, never the local
 * zone of the machine running us) or of epoch seconds; undefined for anything else.
 */
export function parseDate(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const m = ISO_8601.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(`0.${frac || '0'}`) * 1000);
  const check = new Date(ms);
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  )
    return undefined;
  return ms - zoneOffsetMinutes(zone) * 60_000;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
