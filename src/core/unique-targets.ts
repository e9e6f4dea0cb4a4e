import type { FunctionRef, Target } from './validate.js';

/** Inputs that named one function, worked on once as the first of them. */
export interface MergedTargets<T extends Target> {
  kept: T;
  merged: T[];
}

/**
 * One target per function, in the order first named. A name, its partial ARN and its full ARN
 * are one function (the ARNs' region is the run's: a full ARN of another region is refused
 * before this); a qualified target (`:alias`, `:3`) is a different one, `:$LATEST` the same as
 * none. `accountOf` tells a plain name's account once it is known (from GetFunction's
 * FunctionArn); unknown, a name is merged with the same name only.
 */
export function uniqueTargets<T extends Target>(
  targets: readonly T[],
  accountOf: (target: T) => string | undefined = (t) => t.ref.accountId,
): { targets: T[]; merges: MergedTargets<T>[] } {
  const byKey = new Map<string, MergedTargets<T>>();
  for (const target of targets) {
    const key = functionKey(target.ref, accountOf(target));
    const group = byKey.get(key);
    if (group) group.merged.push(target);
    else byKey.set(key, { kept: target, merged: [] });
  }
  const groups = [...byKey.values()];
  return { targets: groups.map((g) => g.kept), merges: groups.filter((g) => g.merged.length > 0) };
}

/**
 * The plain names whose account must be known to tell them from an ARN also given: those
 * sharing a function name (and qualifier) with a target that names an account.
 */
export function namesToResolve<T extends Target>(targets: readonly T[]): T[] {
  const withAccount = new Set(
    targets.filter((t) => t.ref.accountId !== undefined).map((t) => functionKey(t.ref, '')),
  );
  const seen = new Set<string>();
  return targets.filter((t) => {
    if (t.ref.accountId !== undefined || !withAccount.has(functionKey(t.ref, ''))) return false;
    if (seen.has(t.ref.id)) return false;
    seen.add(t.ref.id);
    return true;
  });
}

/** What the user is told about one merge. */
export function mergeNote<T extends Target>({ kept, merged }: MergedTargets<T>): string {
  const inputs = [kept, ...merged].map((t) => `'${t.input}'`);
  const named = new Set([kept, ...merged].map((t) => t.input)).size === 1;
  return named
    ? `${inputs[0]} was named ${inputs.length} times: worked on once.`
    : `${inputs.join(', ')} are the same function: worked on once, as '${kept.input}'.`;
}

const functionKey = (ref: FunctionRef, account: string | undefined) =>
  JSON.stringify([account ?? null, ref.name, ref.qualifier === '$LATEST' ? null : (ref.qualifier ?? null)]);
