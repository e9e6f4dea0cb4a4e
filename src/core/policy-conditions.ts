// The Condition element and policy variables, evaluated in three values: a condition holds, does
// not hold, or depends on a key whose value is not known (then the key is named).
import type { KeyValue } from './request-facts.js';

export type Truth = true | false | 'unknown';

export interface ConditionResult {
  result: Truth;
  /** The keys whose unknown value left the result open (empty unless result is 'unknown'). */
  unknownKeys: string[];
}

export type KeyLookup = (key: string) => KeyValue;

/**
 * A statement's whole Condition block: every operator must hold, every key of an operator must
 * hold, and a key holds when any of the policy's values matches (AWS's documented semantics).
 */
export function evaluateCondition(condition: Record<string, unknown>, lookup: KeyLookup): ConditionResult {
  // Placeholder until the operators land: any condition is open.
  const keys = Object.values(condition).flatMap((byKey) =>
    typeof byKey === 'object' && byKey !== null ? Object.keys(byKey) : [],
  );
  void lookup;
  return keys.length === 0 ? { result: true, unknownKeys: [] } : { result: 'unknown', unknownKeys: keys };
}

export type Substitution =
  | { kind: 'value'; value: string }
  /** A variable with no value and no default: in Resource the statement matches nothing. */
  | { kind: 'noMatch' }
  | { kind: 'unknown'; keys: string[] };

/** Replaces the `${…}` policy variables of a Resource or condition value. */
export function substituteVariables(text: string, lookup: KeyLookup): Substitution {
  void lookup;
  return text.includes('${') ? { kind: 'unknown', keys: [text] } : { kind: 'value', value: text };
}
